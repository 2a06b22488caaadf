// What every page builds its forms and messages with: NHS.UK frontend's
// markup for fields, the error summary linking to each field, and an error
// message by the field (https://service-manual.nhs.uk/design-system/components/error-summary).

export const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

// Builds an element; strings become text, never HTML.
export function h(tag: string, attributes: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

// An error and the field it is about: an input, or a group (fieldset, panel) with an id.
export type FieldError = [HTMLElement, string];

const errorClass = (field: HTMLElement) => field instanceof HTMLTextAreaElement ? "nhsuk-textarea--error"
  : field instanceof HTMLSelectElement ? "nhsuk-select--error"
  : field instanceof HTMLInputElement ? "nhsuk-input--error" : "";

// Shows `errors` in the page's summary (#error-summary, #error-list) and by
// each field; an empty list clears them. The summary takes focus.
export function showErrors(errors: FieldError[]): void {
  document.querySelectorAll(".nhsuk-error-message").forEach((e) => e.remove());
  document.querySelectorAll(".nhsuk-form-group--error").forEach((e) => e.classList.remove("nhsuk-form-group--error"));
  document.querySelectorAll<HTMLElement>("[data-error]").forEach((field) => {
    field.classList.remove("nhsuk-input--error", "nhsuk-textarea--error", "nhsuk-select--error");
    field.setAttribute("aria-describedby", field.dataset.error ?? "");
    if (!field.dataset.error) field.removeAttribute("aria-describedby");
    delete field.dataset.error;
  });
  byId("error-list").replaceChildren(...errors.map(([field, message]) =>
    h("li", {}, h("a", { href: `#${field.id}` }, message))));
  const summary = byId("error-summary");
  summary.hidden = errors.length === 0;
  for (const [field, message] of errors) {
    field.closest(".nhsuk-form-group")?.classList.add("nhsuk-form-group--error");
    const klass = errorClass(field);
    if (klass) field.classList.add(klass);
    if (field.dataset.error === undefined) field.dataset.error = field.getAttribute("aria-describedby") ?? "";
    field.setAttribute("aria-describedby", `${field.dataset.error} ${field.id}-error`.trim());
    const text = h("span", { class: "nhsuk-error-message", id: `${field.id}-error` },
      h("span", { class: "nhsuk-u-visually-hidden" }, "Error: "), message);
    // In a fieldset the message goes after the legend and hint, else before the field.
    const after = field instanceof HTMLFieldSetElement
      ? field.querySelector(":scope > .nhsuk-hint") ?? field.querySelector(":scope > legend") : null;
    if (after) after.after(text);
    else field.before(text);
  }
  if (errors.length) summary.focus();
}

// Links in the summary move focus to their field, as NHS.UK frontend's do.
export function linkErrorSummary(): void {
  byId("error-summary").addEventListener("click", (event) => {
    const link = (event.target as HTMLElement).closest("a");
    const field = link && document.getElementById(link.hash.slice(1));
    if (field) {
      event.preventDefault();
      (field.querySelector<HTMLElement>("input, textarea, select") ?? field).focus();
    }
  });
}

// ---- fields (NHS.UK frontend markup), ids `${form}-${name}` ----

interface FieldOptions {
  form: string; // the form's id prefix
  name: string; // the proto field it fills, so a node's refusal finds it
  label: string;
  hint?: string;
}

function group(o: FieldOptions, field: HTMLElement, labelled = true): HTMLElement {
  const id = `${o.form}-${o.name}`;
  field.id = id;
  field.setAttribute("name", o.name);
  field.dataset.label = o.label;
  if (o.hint) field.setAttribute("aria-describedby", `${id}-hint`);
  return h("div", { class: "nhsuk-form-group" },
    ...(labelled ? [h("label", { class: "nhsuk-label", for: id }, o.label)] : []),
    ...(o.hint ? [h("div", { class: "nhsuk-hint", id: `${id}-hint` }, o.hint)] : []),
    field);
}

export function textInput(o: FieldOptions & { width?: number; value?: string; numeric?: boolean }): HTMLElement {
  const input = h("input", { class: `nhsuk-input${o.width ? ` nhsuk-input--width-${o.width}` : ""}`, type: "text",
    spellcheck: "false", autocomplete: "off", ...(o.numeric ? { inputmode: "numeric" } : {}) }) as HTMLInputElement;
  input.value = o.value ?? "";
  return group(o, input);
}

export function textarea(o: FieldOptions & { rows?: number }): HTMLElement {
  return group(o, h("textarea", { class: "nhsuk-textarea", rows: String(o.rows ?? 3), spellcheck: "false" }));
}

export function select(o: FieldOptions & { options: [string, string][] }): HTMLElement {
  return group(o, h("select", { class: "nhsuk-select" },
    h("option", { value: "" }, "Choose one"),
    ...o.options.map(([value, text]) => h("option", { value }, text))));
}

// A fieldset of checkboxes or radios, each input named `${name}` with its value.
export function choices(o: FieldOptions & { type: "checkbox" | "radio"; options: [string, string][]; small?: boolean }): HTMLElement {
  const id = `${o.form}-${o.name}`;
  const kind = o.type === "checkbox" ? "checkboxes" : "radios";
  const fieldset = h("fieldset", { class: "nhsuk-fieldset", id, tabindex: "-1", "data-label": o.label,
    ...(o.hint ? { "aria-describedby": `${id}-hint` } : {}) },
    h("legend", { class: "nhsuk-fieldset__legend nhsuk-fieldset__legend--s" }, o.label),
    ...(o.hint ? [h("div", { class: "nhsuk-hint", id: `${id}-hint` }, o.hint)] : []),
    h("div", { class: `nhsuk-${kind}${o.small ? ` nhsuk-${kind}--small` : ""}` },
      ...o.options.map(([value, text], i) => h("div", { class: `nhsuk-${kind}__item` },
        h("input", { class: `nhsuk-${kind}__input`, id: `${id}-${i}`, name: o.name, type: o.type, value }),
        h("label", { class: `nhsuk-label nhsuk-${kind}__label`, for: `${id}-${i}` }, text)))));
  return h("div", { class: "nhsuk-form-group" }, fieldset);
}

// NHS.UK date input: day, month and year boxes in a fieldset.
export function dateInput(o: FieldOptions): HTMLElement {
  const id = `${o.form}-${o.name}`;
  const part = (key: string, label: string, width: number) => h("div", { class: "nhsuk-date-input__item" },
    h("div", { class: "nhsuk-form-group" },
      h("label", { class: "nhsuk-label nhsuk-date-input__label", for: `${id}-${key}` }, label),
      h("input", { class: `nhsuk-input nhsuk-date-input__input nhsuk-input--width-${width}`, id: `${id}-${key}`,
        name: `${o.name}-${key}`, type: "text", inputmode: "numeric" })));
  return h("div", { class: "nhsuk-form-group" },
    h("fieldset", { class: "nhsuk-fieldset", id, tabindex: "-1", role: "group", "data-label": o.label,
      "aria-describedby": `${id}-hint` },
      h("legend", { class: "nhsuk-fieldset__legend nhsuk-fieldset__legend--s" }, o.label),
      h("div", { class: "nhsuk-hint", id: `${id}-hint` }, o.hint ?? "For example, 27 3 2026"),
      h("div", { class: "nhsuk-date-input" }, part("day", "Day", 2), part("month", "Month", 2), part("year", "Year", 4))));
}

// A CSV file to choose; `fileText` reads it.
export function fileField(form: string, name: string, label: string, hint: string): HTMLElement {
  const id = `${form}-${name}`;
  return h("div", { class: "nhsuk-form-group" },
    h("label", { class: "nhsuk-label", for: id }, label),
    h("div", { class: "nhsuk-hint", id: `${id}-hint` }, hint),
    h("input", { class: "nhsuk-file-upload__input", id, name, type: "file", accept: ".csv,text/csv",
      "aria-describedby": `${id}-hint`, "data-label": label }));
}

// ---- reading a form ----

export const field = (form: HTMLFormElement, name: string) =>
  form.querySelector<HTMLElement>(`#${form.id}-${name}`) as HTMLElement;

export function value(form: HTMLFormElement, name: string): string {
  return (field(form, name) as HTMLInputElement).value.trim();
}

export const fileText = async (form: HTMLFormElement, name: string) =>
  (form.querySelector<HTMLInputElement>(`#${form.id}-${name}`)!.files?.[0])?.text();

export function checked(form: HTMLFormElement, name: string): string[] {
  return [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);
}

export interface Day {
  year: number;
  month: number;
  day: number;
}

// A date from a date input, or why it is not one.
export function dateValue(form: HTMLFormElement, name: string): Day | string {
  const part = (key: string) => form.querySelector<HTMLInputElement>(`#${form.id}-${name}-${key}`)?.value.trim() ?? "";
  const [d, m, y] = ["day", "month", "year"].map(part);
  const label = field(form, name).dataset.label ?? "The date";
  if (!d && !m && !y) return `Enter the ${label.toLowerCase()}`;
  if (![d, m, y].every((p) => /^\d+$/.test(p)) || y.length !== 4) return `${label} must be a real date, like 27 3 2026`;
  const date = { year: Number(y), month: Number(m), day: Number(d) };
  const t = new Date(Date.UTC(date.year, date.month - 1, date.day));
  if (t.getUTCMonth() !== date.month - 1 || t.getUTCDate() !== date.day || date.year < 1900) {
    return `${label} must be a real date, like 27 3 2026`;
  }
  return date;
}

export const dayNumberOf = (d: Day) => Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;
export const today = (): Day => {
  const t = new Date();
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
};
