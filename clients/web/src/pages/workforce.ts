// The ICS workforce dashboard: a workforce lead's organisation key, imported
// once and kept non-extractable in this browser, signs a fresh access token
// for every query; the charts draw the Workforce service's tables (numbers as
// published: rounded, suppressed cells drawn as suppressed), each with its
// table, CSV and PNG. The queries go out together as soon as the key is
// loaded, and the tables show before the charts: ECharts (charts.ts) loads
// beside them. Demand plans are signed here and submitted like any client's
// records.

import { createClient, type CallOptions } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { create } from "@bufbuild/protobuf";
import type { ECharts, EChartsCoreOption } from "echarts/core";
import { Sector, type Date as ProtoDate } from "../gen/skillspassport/v1/records_pb.js";
import {
  Dimension, HoldingSchema, Workforce, WorkforceFilterSchema, type Table, type Tables,
} from "../gen/skillspassport/v1/workforce_pb.js";
import { accessToken, newRecord, signRecord } from "../sign/index.js";
import { passportService } from "./api.js";
import { csvText, delegatedActivity, jobRole, NHS_ROLE_CODE, pathwayCategory, trainingCategory } from "./reference.js";
import { refusalOf } from "./refusal.js";
import { loadServiceKey } from "./service.js";
import {
  byId, checked, choices, dateInput, dateValue, dayNumberOf, field, h, linkErrorSummary, select, showErrors,
  textInput, today, value, type Day, type FieldError,
} from "./ui.js";
import { ORGANISATION, keptKey, type KeptKey } from "./signing_key.js";

// Asked for at once, so it loads while the key and the first answers come.
const charting = import("./charts.js");
charting.catch(() => undefined); // a failure is shown by the refresh that needs the charts

interface Lead extends KeptKey {
  organisationId: string;
  icb: string;
}
const LEAD = "workforce-lead"; // the IndexedDB entry
let lead: Lead | undefined;
let audience: Promise<string>; // the serving node's log origin, which tokens name
const api = createClient(Workforce, createConnectTransport({ baseUrl: location.origin, useBinaryFormat: true }));
const submitter = passportService();
// Every query carries a fresh access token: tokens are single-use (FORMAT.md
// section 9), and signing one takes well under a millisecond.
const authorised = async (): Promise<CallOptions> =>
  ({ headers: { authorization: `Bearer ${await accessToken(lead!.key, await audience)}` } });
const ask = <T>(call: (options: CallOptions) => Promise<T>): Promise<T> => authorised().then(call);

// ---- words and numbers ----

const SUPPRESSED = "suppressed";
const sectorName: Record<string, string> = {
  NHS: "NHS", ADULT_SOCIAL_CARE: "Adult social care", INDEPENDENT_HEALTH: "Independent healthcare",
  LOCAL_AUTHORITY: "Local authority", "*": "All (each person once)",
};
const kindName: Record<string, string> = {
  credential: "Training and qualifications", competency: "Competencies", "delegation-review": "Delegation reviews",
};
function words(column: string, key: string): string {
  if (key === "*") return column.includes("sector") ? sectorName["*"] : "All";
  if (column.includes("sector")) return sectorName[key] ?? key;
  if (column === "kind") return kindName[key] ?? key;
  if (column.includes("role") || column === "need") {
    const [scheme, code] = key.split(":");
    if (scheme === "ascwds") return jobRole.get(Number(code)) ?? key;
    if (scheme === "activity") return `Delegated activity: ${delegatedActivity.get(Number(code)) ?? code}`;
    if (scheme === "nhs") return `NHS role ${code}`;
  }
  if (column.includes("pathway")) {
    return key === "none" ? "No pathway category" : pathwayCategory.get(Number(key.split(":")[1])) ?? key;
  }
  return key;
}
const isFte = (column: string) => column.includes("fte");
// A published measure as the page shows it: FTE in whole-time equivalents.
const shown = (column: string, v: bigint) => isFte(column) ? Number(v) / 1000 : Number(v);
type Cell = number | typeof SUPPRESSED | string;

// A chart's table: what the table view shows, the CSV holds, and the chart draws.
interface View {
  columns: string[];
  rows: Cell[][];
}
function viewOf(table: Table, keyNames: string[], measureNames: string[], dated = false): View {
  return {
    columns: [...(dated ? ["Date"] : []), ...keyNames, ...measureNames],
    rows: table.rows.map((row) => [
      ...(dated ? [isoDate(table.asOf)] : []),
      ...row.keys.map((k, i) => words(table.keyColumns[i], k)),
      ...row.measures.map((m, i) => m.suppressed ? SUPPRESSED : shown(table.measureColumns[i], m.value)),
    ]),
  };
}
const isoDate = (d?: ProtoDate) => d ? `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}` : "";
const csvOf = (view: View) => csvText([view.columns, ...view.rows]);

