// The worker's hub (phone first): the passport key is made here with
// WebCrypto and never leaves this browser; the identity and its salt are
// sealed beside it. From here the worker asks an employer to set up the
// passport (the enrolment request), reads their passport as of any date,
// shares chosen records, and gives or withdraws an employer's permission to
// read it.

import { create } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { DisclosureSchema, RecordState, type PassportView, type RecordRef } from "../gen/skillspassport/v1/passport_pb.js";
import { RecordSchema, type Date as ProtoDate, type Record } from "../gen/skillspassport/v1/records_pb.js";
import {
  accessToken, enrolmentRequest, importSeed, makePresentation, newRecord, presentationText, rebindRequest, signRecord,
  type SigningKey,
} from "../sign/index.js";
import { dayNumber, hex, identityCommitment, passportIdOf, utf8 } from "../verify/index.js";
import { MIN_PASSPHRASE, openBackup, sealBackup, type BackupContents } from "./backup.js";
import { load, save } from "./keystore.js";
import { qrCode } from "./qr.js";
import { careCertificateStandard } from "./reference.js";
import { refusalOf } from "./refusal.js";
import { checklistOf, roleAnswer, roleField } from "./roles.js";
import { passportService } from "./api.js";
import { loadServiceKey } from "./service.js";
import {
  byId, checked, choices, dateInput, dateValue, field, h, linkErrorSummary, showErrors, textInput, textarea, today, value,
  type Day, type FieldError,
} from "./ui.js";
import { day, describe } from "./words.js";

interface Hub {
  key: SigningKey; // the passport key, non-extractable (its seed is only in the sealed backup)
  passportId: Uint8Array;
  organisationId: string; // who checks the identity
  backup: Uint8Array; // the backup file, sealed under the worker's passphrase
  rebinding: boolean; // this phone asks to take over a passport (else to enrol one)
  // The identity and its salt, sealed under a non-extractable AES-GCM key:
  // iv (12) || AES-GCM(JSON {identity, salt}). Absent once erased, or after a rebinding.
  vaultKey?: CryptoKey;
  vault?: Uint8Array;
}
const HUB = "hub";
let hub: Hub | undefined;
const api = passportService();
const service = await loadServiceKey();

// ---- the identity vault ----

async function seal(identity: string, salt: Uint8Array): Promise<Pick<Hub, "vaultKey" | "vault">> {
  const vaultKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, vaultKey,
    utf8(JSON.stringify({ identity, salt: hex(salt) })) as BufferSource);
  return { vaultKey, vault: new Uint8Array([...iv, ...new Uint8Array(sealed)]) };
}

async function unseal({ vaultKey, vault }: Hub): Promise<{ identity: Uint8Array; salt: Uint8Array } | undefined> {
  if (!vaultKey || !vault) return undefined;
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: vault.subarray(0, 12) as BufferSource }, vaultKey,
    vault.subarray(12) as BufferSource);
  const { identity, salt } = JSON.parse(new TextDecoder().decode(plain)) as { identity: string; salt: string };
  return { identity: utf8(identity), salt: Uint8Array.from(salt.match(/../g) ?? [], (b) => parseInt(b, 16)) };
}

// ---- setting up: a new passport, a restored one, or one moved here ----

const ORGANISATION = /^(CQC|ODS):\S+$/;

function secret(form: string, name: string, label: string, hint?: string): HTMLElement {
  const group = textInput({ form, name, label, width: 20, hint });
  group.querySelector("input")!.type = "password";
  return group;
}

const passphraseFields = (form: string): HTMLElement[] => [secret(form, "passphrase", "A passphrase for your backup",
  `At least ${MIN_PASSPHRASE} characters. You need it to carry on your passport on a new phone: nobody can reset it`),
secret(form, "passphrase_again", "The passphrase again")];

function checkPassphrase(form: HTMLFormElement, errors: FieldError[]): string {
  const passphrase = (field(form, "passphrase") as HTMLInputElement).value;
  if (passphrase.length < MIN_PASSPHRASE) {
    errors.push([field(form, "passphrase"), `Enter a passphrase of at least ${MIN_PASSPHRASE} characters`]);
  } else if (passphrase !== (field(form, "passphrase_again") as HTMLInputElement).value) {
    errors.push([field(form, "passphrase_again"), "The two passphrases are not the same"]);
  }
  return passphrase;
}

