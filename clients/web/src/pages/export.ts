// The desk's ASC-WDS export: from the employer's workers list, each worker's
// passport read with the organisation's key (the worker's permission
// needed), made into the ASC-WDS training and worker bulk-upload files
// (ascwds.ts), offered as downloads made in the browser. A worker whose
// passport cannot be read is left out, with the reason in words.

import { IDENTITY_COLUMNS, trainingFile, trainingRows, workerFile, workerRow } from "./ascwds.js";
import type { Desk } from "./desk.js";
import { required, type Errors, type Task } from "./tasks.js";
import { fileField, fileText, h, textInput } from "./ui.js";
import { readPassports, workers } from "./workers.js";

// ASC-WDS refuses a LOCALESTID of 50 characters or more (its workplace
// file validator, SopraSteria-SFC workplaceCSVValidator.js).
const LOCALESTID_MAX = 49;

let offered: string[] = []; // the object URLs of the files on offer, released when replaced

const download = (id: string, name: string, csv: string, text: string) => {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  offered.push(url);
  return h("a", { id, href: url, download: name }, text);
};

const rowsText = (n: number) => n === 1 ? "1 row" : `${n} rows`;

export const exportTask: Task<Desk> = {
  id: "export", title: "Export ASC-WDS files", button: "Make the ASC-WDS files",
  fields: (form) => [
    h("p", {}, "For CQC-registered care providers: make the training and worker bulk-upload files for the Adult Social Care Workforce Data Set (ASC-WDS) from what your workers' passports hold, instead of typing it again. Each worker must first let your organisation read their passport, from their phone."),
    fileField(form, "workers_file", "Your workers' passport IDs",
      "A CSV file of UNIQUEWORKERID,PASSPORTID: each worker's ID in ASC-WDS and the passport ID they gave you"),
    textInput({ form, name: "local_establishment_id", label: "Your workplace's ID in ASC-WDS (LOCALESTID)", width: 20,
      hint: `The workplace ID of your ASC-WDS bulk-upload files, up to ${LOCALESTID_MAX} characters` }),
    h("div", { id: `${form}-files`, class: "skp-result", tabindex: "-1" }),
  ],
  async run(form, desk, showFormErrors) {
    const list = await fileText(form, "workers_file");
    const errors: Errors = [];
    const passports = list === undefined ? "Choose the file of your workers' passport IDs" : workers(list);
    if (typeof passports === "string") errors.push(["workers_file", passports]);
    const localEstId = required(form, "local_establishment_id", "Enter your workplace's ID in ASC-WDS (LOCALESTID)",
      errors, LOCALESTID_MAX);
    if (errors.length || typeof passports === "string") return showFormErrors(errors);

    const box = form.querySelector<HTMLElement>(`#${form.id}-files`)!;
    const button = form.querySelector<HTMLButtonElement>("button[type=submit]")!;
    button.disabled = true;
    box.replaceChildren(h("p", { role: "status" }, "Reading your workers' passports…"));
    const views = await readPassports(desk, passports).finally(() => (button.disabled = false));

    const training: string[][] = [], staff: string[][] = [];
    const leftOut: [string, string][] = [], noJobHere: string[] = [];
    for (const worker of passports.keys()) {
      const view = views.get(worker)!;
      if (typeof view === "string") {
        leftOut.push([worker, view]);
        continue;
      }
      training.push(...trainingRows(localEstId, worker, view));
      const row = workerRow(localEstId, worker, view, desk.organisationId);
      if (row) staff.push(row);
      else noJobHere.push(worker);
    }

    offered.forEach((url) => URL.revokeObjectURL(url));
    offered = [];
    const read = passports.size - leftOut.length;
    box.replaceChildren(
      h("h3", { id: "export-files-heading", "data-training-rows": String(training.length), "data-worker-rows": String(staff.length),
        "data-unread": String(leftOut.length) }, `Your ASC-WDS files, from ${read} of ${passports.size} passports`),
      h("ul", { class: "nhsuk-list" },
        h("li", {}, download("export-training-file", "ascwds-training.csv", trainingFile(training),
          `Download the training file (CSV, ${rowsText(training.length)})`)),
        h("li", {}, download("export-worker-file", "ascwds-workers.csv", workerFile(staff),
          `Download the worker file (CSV, ${rowsText(staff.length)})`))),
      h("div", { class: "nhsuk-inset-text" },
        h("span", { class: "nhsuk-u-visually-hidden" }, "Information: "),
        h("p", {}, `The identity columns (${IDENTITY_COLUMNS.join(", ")}) are left empty. A worker's identity is kept only in their own passport, never in the records this service shares, so fill these in from your own HR records before you upload the files.`),
        h("p", {}, "So is every other column this service does not hold, such as STATUS, contracts, pay and qualifications in the worker file, and the training's name, provider and notes in the training file. The training file holds each worker's valid training, whoever recorded it.")),
      ...(leftOut.length ? [h("h3", {}, "Left out of both files"),
        h("ul", { class: "nhsuk-list nhsuk-list--bullet" }, ...leftOut.map(([worker, reason]) =>
          h("li", { "data-left-out": worker }, h("strong", {}, worker), `: ${reason}.`)))] : []),
      ...(noJobHere.length ? [h("h3", {}, "In the training file only"),
        h("p", {}, "Their passports show no current job at your organisation, so they are not in the worker file:"),
        h("ul", { class: "nhsuk-list nhsuk-list--bullet" }, ...noJobHere.map((worker) =>
          h("li", { "data-no-job": worker }, worker)))] : []));
    box.focus();
  },
};