// ---- charts ----

// Hatching for suppressed cells: never a colour a number could have.
const HATCH = { symbol: "rect", symbolSize: 1, color: "rgba(33, 43, 50, 0.55)", dashArrayX: [1, 0],
  dashArrayY: [2, 4], rotation: -Math.PI / 4 };
const SUPPRESSED_STYLE = { color: "#f0f4f5", borderColor: "#425563", borderWidth: 1, decal: HATCH };
const SUPPRESSED_NOTE = "Hatched and labelled “suppressed”: fewer than 5 people, or hidden so that a smaller group " +
  "cannot be worked out from the totals. Not zero.";
const BLUE = ["#005eb8", "#ed8b00", "#007f3b", "#7c2855", "#330072", "#425563"];

interface ChartSection {
  id: string;
  title: string;
  about: string;
  chart?: ECharts; // made when ECharts has loaded and the section has something to draw
  option?: EChartsCoreOption; // what it draws, kept until then
  view?: View;
}
const sections: ChartSection[] = [
  { id: "supply", title: "Supply by place and role", about: "Headcount of people in each role in each place on the date." },
  { id: "trend", title: "Supply over the last 12 months", about: "Headcount on the first day of each month, by sector." },
  { id: "coverage", title: "Coverage against plan", about: "Full-time equivalents supplied against those required by the plans in force, by place and need, with the gap and the ICS total. Supply counts only the people the filters choose (sector, roles, pathway category, place and holdings)." },
  { id: "expiries", title: "Expiries", about: "Training, competencies and delegation reviews falling due within 30, 60 and 90 days of the date, by kind and place: the workers and their items, each item once however many employers the worker has." },
  { id: "flows", title: "Flows between sectors", about: "Moves from one job to the next over the year to the date, between sectors: moves, and the distinct people who made them." },
];

function renderSections(): void {
  byId("charts").replaceChildren(...sections.map((s) => h("section", { class: "skp-chart-section", id: `${s.id}-section`,
    "aria-labelledby": `${s.id}-heading`, "data-chart": s.id },
  h("h2", { id: `${s.id}-heading` }, s.title),
  h("p", {}, s.about),
  h("div", { class: "skp-chart", id: `${s.id}-chart`, role: "img", "aria-label": s.title }),
  h("p", { class: "nhsuk-body-s skp-legend" }, h("span", { class: "skp-hatch", "aria-hidden": "true" }), SUPPRESSED_NOTE),
  h("div", { class: "skp-downloads" },
    h("button", { class: "nhsuk-button nhsuk-button--secondary nhsuk-button--small", type: "button", id: `${s.id}-csv` }, "Download CSV"),
    h("button", { class: "nhsuk-button nhsuk-button--secondary nhsuk-button--small", type: "button", id: `${s.id}-png` }, "Download PNG")),
  h("details", { class: "nhsuk-details" },
    h("summary", { class: "nhsuk-details__summary" }, h("span", { class: "nhsuk-details__summary-text" }, "Show the table")),
    h("div", { class: "nhsuk-details__text skp-table", id: `${s.id}-table` })))));
  for (const s of sections) {
    byId(`${s.id}-csv`).addEventListener("click", () => s.view && download(`${s.id}.csv`,
      new Blob([csvOf(s.view)], { type: "text/csv" })));
    byId(`${s.id}-png`).addEventListener("click", () => s.chart && download(`${s.id}.png`, pngOf(s.chart)));
  }
  addEventListener("resize", () => sections.forEach((s) => s.chart?.resize()));
}

function pngOf(chart: ECharts): Blob {
  const url = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#ffffff" });
  const binary = atob(url.slice(url.indexOf(",") + 1));
  return new Blob([Uint8Array.from(binary, (c) => c.charCodeAt(0))], { type: "image/png" });
}

