// The ASC-WDS bulk-upload files made from what passports hold
// (../shared/reference/ascwds_bulk_upload_format.md): the training file, one
// row per training record, and the worker file, one row per worker. Only the
// columns ASC-WDS defines, in its order; a column whose value this service
// does not hold, or whose codes the reference does not give, is left empty.
// Identity columns are always empty: identity lives only in the worker's own
// passport, never on the ledger (DESIGN.md section 7). No DOM and no API
// here, so the unit tests run it in Node.

import {
  RecordState, type CareCertificateView, type CredentialView, type DelegationView, type PassportView,
} from "../gen/skillspassport/v1/passport_pb.js";
import { CredentialKind, type Date as ProtoDate } from "../gen/skillspassport/v1/records_pb.js";
import {
  LEVEL2_ADULT_SOCIAL_CARE_CERTIFICATE, bulkUploadCodeOfJobRole, bulkUploadCodeOfPathway, bulkUploadCodeOfTraining,
  csvText,
} from "./reference.js";

export const TRAINING_COLUMNS = ["LOCALESTID", "UNIQUEWORKERID", "CATEGORY", "TRAININGNAME", "ACCREDITED",
  "WHODELIVERED", "PROVIDERNAME", "HOWDELIVERED", "VALIDITY", "DATECOMPLETED", "EXPIRYDATE", "NOTES"] as const;
export const WORKER_COLUMNS = ["LOCALESTID", "UNIQUEWORKERID", "STATUS", "DISPLAYID", "NINUMBER", "POSTCODE", "DOB",
  "GENDER", "ETHNICITY", "NATIONALITY", "BRITISHCITIZENSHIP", "COUNTRYOFBIRTH", "YEAROFENTRY", "DISABLED", "CARECERT",
  "L2CARECERT", "RECSOURCE", "HANDCVISA", "INOUTUK", "STARTDATE", "STARTINSECT", "DHA", "APPRENTICE", "EMPLSTATUS",
  "ZEROHRCONT", "DAYSSICK", "SALARYINT", "SALARY", "HOURLYRATE", "MAINJOBROLE", "MAINJRDESC", "CONTHOURS", "AVGHOURS",
  "NMCREG", "AMHP", "SCQUAL", "NONSCQUAL", "CWPCATEGORY", "QUALACH01", "QUALACH01NOTES", "QUALACH02", "QUALACH02NOTES",
  "QUALACH03", "QUALACH03NOTES"] as const;
// What identifies the person: kept in their passport's vault, never here.
export const IDENTITY_COLUMNS = ["DISPLAYID", "NINUMBER", "POSTCODE", "DOB", "GENDER", "ETHNICITY", "NATIONALITY",
  "BRITISHCITIZENSHIP", "COUNTRYOFBIRTH", "YEAROFENTRY", "DISABLED"] as const;

type TrainingColumn = (typeof TRAINING_COLUMNS)[number];
type WorkerColumn = (typeof WORKER_COLUMNS)[number];

// A row in the order of `columns`; every column not given is empty.
const rowOf = <C extends string>(columns: readonly C[], values: Partial<Record<C, string>>) =>
  columns.map((c) => values[c] ?? "");

// DD/MM/YYYY, as both files write dates.
export const ukDateText = (d: ProtoDate) =>
  `${String(d.day).padStart(2, "0")}/${String(d.month).padStart(2, "0")}/${String(d.year).padStart(4, "0")}`;

export const sameDay = (a: ProtoDate | undefined, b: ProtoDate | undefined) =>
  a === b || (!!a && !!b && a.year === b.year && a.month === b.month && a.day === b.day);

// VALIDITY: "none" when the training does not expire; the number of months
// when the expiry falls on the same day of a later month, a day every month
// has (months after the 31st differ by who counts them); else empty, since
// EXPIRYDATE says it.
export function validity(awarded: ProtoDate, until: ProtoDate | undefined): string {
  if (!until) return "none";
  const months = (until.year - awarded.year) * 12 + until.month - awarded.month;
  return months >= 1 && months <= 999 && until.day === awarded.day && awarded.day <= 28 ? String(months) : "";
}

// Not revoked or suspended: an expired record still says what happened.
const standing = (state: RecordState | undefined) => state === RecordState.VALID || state === RecordState.EXPIRED;

// CARECERT: 1 completed (every standard of a version met), 3 in progress
// (some met), 2 none met.
export function careCertificateCode(views: CareCertificateView[]): string {
  if (views.some((c) => c.complete)) return "1";
  return views.some((c) => c.standardsMet.length > 0) ? "3" : "2";
}