// The key made from a fresh seed, sealed into the backup before the seed is wiped.
async function start(contents: Omit<BackupContents, "seed">, passphrase: string, rebinding: boolean): Promise<void> {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  try {
    const key = await importSeed(seed);
    const passportId = rebinding ? contents.passportId : passportIdOf(key.publicKey);
    const backup = await sealBackup({ ...contents, seed, passportId }, passphrase);
    const vault = contents.identity && contents.salt ? await seal(contents.identity, contents.salt) : {};
    hub = { key, passportId, organisationId: contents.organisationId, backup, rebinding, ...vault };
  } finally {
    seed.fill(0);
  }
  await save(HUB, hub);
}

function renderSetup(): void {
  const form = byId<HTMLFormElement>("enrol");
  form.replaceChildren(
    textarea({ form: "enrol", name: "identity", label: "Your full name and date of birth", rows: 2,
      hint: "Exactly as on the identity document you show. They stay on this phone: only a fingerprint of them goes on your passport" }),
    textInput({ form: "enrol", name: "organisation_id", label: "The ID of the employer checking your identity", width: 20,
      hint: "They will tell you. It looks like CQC:1-101641521 or ODS:RY1" }),
    ...passphraseFields("enrol"),
    h("button", { class: "nhsuk-button", type: "submit" }, "Make my enrolment request"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const identity = value(form, "identity");
    const organisationId = value(form, "organisation_id");
    const errors: FieldError[] = [];
    if (!identity) errors.push([field(form, "identity"), "Enter your full name and date of birth"]);
    if (!ORGANISATION.test(organisationId)) {
      errors.push([field(form, "organisation_id"), "Enter the employer's ID, like CQC:1-101641521 or ODS:RY1"]);
    }
    const passphrase = checkPassphrase(form, errors);
    showErrors(errors);
    if (errors.length) return;
    await start({ passportId: new Uint8Array(), organisationId, identity,
      salt: crypto.getRandomValues(new Uint8Array(32)) }, passphrase, false);
    await showRequest();
  };

  const restore = byId<HTMLFormElement>("restore");
  restore.replaceChildren(
    h("div", { class: "nhsuk-form-group" },
      h("label", { class: "nhsuk-label", for: "restore-file" }, "Your backup file"),
      h("div", { class: "nhsuk-hint", id: "restore-file-hint" }, "The file you saved, called skills-passport-backup"),
      h("input", { class: "nhsuk-file-upload__input", id: "restore-file", name: "file", type: "file",
        "aria-describedby": "restore-file-hint", "data-label": "Backup file" })),
    secret("restore", "passphrase", "Your backup's passphrase"),
    h("button", { class: "nhsuk-button", type: "submit" }, "Restore my passport"));
  restore.onsubmit = async (event) => {
    event.preventDefault();
    const fileInput = byId<HTMLInputElement>("restore-file");
    const file = fileInput.files?.[0];
    const passphrase = (field(restore, "passphrase") as HTMLInputElement).value;
    const errors: FieldError[] = [];
    if (!file) errors.push([fileInput, "Choose your backup file"]);
    if (!passphrase) errors.push([field(restore, "passphrase"), "Enter your backup's passphrase"]);
    showErrors(errors);
    if (errors.length || !file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const opened = await openBackup(bytes, passphrase);
    if ("field" in opened) return showErrors([[opened.field === "file" ? fileInput : field(restore, "passphrase"), opened.message]]);
    try {
      const key = await importSeed(opened.seed);
      const vault = opened.identity && opened.salt ? await seal(opened.identity, opened.salt) : {};
      hub = { key, passportId: opened.passportId, organisationId: opened.organisationId, backup: bytes,
        rebinding: hex(passportIdOf(key.publicKey)) !== hex(opened.passportId), ...vault };
    } finally {
      opened.seed.fill(0);
    }
    await save(HUB, hub);
    await showPassport();
  };

  const rebind = byId<HTMLFormElement>("rebind");
  rebind.replaceChildren(
    textInput({ form: "rebind", name: "passport_id", label: "Your passport ID", width: 30,
      hint: "32 letters and numbers. It is on any passport code you shared, or your employer can find it" }),
    textInput({ form: "rebind", name: "organisation_id", label: "The ID of the employer checking your identity", width: 20,
      hint: "They will tell you. It looks like CQC:1-101641521 or ODS:RY1" }),
    ...passphraseFields("rebind"),
    h("button", { class: "nhsuk-button", type: "submit" }, "Make my request to move my passport"));
  rebind.onsubmit = async (event) => {
    event.preventDefault();
    const text = value(rebind, "passport_id").replace(/\s+/g, "").toLowerCase();
    const organisationId = value(rebind, "organisation_id");
    const errors: FieldError[] = [];
    if (!/^[0-9a-f]{32}$/.test(text)) {
      errors.push([field(rebind, "passport_id"), "Enter your passport ID: 32 letters and numbers, like 1a2b 3c4d ..."]);
    }
    if (!ORGANISATION.test(organisationId)) {
      errors.push([field(rebind, "organisation_id"), "Enter the employer's ID, like CQC:1-101641521 or ODS:RY1"]);
    }
    const passphrase = checkPassphrase(rebind, errors);
    showErrors(errors);
    if (errors.length) return;
    await start({ passportId: Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16)), organisationId },
      passphrase, true);
    await showRequest();
  };
}

