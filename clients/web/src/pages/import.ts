// The desk's ASC-WDS training bulk import: an ASC-WDS training bulk-upload
// file (../shared/reference/ascwds_bulk_upload_format.md) and the employer's
// list of which passport each UNIQUEWORKERID holds; every row previewed with
// what is wrong with it, then the good rows signed and submitted with a
// progress bar.
//
// A row whose training the worker's passport already holds (read with the
// worker's permission, as the export reads it) is "already on the passport"
// and not submitted: a file exported from here imports as nothing new.
//
// Resuming never writes a row twice: every row of an import is signed with
// one issued_at, kept in IndexedDB under the import's hash, and Ed25519
// signatures are deterministic, so signing a row again gives the same entry
// and the node answers already_present for one it holds (before any other
// check). Only a row the node never took can meet the 10-minute clock limit;
// it is then signed afresh.

import { create } from "@bufbuild/protobuf";
import { CredentialKind, DateSchema, type Date as ProtoDate } from "../gen/skillspassport/v1/records_pb.js";
import { newRecord, signRecord } from "../sign/index.js";
import { hex, sha256, utf8 } from "../verify/index.js";
import { passportService } from "./api.js";
import { trainingOnPassport } from "./ascwds.js";
import type { Desk } from "./desk.js";
import type { Errors, Task } from "./tasks.js";
import { load, save } from "./keystore.js";
import { rows, trainingCategory, trainingOfBulkUploadCode } from "./reference.js";
import { refusalOf } from "./refusal.js";
import { dayNumberOf, fileField, fileText, h } from "./ui.js";
import { eachInParallel, readPassports, workers } from "./workers.js";
import { day } from "./words.js";

const COLUMNS = ["UNIQUEWORKERID", "CATEGORY", "TRAININGNAME", "ACCREDITED", "WHODELIVERED", "PROVIDERNAME",
  "HOWDELIVERED", "VALIDITY", "DATECOMPLETED", "EXPIRYDATE"];
const api = passportService();

interface Row {
  line: number; // in the file, the header being line 1
  worker: string;
  text: string; // what the row records, in words
  problem?: string; // why it cannot be recorded
  record?: { passportId: Uint8Array; category: number; awarded: ProtoDate; validUntil?: ProtoDate };
}

// DD/MM/YYYY, or why not.
function ukDate(text: string, what: string): ProtoDate | string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!m) return `${what} must be a date like 27/03/2026`;
  const [d, mo, y] = [m[1], m[2], m[3]].map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCMonth() !== mo - 1 || y < 1900) return `${what} ${text} is not a real date`;
  return create(DateSchema, { year: y, month: mo, day: d });
}

const addMonths = (d: ProtoDate, months: number) => {
  const t = new Date(Date.UTC(d.year, d.month - 1 + months, d.day));
  return create(DateSchema, { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() });
};

