// The registered professional's page: a nurse (or other registered
// professional) signs competency assessments and delegations of healthcare
// activities in this browser with their own key (imported once,
// non-extractable) and submits them. The node applies the delegation rules
// (services/passport); this page checks only the forms' shape and shows the
// node's refusals by the field they concern.

import { Regulator, type Record } from "../gen/skillspassport/v1/records_pb.js";
import { newRecord, signRecord } from "../sign/index.js";
import { hex } from "../verify/index.js";
import { load, save } from "./keystore.js";
import { delegatedActivity } from "./reference.js";
import { PROFESSIONAL, keptKey, type KeptKey } from "./signing_key.js";
import {
  date, notAfterToday, notBefore, options, passportField, passportId, recordId, required, taskPage, type Errors,
  type Made, type Task,
} from "./tasks.js";
import { byId, checked, choices, dateInput, field, h, linkErrorSummary, select, textInput, textarea, value } from "./ui.js";
import { day, reasonOptions } from "./words.js";

const PROFESSIONAL_KEY = "professional"; // the IndexedDB entries
const MADE = (professionalId: string) => `professional-delegations:${professionalId}`;

interface Professional extends KeptKey {
  professionalId: string; // "NMC:12A3456B"
  profession: string;
}

// A delegation signed in this browser, as it stands after what was signed here.
interface Delegation {
  delegationId: string;
  passportId: string; // hex
  activity: number;
  procedure: string;
  reviewBy: string; // in words
  withdrawn?: string;
  recordId: string;
}

const activityField = (form: string) => select({ form, name: "activity_category", label: "Healthcare activity",
  hint: "As in ASC-WDS delegated healthcare activities", options: options(delegatedActivity) });
const procedureField = (form: string) => textInput({ form, name: "procedure", label: "Procedure", width: 30,
  hint: "The specific procedure, like subcutaneous insulin by pen" });
const delegationIdField = (form: string, hint: string) =>
  textInput({ form, name: "delegation_id", label: "Delegation ID", width: 20, hint });

function activity(form: HTMLFormElement, errors: Errors): number {
  const chosen = value(form, "activity_category");
  if (!chosen) errors.push(["activity_category", "Choose the healthcare activity"]);
  return Number(chosen);
}

