// The ICS workforce dashboard in real Chromium, behind passportd's own front
// door with --require-auth, on a generated workforce (workforce_load).
//
//   node test/workforce.mjs PASSPORTD WORKFORCE_LOAD WEB_ROOT [WORKERS]
//
// The first ICS's workforce lead imports its key; every chart renders; the
// numbers on the page equal the API's (asked here through a Connect client
// with the same key); suppressed cells are drawn as suppressed; a change of
// date updates every chart; coverage follows the sector, holding and NHS
// role filters as the API does; the CSV download equals the table;
// joint-role workers count once in totals; bad filters (an unknown NHS role
// among them) and plans are refused by the control concerned with nothing
// written; plans for a role and for a delegated activity, from the form and
// a CSV file, signed in the browser, are listed with their periods; scripts come as the build gzipped them, to be kept.
// axe-core at 375 and 1280 px; screenshots to $SKP_ARTIFACTS. Dates are
// relative to today; waits are for conditions. Prints, without judging them,
// the first paint (cold and warm cache) and filter changes, with where the
// time went in the page's clock.
//
// On a data directory made beforehand by workforce_load (1M workers, say)
// instead of generating one, give it and the planner workforce_load named:
//   SKP_WORKFORCE_DATA=DIR SKP_WORKFORCE_PLANNER_KEY=FILE SKP_WORKFORCE_PLANNER="ODS:Q0 E54000008" \
//     node test/workforce.mjs PASSPORTD - WEB_ROOT
// DIR must be a copy: the node writes to it, and so does the test (plans).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import puppeteer from "puppeteer-core";
import * as v from "../.build/lib.mjs";
import { startNodeIn } from "./story.mjs";
import { browserTestKit } from "./support.mjs";

const [passportd, workforceLoad, webRoot, workers = "8000"] = process.argv.slice(2);
if (!passportd || !workforceLoad || !webRoot) {
  console.error("usage: node test/workforce.mjs PASSPORTD WORKFORCE_LOAD WEB_ROOT [WORKERS]");
  process.exit(2);
}
const { artifacts, axeSource, failures, expect } = browserTestKit();
const CHARTS = ["supply", "trend", "coverage", "expiries", "flows"];