function download(name: string, blob: Blob): void {
  const a = h("a", { href: URL.createObjectURL(blob), download: name }) as HTMLAnchorElement;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

// What a chart drew, for people (its label) and automation: the date it is
// for and how many suppressed cells it drew as suppressed.
function renderTable(section: ChartSection, view: View, asOf?: ProtoDate): void {
  section.view = view;
  const chart = byId(`${section.id}-chart`);
  chart.dataset.asOf = isoDate(asOf);
  chart.dataset.suppressed = String(view.rows.flat().filter((c) => c === SUPPRESSED).length);
  const table = h("table", { class: "nhsuk-table", "data-table": section.id },
    h("caption", { class: "nhsuk-table__caption nhsuk-u-visually-hidden" }, section.title),
    h("thead", { class: "nhsuk-table__head" }, h("tr", { class: "nhsuk-table__row" },
      ...view.columns.map((c) => h("th", { class: "nhsuk-table__header", scope: "col" }, c)))),
    h("tbody", { class: "nhsuk-table__body" }, ...view.rows.map((row) => h("tr", { class: "nhsuk-table__row" },
      ...row.map((c) => h("td", { class: c === SUPPRESSED ? "nhsuk-table__cell skp-suppressed" : "nhsuk-table__cell" },
        String(c)))))));
  byId(`${section.id}-table`).replaceChildren(table);
}

const section = (id: string) => sections.find((s) => s.id === id)!;
// What a section's chart draws: now if the chart is made, else when it is.
function plot(s: ChartSection, option: EChartsCoreOption): void {
  s.option = option;
  s.chart?.setOption(option, true);
}
// Makes the charts that are not made yet, once ECharts has loaded.
async function drawCharts(): Promise<void> {
  const { chartIn } = await charting;
  for (const s of sections.filter((x) => !x.chart && x.option)) {
    s.chart = chartIn(byId(`${s.id}-chart`));
    s.chart.setOption(s.option!, true);
  }
}
const label = { show: true, color: "#212b32", fontSize: 11 };

const dimensionLabel = (column: string) =>
  dimensionChoices.find(([, , c]) => c === column)?.[1] ?? column;

function drawSupply(table: Table): void {
  const cells = table.rows.filter((r) => !r.keys.includes("*"));
  const places = [...new Set(cells.map((r) => r.keys[0]))];
  const roles = [...new Set(cells.map((r) => r.keys[1]))];
  const xs = roles.map((r) => words(table.keyColumns[1], r));
  const published = cells.filter((r) => !r.measures[0].suppressed);
  const max = Math.max(1, ...published.map((r) => Number(r.measures[0].value)));
  const total = table.rows.find((r) => r.keys.every((k) => k === "*"));
  const s = section("supply");
  plot(s, {
    aria: { enabled: true },
    tooltip: { renderMode: "richText" },
    grid: { left: 110, right: 20, top: 20, bottom: 110 },
    xAxis: { type: "category", data: xs, axisLabel: { rotate: 40, width: 120, overflow: "truncate" } },
    yAxis: { type: "category", data: places.map((p) => words(table.keyColumns[0], p)) },
    visualMap: { min: 0, max, seriesIndex: 0, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120,
      inRange: { color: ["#e8edee", "#005eb8"] }, text: ["more people", "fewer"] },
    series: [
      { name: "Headcount", type: "heatmap", label, data: published.map((r) =>
        [roles.indexOf(r.keys[1]), places.indexOf(r.keys[0]), Number(r.measures[0].value)]) },
      { name: "Suppressed", type: "heatmap", itemStyle: SUPPRESSED_STYLE,
        label: { ...label, formatter: SUPPRESSED, fontSize: 9 },
        data: cells.filter((r) => r.measures[0].suppressed).map((r) =>
          [roles.indexOf(r.keys[1]), places.indexOf(r.keys[0]), 0]) },
    ],
  });
  byId("supply-chart").setAttribute("aria-label", `${section("supply").title}: ${total && !total.measures[0].suppressed
    ? `${total.measures[0].value} people in total, each counted once` : "total suppressed"}`);
  renderTable(s, viewOf(table, table.keyColumns.map(dimensionLabel),
    ["Headcount", "Full-time equivalents"]), table.asOf);
}

// `asOf`: the day asked for (the series ends at the month's first day).
// What the two charts over a category axis (the monthly trend, expiries)
// share: described for screen readers, one palette, a legend below.
const AXIS_CHART = {
  aria: { enabled: true },
  color: BLUE,
  tooltip: { trigger: "axis", renderMode: "richText" },
  legend: { bottom: 0 },
  grid: { left: 50, right: 20, top: 20, bottom: 60 },
} as const;

function drawTrend(tables: Table[], asOf?: ProtoDate): void {
  const dates = tables.map((t) => isoDate(t.asOf));
  const sectors = [...new Set(tables.flatMap((t) => t.rows.map((r) => r.keys[0])))].sort((a, b) =>
    (a === "*" ? 1 : 0) - (b === "*" ? 1 : 0));
  const s = section("trend");
  const point = (t: Table, sector: string) => t.rows.find((r) => r.keys[0] === sector)?.measures[0];
  plot(s, {
    ...AXIS_CHART,
    xAxis: { type: "category", data: dates },
    yAxis: { type: "value", name: "people" },
    series: sectors.map((sector) => ({
      name: sectorName[sector] ?? sector, type: "line",
      // A suppressed month is a labelled hatched marker on the axis, and the
      // line breaks there: never drawn as zero.
      data: tables.map((t) => {
        const m = point(t, sector);
        return !m ? null : m.suppressed ? { value: null } : Number(m.value);
      }),
      markPoint: { symbol: "rect", symbolSize: [54, 16], itemStyle: SUPPRESSED_STYLE,
        label: { ...label, formatter: SUPPRESSED, fontSize: 9 },
        data: tables.flatMap((t, i) => point(t, sector)?.suppressed ? [{ coord: [i, 0] }] : []) },
    })),
  });
  const rows = tables.flatMap((t) => viewOf(t, ["Sector"], ["Headcount", "Full-time equivalents"], true).rows);
  renderTable(s, { columns: ["Date", "Sector", "Headcount", "Full-time equivalents"], rows }, asOf);
}

function drawCoverage(table: Table): void {
  const rows = table.rows;
  const names = rows.map((r) => `${r.keys[0] === "*" ? "ICS total" : r.keys[0]}: ${words("need", r.keys[1])}`);
  const s = section("coverage");
  const supplied = rows.map((r) => r.measures[1].suppressed
    ? { value: 0, itemStyle: SUPPRESSED_STYLE, label: { ...label, show: true, formatter: SUPPRESSED, position: "right" } }
    : Number(r.measures[1].value) / 1000);
  plot(s, {
    aria: { enabled: true },
    color: ["#005eb8", "#ed8b00"],
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { bottom: 0 },
    grid: { left: 200, right: 40, top: 20, bottom: 50 },
    yAxis: { type: "category", data: names, axisLabel: { width: 190, overflow: "truncate" } },
    xAxis: { type: "value", name: "FTE" },
    series: [
      { name: "Supplied FTE", type: "bar", data: supplied },
      { name: "Required FTE", type: "bar", data: rows.map((r) => Number(r.measures[2].value) / 1000) },
    ],
  });
  byId("coverage-chart").style.height = `${Math.max(320, rows.length * 44 + 80)}px`;
  s.chart?.resize();
  renderTable(s, viewOf(table, ["Place", "Need"], ["Headcount supplied", "FTE supplied", "FTE required", "Gap (FTE)"]),
    table.asOf);
}

function drawExpiries(tables: [number, Table][]): void {
  const kinds = ["credential", "competency", "delegation-review"];
  const s = section("expiries");
  const totalOf = (t: Table, kind: string) => t.rows.find((r) => r.keys[0] === "*" && r.keys[1] === kind)?.measures[0];
  plot(s, {
    ...AXIS_CHART,
    xAxis: { type: "category", data: tables.map(([days]) => `Within ${days} days`) },
    yAxis: { type: "value", name: "workers" },
    series: kinds.map((kind) => ({
      name: kindName[kind], type: "bar",
      data: tables.map(([, t]) => {
        const m = totalOf(t, kind);
        return !m ? 0 : m.suppressed
          ? { value: 0, itemStyle: SUPPRESSED_STYLE, label: { ...label, show: true, formatter: SUPPRESSED, position: "top" } }
          : Number(m.value);
      }),
    })),
  });
  const rows = tables.flatMap(([days, t]) => viewOf(t, ["Place", "Kind"], ["Workers", "Items due"]).rows
    .map((r) => [`${days} days`, ...r]));
  renderTable(s, { columns: ["Within", "Place", "Kind", "Workers", "Items due"], rows }, tables[0]?.[1].asOf);
}

function drawFlows(table: Table): void {
  const s = section("flows");
  const cells = table.rows.filter((r) => !r.keys.includes("*"));
  const nodes = new Set<string>();
  const links = cells.map((r) => {
    const source = `From ${words("sector", r.keys[0])}`, target = `To ${words("sector", r.keys[1])}`;
    nodes.add(source);
    nodes.add(target);
    const [moves, people] = r.measures;
    // A suppressed flow keeps a thin hatched band and says so: its width
    // stands for no number.
    return moves.suppressed
      ? { source, target, value: 1, lineStyle: { color: "#aeb7bd", opacity: 1, decal: HATCH },
        label: { show: true, formatter: SUPPRESSED } }
      : { source, target, value: Number(moves.value),
        label: { show: true, formatter: `${moves.value} moves, ${people.suppressed ? SUPPRESSED : people.value} people` } };
  });
  plot(s, {
    aria: { enabled: true },
    color: BLUE,
    tooltip: { renderMode: "richText" },
    series: [{ type: "sankey", data: [...nodes].map((name) => ({ name })), links, emphasis: { focus: "adjacency" },
      lineStyle: { color: "source", opacity: 0.4 }, label: { color: "#212b32" }, edgeLabel: { show: true, fontSize: 10 },
      nodeAlign: "justify", left: 10, right: 150 }],
  });
  renderTable(s, viewOf(table, ["From sector", "To sector"], ["Moves", "People"]), table.asOf);
}

// ---- filters ----

const FILTERS = "filters";
// [dimension, words, its key column's name in a table]
const dimensionChoices: [string, string, string][] = [
  [String(Dimension.PLACE), "Place", "place"], [String(Dimension.ROLE), "Role", "role"],
  [String(Dimension.SECTOR), "Sector", "sector"], [String(Dimension.PATHWAY), "Care Workforce Pathway category", "pathway"],
  [String(Dimension.HOLDS), "Holds the chosen holdings", "holds"],
];

function renderFilters(): void {
  const form = byId<HTMLFormElement>(FILTERS);
  // "Choose one" (no value) means any.
  const options = (map: Map<number, string>): [string, string][] => [...map].map(([id, t]) => [String(id), t]);
  byId("filter-fields").replaceChildren(
    dateInput({ form: FILTERS, name: "as_of", label: "As of", hint: "The day the figures are for. For example, 27 3 2026" }),
    select({ form: FILTERS, name: "sector", label: "Sector", options: [
      [String(Sector.NHS), "NHS"], [String(Sector.ADULT_SOCIAL_CARE), "Adult social care"],
      [String(Sector.INDEPENDENT_HEALTH), "Independent healthcare"], [String(Sector.LOCAL_AUTHORITY), "Local authority"]] }),
    select({ form: FILTERS, name: "ascwds_job_role", label: "Role (ASC-WDS)", options: options(jobRole) }),
    textInput({ form: FILTERS, name: "nhs_role_code", label: "NHS role (optional)", width: 4,
      hint: "An NHS occupation code, like N0C. Choose this or an ASC-WDS role, not both" }),
    select({ form: FILTERS, name: "pathway_category", label: "Care Workforce Pathway category", options: options(pathwayCategory) }),
    textInput({ form: FILTERS, name: "place", label: "Place (optional)", width: 20, hint: "A place in your ICS, as employers record it" }),
    choices({ form: FILTERS, name: "holds", type: "checkbox", label: "Holds", small: true,
      hint: "Only people who hold every one ticked", options: [["care_certificate", "The Care Certificate (complete)"],
        ["level2", "The Level 2 Adult Social Care Certificate"]] }),
    select({ form: FILTERS, name: "training", label: "Holds valid training in", options: options(trainingCategory) }),
    select({ form: FILTERS, name: "competency", label: "Competent in delegated activity", options: options(delegatedActivity) }),
    select({ form: FILTERS, name: "rows", label: "Supply table rows", options: dimensionChoices.map(([d, w]) => [d, w]) }),
    select({ form: FILTERS, name: "columns", label: "Supply table columns",
      options: dimensionChoices.map(([d, w]) => [d, w]) }),
  );
  const d = today();
  for (const [part, v] of [["day", d.day], ["month", d.month], ["year", d.year]] as const) {
    form.querySelector<HTMLInputElement>(`#${FILTERS}-as_of-${part}`)!.value = String(v);
  }
  (field(form, "rows") as HTMLSelectElement).value = String(Dimension.PLACE);
  (field(form, "columns") as HTMLSelectElement).value = String(Dimension.ROLE);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void refresh();
  });
}

