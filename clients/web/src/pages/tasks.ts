// The task forms of a page that signs records in this browser (the
// employer's desk, the registered professional's page): a list of tasks, one
// form each, shown by the address's #fragment. Every form checks its fields
// before signing; a refusal by the node is shown by the field it concerns;
// the outcome lists the records made. The page's markup holds #outcome,
// #tasks (in a <nav> with #tasks-heading) and #forms.

import { RecordSchema, type Record } from "../gen/skillspassport/v1/records_pb.js";
import { decodeEntry, hex, passportIdOf } from "../verify/index.js";
import { parse } from "../verify/wire.js";
import { passportService } from "./api.js";
import { refusalOf, type Voice } from "./refusal.js";
import type { KeptKey } from "./signing_key.js";
import {
  byId, dateValue, dayNumberOf, field, h, showErrors, textInput, value, type Day, type FieldError,
} from "./ui.js";
import { describe } from "./words.js";

export type Errors = [string, string][]; // [field name, message]

export interface Made {
  record: Record;
  id: Uint8Array;
  already: boolean;
}

// A form of the page: it signs records (build), reads a passport (read), or
// runs a job of its own (run).
export interface Task<S extends KeptKey> {
  id: string;
  title: string;
  button: string;
  fields(form: string): HTMLElement[];
  // The signed entries to submit, or what is wrong with the form.
  build?(form: HTMLFormElement, signer: S): Promise<Uint8Array[] | Errors>;
  // What to show, or what is wrong with the form.
  read?(form: HTMLFormElement, signer: S): Promise<HTMLElement[] | Errors>;
  run?(form: HTMLFormElement, signer: S, showFormErrors: (errors: Errors) => void): Promise<void>;
  // Once the form is on the page: fields that follow other fields' choices.
  wire?(form: HTMLFormElement): void;
  // After the records are made and the form cleared.
  made?(form: HTMLFormElement, done: Made[]): void;
}

// ---- checks shared by the forms ----

export function passportId(form: HTMLFormElement, errors: Errors): Uint8Array {
  const text = value(form, "passport_id").replace(/\s+/g, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(text)) {
    errors.push(["passport_id", text ? "The passport ID must be 32 letters and numbers, like 1a2b 3c4d ..."
      : "Enter the worker's passport ID"]);
  }
  return Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
}

// A 64-character record ID (a leaf hash) in the field `name`.
export function recordId(form: HTMLFormElement, name: string, errors: Errors): Uint8Array {
  const text = value(form, name).replace(/\s+/g, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(text)) {
    errors.push([name, text ? "The record ID must be 64 letters and numbers" : "Enter the record ID"]);
  }
  return Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
}

export function required(form: HTMLFormElement, name: string, message: string, errors: Errors, max = 200): string {
  const text = value(form, name);
  if (!text) errors.push([name, message]);
  else if (text.length > max) errors.push([name, `${field(form, name).dataset.label} must be ${max} characters or fewer`]);
  return text;
}

export function date(form: HTMLFormElement, name: string, errors: Errors, optional = false): Day | undefined {
  const d = dateValue(form, name);
  if (typeof d !== "string") return d;
  if (!(optional && d.startsWith("Enter"))) errors.push([name, d]);
  return undefined;
}

export function notAfterToday(form: HTMLFormElement, name: string, d: Day | undefined, errors: Errors): void {
  if (d && dayNumberOf(d) > Math.floor(Date.now() / 86_400_000)) {
    errors.push([name, `${field(form, name).dataset.label} must be today or in the past`]);
  }
}

// `later` must not be before `earlier` (both fields of the form).
export function notBefore(form: HTMLFormElement, later: [string, Day | undefined], earlier: [string, Day | undefined],
  errors: Errors): void {
  if (later[1] && earlier[1] && dayNumberOf(later[1]) < dayNumberOf(earlier[1])) {
    errors.push([later[0], `${field(form, later[0]).dataset.label} must be on or after the ${
      field(form, earlier[0]).dataset.label?.toLowerCase()}`]);
  }
}

export const options = (map: Map<number, string>): [string, string][] => [...map].map(([id, title]) => [String(id), title]);

export const passportField = (form: string) => textInput({ form, name: "passport_id", label: "Passport ID", width: 30,
  hint: "32 letters and numbers. The worker can show it on their phone, under My passport" });

// ---- the forms on the page ----

export interface TaskPage {
  showTask(): void; // the form named by the address's #fragment, else the list of tasks
}

