// The employer's desk: an organisation's staff sign records in this browser
// with the organisation's key (imported once, non-extractable) and submit
// them to the passport service. Every form checks its fields before signing;
// a refusal by the service is shown by the field it concerns.

import {
  CredentialKind, RecordSchema, RevocationReason, Sector, StatusChange, type Record,
} from "../gen/skillspassport/v1/records_pb.js";
import {
  accessToken, countersign, newRecord, readEnrolmentRequest, signRecord, type SigningKey,
} from "../sign/index.js";
import { ENROLMENT_PREFIX } from "../sign/enrolment.js";
import { decodeEntry, hex, passportIdOf } from "../verify/index.js";
import { parse } from "../verify/wire.js";
import { importTask } from "./import.js";
import { load, remove, save } from "./keystore.js";
import { scanner } from "./qr.js";
import { careCertificateStandard, jobRole, trainingCategory } from "./reference.js";
import { refusalOf } from "./refusal.js";
import { checklistOf, roleAnswer, roleField } from "./roles.js";
import { passportService } from "./api.js";
import { loadServiceKey } from "./service.js";
import {
  byId, checked, choices, dateInput, dateValue, dayNumberOf, field, h, linkErrorSummary, select, showErrors,
  textInput, textarea, value, type Day, type FieldError,
} from "./ui.js";
import { keyFromFileInput, keyFileInput, organisationIdInput, organisationIdOf } from "./organisation_key.js";
import { describe } from "./words.js";

const DESK = "desk"; // the IndexedDB entry
let desk: Desk | undefined;
const api = passportService();
const service = await loadServiceKey();
const outcome = byId("outcome");

// ---- checks shared by the forms ----