// Every row of the training file, each with what is wrong with it.
export function readTrainingFile(csv: string, passports: Map<string, Uint8Array>, today: number): Row[] | string {
  const table = rows(csv.replace(/^\uFEFF/, ""));
  const header = table.length ? [...table[0].keys()] : csv.split(/\r?\n/)[0].split(",");
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) return `This is not an ASC-WDS training file: it has no ${missing.join(", ")} column${missing.length > 1 ? "s" : ""}`;
  const seen = new Map<string, number>();
  return table.flatMap((r, i): Row[] => {
    const get = (c: string) => (r.get(c) ?? "").trim();
    if ([...r.values()].every((v) => !v.trim())) return [];
    const line = i + 2, worker = get("UNIQUEWORKERID");
    const problems: string[] = [];
    const passportId = passports.get(worker);
    if (!worker) problems.push("UNIQUEWORKERID is empty");
    else if (!passportId) problems.push(`worker ${worker} is not in your workers list`);
    const category = trainingOfBulkUploadCode.get(Number(get("CATEGORY")));
    if (!/^\d+$/.test(get("CATEGORY")) || category === undefined) {
      problems.push(`CATEGORY ${get("CATEGORY") || "(empty)"} is not an ASC-WDS training category code`);
    }
    if (!["", "0", "1", "999"].includes(get("ACCREDITED"))) problems.push("ACCREDITED must be 1, 0 or 999");
    if (!["", "1", "2"].includes(get("WHODELIVERED"))) problems.push("WHODELIVERED must be 1 or 2");
    if (get("PROVIDERNAME") && get("WHODELIVERED") !== "2") problems.push("PROVIDERNAME is only for an external provider (WHODELIVERED 2)");
    if (!["", "1", "2"].includes(get("HOWDELIVERED"))) problems.push("HOWDELIVERED must be 1 or 2");
    const validity = get("VALIDITY").toLowerCase();
    if (validity && validity !== "none" && !/^[1-9]\d{0,2}$/.test(validity)) problems.push("VALIDITY must be none or a number of months");
    const awarded = get("DATECOMPLETED") ? ukDate(get("DATECOMPLETED"), "DATECOMPLETED") : "DATECOMPLETED is empty";
    if (typeof awarded === "string") problems.push(awarded);
    else if (dayNumberOf(awarded) > today) problems.push("DATECOMPLETED is in the future");
    let validUntil = get("EXPIRYDATE") ? ukDate(get("EXPIRYDATE"), "EXPIRYDATE") : undefined;
    if (typeof validUntil === "string") problems.push(validUntil);
    else if (!validUntil && typeof awarded !== "string" && /^\d+$/.test(validity)) validUntil = addMonths(awarded, Number(validity));
    if (validUntil && typeof validUntil !== "string" && typeof awarded !== "string" && dayNumberOf(validUntil) <= dayNumberOf(awarded)) {
      problems.push("EXPIRYDATE must be after DATECOMPLETED");
    }
    const key = [worker, category, get("DATECOMPLETED")].join("|");
    if (!problems.length && seen.has(key)) problems.push(`the same training as line ${seen.get(key)}`);
    seen.set(key, seen.get(key) ?? line);
    const until = validUntil && typeof validUntil !== "string" ? validUntil : undefined;
    const text = `${category !== undefined ? trainingCategory.get(category) : "Unknown training"}${get("TRAININGNAME")
      ? ` (${get("TRAININGNAME")})` : ""}${typeof awarded !== "string" ? `, completed ${day(awarded)}` : ""}${until
      ? `, valid until ${day(until)}` : ""}`;
    return [{ line, worker, text, problem: problems.length ? `${problems.join("; ")}.`.replace(/^./, (c) => c.toUpperCase()) : undefined,
      record: problems.length ? undefined : { passportId: passportId!, category: category!, awarded: awarded as ProtoDate,
        validUntil: until } }];
  });
}

let preview: { hash: string; rows: Row[]; passports: Map<string, Uint8Array> } | undefined;

function renderPreview(box: HTMLElement, list: Row[]): void {
  const good = list.filter((r) => r.record).length;
  box.replaceChildren(
    h("h3", { id: "import-preview-heading", "data-good": String(good), "data-bad": String(list.length - good) },
      `${good} of ${list.length} rows can be recorded`),
    // Focusable, so the keyboard can scroll it sideways on a phone.
    h("div", { class: "skp-table", tabindex: "0", role: "region", "aria-labelledby": "import-preview-heading" }, h("table", { class: "nhsuk-table" },
      h("caption", { class: "nhsuk-table__caption nhsuk-u-visually-hidden" }, "Every row of the file"),
      h("thead", { class: "nhsuk-table__head" }, h("tr", {}, ...["Line", "Worker", "Training", "Status"].map((t) =>
        h("th", { scope: "col", class: "nhsuk-table__header" }, t)))),
      h("tbody", { class: "nhsuk-table__body" }, ...list.map((r) => h("tr", { class: "nhsuk-table__row",
        "data-line": String(r.line), "data-status": r.problem ? "error" : "ready" },
      h("td", { class: "nhsuk-table__cell" }, String(r.line)), h("td", { class: "nhsuk-table__cell" }, r.worker),
      h("td", { class: "nhsuk-table__cell" }, r.text),
      h("td", { class: "nhsuk-table__cell" }, r.problem ?? "Ready to record")))))));
}

// Signs and submits the good rows not already on the workers' passports, a
// few at a time; returns per line the outcome ("recorded", "already") or the
// refusal in words.
async function record(desk: Desk, hash: string, list: Row[], passports: Map<string, Uint8Array>,
  progress: HTMLProgressElement): Promise<Map<number, string>> {
  const stateName = `import:${desk.organisationId}:${hash}`;
  const state = (await load<{ issuedAt: number }>(stateName)) ?? { issuedAt: Date.now() };
  await save(stateName, state);
  const outcomes = new Map<number, string>();
  // Only the workers some row names. A passport that cannot be read leaves
  // its rows to the node, which answers already_present for an entry it holds.
  const named = new Set(list.filter((r) => r.record).map((r) => r.worker));
  const views = await readPassports(desk, new Map([...passports].filter(([worker]) => named.has(worker))));
  const good = list.filter((r) => r.record).filter((r) => {
    const view = views.get(r.worker);
    const onPassport = typeof view === "object" && trainingOnPassport(view, r.record!);
    if (onPassport) outcomes.set(r.line, "already");
    return !onPassport;
  });
  progress.max = good.length;
  progress.value = 0;
  const sign = (r: Row, at: number) => signRecord(newRecord({ case: "credentialIssued", value: {
    passportId: r.record!.passportId, organisationId: desk.organisationId, kind: CredentialKind.TRAINING,
    subject: { case: "ascwdsTrainingCategory", value: r.record!.category }, awarded: r.record!.awarded,
    validUntil: r.record!.validUntil } }, at), desk.key);
  await eachInParallel(good, async (row) => {
    try {
      let response;
      try {
        response = await api.submit({ entry: await sign(row, state.issuedAt) });
      } catch (error) {
        if (refusalOf(error).field !== "request" || !/clock/.test(refusalOf(error).sentence)) throw error;
        response = await api.submit({ entry: await sign(row, Date.now()) }); // never taken: sign afresh
      }
      outcomes.set(row.line, response.alreadyPresent ? "already" : "recorded");
    } catch (error) {
      outcomes.set(row.line, refusalOf(error).sentence);
    }
    progress.value += 1;
    progress.textContent = `${progress.value} of ${good.length}`;
  });
  return outcomes;
}