async function showRequest(): Promise<void> {
  if (!hub) return;
  const identity = await unseal(hub);
  const text = hub.rebinding ? await rebindRequest(hub.key, hub.passportId, hub.organisationId, "lost device")
    : identity ? await enrolmentRequest(hub.key, identityCommitment(identity.salt, identity.identity), hub.organisationId)
    : undefined;
  if (!text) return;
  byId<HTMLTextAreaElement>("request-text").value = text;
  byId("request-heading").textContent = hub.rebinding ? "Show this to the person checking your identity to move your passport here"
    : "Show this to the person checking your identity";
  byId("request-qr").replaceChildren(qrCode(text, "QR code of your request") ?? "");
  show("request");
  byId("request").focus();
}

function show(section: "setup" | "request" | "passport"): void {
  for (const id of ["setup", "request", "passport"]) byId(id).hidden = id !== section;
  // The backup file, to save again at any time.
  if (hub) {
    const url = URL.createObjectURL(new Blob([hub.backup as BlobPart], { type: "application/json" }));
    document.querySelectorAll<HTMLAnchorElement>(".skp-backup-link").forEach((a) => (a.href = url));
  }
}

// ---- my passport ----

const authorised = async () => ({ headers: { authorization: `Bearer ${await accessToken(hub!.key, service!.name)}` } });
let view: PassportView | undefined;
const passportId = () => hub!.passportId;

async function showPassport(asOf?: Day): Promise<void> {
  showErrors([]);
  try {
    view = await api.getPassport({ passportId: passportId(), asOf }, await authorised());
  } catch (error) {
    // Not set up yet: the service does not know this key.
    if (error instanceof ConnectError && /not (registered|trusted|known)|no passport|unknown key/i.test(error.rawMessage)) {
      return showErrors([[byId("request-done"), "Your passport is not set up yet: show your enrolment request to your employer"]]);
    }
    return showErrors([[field(byId<HTMLFormElement>("as-of"), "as_of"), refusalOf(error).sentence]]);
  }
  show("passport");
  byId("passport-id").textContent = hex(passportId()).replace(/(.{4})(?!$)/g, "$1 ");
  byId("passport-id").dataset.passportId = hex(passportId());
  renderView(view);
  renderShare(view);
  renderErase();
}

const recordOf = (kind: Record["kind"]) => create(RecordSchema, { kind });

function stateTag(ref: RecordRef | undefined, flag?: [string, string]): HTMLElement {
  const [text, colour] = flag ?? ({
    [RecordState.VALID]: ["Valid", "green"], [RecordState.EXPIRED]: ["Expired", "red"],
    [RecordState.REVOKED]: ["Revoked", "red"], [RecordState.SUSPENDED]: ["Suspended", "yellow"],
  } as { [s: number]: [string, string] })[ref?.state ?? 0] ?? ["Unknown", "grey"];
  return h("strong", { class: `nhsuk-tag nhsuk-tag--${colour}` }, text);
}

// Training flagged as ASC-WDS flags it: expired, or expiring within 30, 60 or 90 days.
function expiryFlag(until: ProtoDate | undefined, asOf: ProtoDate): [string, string, string] | undefined {
  if (!until) return undefined;
  const days = dayNumber(until) - dayNumber(asOf);
  if (days < 0) return ["Expired", "red", "expired"];
  if (days <= 30) return ["Expires within 30 days", "orange", "30"];
  if (days <= 60) return ["Expires within 60 days", "yellow", "60"];
  if (days <= 90) return ["Expires within 90 days", "yellow", "90"];
  return undefined;
}

