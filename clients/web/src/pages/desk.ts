// The employer's desk: an organisation's staff sign records in this browser
// with the organisation's key (imported once, non-extractable) and submit
// them to the passport service. Every form checks its fields before signing;
// a refusal by the service is shown by the field it concerns.

import { CredentialKind, RevocationReason, Sector, StatusChange } from "../gen/skillspassport/v1/records_pb.js";
import { accessToken, countersign, newRecord, readEnrolmentRequest, signRecord } from "../sign/index.js";
import { ENROLMENT_PREFIX } from "../sign/enrolment.js";
import { exportTask } from "./export.js";
import { importTask } from "./import.js";
import { scanner } from "./qr.js";
import { careCertificateStandard, jobRole, NHS_ROLE_CODE, pathwayCategory, trainingCategory } from "./reference.js";
import { checklistOf, roleAnswer, roleField } from "./roles.js";
import { loadServiceKey } from "./service.js";
import { ORGANISATION, keptKey, type KeptKey } from "./signing_key.js";
import {
  date, notAfterToday, options, passportField, passportId, recordId, required, taskPage, type Errors,
  type Task,
} from "./tasks.js";
import { byId, checked, choices, dateInput, dayNumberOf, h, linkErrorSummary, select, textInput, textarea, value } from "./ui.js";
import { passportService } from "./api.js";
import { reasonOptions } from "./words.js";

const DESK = "desk"; // the IndexedDB entry
const api = passportService();
let lastStatusChangeAt = 0; // ms: the issued_at of the last status change signed here
const service = await loadServiceKey();

export interface Desk extends KeptKey {
  organisationId: string;
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

const tasks: Task<Desk>[] = [
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
      select({ form, name: "ascwds_job_role", label: "Job role", hint: "As in ASC-WDS. NHS employers: leave this and give the NHS occupation code below",
        options: options(jobRole) }),
      textInput({ form, name: "nhs_role_code", label: "NHS occupation code (NHS employers)", width: 4,
        hint: "Instead of an ASC-WDS job role, like N0C" }),
      select({ form, name: "care_workforce_pathway_category", label: "Care Workforce Pathway role category (optional)",
        hint: "Adult social care only: the worker's category in this job, as in ASC-WDS", options: options(pathwayCategory) }),
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
      const nhsRole = value(form, "nhs_role_code").toUpperCase();
      if (nhsRole && !NHS_ROLE_CODE.test(nhsRole)) errors.push(["nhs_role_code", "Enter an NHS occupation code of 3 letters and numbers, like N0C"]);
      else if (nhsRole && role) errors.push(["nhs_role_code", "Give a job role or an NHS occupation code, not both"]);
      else if (!role && !nhsRole) errors.push(["ascwds_job_role", "Choose the job role, or give the NHS occupation code"]);
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
        passportId: id, organisationId, employmentId, role: nhsRole ? { case: "nhsRoleCode", value: nhsRole } : { case: "ascwdsJobRole", value: Number(role) },
        sector: Number(sector), icbCode: icb, place, fteThousandths: fte, startDate: start,
        careWorkforcePathwayCategory: Number(value(form, "care_workforce_pathway_category") || 0) } }), key)];
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
    wire: (form) => form.addEventListener("change", (event) => {
      if ((event.target as HTMLInputElement).name === "version") renderStandards(form);
    }),
    made: renderStandards,
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
      choices({ form, name: "reason", type: "radio", label: "Why", hint: "Needed to revoke or suspend", options: reasonOptions }),
    ],
    async build(form, { key }) {
      const errors: Errors = [];
      const targetRecord = recordId(form, "target_record", errors);
      const [change] = checked(form, "change");
      if (!change) errors.push(["change", "Choose the change"]);
      const [reason] = checked(form, "reason");
      if (change && Number(change) !== StatusChange.REINSTATED && !reason) {
        errors.push(["reason", "Choose why the record is revoked or suspended"]);
      }
      if (errors.length) return errors;
      // Changes fold in issued_at order (whole seconds, then record id): one
      // made within a second of this page's previous one must still follow it.
      const at = Math.max(Date.now(), lastStatusChangeAt + 1000);
      lastStatusChangeAt = at;
      return [await signRecord(newRecord({ case: "recordStatusChanged", value: {
        targetRecord, change: Number(change),
        reason: Number(change) === StatusChange.REINSTATED ? RevocationReason.UNSPECIFIED : Number(reason) } }, at), key)];
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
  exportTask,
];

// The standards of the version chosen: one tick each.
function renderStandards(form: HTMLFormElement): void {
  const [version] = checked(form, "version");
  const titles = careCertificateStandard[Number(version)];
  byId(`${form.id}-standards-box`).replaceChildren(...(titles ? [choices({ form: form.id, name: "standard", type: "checkbox",
    small: true, label: `Standards met (Care Certificate ${version})`, hint: "Tick each standard the worker has met",
    options: [...titles].map(([n, title]) => [String(n), `${n}. ${title}`]) })] : []));
}

// ---- the organisation's key ----

linkErrorSummary();
let desk: Desk | undefined;
const page = taskPage(tasks, { signer: () => desk, voice: ORGANISATION,
  signedWith: "Signed on this computer with your organisation's key." });
await keptKey<Desk>(ORGANISATION, { store: DESK, shownWith: "signed-in",
  form: { hint: "Its CQC provider ID or ODS code as the passport service registered it, like CQC:1-101641521 or ODS:RY1",
    example: "CQC:1-101641521 or ODS:RY1" },
  made: (organisationId, key) => ({ organisationId, ...key }),
  render(kept) {
    desk = kept;
    byId("outcome").hidden = true;
    if (!kept) return;
    byId("signing-as").replaceChildren("Signing as ", h("strong", {}, kept.organisationId),
      ` with the key “${kept.keyName}” kept in this browser.`);
    page.showTask();
  } });
document.body.classList.add("js-enabled"); // ready: key loaded, handlers on
