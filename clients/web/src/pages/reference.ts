// Reference data names (records/reference/data/*.csv), bundled at build time
// as text so the page names codes exactly as the binaries do.
import careCertificate from "../../../../records/reference/data/care_certificate_standards.v1.csv";
import activities from "../../../../records/reference/data/delegated_activities.v1.csv";
import jobRoles from "../../../../records/reference/data/job_roles.v1.csv";
import training from "../../../../records/reference/data/training_categories.v1.csv";
import pathway from "../../../../records/reference/data/care_workforce_pathway.v1.csv";

// Rows of a CSV file (RFC 4180 quoting), keyed by the header's names.
function rows(csv: string): Map<string, string>[] {
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
export const pathwayCategory = titles(pathway, "id", "title");