const tasks: Task<Professional>[] = [
  {
    id: "assess", title: "Record a competency assessment", button: "Sign and record the assessment",
    fields: (form) => [
      passportField(form), activityField(form), procedureField(form),
      choices({ form, name: "competent", type: "radio", label: "Outcome", options: [
        ["yes", "Competent: the worker can carry out this procedure safely"], ["no", "Not yet competent"]] }),
      dateInput({ form, name: "assessed_on", label: "Date assessed" }),
      dateInput({ form, name: "reassess_by", label: "Reassess by", hint: "For example, 27 3 2027" }),
    ],
    async build(form, { key, professionalId }) {
      const errors: Errors = [];
      const id = passportId(form, errors);
      const activityCategory = activity(form, errors);
      const procedure = required(form, "procedure", "Enter the procedure", errors);
      const [competent] = checked(form, "competent");
      if (!competent) errors.push(["competent", "Choose the outcome of the assessment"]);
      const assessedOn = date(form, "assessed_on", errors);
      notAfterToday(form, "assessed_on", assessedOn, errors);
      const reassessBy = date(form, "reassess_by", errors);
      notBefore(form, ["reassess_by", reassessBy], ["assessed_on", assessedOn], errors);
      if (errors.length) return errors;
      return [await signRecord(newRecord({ case: "competencyAssessed", value: {
        passportId: id, professionalId, activityCategory, procedure, competent: competent === "yes", assessedOn,
        reassessBy } }), key)];
    },
    // A competent assessment is what a delegation rests on: the delegation
    // form starts from it.
    made(_, done) {
      const [{ record, id }] = done;
      if (record.kind.case !== "competencyAssessed" || !record.kind.value.competent) return;
      const delegate = byId<HTMLFormElement>("delegate");
      const c = record.kind.value;
      for (const [name, text] of [["passport_id", hex(c.passportId)], ["activity_category", String(c.activityCategory)],
        ["procedure", c.procedure], ["competency_record", hex(id)]]) {
        (field(delegate, name) as HTMLInputElement).value = text;
      }
    },
  },
  {
    id: "delegate", title: "Delegate an activity", button: "Sign and record the delegation",
    fields: (form) => [
      passportField(form),
      delegationIdField(form, "Your own reference for this delegation, new each time, like D-2026-017"),
      activityField(form), procedureField(form),
      textInput({ form, name: "competency_record", label: "Competency assessment record ID", width: 30,
        hint: "64 letters and numbers: the ID shown when you recorded your assessment of this worker in this activity" }),
      textInput({ form, name: "person_reference", label: "Person reference", width: 20,
        hint: "A reference only you can link to the person cared for, like P-7f3a. Not their name or NHS number" }),
      textInput({ form, name: "setting", label: "Setting", width: 20,
        hint: "Where the worker carries out the activity: the care provider's ID, like CQC:1-1000000001" }),
      textarea({ form, name: "conditions", label: "Conditions and limits (optional)", rows: 3,
        hint: "For example, blood glucose checked first; no dose changes" }),
      textInput({ form, name: "supervision_contact", label: "Supervision contact", width: 30,
        hint: "A service's contact point the worker can call, like the community diabetes team duty line. Not a personal number" }),
      dateInput({ form, name: "delegated_on", label: "Date delegated" }),
      dateInput({ form, name: "review_by", label: "Review by", hint: "For example, 27 6 2026" }),
    ],
    async build(form, p) {
      const errors: Errors = [];
      const id = passportId(form, errors);
      const delegationId = required(form, "delegation_id", "Enter a delegation ID", errors, 64);
      const activityCategory = activity(form, errors);
      const procedure = required(form, "procedure", "Enter the procedure", errors);
      const competencyRecord = recordId(form, "competency_record", errors);
      const personReference = required(form, "person_reference", "Enter the person reference", errors, 64);
      const setting = required(form, "setting", "Enter the setting", errors);
      const conditions = value(form, "conditions");
      if (conditions.length > 1000) errors.push(["conditions", "Conditions and limits must be 1000 characters or fewer"]);
      const supervisionContact = required(form, "supervision_contact", "Enter the supervision contact", errors);
      const delegatedOn = date(form, "delegated_on", errors);
      notAfterToday(form, "delegated_on", delegatedOn, errors);
      const reviewBy = date(form, "review_by", errors);
      notBefore(form, ["review_by", reviewBy], ["delegated_on", delegatedOn], errors);
      if (errors.length) return errors;
      const [regulator, registrationNumber] = p.professionalId.split(":");
      return [await signRecord(newRecord({ case: "activityDelegated", value: {
        delegationId, passportId: id, professionalId: p.professionalId, profession: p.profession,
        regulator: Regulator[regulator as keyof typeof Regulator], registrationNumber, activityCategory, procedure,
        personReference, setting, conditions, supervisionContact, competencyRecord, delegatedOn, reviewBy } }), p.key)];
    },
    made: (_, done) => remember(done),
  },
  {
    id: "review", title: "Review a delegation", button: "Sign and record the review",
    fields: (form) => [
      delegationIdField(form, "The ID you gave the delegation, like D-2026-017"),
      dateInput({ form, name: "reviewed_on", label: "Date reviewed" }),
      dateInput({ form, name: "review_by", label: "Next review by", hint: "For example, 27 9 2026" }),
      textarea({ form, name: "notes", label: "Notes (optional)", rows: 3,
        hint: "What the review found. Do not name the person cared for" }),
    ],
    async build(form, { key, professionalId }) {
      const errors: Errors = [];
      const delegationId = required(form, "delegation_id", "Enter the delegation ID", errors, 64);
      const reviewedOn = date(form, "reviewed_on", errors);
      notAfterToday(form, "reviewed_on", reviewedOn, errors);
      const reviewBy = date(form, "review_by", errors);
      notBefore(form, ["review_by", reviewBy], ["reviewed_on", reviewedOn], errors);
      const notes = value(form, "notes");
      if (notes.length > 1000) errors.push(["notes", "Notes must be 1000 characters or fewer"]);
      if (errors.length) return errors;
      return [await signRecord(newRecord({ case: "delegationReviewed", value: {
        delegationId, professionalId, reviewedOn, reviewBy, notes } }), key)];
    },
    made: (_, done) => remember(done),
  },
  {
    id: "withdraw", title: "Withdraw a delegation", button: "Sign and withdraw the delegation",
    fields: (form) => [
      delegationIdField(form, "The ID you gave the delegation, like D-2026-017"),
      dateInput({ form, name: "withdrawn_on", label: "Date withdrawn" }),
      choices({ form, name: "reason", type: "radio", label: "Why", options: reasonOptions }),
    ],
    async build(form, { key, professionalId }) {
      const errors: Errors = [];
      const delegationId = required(form, "delegation_id", "Enter the delegation ID", errors, 64);
      const withdrawnOn = date(form, "withdrawn_on", errors);
      const [reason] = checked(form, "reason");
      if (!reason) errors.push(["reason", "Choose why the delegation is withdrawn"]);
      if (errors.length) return errors;
      return [await signRecord(newRecord({ case: "delegationWithdrawn", value: {
        delegationId, professionalId, withdrawnOn, reason: Number(reason) } }), key)];
    },
    made: (_, done) => remember(done),
  },
];

