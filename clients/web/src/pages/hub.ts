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
  accessToken, enrolmentRequest, generateKey, makePresentation, newRecord, presentationText, signRecord, type SigningKey,
} from "../sign/index.js";
import { dayNumber, hex, identityCommitment, passportIdOf, utf8 } from "../verify/index.js";
import { load, save } from "./keystore.js";
import { careCertificateStandard } from "./reference.js";
import { refusalOf } from "./refusal.js";
import { passportService } from "./api.js";
import { loadServiceKey } from "./service.js";
import {
  byId, checked, choices, dateInput, dateValue, field, h, linkErrorSummary, showErrors, textInput, textarea, today, value,
  type Day, type FieldError,
} from "./ui.js";
import { day, describe } from "./words.js";

interface Hub {
  key: SigningKey; // the passport key, non-extractable
  vaultKey: CryptoKey; // AES-GCM, non-extractable: seals the identity and salt
  vault: Uint8Array; // iv (12) || AES-GCM(JSON {identity, salt})
  organisationId: string; // who checks the identity at enrolment
}
const HUB = "hub";
let hub: Hub | undefined;
const api = passportService();
const service = await loadServiceKey();

// ---- the identity vault ----

async function seal(vaultKey: CryptoKey, identity: string, salt: Uint8Array): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, vaultKey,
    utf8(JSON.stringify({ identity, salt: hex(salt) })) as BufferSource);
  return new Uint8Array([...iv, ...new Uint8Array(sealed)]);
}

async function unseal({ vaultKey, vault }: Hub): Promise<{ identity: Uint8Array; salt: Uint8Array }> {
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: vault.subarray(0, 12) as BufferSource }, vaultKey,
    vault.subarray(12) as BufferSource);
  const { identity, salt } = JSON.parse(new TextDecoder().decode(plain)) as { identity: string; salt: string };
  return { identity: utf8(identity), salt: Uint8Array.from(salt.match(/../g) ?? [], (b) => parseInt(b, 16)) };
}

// ---- setting up: the enrolment request ----

function renderSetup(): void {
  const form = byId<HTMLFormElement>("enrol");
  form.replaceChildren(
    textarea({ form: "enrol", name: "identity", label: "Your full name and date of birth", rows: 2,
      hint: "Exactly as on the identity document you show. They stay on this phone: only a fingerprint of them goes on your passport" }),
    textInput({ form: "enrol", name: "organisation_id", label: "The ID of the employer checking your identity", width: 20,
      hint: "They will tell you. It looks like CQC:1-101641521 or ODS:RY1" }),
    h("button", { class: "nhsuk-button", type: "submit" }, "Make my enrolment request"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const identity = value(form, "identity");
    const organisationId = value(form, "organisation_id");
    const errors: FieldError[] = [];
    if (!identity) errors.push([field(form, "identity"), "Enter your full name and date of birth"]);
    if (!/^(CQC|ODS):\S+$/.test(organisationId)) {
      errors.push([field(form, "organisation_id"), "Enter the employer's ID, like CQC:1-101641521 or ODS:RY1"]);
    }
    showErrors(errors);
    if (errors.length) return;
    const salt = crypto.getRandomValues(new Uint8Array(32));
    const vaultKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    hub = { key: await generateKey(), vaultKey, vault: await seal(vaultKey, identity, salt), organisationId };
    await save(HUB, hub);
    await showRequest();
  };
}

async function showRequest(): Promise<void> {
  if (!hub) return;
  const { identity, salt } = await unseal(hub);
  const text = await enrolmentRequest(hub.key, identityCommitment(salt, identity), hub.organisationId);
  byId<HTMLTextAreaElement>("request-text").value = text;
  show("request");
  byId("request").focus();
}

function show(section: "setup" | "request" | "passport"): void {
  for (const id of ["setup", "request", "passport"]) byId(id).hidden = id !== section;
}

// ---- my passport ----

const authorised = async () => ({ headers: { authorization: `Bearer ${await accessToken(hub!.key, service!.name)}` } });
let view: PassportView | undefined;
const passportId = () => passportIdOf(hub!.key.publicKey);

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
    choices({ form: "share", name: "identity", type: "checkbox", label: "Your identity",
      options: [["yes", "Also share my name and date of birth as checked when my passport was set up"]] }),
    textInput({ form: "share", name: "audience", label: "The employer's ID", width: 20,
      hint: "Only this employer can use what you share. Like ODS:RY1 or CQC:1-101641521" }),
    choices({ form: "share", name: "expires", type: "radio", label: "How long they can use it", options: [
      ["3600", "1 hour"], ["86400", "1 day"], ["604800", "7 days"], ["2592000", "30 days"]] }),
    h("button", { class: "nhsuk-button", type: "submit" }, "Make the code to share"));
  const all = form.querySelectorAll<HTMLInputElement>('input[name="records"]');
  all.forEach((i) => (i.checked = true));
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
      const disclosure = withIdentity ? create(DisclosureSchema, await unseal(hub!)) : undefined;
      const bytes = await makePresentation(hub!.key, bundle, audience,
        new Date(Date.now() + Number(expires) * 1000), disclosure);
      renderShared(presentationText(bytes), audience);
    } catch (error) {
      showErrors([[field(form, "records"), refusalOf(error).sentence]]);
    }
  };
}

function renderShared(text: string, audience: string): void {
  const link = `${location.origin}/verify#${text}`;
  byId("shared").replaceChildren(
    h("h3", { id: "shared-heading" }, `Ready to share with ${audience}`),
    h("p", {}, "Send them this link, or copy the code into their Verify page. Anyone else who sees it cannot use it."),
    h("p", {}, h("a", { href: link, id: "shared-link", class: "skp-key" }, "Open the Verify page with this code")),
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

byId("request-again").addEventListener("click", () => void showRequest());
byId("request-done").addEventListener("click", () => void showPassport());
linkErrorSummary();
renderSetup();
renderAsOf();
renderConsent();
hub = await load<Hub>(HUB);
if (!hub) show("setup");
else await showPassport();
if (hub && !view) await showRequest();
document.body.classList.add("js-enabled"); // ready: key loaded, handlers on