function item(id: Uint8Array | undefined, tag: HTMLElement, text: string, extra: { [name: string]: string } = {}): HTMLElement {
  return h("li", { class: "skp-record", "data-record-id": hex(id ?? new Uint8Array()), ...extra },
    h("p", {}, tag), h("p", {}, text));
}

function section(title: string, items: HTMLElement[], empty: string): HTMLElement[] {
  return [h("h3", {}, title), items.length ? h("ul", { class: "skp-records" }, ...items) : h("p", {}, empty)];
}

function renderView(v: PassportView): void {
  const asOf = v.asOf!;
  const careCertificates = v.careCertificates.map((c) => {
    const titles = careCertificateStandard[c.version];
    const total = c.standardsMet.length + c.standardsMissing.length;
    return h("li", { class: "skp-record", "data-care-certificate": String(c.version) },
      h("p", {}, c.complete ? stateTag(undefined, ["Complete", "green"]) : stateTag(undefined, ["In progress", "blue"])),
      h("p", {}, `Care Certificate (${c.version}): ${c.standardsMet.length} of ${total} standards met`),
      ...(c.standardsMissing.length ? [h("p", { class: "nhsuk-body-s" }, `Still to do: ${c.standardsMissing
        .map((s) => `${s}. ${titles?.get(s) ?? ""}`).join("; ")}`)] : []));
  });
  byId("view").replaceChildren(
    h("p", { class: "nhsuk-body-s" }, `As on ${day(asOf)}.`),
    ...section("Jobs", v.employments.map((e) => item(e.ref?.recordId,
      stateTag(e.ref, e.active ? ["Current job", "green"] : e.ended ? ["Ended", "grey"] : undefined),
      `${describe(recordOf({ case: "employmentStarted", value: e.started! }))}${e.ended
        ? `. Left on ${day(e.ended.endDate)}${e.ended.reason ? ` (${e.ended.reason})` : ""}` : ""}`)), "No jobs yet."),
    ...section("Care Certificate", careCertificates, "No Care Certificate standards yet."),
    ...section("Training and qualifications", v.credentials.map((c) => {
      const flag = c.ref?.state === RecordState.VALID || c.ref?.state === RecordState.EXPIRED
        ? expiryFlag(c.credential?.validUntil, asOf) : undefined;
      return item(c.ref?.recordId, stateTag(c.ref, flag ? [flag[0], flag[1]] : undefined),
        describe(recordOf({ case: "credentialIssued", value: c.credential! })), { "data-expiry": flag?.[2] ?? "none" });
    }), "No training yet."),
    ...section("Healthcare activities", [
      ...v.competencies.map((c) => item(c.ref?.recordId, stateTag(c.ref),
        describe(recordOf({ case: "competencyAssessed", value: c.competency! })))),
      ...v.delegations.map((d) => item(d.ref?.recordId,
        stateTag(d.ref, d.withdrawn ? ["Withdrawn", "grey"] : d.reviewOverdue ? ["Review overdue", "orange"] : undefined),
        `${describe(recordOf({ case: "activityDelegated", value: d.delegation! }))}. Next review by ${day(d.reviewBy)}`)),
    ], "No delegated healthcare activities yet."),
    ...section("Employers who may read my passport", v.consents.map((c) => {
      const li = item(c.ref?.recordId, stateTag(c.ref, c.live ? ["Allowed", "green"] : ["Not allowed", "grey"]),
        describe(recordOf({ case: "consentGranted", value: c.consent! })));
      if (c.live) {
        const button = h("button", { class: "nhsuk-button nhsuk-button--secondary nhsuk-button--small", type: "button" },
          "Withdraw permission", h("span", { class: "nhsuk-u-visually-hidden" }, ` for ${c.consent!.granteeOrganisationId}`));
        button.addEventListener("click", () => void submitOwn(newRecord({ case: "consentWithdrawn",
          value: { consentId: c.consent!.consentId, passportId: passportId() } }), button));
        li.append(button);
      }
      return li;
    }), "You have not let any employer read your passport."));
}