function passportId(form: HTMLFormElement, errors: Errors): Uint8Array {
  const text = value(form, "passport_id").replace(/\s+/g, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(text)) {
    errors.push(["passport_id", text ? "The passport ID must be 32 letters and numbers, like 1a2b 3c4d ..."
      : "Enter the worker's passport ID"]);
  }
  return Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function required(form: HTMLFormElement, name: string, message: string, errors: Errors, max = 200): string {
  const text = value(form, name);
  if (!text) errors.push([name, message]);
  else if (text.length > max) errors.push([name, `${field(form, name).dataset.label} must be ${max} characters or fewer`]);
  return text;
}

function date(form: HTMLFormElement, name: string, errors: Errors, optional = false): Day | undefined {
  const d = dateValue(form, name);
  if (typeof d !== "string") return d;
  if (!(optional && d.startsWith("Enter"))) errors.push([name, d]);
  return undefined;
}

function notAfterToday(form: HTMLFormElement, name: string, d: Day | undefined, errors: Errors): void {
  if (d && dayNumberOf(d) > Math.floor(Date.now() / 86_400_000)) {
    errors.push([name, `${field(form, name).dataset.label} must be today or in the past`]);
  }
}

const options = (map: Map<number, string>): [string, string][] => [...map].map(([id, title]) => [String(id), title]);

// ---- the forms ----

// A form of the desk: it signs records (build), reads a passport (read), or
// runs a job of its own (run).
export type Errors = [string, string][]; // [field name, message]
export interface Desk {
  organisationId: string;
  keyName: string;
  key: SigningKey;
}
export interface Task {
  id: string;
  title: string;
  button: string;
  fields(form: string): HTMLElement[];
  // The signed entries to submit, or what is wrong with the form.
  build?(form: HTMLFormElement, desk: Desk): Promise<Uint8Array[] | Errors>;
  // What to show, or what is wrong with the form.
  read?(form: HTMLFormElement, desk: Desk): Promise<HTMLElement[] | Errors>;
  run?(form: HTMLFormElement, desk: Desk, showFormErrors: (errors: Errors) => void): Promise<void>;
}

// The worker's request (an enrolment or a move to a new phone), pasted or scanned.
const requestFields = (form: string, what: string): HTMLElement[] => {
  const box = textarea({ form, name: "request", label: `The worker's ${what}`, rows: 4,
    hint: "The worker makes it on their phone, on their passport page. Scan its QR code or paste its text: it starts with SPE1:" });
  return [box, scanner(`${form}-scan`, { hint: "Or scan the QR code on the worker's phone with this computer's camera.",
    wanted: (text) => text.startsWith(ENROLMENT_PREFIX),
    found: (text) => {
      (box.querySelector("textarea") as HTMLTextAreaElement).value = text;
    } })];
};

// The request in the form, countersigned, if it is of `kind` and names this organisation.
async function countersigned(form: HTMLFormElement, { key, organisationId }: Desk, kind: "passportEnrolled" |
  "passportKeyRebound", confirm: string): Promise<Uint8Array[] | Errors> {
  const errors: Errors = [];
  const text = value(form, "request");
  const request = text ? await readEnrolmentRequest(text) : "Paste or scan the worker's request";
  if (typeof request === "string") errors.push(["request", request]);
  else if (request.kind !== kind) {
    errors.push(["request", kind === "passportEnrolled"
      ? "This request is to move a passport to a new phone: use “Move a passport to a new phone”"
      : "This request is to set up a new passport: use “Set up a passport after an identity check”"]);
  } else if (request.organisationId !== organisationId) {
    errors.push(["request", `The request names another organisation (${request.organisationId}) as the one checking identity. Ask the worker to enter ${organisationId}`]);
  }
  if (!checked(form, "checked").length) errors.push(["checked", confirm]);
  if (errors.length || typeof request === "string") return errors;
  const entry = await countersign(request.entry, key);
  return typeof entry === "string" ? [["request", `The request cannot be countersigned: ${entry}`]] : [entry];
}

const passportField = (form: string) => textInput({ form, name: "passport_id", label: "Passport ID", width: 30,
  hint: "32 letters and numbers. The worker can show it on their phone, under My passport" });

const tasks: Task[] = [
  {
    id: "enrol", title: "Set up a passport after an identity check", button: "Countersign and set up the passport",
    fields: (form) => [
      ...requestFields(form, "enrolment request"),
      choices({ form, name: "checked", type: "checkbox", label: "Identity check",
        options: [["yes", "I have checked this person's identity documents in person, and they entered their own details on their phone"]] }),
    ],
    build: (form, desk) => countersigned(form, desk, "passportEnrolled", "Confirm you have checked the person's identity documents"),
  },
  {
    id: "rebind", title: "Move a passport to a new phone after an identity check", button: "Countersign and move the passport",
    fields: (form) => [
      ...requestFields(form, "request to move their passport"),
      choices({ form, name: "checked", type: "checkbox", label: "Identity check",
        options: [["yes", "I have checked this person's identity documents in person again, and they are the passport's holder"]] }),
    ],
    build: (form, desk) => countersigned(form, desk, "passportKeyRebound",
      "Confirm you have checked the person's identity documents again"),
  },
  {
    id: "hire", title: "Start a job", button: "Sign and record the job",
    fields: (form) => [
      passportField(form),
      textInput({ form, name: "employment_id", label: "Employment ID", width: 10,
        hint: "Your own reference for this job, like a payroll number. It must be new for this worker" }),
      select({ form, name: "ascwds_job_role", label: "Job role", hint: "As in ASC-WDS", options: options(jobRole) }),
      select({ form, name: "sector", label: "Sector", options: [[String(Sector.ADULT_SOCIAL_CARE), "Adult social care"],
        [String(Sector.NHS), "NHS"], [String(Sector.INDEPENDENT_HEALTH), "Independent healthcare"],
        [String(Sector.LOCAL_AUTHORITY), "Local authority"]] }),
      textInput({ form, name: "icb_code", label: "Integrated care board code", width: 10, hint: "Like E54000008" }),
      textInput({ form, name: "place", label: "Place", width: 20, hint: "The town or place within the integrated care system" }),
      textInput({ form, name: "fte_thousandths", label: "Hours as a percentage of full time", width: 4, numeric: true,
        hint: "100 is full time; 40 is two days a week" }),
      dateInput({ form, name: "start_date", label: "Start date" }),
    ],
    async build(form, { key, organisationId }) {
      const errors: Errors = [];
      const id = passportId(form, errors);
      const employmentId = required(form, "employment_id", "Enter an employment ID", errors, 64);
      const role = value(form, "ascwds_job_role");
      if (!role) errors.push(["ascwds_job_role", "Choose the job role"]);
      const sector = value(form, "sector");
      if (!sector) errors.push(["sector", "Choose the sector"]);
      const icb = value(form, "icb_code").toUpperCase();
      if (!/^E54\d{6}$/.test(icb)) errors.push(["icb_code", "Enter the integrated care board code, like E54000008"]);
      const place = required(form, "place", "Enter the place", errors);
      const percent = value(form, "fte_thousandths");
      const fte = Math.round(Number(percent) * 10);
      if (!/^\d+(\.\d)?$/.test(percent) || fte < 1 || fte > 1000) {
        errors.push(["fte_thousandths", "Enter the hours as a percentage of full time, from 0.1 to 100"]);
      }
      const start = date(form, "start_date", errors);
      if (errors.length) return errors;
      return [await signRecord(newRecord({ case: "employmentStarted", value: {
        passportId: id, organisationId, employmentId, role: { case: "ascwdsJobRole", value: Number(role) },
        sector: Number(sector), icbCode: icb, place, fteThousandths: fte, startDate: start } }), key)];
    },
  },
  {
    id: "end", title: "End a job", button: "Sign and record the end of the job",
    fields: (form) => [
      passportField(form),
      textInput({ form, name: "employment_id", label: "Employment ID", width: 10, hint: "The ID you gave the job when it started" }),
      dateInput({ form, name: "end_date", label: "Last day of the job" }),
      choices({ form, name: "reason", type: "radio", label: "Why the job ended", options: [
        ["resigned", "The worker resigned"], ["end of contract", "The contract ended"], ["retired", "The worker retired"],
        ["dismissed", "The worker was dismissed"], ["moved to another role", "The worker moved to another role here"]] }),
    ],
    async build(form, { key, organisationId }) {
      const errors: Errors = [];
      const id = passportId(form, errors);
      const employmentId = required(form, "employment_id", "Enter the employment ID", errors, 64);
      const end = date(form, "end_date", errors);
      const [reason] = checked(form, "reason");
      if (!reason) errors.push(["reason", "Choose why the job ended"]);
      if (errors.length) return errors;
      return [await signRecord(newRecord({ case: "employmentEnded", value: {
        passportId: id, organisationId, employmentId, endDate: end, reason } }), key)];
    },
  },
  {
    id: "training", title: "Record training", button: "Sign and record the training",
    fields: (form) => [
      passportField(form),
      select({ form, name: "ascwds_training_category", label: "Training", hint: "The ASC-WDS training category",
        options: options(trainingCategory) }),
      dateInput({ form, name: "awarded", label: "Date completed" }),
      dateInput({ form, name: "valid_until", label: "Valid until (optional)",
        hint: "Leave empty if it does not need renewing. For example, 27 3 2027" }),
    ],
    async build(form, { key, organisationId }) {
      const errors: Errors = [];
      const id = passportId(form, errors);
      const category = value(form, "ascwds_training_category");
      if (!category) errors.push(["ascwds_training_category", "Choose the training"]);
      const awarded = date(form, "awarded", errors);
      notAfterToday(form, "awarded", awarded, errors);
      const until = date(form, "valid_until", errors, true);
      if (awarded && until && dayNumberOf(until) <= dayNumberOf(awarded)) {
        errors.push(["valid_until", "Valid until must be after the date completed"]);
      }
      if (errors.length) return errors;
      return [await signRecord(newRecord({ case: "credentialIssued", value: {
        passportId: id, organisationId, kind: CredentialKind.TRAINING,
        subject: { case: "ascwdsTrainingCategory", value: Number(category) }, awarded, validUntil: until } }), key)];
    },
  },
  {
    id: "standards", title: "Record Care Certificate standards", button: "Sign and record the standards",
    fields: (form) => [
      passportField(form),
      choices({ form, name: "version", type: "radio", label: "Care Certificate version",
        options: [["2025", "2025 (16 standards)"], ["2015", "2015 (15 standards)"]] }),
      h("div", { id: `${form}-standards-box` }),
      textInput({ form, name: "assessor", label: "Assessor's role", width: 20, hint: "Their role, not their name, like senior care worker" }),
      choices({ form, name: "method", type: "radio", label: "How the standards were assessed",
        options: [["observation", "Observation at work"], ["workbook", "Workbook"], ["observation and workbook", "Both"]] }),
      dateInput({ form, name: "met_on", label: "Date the standards were met" }),
    ],
    async build(form, { key, organisationId }) {
      const errors: Errors = [];
      const id = passportId(form, errors);
      const [version] = checked(form, "version");
      if (!version) errors.push(["version", "Choose the Care Certificate version"]);
      const standards = checked(form, "standard");
      if (version && !standards.length) errors.push(["standard", "Tick each standard the worker has met"]);
      const assessor = required(form, "assessor", "Enter the assessor's role", errors);
      const [method] = checked(form, "method");
      if (!method) errors.push(["method", "Choose how the standards were assessed"]);
      const metOn = date(form, "met_on", errors);
      notAfterToday(form, "met_on", metOn, errors);
      if (errors.length) return errors;
      // One record per standard, as the CLI makes them.
      return Promise.all(standards.map((standard) => signRecord(newRecord({ case: "careCertificateStandardMet", value: {
        passportId: id, organisationId, version: Number(version), standard: Number(standard), assessor, method, metOn } }), key)));
    },
  },
  {
    id: "status", title: "Revoke, suspend or reinstate a record", button: "Sign and record the change",
    fields: (form) => [
      textInput({ form, name: "target_record", label: "Record ID", width: 30,
        hint: "64 letters and numbers: the ID shown when the record was made. Only records your organisation made" }),
      choices({ form, name: "change", type: "radio", label: "Change", options: [
        [String(StatusChange.REVOKED), "Revoke it: it no longer stands"],
        [String(StatusChange.SUSPENDED), "Suspend it while you look into it"],
        [String(StatusChange.REINSTATED), "Reinstate it after a suspension"]] }),
      choices({ form, name: "reason", type: "radio", label: "Why", hint: "Needed to revoke or suspend", options: [
        [String(RevocationReason.ISSUED_IN_ERROR), "It was made in error"],
        [String(RevocationReason.COMPETENCE_CONCERN), "A concern about the worker's competence"],
        [String(RevocationReason.TRAINING_EXPIRY), "The training it relies on has expired"],
        [String(RevocationReason.LEAVING_ORGANISATION), "The worker has left the organisation"],
        [String(RevocationReason.CHANGE_IN_PERSONS_CONDITION), "The condition of the person cared for has changed"],
        [String(RevocationReason.NO_LONGER_VALID), "It is no longer valid for another reason"]] }),
    ],
    async build(form, { key }) {
      const errors: Errors = [];
      const target = value(form, "target_record").replace(/\s+/g, "").toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(target)) {
        errors.push(["target_record", target ? "The record ID must be 64 letters and numbers" : "Enter the record ID"]);
      }
      const [change] = checked(form, "change");
      if (!change) errors.push(["change", "Choose the change"]);
      const [reason] = checked(form, "reason");
      if (change && Number(change) !== StatusChange.REINSTATED && !reason) {
        errors.push(["reason", "Choose why the record is revoked or suspended"]);
      }
      if (errors.length) return errors;
      return [await signRecord(newRecord({ case: "recordStatusChanged", value: {
        targetRecord: Uint8Array.from(target.match(/../g)!, (b) => parseInt(b, 16)), change: Number(change),
        reason: Number(change) === StatusChange.REINSTATED ? RevocationReason.UNSPECIFIED : Number(reason) } }), key)];
    },
  },
  {
    id: "role", title: "Check a candidate's passport against a role", button: "Check the passport",
    fields: (form) => [
      passportField(form),
      roleField(form),
      h("p", { class: "nhsuk-body-s" }, "The candidate must first let your organisation read their passport, from their phone."),
    ],
    async read(form, { key }) {
      const errors: Errors = [];
      const id = passportId(form, errors);
      const role = value(form, "checklist");
      const checklist = checklistOf(role);
      if (!checklist) errors.push(["checklist", "Choose the role you are hiring for"]);
      if (errors.length || !checklist) return errors;
      const answer = await api.requiredCredentials({ passportId: id, checklist },
        { headers: { authorization: `Bearer ${await accessToken(key, service!.name)}` } });
      return roleAnswer(role, answer, "This passport");
    },
  },
  importTask,
];