// ---- delegations made in this browser ----

let professional: Professional | undefined;

// Notes what `done` did to the delegations this browser made.
async function remember(done: Made[]): Promise<void> {
  if (!professional) return;
  const list = await load<Delegation[]>(MADE(professional.professionalId)) ?? [];
  for (const { record, id, already } of done) {
    if (already) continue;
    const { kind } = record;
    if (kind.case === "activityDelegated") {
      const d = kind.value;
      list.push({ delegationId: d.delegationId, passportId: hex(d.passportId), activity: d.activityCategory,
        procedure: d.procedure, reviewBy: day(d.reviewBy), recordId: hex(id) });
    }
    const known = list.find((d) => d.delegationId === delegationIdOf(record));
    if (known && kind.case === "delegationReviewed") known.reviewBy = day(kind.value.reviewBy);
    if (known && kind.case === "delegationWithdrawn") known.withdrawn = day(kind.value.withdrawnOn);
  }
  await save(MADE(professional.professionalId), list);
  await showMade();
}

const delegationIdOf = (record: Record) =>
  record.kind.case === "activityDelegated" || record.kind.case === "delegationReviewed" ||
  record.kind.case === "delegationWithdrawn" ? record.kind.value.delegationId : "";

async function showMade(): Promise<void> {
  const list = professional ? await load<Delegation[]>(MADE(professional.professionalId)) ?? [] : [];
  byId("made").replaceChildren(list.length ? h("table", { class: "nhsuk-table-responsive" },
    h("caption", { class: "nhsuk-table__caption nhsuk-u-visually-hidden" }, "Delegations you made in this browser"),
    h("thead", { class: "nhsuk-table__head" }, h("tr", {},
      ...["Delegation ID", "Worker's passport ID", "Activity", "State"].map((t) =>
        h("th", { class: "nhsuk-table__header", scope: "col" }, t)))),
    h("tbody", { class: "nhsuk-table__body" }, ...list.map((d) => {
      const label = (text: string) => h("span", { class: "nhsuk-table-responsive__heading", "aria-hidden": "true" }, text);
      const td = (heading: string, text: string, klass = "") =>
        h("td", { class: `nhsuk-table__cell${klass}` }, label(`${heading} `), text);
      return h("tr", { class: "nhsuk-table__row", "data-delegation-id": d.delegationId,
        "data-state": d.withdrawn ? "withdrawn" : "delegated" },
      td("Delegation ID", d.delegationId),
      td("Worker's passport ID", d.passportId.replace(/(.{4})(?!$)/g, "$1 "), " skp-key"),
      td("Activity", `${delegatedActivity.get(d.activity) ?? `Activity ${d.activity}`} (${d.procedure})`),
      td("State", d.withdrawn ? `Withdrawn on ${d.withdrawn}` : `Delegated, review by ${d.reviewBy}`));
    }))) : h("p", {}, "None yet."));
}

// ---- the professional's key ----

linkErrorSummary();
const page = taskPage(tasks, { signer: () => professional, voice: PROFESSIONAL,
  signedWith: "Signed on this computer with your own key." });
let profession = "";
await keptKey<Professional>(PROFESSIONAL, { store: PROFESSIONAL_KEY, shownWith: "signed-in",
  form: { hint: "Your regulator and registration number, like NMC:12A3456B", example: "NMC:12A3456B",
    extra: [textInput({ form: "key", name: "profession", label: "Your profession", width: 30,
      hint: "As your employer registered it, like Diabetes specialist nurse" })],
    check(form, errors) {
      profession = value(form, "profession");
      if (!profession) errors.push([field(form, "profession"), "Enter your profession"]);
      else if (profession.length > 200) errors.push([field(form, "profession"), "Your profession must be 200 characters or fewer"]);
    } },
  made: (professionalId, key) => ({ professionalId, profession, ...key }),
  render(kept) {
    professional = kept;
    byId("outcome").hidden = true;
    if (!kept) return;
    byId("signing-as").replaceChildren("Signing as ", h("strong", {}, kept.professionalId), ` (${kept.profession})`,
      ` with the key “${kept.keyName}” kept in this browser.`);
    page.showTask();
    void showMade();
  } });
document.body.classList.add("js-enabled"); // ready: key loaded, handlers on