// Records the worker signs themselves (consents), then the passport again.
async function submitOwn(record: Record, near: HTMLElement): Promise<void> {
  try {
    await api.submit({ entry: await signRecord(record, hub!.key) });
  } catch (error) {
    return showErrors([[near, refusalOf(error).sentence]]);
  }
  await showPassport(view?.asOf);
}

// ---- sharing ----

// What can be shared: each valid record, and each Care Certificate version as
// one choice of all its valid standards. [record ids, words] each.
function shareable(v: PassportView): [Uint8Array[], string][] {
  const one = (ref: RecordRef | undefined, kind: Record["kind"]): [Uint8Array[], string][] =>
    ref?.state === RecordState.VALID ? [[[ref.recordId], describe(recordOf(kind))]] : [];
  return [
    ...v.employments.flatMap((e) => one(e.ref, { case: "employmentStarted", value: e.started! })),
    ...v.careCertificates.flatMap((c) => {
      const valid = c.records.filter((r) => r.state === RecordState.VALID).map((r) => r.recordId);
      return valid.length ? [[valid, `Care Certificate (${c.version}): the ${c.standardsMet.length} standards met`] as [Uint8Array[], string]] : [];
    }),
    ...v.credentials.flatMap((c) => one(c.ref, { case: "credentialIssued", value: c.credential! })),
    ...v.competencies.flatMap((c) => one(c.ref, { case: "competencyAssessed", value: c.competency! })),
    ...v.delegations.flatMap((d) => one(d.ref, { case: "activityDelegated", value: d.delegation! })),
  ];
}

function renderShare(v: PassportView): void {
  const form = byId<HTMLFormElement>("share");
  const records = shareable(v);
  form.replaceChildren(
    choices({ form: "share", name: "records", type: "checkbox", small: true, label: "Records to share",
      hint: "Your current, valid records. Tick the ones to share", options: records.map(([ids, text]) => [ids.map(hex).join(","), text]) }),
    ...(hub?.vault ? [choices({ form: "share", name: "identity", type: "checkbox", label: "Your identity",
      options: [["yes", "Also share my name and date of birth as checked when my passport was set up"]] })] : []),
    textInput({ form: "share", name: "audience", label: "The employer's ID", width: 20,
      hint: "Only this employer can use what you share. Like ODS:RY1 or CQC:1-101641521" }),
    choices({ form: "share", name: "expires", type: "radio", label: "How long they can use it", options: [
      ["3600", "1 hour"], ["86400", "1 day"], ["604800", "7 days"], ["2592000", "30 days"]] }),
    h("div", { class: "nhsuk-button-group" },
      h("button", { class: "nhsuk-button", type: "submit" }, "Make the code to share"),
      h("button", { class: "nhsuk-button nhsuk-button--secondary", type: "button", id: "share-vc" },
        "Download as verifiable credentials")));
  const all = form.querySelectorAll<HTMLInputElement>('input[name="records"]');
  all.forEach((i) => (i.checked = true));
  // W3C credentials for a digital wallet: no audience or expiry of ours.
  byId<HTMLButtonElement>("share-vc").onclick = async () => {
    const chosen = checked(form, "records").flatMap((ids) => ids.split(","));
    const errors: FieldError[] = chosen.length ? [] : [[field(form, "records"), "Tick at least one record to download"]];
    if (chosen.length > 64) errors.push([field(form, "records"), "Download at most 64 records at once"]);
    showErrors(errors);
    if (errors.length) return;
    try {
      const { credentials } = await api.issueCredentials({ passportId: passportId(),
        recordIds: chosen.map((x) => Uint8Array.from(x.match(/../g)!, (b) => parseInt(b, 16))) }, await authorised());
      const file = URL.createObjectURL(new Blob([`${credentials.join("\n")}\n`], { type: "application/vc+jwt" }));
      byId("shared").replaceChildren(
        h("h3", { id: "shared-heading" }, `${credentials.length} verifiable credential${credentials.length > 1 ? "s" : ""} ready`),
        h("p", {}, "W3C Verifiable Credentials, signed by this service, one per line: a digital wallet or any verifier of such credentials can read them."),
        h("p", {}, h("a", { href: file, id: "shared-vc-file", download: "skills-passport-credentials.jwt",
          "data-count": String(credentials.length) }, "Save the credentials as a file")));
      byId("shared").hidden = false;
      byId("shared").focus();
    } catch (error) {
      showErrors([[field(form, "records"), refusalOf(error).sentence]]);
    }
  };
  form.onsubmit = async (event) => {
    event.preventDefault();
    const chosen = checked(form, "records").flatMap((ids) => ids.split(","));
    const audience = value(form, "audience");
    const [expires] = checked(form, "expires");
    const errors: FieldError[] = [];
    if (!chosen.length) errors.push([field(form, "records"), "Tick at least one record to share"]);
    if (chosen.length > 63) errors.push([field(form, "records"), "Share at most 63 records at once"]);
    if (!/^(CQC|ODS):\S+$/.test(audience)) errors.push([field(form, "audience"), "Enter the employer's ID, like ODS:RY1"]);
    if (!expires) errors.push([field(form, "expires"), "Choose how long they can use it"]);
    showErrors(errors);
    if (errors.length) return;
    const withIdentity = checked(form, "identity").length > 0;
    const ids = [...(withIdentity && v.enrolment ? [hex(v.enrolment.recordId)] : []), ...chosen]
      .map((x) => Uint8Array.from(x.match(/../g)!, (b) => parseInt(b, 16)));
    try {
      const bundle = await api.present({ passportId: passportId(), recordIds: ids }, await authorised());
      const identity = withIdentity ? await unseal(hub!) : undefined;
      const disclosure = identity ? create(DisclosureSchema, identity) : undefined;
      const bytes = await makePresentation(hub!.key, bundle, audience,
        new Date(Date.now() + Number(expires) * 1000), disclosure);
      renderShared(bytes, audience);
    } catch (error) {
      showErrors([[field(form, "records"), refusalOf(error).sentence]]);
    }
  };
}