// Builds the forms of `tasks`, signed by `signer()` (none: the page is
// asking for its key), in `voice`; `signedWith` says whose key signs.
export function taskPage<S extends KeptKey>(tasks: Task<S>[], o: { signer: () => S | undefined; voice: Voice;
  signedWith: string }): TaskPage {
  const api = passportService();
  const outcome = byId("outcome");

  // The field an error names; an error about no field of the form (or about
  // the key: "signer") goes by the form's first field or its signing panel.
  const errorTarget = (form: HTMLFormElement, name: string): HTMLElement =>
    (name && field(form, name)) || form.querySelector<HTMLElement>("input, textarea, select")!;

  const fieldErrors = (form: HTMLFormElement, errors: Errors): FieldError[] => errors.map(([name, message]) => {
    const target = errorTarget(form, name);
    // A node's "<field>: <problem>" reads with the field's label first.
    const text = /^[a-z]/.test(message) ? `${target.dataset.label ?? name} ${message}` : message;
    return [target, text];
  });

  const refused = (form: HTMLFormElement, error: unknown, madeBefore = "") => {
    const refusal = refusalOf(error, o.voice);
    showErrors(fieldErrors(form, [[refusal.field ?? "", `${refusal.sentence}${madeBefore}`]]));
  };

  async function submit(task: Task<S>, form: HTMLFormElement, button: HTMLButtonElement): Promise<void> {
    const signer = o.signer();
    if (!signer) return;
    showErrors([]);
    outcome.hidden = true;
    if (task.run) return task.run(form, signer, (errors) => showErrors(fieldErrors(form, errors)));
    if (task.read) return read(task.read, form, signer);
    const built = await task.build!(form, signer);
    if (!(built[0] instanceof Uint8Array)) return showErrors(fieldErrors(form, built as Errors));
    const entries = built as Uint8Array[];
    button.disabled = true;
    const done: Made[] = [];
    try {
      for (const entry of entries) {
        const response = await api.submit({ entry });
        const decoded = decodeEntry(entry);
        const record = typeof decoded === "string" ? undefined : parse(RecordSchema, decoded.payload);
        if (record) done.push({ record, id: response.recordId, already: response.alreadyPresent });
      }
    } catch (error) {
      return refused(form, error, done.length ? `. ${done.length} of ${entries.length} records were made before this one` : "");
    } finally {
      button.disabled = false;
    }
    showOutcome(done);
    form.reset();
    task.made?.(form, done);
  }

  async function read(reader: NonNullable<Task<S>["read"]>, form: HTMLFormElement, signer: S): Promise<void> {
    let shown: HTMLElement[] | Errors;
    try {
      shown = await reader(form, signer);
    } catch (error) {
      return refused(form, error);
    }
    if (!(shown[0] instanceof HTMLElement)) return showErrors(fieldErrors(form, shown as Errors));
    outcome.replaceChildren(h("div", { class: "skp-verdict", "data-outcome": "READ" },
      h("h2", { id: "outcome-heading" }, "What the passport shows"), ...(shown as HTMLElement[])));
    outcome.hidden = false;
    outcome.focus();
  }

  function showOutcome(done: Made[]): void {
    const fresh = done.filter((d) => !d.already).length;
    const enrolled = done.find((d) => d.record.kind.case === "passportEnrolled")?.record.kind;
    const enrolledId = enrolled?.case === "passportEnrolled" ? hex(passportIdOf(enrolled.value.publicKey)) : "";
    outcome.replaceChildren(h("div", { class: "skp-verdict", "data-outcome": fresh ? "RECORDED" : "ALREADY_PRESENT" },
      h("h2", { id: "outcome-heading" }, fresh ? (fresh === 1 ? "Record made" : `${fresh} records made`)
        : "Already recorded: nothing new was written"),
      ...(enrolledId ? [h("p", {}, "The worker's passport ID is ",
        h("strong", { class: "skp-key", "data-passport-id": enrolledId }, enrolledId.replace(/(.{4})(?!$)/g, "$1 ")))] : []),
      h("ul", { class: "nhsuk-list nhsuk-list--bullet" }, ...done.map((d) => h("li", { "data-record-id": hex(d.id) },
        `${describe(d.record)}${d.already ? " (already on the passport)" : ""}. Record ID: `,
        h("span", { class: "skp-key" }, hex(d.id)))))));
    outcome.hidden = false;
    outcome.focus();
  }

  function showTask(): void {
    const id = location.hash.slice(1);
    for (const form of document.querySelectorAll<HTMLFormElement>("#forms form")) form.hidden = form.id !== id;
    byId("tasks").closest("nav")!.hidden = tasks.some((t) => t.id === id);
  }

  byId("tasks").replaceChildren(...tasks.map((t) => h("li", {}, h("a", { href: `#${t.id}` }, t.title))));
  byId("forms").replaceChildren(...tasks.map((task) => {
    const button = h("button", { class: "nhsuk-button", type: "submit" }, task.button) as HTMLButtonElement;
    const form = h("form", { id: task.id, novalidate: "", hidden: "", "aria-labelledby": `${task.id}-heading` },
      h("h2", { id: `${task.id}-heading`, tabindex: "-1" }, task.title),
      h("div", { class: "nhsuk-form-group", id: `${task.id}-signer`, tabindex: "-1", "data-label": "Signing key" },
        h("p", { class: "nhsuk-body-s" }, o.signedWith)),
      ...task.fields(task.id), button,
      h("p", {}, h("a", { href: "#" }, "Back to the list"))) as HTMLFormElement;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void submit(task, form, button);
    });
    return form;
  }));
  for (const task of tasks) task.wire?.(byId<HTMLFormElement>(task.id));
  addEventListener("hashchange", () => {
    showErrors([]);
    outcome.hidden = true;
    showTask();
    // Focus moves to the form's heading, or back to the list.
    (document.getElementById(`${location.hash.slice(1)}-heading`) ?? byId("tasks-heading")).focus();
  });
  return { showTask };
}