interface Query {
  asOf: Day;
  filter: ReturnType<typeof create<typeof WorkforceFilterSchema>>;
  groupBy: Dimension[];
  holdsChosen: boolean;
}

// NHS occupation codes (the NHS Occupation Code Manual): three letters and
// digits. There is no reference list of them here, so the service says
// whether any job has the code.

function readFilters(errors: FieldError[]): Query | undefined {
  const form = byId<HTMLFormElement>(FILTERS);
  const asOf = dateValue(form, "as_of");
  if (typeof asOf === "string") errors.push([field(form, "as_of"), asOf]);
  else if (asOf.year > 2100) errors.push([field(form, "as_of"), "As of must be a date before 2100"]);
  const nhsRoleCode = value(form, "nhs_role_code").toUpperCase();
  if (nhsRoleCode && !NHS_ROLE_CODE.test(nhsRoleCode)) {
    errors.push([field(form, "nhs_role_code"), "Enter an NHS occupation code of 3 letters and numbers, like N0C"]);
  } else if (nhsRoleCode && value(form, "ascwds_job_role")) {
    errors.push([field(form, "nhs_role_code"), "Choose an ASC-WDS role or an NHS role, not both"]);
  }
  const filter = create(WorkforceFilterSchema, {
    icbCode: lead!.icb, place: value(form, "place"), sector: Number(value(form, "sector") || 0) as Sector,
    ascwdsJobRole: Number(value(form, "ascwds_job_role") || 0), nhsRoleCode,
    pathwayCategory: Number(value(form, "pathway_category") || 0),
  });
  const holds = checked(form, "holds");
  if (holds.includes("care_certificate")) filter.holds.push(create(HoldingSchema, { what: { case: "careCertificate", value: true } }));
  if (holds.includes("level2")) {
    filter.holds.push(create(HoldingSchema, { what: { case: "level2AdultSocialCareCertificate", value: true } }));
  }
  const training = value(form, "training"), competency = value(form, "competency");
  if (training) filter.holds.push(create(HoldingSchema, { what: { case: "ascwdsTrainingCategory", value: Number(training) } }));
  if (competency) filter.holds.push(create(HoldingSchema, { what: { case: "competencyActivity", value: Number(competency) } }));
  const groupBy = [Number(value(form, "rows")), Number(value(form, "columns"))] as Dimension[];
  if (errors.length || typeof asOf === "string") return undefined;
  return { asOf, filter, groupBy, holdsChosen: filter.holds.length > 0 };
}