// The presentation as a QR code (when it fits in one), a link to the Verify
// page, a file and its text.
function renderShared(bytes: Uint8Array, audience: string): void {
  const text = presentationText(bytes);
  const link = `${location.origin}/verify#${text}`;
  const file = URL.createObjectURL(new Blob([bytes as BlobPart], { type: "application/octet-stream" }));
  byId("shared").replaceChildren(
    h("h3", { id: "shared-heading" }, `Ready to share with ${audience}`),
    h("p", {}, "Let them scan the QR code, send them the link or the file, or copy the code into their Verify page. Anyone else who sees it cannot use it."),
    qrCode(text, `QR code of what you share with ${audience}`) ??
      h("p", { id: "shared-no-qr" }, "This is too much for one QR code: send the link or the file, or share fewer records."),
    h("p", {}, h("a", { href: link, id: "shared-link", class: "skp-key" }, "Open the Verify page with this code")),
    h("p", {}, h("a", { href: file, id: "shared-file", download: `skills-passport-for-${audience.replace(/[^A-Za-z0-9-]/g, "-")}.spp` },
      "Save it as a file to send")),
    h("label", { class: "nhsuk-label", for: "shared-text" }, "The code"),
    Object.assign(h("textarea", { class: "nhsuk-textarea skp-key", id: "shared-text", rows: "4", readonly: "" }), { value: text }));
  byId("shared").hidden = false;
  byId("shared").focus();
}

// ---- permission for an employer to read ----

