// What the page tests (pages.mjs, professional.mjs) share: Chromium, a page
// in a browser context of its own, typing into NHS.UK fields, submitting a
// task form (tasks.ts) and reading its outcome or errors, axe-core at both
// widths, screenshots, files the page offers for download, and the size of
// the public record (to show that a refusal wrote nothing), and the nurse's
// steps on her page. Waits are for conditions, never fixed sleeps.
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { day } from "./story.mjs";

export const phone = { width: 375, height: 812 };
export const desktop = { width: 1280, height: 900 };

// `node` from story.mjs's startNode (with --http-listen); the rest from
// support.mjs's browserTestKit().
// Ends a page test: its failures, exiting 1, or that every check passed.
export function report(failures, what) {
  if (failures.length) {
    console.error(`FAILED:\n  ${failures.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`${what}: all checks passed`);
}

export function pageKit({ node, artifacts, axeSource, expect }) {
  // A Chromium; `camera` is a Y4M file its fake camera films.
  const launch = (camera) => puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync",
      ...(camera ? ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        `--use-file-for-fake-video-capture=${camera}`] : [])],
  });
  // Each context saves its downloads in a folder of its own.
  const downloads = new Map();
  const open = async (browser, path, viewport) => {
    const dir = join(node.dir, `downloads-${downloads.size}`);
    mkdirSync(dir);
    const context = await browser.createBrowserContext({ downloadBehavior: { policy: "allow", downloadPath: dir } });
    const page = await context.newPage();
    downloads.set(page, dir);
    page.on("console", (m) => m.type() === "error" && !/status of 4\d\d/.test(m.text()) &&
      expect(false, `${path}: console error: ${m.text()}`));
    page.on("pageerror", (e) => expect(false, `${path}: page error: ${e.message}`));
    await page.setViewport(viewport);
    await page.goto(`${node.web}${path}`);
    await page.waitForSelector("body.js-enabled");
    return page;
  };
  const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  // axe-core at both widths; the page is left at `viewport`.
  const axe = async (page, what, viewport) => {
    if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.evaluate(axeSource);
    for (const width of [375, 1280]) {
      await page.setViewport({ ...viewport, width });
      const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      for (const v of violations.filter((v) => ["serious", "critical"].includes(v.impact))) {
        expect(false, `axe (${what}, ${width} px): ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target).join(", ")}`);
      }
      const scrolls = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
      expect(!(width === 375 && scrolls), `${what} scrolls sideways at 375 px`);
    }
    await page.setViewport(viewport);
  };
  const type = async (page, selector, text) => {
    await page.$eval(selector, (e) => (e.value = ""));
    await page.type(selector, text);
  };
  const fillDate = async (page, id, iso) => {
    const [y, m, d] = iso.split("-").map(Number);
    await type(page, `#${id}-day`, String(d));
    await type(page, `#${id}-month`, String(m));
    await type(page, `#${id}-year`, String(y));
  };
  // Submits a task form and waits for its outcome or its error summary.
  const submitTask = async (page, form) => {
    await page.$eval("#outcome", (e) => (e.hidden = true));
    await page.$eval("#error-summary", (e) => (e.hidden = true));
    await page.click(`#${form} button[type=submit]`);
    await page.waitForFunction(() => !document.querySelector("#outcome").hidden || !document.querySelector("#error-summary").hidden);
    return page.evaluate(() => ({
      outcome: document.querySelector("#outcome:not([hidden]) [data-outcome]")?.dataset.outcome,
      records: [...document.querySelectorAll("#outcome [data-record-id]")].map((e) => e.dataset.recordId),
      passportId: document.querySelector("#outcome [data-passport-id]")?.dataset.passportId,
      summary: [...document.querySelectorAll("#error-summary:not([hidden]) a")].map((a) => [a.hash.slice(1), a.textContent]),
      fieldErrors: [...document.querySelectorAll(".nhsuk-error-message")].map((e) => e.id.replace(/-error$/, "")),
    }));
  };
  // Shows a task's form by its address fragment.
  const goToTask = async (page, task) => {
    await page.evaluate((t) => (location.hash = t), task);
    await page.waitForSelector(`form#${task}:not([hidden])`);
  };
  // Imports a key file through the #key form, its other fields typed from `fields` (selector: text).
  const importKey = async (page, fields, keyFile) => {
    for (const [selector, text] of Object.entries(fields)) await type(page, selector, text);
    await (await page.$("#key-file")).uploadFile(keyFile);
    await page.click("#key button[type=submit]");
    await page.waitForSelector("#signed-in:not([hidden])");
  };
  // Presses Tab until `selector` has focus (the keyboard alone).
  const tabTo = async (page, selector) => {
    for (let i = 0; i < 300; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
      await page.keyboard.press("Tab");
    }
    throw new Error(`Tab never reached ${selector}`);
  };
  // Clicks a download link of the page; the path of the file Chromium saved
  // (the pages' CSP lets no script read the blob).
  const download = async (page, selector) => {
    const dir = downloads.get(page);
    const before = new Set(readdirSync(dir));
    await page.focus(selector);
    await page.keyboard.press("Enter");
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const saved = readdirSync(dir).find((f) => !before.has(f) && !f.endsWith(".crdownload"));
      if (saved) return join(dir, saved);
      await new Promise((resolve) => setTimeout(resolve, 20)); // polls for the file: a condition, not a fixed wait
    }
    throw new Error(`${selector} saved no file in ${dir} (${readdirSync(dir)})`);
  };
  // The size of the public record.
  const treeSize = async () => {
    const response = await fetch(`${node.web}/skillspassport.v1.Ledger/GetCheckpoint`, {
      method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    return Number((await response.json()).checkpoint.split("\n")[1]);
  };
  // The registered professional's page (professional.ts), as Tom's diabetes
  // nurse uses it in both page tests: her key, an assessment of insulin by
  // pen, and its delegation in `setting` on the assessment `competencyRecord`.
  const nurseKey = { "#key-professional_id": "NMC:12A3456B", "#key-profession": "Diabetes specialist nurse" };
  const assess = async (page, passportId) => {
    await type(page, "#assess-passport_id", passportId);
    await page.select("#assess-activity_category", "2");
    await type(page, "#assess-procedure", "subcutaneous insulin by pen");
    await page.click("#assess-competent-0");
    await fillDate(page, "assess-assessed_on", day(-10));
    await fillDate(page, "assess-reassess_by", day(355));
    return submitTask(page, "assess");
  };
  const delegate = async (page, passportId, delegationId, competencyRecord, setting) => {
    await type(page, "#delegate-passport_id", passportId);
    await type(page, "#delegate-delegation_id", delegationId);
    await page.select("#delegate-activity_category", "2");
    await type(page, "#delegate-procedure", "subcutaneous insulin by pen");
    await type(page, "#delegate-competency_record", competencyRecord);
    await type(page, "#delegate-person_reference", "P-7f3a");
    await type(page, "#delegate-setting", setting);
    await type(page, "#delegate-conditions", "blood glucose checked first; no dose changes");
    await type(page, "#delegate-supervision_contact", "community diabetes team duty line");
    await fillDate(page, "delegate-delegated_on", day(-9));
    await fillDate(page, "delegate-review_by", day(80));
    return submitTask(page, "delegate");
  };
  return { launch, open, shot, axe, type, fillDate, submitTask, goToTask, importKey, tabTo, download, treeSize,
    nurseKey, assess, delegate };
}