const protoDate = (d: Day) => ({ year: d.year, month: d.month, day: d.day });
const monthsBefore = (d: Day, n: number): Day => {
  const t = new Date(Date.UTC(d.year, d.month - 1 - n, 1));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: 1 };
};

// The control a refusal of the service concerns.
function refusalTarget(message: string): string {
  if (/place/.test(message)) return "place";
  if (/nhs_role_code|NHS role/.test(message)) return "nhs_role_code";
  if (/holds|DIMENSION_HOLDS/.test(message)) return "holds";
  if (/repeated|group_by/.test(message)) return "columns";
  if (/when|date|as_of/.test(message)) return "as_of";
  return "as_of";
}

let generation = 0;
// For the browser test's timings (User Timing, read with performance.getEntries()).
const mark = (name: string) => {
  performance.clearMarks(name);
  performance.mark(name);
};
async function refresh(): Promise<void> {
  const form = byId<HTMLFormElement>(FILTERS);
  const errors: FieldError[] = [];
  const query = readFilters(errors);
  showErrors(errors);
  if (!query) return;
  const mine = ++generation;
  const status = byId("status");
  status.textContent = "Updating the charts…";
  document.body.dataset.state = "loading";
  const asOf = { case: "asOf" as const, value: protoDate(query.asOf) };
  try {
    // All at once; nothing is drawn until every answer is in, so a refused
    // query leaves every chart as it was rather than some updated.
    const [supply, trend, coverage, expiries, flows, plans] = await Promise.all([
      ask((o) => api.supply({ when: { when: asOf }, filter: query.filter, groupBy: query.groupBy }, o)),
      ask((o) => api.supply({ when: { when: { case: "monthly", value: { from: protoDate(monthsBefore(query.asOf, 11)),
        to: protoDate(query.asOf) } } }, filter: query.filter, groupBy: [Dimension.SECTOR] }, o)),
      ask((o) => api.coverage({ when: { when: asOf }, icbCode: lead!.icb, filter: query.filter }, o)),
      Promise.all([30, 60, 90].map(async (days) => [days, (await ask((o) => api.expiring({ when: { when: asOf },
        withinDays: days, icbCode: lead!.icb, place: query.filter.place, groupBy: [Dimension.PLACE] }, o))).tables[0]] as
        [number, Table])),
      ask((o) => api.flows({ when: { when: asOf }, periodDays: 365, between: Dimension.SECTOR, icbCode: lead!.icb }, o)),
      ask((o) => api.plans({ when: { when: asOf }, icbCode: lead!.icb }, o)),
    ]);
    if (mine !== generation) return; // a later refresh is on its way
    // The tables (and the charts, once ECharts is here).
    drawSupply(supply.tables[0]);
    drawTrend(trend.tables, supply.tables[0].asOf);
    drawCoverage(coverage.tables[0]);
    drawExpiries(expiries);
    drawFlows(flows.tables[0]);
    renderPlans(plans);
    mark("tables");
    await drawCharts();
    if (mine !== generation) return;
    mark("charts");
    status.textContent = `Showing ${lead!.icb} as of ${isoDate(supply.tables[0].asOf)}.`;
    document.body.dataset.state = "ready";
    document.body.dataset.generation = String(mine);
  } catch (error) {
    if (mine !== generation) return;
    const refusal = refusalOf(error);
    const message = refusal.sentence.replace(/^The passport service refused the record: /, "");
    const target = refusal.field && ["place", "as_of", "holds", "nhs_role_code"].includes(refusal.field)
      ? refusal.field : refusalTarget(message);
    showErrors([[field(form, target), target === "nhs_role_code"
      ? `No job in your records has the NHS role ${query.filter.nhsRoleCode}. Check the code`
      : `The figures cannot be shown: ${message}`]]);
    status.textContent = "The charts were not updated.";
    document.body.dataset.state = "refused";
  }
}