export const importTask: Task<Desk> = {
  id: "import", title: "Import training from an ASC-WDS bulk-upload file", button: "Check the file",
  fields: (form) => [
    fileField(form, "training_file", "ASC-WDS training file",
      "The training bulk-upload file (CSV) you send to ASC-WDS: LOCALESTID, UNIQUEWORKERID, CATEGORY, TRAININGNAME, ... EXPIRYDATE"),
    fileField(form, "workers_file", "Your workers' passport IDs",
      "A CSV file of UNIQUEWORKERID,PASSPORTID: each worker's ID in the training file and the passport ID they gave you"),
    h("div", { id: `${form}-preview`, class: "skp-result", tabindex: "-1" }),
    h("div", { id: `${form}-record-box`, hidden: "" },
      h("button", { class: "nhsuk-button", type: "button", id: `${form}-record` }, "Sign and record the good rows"),
      h("label", { class: "nhsuk-label", for: `${form}-progress` }, "Progress"),
      h("progress", { id: `${form}-progress`, class: "skp-progress", value: "0", max: "1" }, "0"),
      h("div", { id: `${form}-result`, class: "skp-result", tabindex: "-1", role: "status" })),
  ],
  async run(form, desk, showFormErrors) {
    const [training, list] = [await fileText(form, "training_file"), await fileText(form, "workers_file")];
    const errors: Errors = [];
    if (training === undefined) errors.push(["training_file", "Choose the ASC-WDS training file"]);
    const passports = list === undefined ? "Choose the file of your workers' passport IDs" : workers(list);
    if (typeof passports === "string") errors.push(["workers_file", passports]);
    const read = training !== undefined && typeof passports !== "string"
      ? readTrainingFile(training, passports, Math.floor(Date.now() / 86_400_000)) : undefined;
    if (typeof read === "string") errors.push(["training_file", read]);
    if (errors.length || !read || typeof read === "string" || training === undefined || typeof passports === "string") {
      return showFormErrors(errors);
    }
    const hash = hex(sha256(utf8(`${training}\n${list}`)));
    preview = { hash, rows: read, passports };
    const box = form.querySelector<HTMLElement>(`#${form.id}-preview`)!;
    renderPreview(box, read);
    form.querySelector<HTMLElement>(`#${form.id}-record-box`)!.hidden = !read.some((r) => r.record);
    form.querySelector<HTMLElement>(`#${form.id}-result`)!.replaceChildren();
    box.focus();
    const button = form.querySelector<HTMLButtonElement>(`#${form.id}-record`)!;
    button.onclick = async () => {
      if (!preview) return;
      button.disabled = true;
      const started = performance.now();
      const outcomes = await record(desk, preview.hash, preview.rows, preview.passports,
        form.querySelector<HTMLProgressElement>(`#${form.id}-progress`)!);
      const seconds = (performance.now() - started) / 1000;
      button.disabled = false;
      const count = (what: string) => [...outcomes.values()].filter((o) => o === what).length;
      const refused = preview.rows.filter((r) => r.record && !["recorded", "already"].includes(outcomes.get(r.line)!));
      const result = form.querySelector<HTMLElement>(`#${form.id}-result`)!;
      result.replaceChildren(
        h("h3", { id: "import-result-heading", "data-recorded": String(count("recorded")), "data-already": String(count("already")),
          "data-refused": String(refused.length), "data-seconds": seconds.toFixed(3) },
          `${count("recorded")} recorded, ${count("already")} already on the passports, ${refused.length} refused`),
        ...(refused.length ? [h("ul", { class: "nhsuk-list nhsuk-list--bullet" }, ...refused.map((r) =>
          h("li", { "data-line": String(r.line) }, `Line ${r.line}: ${outcomes.get(r.line)}`)))] : []));
      result.focus();
    };
  },
};