const dir = mkdtempSync(join(tmpdir(), "skp-dash-"));
const given = process.env.SKP_WORKFORCE_DATA;
let keyFile = join(dir, "ics.key"), organisation, icb, workforce = `${workers} workers`;
if (given) {
  // The node runs in `dir` (removed at the end) on the given directory.
  symlinkSync(resolve(given), join(dir, "data"));
  keyFile = process.env.SKP_WORKFORCE_PLANNER_KEY;
  [organisation, icb] = (process.env.SKP_WORKFORCE_PLANNER ?? "").replace(/^planner /, "").split(" ");
  if (!keyFile || !icb) {
    console.error("SKP_WORKFORCE_DATA needs SKP_WORKFORCE_PLANNER_KEY and SKP_WORKFORCE_PLANNER=\"ORG ICB\"");
    process.exit(2);
  }
  workforce = given;
} else {
  const loaded = execFileSync(workforceLoad, ["--data-dir", join(dir, "data"), "--workers", workers, "--seed", "16",
    "--planner-key-out", keyFile], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  [, organisation, icb] = /^planner (\S+) (\S+)$/m.exec(loaded);
}
const node = await startNodeIn(dir, passportd, "--http-listen", "127.0.0.1:0", "--web-root", webRoot, "--require-auth");
let browser;
try {
  // The API as another client sees it, with the lead's key.
  const { key } = await v.readKeyFile(readFileSync(keyFile, "utf8"));
  const audience = node.key.split("+")[0];
  const api = v.createClient(v.Workforce, v.createConnectTransport({ baseUrl: node.web, httpVersion: "1.1", useBinaryFormat: true }));
  const auth = async () => ({ headers: { authorization: `Bearer ${await v.accessToken(key, audience)}` } });
  const dateOf = (iso) => { const [year, month, day] = iso.split("-").map(Number); return { year, month, day }; };
  const treeSize = async () => {
    const response = await fetch(`${node.web}/skillspassport.v1.Ledger/GetCheckpoint`, {
      method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    return Number((await response.json()).checkpoint.split("\n")[1]);
  };

  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const cdp = await page.createCDPSession();
  page.on("console", (m) => m.type() === "error" && !/status of 4\d\d/.test(m.text()) &&
    expect(false, `console error: ${m.text()}`));
  page.on("pageerror", (e) => expect(false, `page error: ${e.message}`));
  await page.setViewport({ width: 1280, height: 900 });
  // When the page became interactive, each chart was drawn and every chart
  // was, in the page's clock, for the timings printed below.
  await page.evaluateOnNewDocument(() => {
    new MutationObserver(() => {
      const b = document.body;
      if (b?.classList.contains("js-enabled") && !performance.getEntriesByName("interactive").length) {
        performance.mark("interactive");
      }
      if (b?.dataset.state === "ready" && !performance.getEntriesByName("ready").length) performance.mark("ready");
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["class", "data-state"] });
  });
  await page.goto(`${node.web}/workforce`);
  await page.waitForSelector("body.js-enabled");
  const shot = (name) => page.screenshot({ path: join(artifacts, `workforce-${name}.png`), fullPage: true });
  const axe = async (name) => {
    for (const width of [375, 1280]) {
      await page.setViewport({ width, height: 900 });
      if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      for (const violation of result.violations.filter((x) => ["serious", "critical"].includes(x.impact))) {
        expect(false, `${name} at ${width}px: ${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target).join(" ")})`);
      }
      await shot(`${name}-${width}`);
    }
    await page.setViewport({ width: 1280, height: 900 });
  };
  await axe("key");

  // The front door sends the build's own gzip of a script, to be kept (it is
  // named by its content's hash).
  const script = /src="([^"]+\.js)"/.exec(await (await fetch(`${node.web}/workforce`)).text())[1];
  const served = await fetch(`${node.web}/${script}`, { headers: { "accept-encoding": "gzip, deflate, br" } });
  expect(served.headers.get("content-encoding") === "gzip" && /immutable/.test(served.headers.get("cache-control")),
    `${script} came with ${served.headers.get("content-encoding")}, ${served.headers.get("cache-control")}`);

  // The key, imported once.
  await page.type("#key-organisation_id", organisation);
  await page.type("#key-icb", icb);
  await (await page.$("#key-file")).uploadFile(keyFile);
  await page.click("#key button[type=submit]");
  const ready = async (after = 0) => page.waitForFunction((n) => document.body.dataset.state === "ready" &&
    Number(document.body.dataset.generation) > n, { timeout: 60_000 }, after).catch(async () => {
    throw new Error(`the charts did not update: ${await page.evaluate(() =>
      `${document.body.dataset.state}: ${document.getElementById("error-list").textContent}`)}`);
  });
  await ready();
  // Chromium's counters start again with each document.
  const breakdown = async () => {
    const metrics = await page.metrics();
    const ms = (k) => Math.round(1000 * metrics[k]);
    const t = await page.evaluate(() => {
      const at = (x) => Math.round(x);
      const nav = performance.getEntriesByType("navigation")[0];
      const resources = performance.getEntriesByType("resource");
      const scripts = resources.filter((r) => r.name.endsWith(".js"));
      const calls = resources.filter((r) => r.name.includes("/skillspassport.v1."));
      return {
        html: at(nav.responseEnd),
        scripts: `${scripts.length} files, ${scripts.reduce((n, r) => n + r.encodedBodySize, 0)} bytes, ` +
          `last at ${at(Math.max(0, ...scripts.map((r) => r.responseEnd)))}`,
        calls: calls.map((r) => `${r.name.slice(r.name.lastIndexOf("/") + 1)} ${at(r.startTime)}-${at(r.responseEnd)}`).join(", "),
        marks: performance.getEntriesByType("mark").map((m) => `${m.name} ${at(m.startTime)}`).join(", "),
      };
    });
    return `  page clock (ms since navigation): html ${t.html}; scripts ${t.scripts}\n  calls ${t.calls}\n` +
      `  marks ${t.marks}\n  main thread: script ${ms("ScriptDuration")} ms, layout ${ms("LayoutDuration")} ms, ` +
      `style ${ms("RecalcStyleDuration")} ms, tasks ${ms("TaskDuration")} ms`;
  };
  const generation = () => page.evaluate(() => Number(document.body.dataset.generation));
  const asOf = await page.$eval("#supply-chart", (e) => e.dataset.asOf);

  // Every chart rendered (a drawn canvas) with its table.
  for (const chart of CHARTS) {
    const drawn = await page.$eval(`#${chart}-chart canvas`, (c) => c.width > 0 && c.height > 0).catch(() => false);
    expect(drawn, `${chart}: no chart drawn`);
    const rows = await page.$$eval(`[data-table=${chart}] tbody tr`, (r) => r.length).catch(() => 0);
    expect(rows > 0, `${chart}: an empty table`);
  }
  // First paint with every chart, the key already in the browser: with an
  // empty HTTP cache (a first visit) and with a warm one (a return visit).
  // Printed with where the time went, from the page's own timings.
  let started;
  for (const cache of ["cold", "warm"]) {
    if (cache === "cold") await cdp.send("Network.clearBrowserCache");
    started = Date.now();
    await page.reload();
    await ready();
    console.log(`measured: opening the page (${cache} cache) to every chart drawn took ${Date.now() - started} ms ` +
      `(${workforce})\n${await breakdown()}`);
  }
  await axe("dashboard");

  // The page's numbers are the API's, row for row.
  const tableOf = (chart) => page.$$eval(`[data-table=${chart}] tbody tr`, (rows) =>
    rows.map((r) => [...r.cells].map((c) => c.textContent)));
  const shown = (m, fte) => m.suppressed ? "suppressed" : String(fte ? Number(m.value) / 1000 : Number(m.value));
  const measuresOf = (table, ftes) => table.rows.map((r) => r.measures.map((m, i) => shown(m, ftes[i])));
  const lastColumns = (rows, n) => rows.map((r) => r.slice(r.length - n));
  const same = (a, b, what) => expect(JSON.stringify(a) === JSON.stringify(b),
    `${what}: the page shows ${JSON.stringify(a).slice(0, 300)}, the API ${JSON.stringify(b).slice(0, 300)}`);
  // `chosen`: the page's filters beyond the ICS, which supply and coverage honour.
  const compare = async (date, chosen = {}) => {
    const when = { when: { case: "asOf", value: dateOf(date) } };
    const filter = { icbCode: icb, ...chosen };
    const what = `as of ${date} ${JSON.stringify(chosen)}`;
    const supply = (await api.supply({ when, filter, groupBy: [v.Dimension.PLACE, v.Dimension.ROLE] }, await auth())).tables[0];
    same(lastColumns(await tableOf("supply"), 2), measuresOf(supply, [false, true]), `supply ${what}`);
    const coverage = (await api.coverage({ when, icbCode: icb, filter }, await auth())).tables[0];
    same(lastColumns(await tableOf("coverage"), 4), measuresOf(coverage, [false, true, true, true]), `coverage ${what}`);
    const flows = (await api.flows({ when, periodDays: 365, between: v.Dimension.SECTOR, icbCode: icb }, await auth())).tables[0];
    same(lastColumns(await tableOf("flows"), 2), measuresOf(flows, [false, false]), `flows as of ${date}`);
    const expiring = [];
    for (const withinDays of [30, 60, 90]) {
      const t = (await api.expiring({ when, withinDays, icbCode: icb, groupBy: [v.Dimension.PLACE] }, await auth())).tables[0];
      expiring.push(...measuresOf(t, [false, false]));
    }
    same(lastColumns(await tableOf("expiries"), 2), expiring, `expiries as of ${date}`);
    return supply;
  };
  const supply = await compare(asOf);

  // Suppressed cells drawn as suppressed: the heat table and its table say so.
  const suppressedInApi = supply.rows.filter((r) => r.measures[0].suppressed).length;
  // The generated workforce is sized to have one; a large given directory may
  // have none in this table (the counts below must then be zero).
  if (given) console.log(`the ICS's Supply table has ${suppressedInApi} suppressed cells`);
  else expect(suppressedInApi > 0, "the generated ICS should have a suppressed cell");
  expect(await page.$eval("#supply-chart", (e) => Number(e.dataset.suppressed)) === 2 * suppressedInApi,
    "supply: every suppressed cell drawn as suppressed");
  expect(await page.$$eval("[data-table=supply] td.skp-suppressed", (c) => c.length) === 2 * suppressedInApi,
    "supply: suppressed cells marked in the table");

  // Joint roles: each person once in every total. In the monthly table, the
  // last month's "All" row is less than its sectors' sum by more than
  // rounding could make it.
  const trend = await tableOf("trend");
  const latest = trend.filter((r) => r[0] === trend.at(-1)[0]);
  const all = Number(latest.find((r) => r[1].startsWith("All"))[2]);
  const sectors = latest.filter((r) => !r[1].startsWith("All")).reduce((n, r) => n + Number(r[2]), 0);
  expect(all < sectors - 5, `joint roles: the total ${all} should count each person once (sectors sum to ${sectors})`);

  // The CSV download equals the table.
  const downloads = join(dir, "downloads");
  mkdirSync(downloads);
  await cdp.send("Page.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
  await page.click("#supply-csv");
  const csvFile = join(downloads, "supply.csv");
  for (let i = 0; i < 200 && !existsSync(csvFile); i++) await new Promise((r) => setTimeout(r, 50));
  const csv = readFileSync(csvFile, "utf8");
  const header = await page.$$eval("[data-table=supply] thead th", (t) => t.map((c) => c.textContent));
  const quote = (c) => /[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c;
  same(csv, [header, ...(await tableOf("supply"))].map((r) => r.map(quote).join(",")).join("\n") + "\n", "supply CSV");
  await page.click("#flows-png");
  for (let i = 0; i < 200 && !existsSync(join(downloads, "flows.png")); i++) await new Promise((r) => setTimeout(r, 50));
  expect(readFileSync(join(downloads, "flows.png")).subarray(1, 4).toString() === "PNG", "flows: a PNG download");

  // A filter change updates every chart: six months earlier.
  const earlier = new Date(Date.parse(asOf) - 182 * 86_400_000).toISOString().slice(0, 10);
  const [y, m, d] = earlier.split("-").map(Number);
  const setDate = async (form, name, day, month, year) => {
    for (const [part, value] of [["day", day], ["month", month], ["year", year]]) {
      await page.$eval(`#${form}-${name}-${part}`, (e, value) => { e.value = value; }, String(value));
    }
  };
  let before = await generation();
  await setDate("filters", "as_of", d, m, y);
  started = Date.now();
  await page.click("#filters button[type=submit]");
  await ready(before);
  console.log(`measured: a filter change (as-of date) redrew every chart in ${Date.now() - started} ms`);
  for (const chart of CHARTS) {
    expect(await page.$eval(`#${chart}-chart`, (e) => e.dataset.asOf) === earlier, `${chart}: not updated to ${earlier}`);
  }
  await compare(earlier);
  await shot("earlier");

  // Coverage honours the filters as supply does: after a change of sector,
  // and of holding, the coverage shown is the API's for the same filter.
  const submitFilters = async (what) => {
    const n = await generation();
    const clicked = Date.now();
    await page.click("#filters button[type=submit]");
    await ready(n);
    console.log(`measured: a filter change (${what}) redrew every chart in ${Date.now() - clicked} ms`);
  };
  const coverageFte = (t) => t.rows.filter((r) => r.keys[0] === "*")
    .reduce((n, r) => n + (r.measures[1].suppressed ? 0 : Number(r.measures[1].value)), 0);
  const coverageOf = async (chosen) => (await api.coverage({ when: { when: { case: "asOf", value: dateOf(earlier) } },
    icbCode: icb, filter: { icbCode: icb, ...chosen } }, await auth())).tables[0];
  // A sector that changes what coverage counts, so the page's table must change with it.
  const everyone = coverageFte(await coverageOf({}));
  let sector;
  for (const s of [v.Sector.NHS, v.Sector.ADULT_SOCIAL_CARE, v.Sector.INDEPENDENT_HEALTH, v.Sector.LOCAL_AUTHORITY]) {
    if (sector === undefined && coverageFte(await coverageOf({ sector: s })) !== everyone) sector = s;
  }
  expect(sector !== undefined, "coverage: no sector filter changes the supplied FTE of the generated ICS");
  await page.select("#filters-sector", String(sector ?? v.Sector.NHS));
  await submitFilters("sector");
  await compare(earlier, { sector: sector ?? v.Sector.NHS });
  await page.select("#filters-sector", "");
  await page.select("#filters-competency", "2");
  await submitFilters("competency");
  await compare(earlier, { holds: [{ what: { case: "competencyActivity", value: 2 } }] });
  await page.select("#filters-competency", "");

  // An NHS role: a code of the wrong form, and one no job has, refused by
  // the control; one the generated jobs have, shown as the API gives it.
  await page.type("#filters-nhs_role_code", "N0");
  await page.click("#filters button[type=submit]");
  await page.waitForSelector("#filters-nhs_role_code-error");
  expect(/3 letters and numbers/.test(await page.$eval("#filters-nhs_role_code-error", (e) => e.textContent)),
    "a malformed NHS role code: the error should say what a code looks like");
  await page.$eval("#filters-nhs_role_code", (e) => { e.value = "Z9Z"; });
  await page.click("#filters button[type=submit]");
  await page.waitForFunction(() => document.body.dataset.state === "refused" &&
    /Z9Z/.test(document.getElementById("filters-nhs_role_code-error")?.textContent ?? ""), { timeout: 30_000 })
    .catch(() => expect(false, "an NHS role no job has: no error by #filters-nhs_role_code"));
  await page.$eval("#filters-nhs_role_code", (e) => { e.value = "n0c"; });
  await submitFilters("NHS role");
  await compare(earlier, { nhsRoleCode: "N0C" });
  const roles = new Set((await tableOf("supply")).map((r) => r[1]));
  expect([...roles].every((r) => r === "NHS role N0C" || r === "All"), `NHS role N0C: other roles shown: ${[...roles]}`);
  await page.$eval("#filters-nhs_role_code", (e) => { e.value = ""; });
  await submitFilters("NHS role cleared");

  // Bad filters: refused by the control concerned, charts left as they were.
  const refused = async (what, control, act) => {
    const size = await treeSize();
    await act();
    await page.waitForSelector(`#${control}-error`, { timeout: 30_000 }).catch(() =>
      expect(false, `${what}: no error by #${control}`));
    expect(await treeSize() === size, `${what}: something was written`);
  };
  await refused("a place not in the ICS", "filters-place", async () => {
    await page.type("#filters-place", "Atlantis");
    await page.click("#filters button[type=submit]");
  });
  await page.$eval("#filters-place", (e) => { e.value = ""; });
  await refused("a dimension twice", "filters-columns", async () => {
    await page.select("#filters-columns", String(v.Dimension.PLACE));
    await page.click("#filters button[type=submit]");
  });
  await page.select("#filters-columns", String(v.Dimension.ROLE));
  await refused("an empty holding list", "filters-holds", async () => {
    await page.select("#filters-rows", String(v.Dimension.HOLDS));
    await page.click("#filters button[type=submit]");
  });
  await page.select("#filters-rows", String(v.Dimension.PLACE));
  await refused("a date out of range", "filters-as_of", async () => {
    await setDate("filters", "as_of", 31, 2, y);
    await page.click("#filters button[type=submit]");
  });
  before = await generation();
  await setDate("filters", "as_of", d, m, y);
  await page.click("#filters button[type=submit]");
  await ready(before);
  await axe("refused");

  // Plans: a negative FTE, an end before the start, a bad CSV line: refused,
  // nothing written; a good plan signed here and listed with its period.
  const [ty] = asOf.split("-").map(Number);
  const fillPlan = async (fte, endYear) => {
    await page.$eval("#plan-place", (e) => { e.value = ""; });
    await page.type("#plan-place", `${icb}/1`);
    await page.select("#plan-need", "ascwds:10");
    await setDate("plan", "period_start", 1, 4, ty + 1);
    await setDate("plan", "period_end", 31, 3, endYear);
    await page.$eval("#plan-required_fte", (e, v) => { e.value = v; }, fte);
    await page.click("#plan button[type=submit]");
  };
  await refused("a negative FTE", "plan-required_fte", () => fillPlan("-3", ty + 2));
  await refused("an end before the start", "plan-period_end", () => fillPlan("12.5", ty));
  const badCsv = join(dir, "plans.csv");
  execFileSync("bash", ["-c", `printf 'place,role,start,end,fte\\n${icb}/1,10,${ty + 1}-04-01,${ty + 2}-03-31,4\\n${icb}/2,10,${ty + 1}-04-01,${ty}-03-31,4\\n' > ${badCsv}`]);
  await refused("a CSV with an end before its start", "plan-file-csv", async () => {
    await (await page.$("#plan-file-csv")).uploadFile(badCsv);
    await page.click("#plan-file button[type=submit]");
  });
  before = await generation();
  const size = await treeSize();
  await fillPlan("12.5", ty + 2);
  await page.waitForSelector("#plan-outcome:not([hidden])");
  await ready(before);
  expect(await treeSize() === size + 1, "the plan was not written once");
  const plans = await tableOf("plans");
  expect(plans.some((r) => r[0] === `${icb}/1` && r[2] === `${ty + 1}-04-01` && r[3] === `${ty + 2}-03-31` && r[4] === "12.5"),
    `the new plan is not listed with its period: ${JSON.stringify(plans)}`);
  // A plan for a delegated healthcare activity, listed with its period.
  before = await generation();
  await page.type("#plan-place", `${icb}/2`);
  await page.select("#plan-need", "activity:2");
  await setDate("plan", "period_start", 1, 4, ty + 1);
  await setDate("plan", "period_end", 31, 3, ty + 3);
  await page.$eval("#plan-required_fte", (e) => { e.value = "3"; });
  await page.click("#plan button[type=submit]");
  await ready(before);
  const withActivity = await tableOf("plans");
  expect(withActivity.some((r) => r[0] === `${icb}/2` && /^Delegated activity: /.test(r[1]) &&
    r[2] === `${ty + 1}-04-01` && r[3] === `${ty + 3}-03-31` && r[4] === "3"),
  `the activity plan is not listed with its period: ${JSON.stringify(withActivity)}`);
  // And one from a CSV file, its need written "activity:<id>".
  const goodCsv = join(dir, "activity-plans.csv");
  execFileSync("bash", ["-c", `printf 'place,need,start,end,fte\\n${icb}/1,activity:6,${ty + 1}-04-01,${ty + 2}-03-31,2.5\\n' > ${goodCsv}`]);
  before = await generation();
  await (await page.$("#plan-file-csv")).uploadFile(goodCsv);
  await page.click("#plan-file button[type=submit]");
  await ready(before);
  const fromCsv = await tableOf("plans");
  expect(fromCsv.some((r) => r[0] === `${icb}/1` && /^Delegated activity: /.test(r[1]) &&
    r[2] === `${ty + 1}-04-01` && r[3] === `${ty + 2}-03-31` && r[4] === "2.5"),
  `the CSV's activity plan is not listed with its period: ${JSON.stringify(fromCsv)}`);
  await axe("plans");
} catch (error) {
  failures.push(error.stack ?? String(error));
} finally {
  await browser?.close();
  await node.stop(); // removes `dir`
}
if (failures.length) {
  console.error(`workforce dashboard: ${failures.length} failures\n${failures.join("\n")}`);
  process.exit(1);
}
console.log("workforce dashboard: every check passed");