// ---- demand plans ----

function renderPlans(tables: Tables): void {
  const table = tables.tables[0];
  const view = viewOf(table, ["Place", "Need", "From", "To"], ["FTE required"]);
  byId("plans-list").replaceChildren(view.rows.length ? h("table", { class: "nhsuk-table", "data-table": "plans" },
    h("caption", { class: "nhsuk-table__caption nhsuk-u-visually-hidden" }, "Demand plans"),
    h("thead", { class: "nhsuk-table__head" }, h("tr", { class: "nhsuk-table__row" },
      ...view.columns.map((c) => h("th", { class: "nhsuk-table__header", scope: "col" }, c)))),
    h("tbody", { class: "nhsuk-table__body" }, ...view.rows.map((row) => h("tr", { class: "nhsuk-table__row" },
      ...row.map((c) => h("td", { class: "nhsuk-table__cell" }, String(c)))))))
    : h("p", {}, "No plans yet."));
}

// What a plan is for: a role, or a delegated healthcare activity.
type Need = { case: "ascwdsJobRole"; value: number } | { case: "activityCategory"; value: number };
// A need as the form's select and a CSV line name it: "ascwds:10" or
// "activity:2" (a bare number is a job role, as CSV files had it).
function needOf(text: string): Need | undefined {
  const m = /^(?:(ascwds|activity):)?(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const id = Number(m[2]);
  if (m[1] === "activity") return delegatedActivity.has(id) ? { case: "activityCategory", value: id } : undefined;
  return jobRole.has(id) ? { case: "ascwdsJobRole", value: id } : undefined;
}

interface PlanInput {
  place: string;
  need: Need;
  start: Day;
  end: Day;
  fte: number; // thousandths
}

// Checks one plan; errors are [field name, message].
function checkPlan(place: string, needText: string, start: Day | string, end: Day | string, fte: string,
  errors: [string, string][]): PlanInput | undefined {
  if (!place) errors.push(["place", "Enter the place"]);
  const need = needOf(needText);
  if (!need) errors.push(["need", "Choose the role or delegated activity the plan is for"]);
  if (typeof start === "string") errors.push(["period_start", start]);
  if (typeof end === "string") errors.push(["period_end", end]);
  if (typeof start !== "string" && typeof end !== "string" && dayNumberOf(end) < dayNumberOf(start)) {
    errors.push(["period_end", "The end of the period must be on or after its start"]);
  }
  const fteValue = Number(fte);
  if (!/^-?\d+(\.\d{1,3})?$/.test(fte)) errors.push(["required_fte", "Enter the full-time equivalents required, like 12.5"]);
  else if (fteValue <= 0) errors.push(["required_fte", "The full-time equivalents required must be more than 0"]);
  if (errors.length || !need || typeof start === "string" || typeof end === "string") return undefined;
  return { place, need, start, end, fte: Math.round(fteValue * 1000) };
}

async function submitPlans(plans: PlanInput[]): Promise<number> {
  const entries = await Promise.all(plans.map((p) => signRecord(newRecord({ case: "demandPlan", value: {
    organisationId: lead!.organisationId, icbCode: lead!.icb, place: p.place,
    need: p.need, periodStart: p.start, periodEnd: p.end,
    requiredFteThousandths: p.fte } }), lead!.key)));
  for (const entry of entries) await submitter.submit({ entry });
  return entries.length;
}

function planOutcome(text: string): void {
  const outcome = byId("plan-outcome");
  outcome.replaceChildren(h("div", { class: "skp-verdict", "data-outcome": "RECORDED" }, h("p", {}, text)));
  outcome.hidden = false;
  outcome.focus();
}

function renderPlanForms(): void {
  const form = byId<HTMLFormElement>("plan");
  const needs: [string, string][] = [...[...jobRole].map(([id, t]): [string, string] => [`ascwds:${id}`, t]),
    ...[...delegatedActivity].map(([id, t]): [string, string] => [`activity:${id}`, `Delegated activity: ${t}`])];
  form.replaceChildren(h("h3", { id: "plan-heading" }, "Add a plan"),
    textInput({ form: "plan", name: "place", label: "Place", width: 20 }),
    select({ form: "plan", name: "need", label: "Role (ASC-WDS) or delegated healthcare activity", options: needs }),
    dateInput({ form: "plan", name: "period_start", label: "Period starts" }),
    dateInput({ form: "plan", name: "period_end", label: "Period ends" }),
    textInput({ form: "plan", name: "required_fte", label: "Full-time equivalents required", width: 5, hint: "Like 12.5" }),
    h("button", { class: "nhsuk-button", type: "submit" }, "Sign and submit the plan"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const errors: [string, string][] = [];
    const plan = checkPlan(value(form, "place"), value(form, "need"), dateValue(form, "period_start"),
      dateValue(form, "period_end"), value(form, "required_fte"), errors);
    showErrors(errors.map(([name, message]) => [field(form, name), message]));
    if (!plan) return;
    await submitOrShow(form, "place", [plan]);
  });

  const file = byId<HTMLFormElement>("plan-file");
  file.replaceChildren(h("h3", { id: "plan-file-heading" }, "Or upload plans as a CSV file"),
    h("div", { class: "nhsuk-form-group" },
      h("label", { class: "nhsuk-label", for: "plan-file-csv" }, "CSV file of plans"),
      h("div", { class: "nhsuk-hint", id: "plan-file-csv-hint" },
        "One plan a line: place, what it is for (an ASC-WDS job role id like 10, or a delegated healthcare activity like activity:2), period start and end (YYYY-MM-DD), FTE required. A first line of column names is skipped."),
      h("input", { class: "nhsuk-file-upload__input", id: "plan-file-csv", name: "csv", type: "file", accept: ".csv,text/csv",
        "aria-describedby": "plan-file-csv-hint", "data-label": "CSV file" })),
    h("button", { class: "nhsuk-button", type: "submit" }, "Sign and submit every plan in the file"));
  file.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>("plan-file-csv");
    const chosen = input.files?.[0];
    if (!chosen) return showErrors([[input, "Choose a CSV file of plans"]]);
    const plans: PlanInput[] = [];
    const problems: string[] = [];
    const lines = (await chosen.text()).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    lines.forEach((line, i) => {
      const cells = line.split(",").map((c) => c.trim().replace(/^"|"$/g, ""));
      if (i === 0 && /place/i.test(cells[0])) return; // column names
      const day = (text: string): Day | string => {
        const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? "");
        if (!m) return "a date must be like 2027-03-31";
        const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
        const t = new Date(Date.UTC(d.year, d.month - 1, d.day));
        return t.getUTCDate() === d.day && t.getUTCMonth() === d.month - 1 ? d : `${text} is not a real date`;
      };
      const errors: [string, string][] = [];
      const plan = checkPlan(cells[0] ?? "", cells[1] ?? "", day(cells[2]), day(cells[3]), cells[4] ?? "", errors);
      if (plan) plans.push(plan);
      else problems.push(`line ${i + 1}: ${errors.map(([, m]) => m.charAt(0).toLowerCase() + m.slice(1)).join("; ")}`);
    });
    if (!plans.length && !problems.length) problems.push("the file has no plans");
    // All or nothing: a file with any bad line writes nothing.
    if (problems.length) return showErrors([[input, `Nothing was submitted. Fix the file: ${problems.join(". ")}`]]);
    showErrors([]);
    await submitOrShow(file, "csv", plans);
    input.value = "";
  });
}