// The standards of the version chosen: one tick each.
function renderStandards(form: HTMLFormElement): void {
  const [version] = checked(form, "version");
  const titles = careCertificateStandard[Number(version)];
  byId(`${form.id}-standards-box`).replaceChildren(...(titles ? [choices({ form: form.id, name: "standard", type: "checkbox",
    small: true, label: `Standards met (Care Certificate ${version})`, hint: "Tick each standard the worker has met",
    options: [...titles].map(([n, title]) => [String(n), `${n}. ${title}`]) })] : []));
}

// ---- submitting ----

// The field an error names; an error about no field of the form (or about the
// key: "signer") goes by the form's first field or its signing panel.
function errorTarget(form: HTMLFormElement, name: string): HTMLElement {
  return (name && field(form, name)) || form.querySelector<HTMLElement>("input, textarea, select")!;
}

function fieldErrors(form: HTMLFormElement, errors: Errors): FieldError[] {
  return errors.map(([name, message]) => {
    const target = errorTarget(form, name);
    // A node's "<field>: <problem>" reads with the field's label first.
    const text = /^[a-z]/.test(message) ? `${target.dataset.label ?? name} ${message}` : message;
    return [target, text];
  });
}

async function submit(task: Task, form: HTMLFormElement, button: HTMLButtonElement): Promise<void> {
  if (!desk) return;
  showErrors([]);
  outcome.hidden = true;
  if (task.run) return task.run(form, desk, (errors) => showErrors(fieldErrors(form, errors)));
  if (task.read) return read(task.read, form, desk);
  const built = await task.build!(form, desk);
  if (!(built[0] instanceof Uint8Array)) return showErrors(fieldErrors(form, built as Errors));
  const entries = built as Uint8Array[];
  button.disabled = true;
  const done: { record: Record; id: Uint8Array; already: boolean }[] = [];
  try {
    for (const entry of entries) {
      const response = await api.submit({ entry });
      const decoded = decodeEntry(entry);
      const record = typeof decoded === "string" ? undefined : parse(RecordSchema, decoded.payload);
      if (record) done.push({ record, id: response.recordId, already: response.alreadyPresent });
    }
  } catch (error) {
    const refusal = refusalOf(error);
    showErrors(fieldErrors(form, [[refusal.field ?? "", done.length
      ? `${refusal.sentence}. ${done.length} of ${entries.length} records were made before this one` : refusal.sentence]]));
    return;
  } finally {
    button.disabled = false;
  }
  showOutcome(done);
  form.reset();
  if (task.id === "standards") renderStandards(form);
}

