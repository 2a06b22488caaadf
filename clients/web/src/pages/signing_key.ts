// The signer's key, imported once into this browser (non-extractable) by the
// pages that sign: an organisation's (the employer's desk, the workforce
// dashboard) or a registered professional's (the professional's page). Its
// form is #key, in a #key-section shown until a key is kept; #signed-in (or
// the page's own section) shows once it is.
import { readKeyFile, type SigningKey } from "../sign/index.js";
import { load, remove, save } from "./keystore.js";
import { ORGANISATION_VOICE, type Voice } from "./refusal.js";
import { byId, field, h, showErrors, textInput, value, type FieldError } from "./ui.js";

// Who holds the key, in the words of its form and of the node's refusals.
export interface KeyOwner extends Voice {
  idName: "organisation_id" | "professional_id"; // the key form's ID field (a record's field of that name)
  idLabel: string;
  idPattern: RegExp;
  fileLabel: string;
  fileHint: string;
}

export const ORGANISATION: KeyOwner = {
  idName: "organisation_id", idLabel: "Your organisation's ID", idPattern: /^(CQC|ODS):\S+$/,
  fileLabel: "Your organisation's key file",
  fileHint: "The file the passport service gave your organisation. Its text starts with PRIVATE+KEY+",
  ...ORGANISATION_VOICE,
};

export const PROFESSIONAL: KeyOwner = {
  idName: "professional_id", idLabel: "Your professional ID", idPattern: /^(NMC|HCPC|GMC|GPHC):[A-Z0-9]+$/,
  fileLabel: "Your key file",
  fileHint: "The file made for you when your employer registered you with the passport service. Its text starts with PRIVATE+KEY+",
  who: "You", whose: "Your",
};

const lowerFirst = (text: string) => text[0].toLowerCase() + text.slice(1);

export interface KeptKey {
  keyName: string;
  key: SigningKey;
}

// The key form: the owner's ID (`hint`, `example`), any `extra` fields, the
// key file. On a good submission `imported` gets the ID and the key (the
// page adds what its `extra` fields hold) and the file input is cleared, so
// the private key stays nowhere on the page.
function renderKeyForm(owner: KeyOwner, o: { hint: string; example: string; extra?: HTMLElement[];
  check?: (form: HTMLFormElement, errors: FieldError[]) => void;
  imported: (id: string, key: KeptKey) => Promise<void> }): void {
  const form = byId<HTMLFormElement>("key");
  form.replaceChildren(
    textInput({ form: "key", name: owner.idName, label: owner.idLabel, width: 20, hint: o.hint }),
    ...(o.extra ?? []),
    h("div", { class: "nhsuk-form-group" },
      h("label", { class: "nhsuk-label", for: "key-file" }, owner.fileLabel),
      h("div", { class: "nhsuk-hint", id: "key-file-hint" }, owner.fileHint),
      h("input", { class: "nhsuk-file-upload__input", id: "key-file", name: "file", type: "file",
        "aria-describedby": "key-file-hint", "data-label": "Key file" })),
    h("button", { class: "nhsuk-button", type: "submit" }, "Import the key"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const errors: FieldError[] = [];
    const id = value(form, owner.idName);
    if (!owner.idPattern.test(id)) errors.push([field(form, owner.idName), `Enter ${lowerFirst(owner.idLabel)}, like ${o.example}`]);
    o.check?.(form, errors);
    const fileInput = byId<HTMLInputElement>("key-file");
    const file = fileInput.files?.[0];
    const read = file ? await readKeyFile(await file.text()) : `Choose ${lowerFirst(owner.fileLabel)}`;
    if (typeof read === "string") errors.push([fileInput, file ? `This file cannot be used: ${read}` : read]);
    showErrors(errors);
    if (errors.length || typeof read === "string") return;
    fileInput.value = "";
    await o.imported(id, { keyName: read.name, key: read.key });
  };
}

// The page's key kept in IndexedDB under `store`: while there is none,
// #key-section asks for it (the form above, `made` turning the ID and key
// into what the page keeps); while there is one, #`shownWith` shows and
// #forget-key removes it. `render` runs on every change.
export async function keptKey<K extends KeptKey>(owner: KeyOwner, o: { store: string; shownWith: string;
  form: Omit<Parameters<typeof renderKeyForm>[1], "imported">; made: (id: string, key: KeptKey) => K;
  render: (kept: K | undefined) => void }): Promise<() => K | undefined> {
  let kept = await load<K>(o.store);
  const render = () => {
    byId("key-section").hidden = !!kept;
    byId(o.shownWith).hidden = !kept;
    if (!kept) {
      renderKeyForm(owner, { ...o.form, async imported(id, key) {
        kept = o.made(id, key);
        await save(o.store, kept);
        render();
      } });
    }
    o.render(kept);
  };
  byId("forget-key").addEventListener("click", async () => {
    await remove(o.store);
    kept = undefined;
    render();
  });
  render();
  return () => kept;
}