async function submitOrShow(form: HTMLFormElement, name: string, plans: PlanInput[]): Promise<void> {
  try {
    const n = await submitPlans(plans);
    planOutcome(n === 1 ? "Plan signed and submitted." : `${n} plans signed and submitted.`);
    if (form.id === "plan") form.reset();
    await refresh();
  } catch (error) {
    const refusal = refusalOf(error);
    // The service names the need by its proto field; the form has one control for it.
    const control = refusal.field === "ascwds_job_role" || refusal.field === "activity_category" ? "need" : refusal.field;
    const target = (control && form.querySelector<HTMLElement>(`#${form.id}-${control}`)) || field(form, name);
    showErrors([[target, refusal.sentence]]);
  }
}

// ---- the lead's key ----

linkErrorSummary();
audience = loadServiceKey().then((service) => service?.name ?? ""); // fetched while the key loads
renderSections();
renderFilters();
renderPlanForms();
let icb = "";
await keptKey<Lead>(ORGANISATION, { store: LEAD, shownWith: "dashboard",
  form: { hint: "The ODS code of your ICS as the passport service registered it, like ODS:QYG", example: "ODS:QYG",
    extra: [textInput({ form: "key", name: "icb", label: "Your integrated care board's code", width: 10, hint: "Like E54000008" })],
    check(form, errors) {
      icb = value(form, "icb").toUpperCase();
      if (!/^E54\d{6}$/.test(icb)) errors.push([field(form, "icb"), "Enter your integrated care board's code, like E54000008"]);
    } },
  made: (organisationId, key) => ({ organisationId, icb, ...key }),
  render(kept) {
    lead = kept;
    if (!kept) return;
    byId("signed-in-as").replaceChildren("Showing the ICS ", h("strong", {}, kept.icb), " for ",
      h("strong", {}, kept.organisationId), `, with the key “${kept.keyName}” kept in this browser.`);
    for (const s of sections) s.chart?.resize();
    void refresh();
  } });
document.body.classList.add("js-enabled"); // ready: key loaded, handlers on