async function read(reader: NonNullable<Task["read"]>, form: HTMLFormElement, desk: Desk): Promise<void> {
  let shown: HTMLElement[] | Errors;
  try {
    shown = await reader(form, desk);
  } catch (error) {
    const refusal = refusalOf(error);
    return showErrors(fieldErrors(form, [[refusal.field ?? "", refusal.sentence]]));
  }
  if (!(shown[0] instanceof HTMLElement)) return showErrors(fieldErrors(form, shown as Errors));
  outcome.replaceChildren(h("div", { class: "skp-verdict", "data-outcome": "READ" },
    h("h2", { id: "outcome-heading" }, "What the passport shows"), ...(shown as HTMLElement[])));
  outcome.hidden = false;
  outcome.focus();
}

function showOutcome(done: { record: Record; id: Uint8Array; already: boolean }[]): void {
  const fresh = done.filter((d) => !d.already).length;
  const enrolled = done.find((d) => d.record.kind.case === "passportEnrolled");
  outcome.replaceChildren(h("div", { class: "skp-verdict", "data-outcome": fresh ? "RECORDED" : "ALREADY_PRESENT" },
    h("h2", { id: "outcome-heading" }, fresh ? (fresh === 1 ? "Record made" : `${fresh} records made`)
      : "Already recorded: nothing new was written"),
    ...(enrolled?.record.kind.case === "passportEnrolled" ? [h("p", {}, "The worker's passport ID is ",
      h("strong", { class: "skp-key", "data-passport-id": hex(passportIdOfRecord(enrolled.record)) },
        hex(passportIdOfRecord(enrolled.record)).replace(/(.{4})(?!$)/g, "$1 ")))] : []),
    h("ul", { class: "nhsuk-list nhsuk-list--bullet" }, ...done.map((d) => h("li", { "data-record-id": hex(d.id) },
      `${describe(d.record)}${d.already ? " (already on the passport)" : ""}`)))));
  outcome.hidden = false;
  outcome.focus();
}