// L2CARECERT: "1;YYYY" when the passport holds the Level 2 Adult Social Care
// Certificate (its first award; "1;" without a year). Empty otherwise: a
// passport without it does not show that the worker has not started it.
export function level2CareCertificateCode(credentials: CredentialView[]): string {
  const years = credentials.filter((c) => standing(c.ref?.state) && c.credential?.kind === CredentialKind.QUALIFICATION &&
    c.credential.subject.case === "qualification" && c.credential.subject.value === LEVEL2_ADULT_SOCIAL_CARE_CERTIFICATE)
    .map((c) => c.credential?.awarded?.year ?? 0);
  if (!years.length) return "";
  const known = years.filter((y) => y > 0);
  return known.length ? `1;${Math.min(...known)}` : "1;";
}

// DHA: 1 while a delegation of a healthcare activity stands (not withdrawn,
// revoked or suspended), else 2.
export const delegatedActivitiesCode = (delegations: DelegationView[]) =>
  delegations.some((d) => !d.withdrawn && d.ref?.state === RecordState.VALID) ? "1" : "2";

// The valid training credentials of a passport with an ASC-WDS category, by
// any issuer: one training-file row each.
export function trainingRows(localEstId: string, worker: string, view: PassportView): string[][] {
  return view.credentials.flatMap((c): string[][] => {
    const credential = c.credential;
    if (c.ref?.state !== RecordState.VALID || credential?.kind !== CredentialKind.TRAINING ||
      credential.subject.case !== "ascwdsTrainingCategory" || !credential.awarded) return [];
    const code = bulkUploadCodeOfTraining.get(credential.subject.value);
    if (code === undefined) return [];
    return [rowOf<TrainingColumn>(TRAINING_COLUMNS, { LOCALESTID: localEstId, UNIQUEWORKERID: worker, CATEGORY: String(code),
      VALIDITY: validity(credential.awarded, credential.validUntil), DATECOMPLETED: ukDateText(credential.awarded),
      EXPIRYDATE: credential.validUntil ? ukDateText(credential.validUntil) : "" })];
  });
}

// The worker-file row of a worker with a current job at `organisationId`,
// else undefined. With several such jobs, the longest-standing one: STARTDATE
// is when they started with this employer.
export function workerRow(localEstId: string, worker: string, view: PassportView, organisationId: string): string[] | undefined {
  const [job] = view.employments.filter((e) => e.active && e.started?.organisationId === organisationId)
    .map((e) => e.started!).sort((a, b) => dayOrder(a.startDate) - dayOrder(b.startDate));
  if (!job) return undefined;
  const role = job.role.case === "ascwdsJobRole" ? bulkUploadCodeOfJobRole.get(job.role.value) : undefined;
  const pathway = bulkUploadCodeOfPathway.get(job.careWorkforcePathwayCategory);
  return rowOf<WorkerColumn>(WORKER_COLUMNS, { LOCALESTID: localEstId, UNIQUEWORKERID: worker,
    CARECERT: careCertificateCode(view.careCertificates), L2CARECERT: level2CareCertificateCode(view.credentials),
    STARTDATE: job.startDate ? ukDateText(job.startDate) : "", DHA: delegatedActivitiesCode(view.delegations),
    MAINJOBROLE: role === undefined ? "" : String(role), CWPCATEGORY: pathway === undefined ? "" : String(pathway) });
}

const dayOrder = (d: ProtoDate | undefined) => d ? Date.UTC(d.year, d.month - 1, d.day) : 0;

export const trainingFile = (rows: string[][]) => csvText([[...TRAINING_COLUMNS], ...rows]);
export const workerFile = (rows: string[][]) => csvText([[...WORKER_COLUMNS], ...rows]);

// Whether the passport already holds this training (the same ASC-WDS
// category, completion and expiry, from any issuer), not revoked: what makes
// an import of an exported file write nothing.
export function trainingOnPassport(view: PassportView, training: { category: number; awarded: ProtoDate;
  validUntil?: ProtoDate }): boolean {
  return view.credentials.some((c) => c.ref?.state !== RecordState.REVOKED &&
    c.credential?.kind === CredentialKind.TRAINING && c.credential.subject.case === "ascwdsTrainingCategory" &&
    c.credential.subject.value === training.category && sameDay(c.credential.awarded, training.awarded) &&
    sameDay(c.credential.validUntil, training.validUntil));
}
