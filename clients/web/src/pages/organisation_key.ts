// The organisation's key, imported once into this browser (non-extractable)
// by the pages that sign for an organisation: the employer's desk and the
// workforce dashboard.
import { readKeyFile, type SigningKey } from "../sign/index.js";
import { byId, field, h, textInput, value, type FieldError } from "./ui.js";

export interface OrganisationKey {
  organisationId: string;
  keyName: string;
  key: SigningKey;
}

export const organisationIdInput = (hint: string) =>
  textInput({ form: "key", name: "organisation_id", label: "Your organisation's ID", width: 20, hint });

export const keyFileInput = () =>
  h("div", { class: "nhsuk-form-group" },
    h("label", { class: "nhsuk-label", for: "key-file" }, "Your organisation's key file"),
    h("div", { class: "nhsuk-hint", id: "key-file-hint" }, "The file the passport service gave your organisation. Its text starts with PRIVATE+KEY+"),
    h("input", { class: "nhsuk-file-upload__input", id: "key-file", name: "file", type: "file", "aria-describedby": "key-file-hint", "data-label": "Key file" }));

// The form's organisation ID, or an error naming `example` for its field.
export function organisationIdOf(form: HTMLFormElement, example: string, errors: FieldError[]): string {
  const organisationId = value(form, "organisation_id");
  if (!/^(CQC|ODS):\S+$/.test(organisationId)) {
    errors.push([field(form, "organisation_id"), `Enter your organisation's ID, like ${example}`]);
  }
  return organisationId;
}

// The chosen key file, imported non-extractable. Once the key is saved the
// caller clears the input, so the private key stays nowhere on the page.
export async function keyFromFileInput(errors: FieldError[]): Promise<{ keyName: string; key: SigningKey } | undefined> {
  const fileInput = byId<HTMLInputElement>("key-file");
  const file = fileInput.files?.[0];
  const read = file ? await readKeyFile(await file.text()) : "Choose your organisation's key file";
  if (typeof read === "string") {
    errors.push([fileInput, file ? `This file cannot be used: ${read}` : read]);
    return undefined;
  }
  return { keyName: read.name, key: read.key };
}