const passportIdOfRecord = (record: Record) =>
  record.kind.case === "passportEnrolled" ? passportIdOf(record.kind.value.publicKey) : new Uint8Array();

// ---- the organisation's key ----

function renderKeyForm(): void {
  const form = byId<HTMLFormElement>("key");
  form.replaceChildren(
    organisationIdInput("Its CQC provider ID or ODS code as the passport service registered it, like CQC:1-101641521 or ODS:RY1"),
    keyFileInput(),
    h("button", { class: "nhsuk-button", type: "submit" }, "Import the key"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const errors: FieldError[] = [];
    const organisationId = organisationIdOf(form, "CQC:1-101641521 or ODS:RY1", errors);
    const read = await keyFromFileInput(errors);
    showErrors(errors);
    if (errors.length || !read) return;
    desk = { organisationId, ...read };
    await save(DESK, desk);
    byId<HTMLInputElement>("key-file").value = "";
    render();
  };
}

function render(): void {
  byId("key-section").hidden = !!desk;
  byId("signed-in").hidden = !desk;
  if (!desk) return renderKeyForm();
  byId("signing-as").replaceChildren("Signing as ", h("strong", {}, desk.organisationId),
    ` with the key “${desk.keyName}” kept in this browser.`);
  showTask();
}

// The form named by the address's #fragment, else the list of tasks.
function showTask(): void {
  const id = location.hash.slice(1);
  for (const form of document.querySelectorAll<HTMLFormElement>("#forms form")) form.hidden = form.id !== id;
  byId("tasks").closest("nav")!.hidden = tasks.some((t) => t.id === id);
}

function buildForms(): void {
  byId("tasks").replaceChildren(...tasks.map((t) => h("li", {}, h("a", { href: `#${t.id}` }, t.title))));
  byId("forms").replaceChildren(...tasks.map((task) => {
    const button = h("button", { class: "nhsuk-button", type: "submit" }, task.button) as HTMLButtonElement;
    const form = h("form", { id: task.id, novalidate: "", hidden: "", "aria-labelledby": `${task.id}-heading` },
      h("h2", { id: `${task.id}-heading`, tabindex: "-1" }, task.title),
      h("div", { class: "nhsuk-form-group", id: `${task.id}-signer`, tabindex: "-1", "data-label": "Signing key" },
        h("p", { class: "nhsuk-body-s" }, "Signed on this computer with your organisation's key.")),
      ...task.fields(task.id), button,
      h("p", {}, h("a", { href: "#" }, "Back to the list"))) as HTMLFormElement;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void submit(task, form, button);
    });
    return form;
  }));
  const standards = byId<HTMLFormElement>("standards");
  standards.addEventListener("change", (event) => {
    if ((event.target as HTMLInputElement).name === "version") renderStandards(standards);
  });
}

byId("forget-key").addEventListener("click", async () => {
  await remove(DESK);
  desk = undefined;
  outcome.hidden = true;
  render();
});
addEventListener("hashchange", () => {
  showErrors([]);
  outcome.hidden = true;
  showTask();
  // Focus moves to the form's heading, or back to the list.
  (document.getElementById(`${location.hash.slice(1)}-heading`) ?? byId("tasks-heading")).focus();
});

linkErrorSummary();
buildForms();
desk = await load<Desk>(DESK);
render();
document.body.classList.add("js-enabled"); // ready: key loaded, handlers on