function renderConsent(): void {
  const form = byId<HTMLFormElement>("consent");
  form.replaceChildren(
    textInput({ form: "consent", name: "grantee_organisation_id", label: "The employer's ID", width: 20,
      hint: "They can then read your whole passport until the date you choose. Like ODS:RY1" }),
    dateInput({ form: "consent", name: "expires_at", label: "Until", hint: "For example, 27 3 2027" }),
    h("button", { class: "nhsuk-button", type: "submit" }, "Give permission"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const grantee = value(form, "grantee_organisation_id");
    const until = dateValue(form, "expires_at");
    const errors: FieldError[] = [];
    if (!/^(CQC|ODS):\S+$/.test(grantee)) errors.push([field(form, "grantee_organisation_id"), "Enter the employer's ID, like ODS:RY1"]);
    if (typeof until === "string") errors.push([field(form, "expires_at"), until]);
    else if (dayNumber(until) <= dayNumber(today())) errors.push([field(form, "expires_at"), "The date must be in the future"]);
    showErrors(errors);
    if (errors.length || typeof until === "string") return;
    await submitOwn(newRecord({ case: "consentGranted", value: {
      consentId: hex(crypto.getRandomValues(new Uint8Array(8))), passportId: passportId(), granteeOrganisationId: grantee,
      scope: "passport:read", expiresAt: BigInt(Date.UTC(until.year, until.month - 1, until.day) / 1000) } }),
    field(form, "grantee_organisation_id"));
    form.reset();
  };
}

// The date the passport is shown as of.
function renderAsOf(): void {
  const form = byId<HTMLFormElement>("as-of");
  form.replaceChildren(dateInput({ form: "as-of", name: "as_of", label: "Show my passport as on",
    hint: "Today, or another date. For example, 27 3 2027" }), h("button", { class: "nhsuk-button nhsuk-button--secondary", type: "submit" }, "Show"));
  form.onsubmit = (event) => {
    event.preventDefault();
    const asOf = dateValue(form, "as_of");
    if (typeof asOf === "string") return showErrors([[field(form, "as_of"), asOf]]);
    void showPassport(asOf);
  };
}

// ---- what my next role needs ----

function renderRole(): void {
  const form = byId<HTMLFormElement>("role");
  form.replaceChildren(roleField("role"), h("button", { class: "nhsuk-button nhsuk-button--secondary", type: "submit" },
    "Check my passport"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const role = value(form, "checklist");
    const checklist = checklistOf(role);
    if (!checklist) return showErrors([[field(form, "checklist"), "Choose a role"]]);
    showErrors([]);
    try {
      const answer = await api.requiredCredentials({ passportId: passportId(), checklist, asOf: view?.asOf },
        await authorised());
      const box = byId("role-answer");
      const share = h("button", { class: "nhsuk-button nhsuk-button--secondary", type: "button", id: "role-share" },
        "Share the records this role needs");
      // Ticks exactly the shareable records that meet an item of the role.
      share.addEventListener("click", () => {
        const needed = new Set(answer.results.flatMap((r) => r.recordIds.map(hex)));
        byId<HTMLFormElement>("share").querySelectorAll<HTMLInputElement>('input[name="records"]').forEach((i) => {
          i.checked = i.value.split(",").some((id) => needed.has(id));
        });
        byId("share-records").focus();
      });
      box.replaceChildren(...roleAnswer(role, answer, "Your passport"), ...(answer.satisfied ? [share] : []));
      box.hidden = false;
      box.focus();
    } catch (error) {
      showErrors([[field(form, "checklist"), refusalOf(error).sentence]]);
    }
  };
}

// ---- erasing the identity ----

// The identity leaves this phone and the backup: the backup is opened with
// the passphrase and sealed again without it (the old file still holds it).
function renderErase(): void {
  const form = byId<HTMLFormElement>("erase");
  form.hidden = byId("erase-heading").hidden = !hub?.vault;
  form.replaceChildren(secret("erase", "passphrase", "Your backup's passphrase", "To make your new backup file"),
    choices({ form: "erase", name: "sure", type: "checkbox", label: "Erasing cannot be undone",
      options: [["yes", "I understand I can no longer share my name and date of birth from my passport"]] }),
    h("button", { class: "nhsuk-button nhsuk-button--warning", type: "submit" }, "Erase my identity"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const passphrase = (field(form, "passphrase") as HTMLInputElement).value;
    const errors: FieldError[] = [];
    if (!passphrase) errors.push([field(form, "passphrase"), "Enter your backup's passphrase"]);
    if (!checked(form, "sure").length) errors.push([field(form, "sure"), "Confirm you understand erasing cannot be undone"]);
    showErrors(errors);
    if (errors.length || !hub) return;
    const opened = await openBackup(hub.backup, passphrase);
    if ("field" in opened) return showErrors([[field(form, "passphrase"), opened.message]]);
    const backup = await sealBackup({ ...opened, identity: undefined, salt: undefined }, passphrase);
    opened.seed.fill(0);
    hub = { ...hub, backup, vaultKey: undefined, vault: undefined };
    await save(HUB, hub);
    await showPassport(view?.asOf);
    byId("erased").hidden = false;
    byId("erased").focus();
  };
}

byId("request-again").addEventListener("click", () => void showRequest());
byId("request-done").addEventListener("click", () => void showPassport());
linkErrorSummary();
renderSetup();
renderAsOf();
renderConsent();
renderRole();
hub = await load<Hub>(HUB);
if (!hub) show("setup");
else await showPassport();
if (hub && !view) await showRequest();
document.body.classList.add("js-enabled"); // ready: key loaded, handlers on
