// Reference data names (records/reference/data/*.csv), bundled at build time
// as text so the page names codes exactly as the binaries do.
import careCertificate from "../../../../records/reference/data/care_certificate_standards.v1.csv";
import activities from "../../../../records/reference/data/delegated_activities.v1.csv";
import jobRoles from "../../../../records/reference/data/job_roles.v1.csv";
import jobRoleCodes from "../../../../records/reference/data/job_role_bulk_upload_codes.v1.csv";
import checklists from "../../../../records/reference/data/role_checklists.v1.csv";
import bulkUploadCodes from "../../../../records/reference/data/training_bulk_upload_codes.v1.csv";
import training from "../../../../records/reference/data/training_categories.v1.csv";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { RequirementSchema } from "../gen/skillspassport/v1/passport_pb.js";
import pathway from "../../../../records/reference/data/care_workforce_pathway.v1.csv";

// Rows of a CSV file (RFC 4180 quoting), keyed by the header's names.
export function rows(csv: string): Map<string, string>[] {
  const records: string[][] = [[]];
  let field = "";
  let quoted = false;
  const endField = () => {
    records[records.length - 1].push(field);
    field = "";
  };
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (csv[i + 1] === '"') field += csv[++i];
      else quoted = false;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      endField();
    } else if (c === "\n") {
      endField();
      records.push([]);
    } else if (c !== "\r") {
      field += c;
    }
  }
  if (field) endField();
  const [header, ...body] = records.filter((r) => r.length > 0);
  return body.map((r) => new Map(header.map((name, i) => [name, r[i] ?? ""])));
}

// CSV text of `table` (RFC 4180 quoting, only where a field needs it), one line each.
export function csvText(table: (string | number)[][]): string {
  const field = (value: string | number) => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return table.map((r) => r.map(field).join(",")).join("\n") + "\n";
}

function titles(csv: string, key: string, title: string): Map<number, string> {
  return new Map(rows(csv).map((r) => [Number(r.get(key)), r.get(title) ?? ""]));
}

export const careCertificateStandard = {
  2015: titles(careCertificate, "number", "title_2015"),
  2025: titles(careCertificate, "number", "title_2025"),
} as { [version: number]: Map<number, string> | undefined };
export const delegatedActivity = titles(activities, "id", "title");
export const jobRole = titles(jobRoles, "id", "title");
export const trainingCategory = titles(training, "id", "title");
// ASC-WDS training bulk-upload CATEGORY code -> training category id.
export const trainingOfBulkUploadCode = new Map([...titles(bulkUploadCodes, "bulk_upload_code",
  "ascwds_training_category")].map(([code, id]) => [code, Number(id)]));
// The other way (the codes and categories pair one to one), and the same for
// job roles and Care Workforce Pathway categories: the codes of ASC-WDS's
// bulk-upload files, which differ from its ids.
export const bulkUploadCodeOfTraining = new Map([...trainingOfBulkUploadCode].map(([code, id]) => [id, code]));
export const bulkUploadCodeOfJobRole = new Map([...titles(jobRoleCodes, "ascwds_job_role", "bulk_upload_code")]
  .map(([id, code]) => [id, Number(code)]));
// The Ofqual number that makes a qualification credential the Level 2 Adult
// Social Care Certificate (records/reference/reference_data.h).
export const LEVEL2_ADULT_SOCIAL_CARE_CERTIFICATE = "610/4009/5";
// The form of an NHS occupation code (like N0C, or HCA in the walkthrough);
// no code list ships, so only the form is checked here.
export const NHS_ROLE_CODE = /^[A-Z0-9]{3}$/;

// Role checklists: what a new employer in that role asks to see, as the
// Requirement items of Passport.RequiredCredentials.
export type RequirementItem = MessageInitShape<typeof RequirementSchema>["item"];
export interface RoleChecklist {
  id: string;
  title: string;
  items: RequirementItem[];
}
const itemOf = (name: string, value: string): RequirementItem => {
  switch (name) {
    case "care_certificate_version": return { case: "careCertificateVersion", value: Number(value) };
    case "ascwds_training_category": return { case: "ascwdsTrainingCategory", value: Number(value) };
    case "cstf_subject": return { case: "cstfSubject", value };
    case "qualification": return { case: "qualification", value };
    case "competency_activity": return { case: "competencyActivity", value: Number(value) };
    default: throw new Error(`role_checklists: unknown item ${name}`);
  }
};
export const roleChecklists: RoleChecklist[] = [];
for (const r of rows(checklists)) {
  const id = r.get("checklist") ?? "";
  let list = roleChecklists.find((c) => c.id === id);
  if (!list) roleChecklists.push(list = { id, title: r.get("title") ?? id, items: [] });
  list.items.push(itemOf(r.get("item") ?? "", r.get("value") ?? ""));
}
export const pathwayCategory = titles(pathway, "id", "title");
export const bulkUploadCodeOfPathway = new Map([...titles(pathway, "id", "bulk_upload_code")]
  .map(([id, code]) => [id, Number(code)]));
