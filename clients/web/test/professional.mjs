// The registered professional's page in real Chromium, behind passportd's
// own front door (puppeteer-core, axe-core).
//
//   node test/professional.mjs PASSPORTD PASSPORT WEB_ROOT
//
// Tom's story (test/story.mjs) up to the nurse, whose steps are done through
// her page instead of the CLI: she imports her key file (kept
// non-extractable; a missing profession and file refused by their fields),
// assesses Tom as competent in giving insulin (an empty form refused before
// signing, field by field), delegates the activity on that assessment (the
// form starts from it; a review date before the delegation refused before
// signing), reviews the delegation by keyboard alone, and withdraws it; her
// page lists the delegation withdrawn, and Tom's passport (`passport show`)
// shows the assessment and the delegation, reviewed and withdrawn. Refused
// by the node, the words by the field concerned, with nothing written: the
// same delegation submitted again (delegation ID), a record about a passport
// that is not enrolled (passport ID), a delegation to another worker on
// Tom's assessment (the assessment's record ID), a delegation to a worker
// without a job (passport ID, the date in words), a withdrawal by a
// professional who did not make the delegation (delegation ID), and a key
// the registry has revoked (signing key). axe-core on every state at 375 and
// 1280 px (no serious or critical violations); screenshots to $SKP_ARTIFACTS.
// Dates are relative to today; waits are for conditions, never fixed sleeps.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { desktop, pageKit, phone, report } from "./page_kit.mjs";
import { cli, day, startNode, walkthrough } from "./story.mjs";
import { browserTestKit } from "./support.mjs";

const [passportd, passport, webRoot] = process.argv.slice(2);
if (!passportd || !passport || !webRoot) {
  console.error("usage: node test/professional.mjs PASSPORTD PASSPORT WEB_ROOT");
  process.exit(2);
}
const { artifacts, axeSource, failures, expect } = browserTestKit();

const node = await startNode(passportd, "--http-listen", "127.0.0.1:0", "--web-root", webRoot);
let browser;
try {
  if (!node.web) throw new Error(`no web address printed: ${readFileSync(join(node.dir, "node.out"), "utf8")}`);
  const story = walkthrough(passport, node, { nurse: false });
  const { P, file, tom, home, trust } = story;
  const keygen = (name) => cli(passport, "keygen", "--name", name, "--out", file(`${name}.key`));
  // Two more nurses of the trust: one whose key the trust revokes, one who
  // did not make Tom's delegation. Ann is enrolled but has no job.
  const register = (vkey, number) => P("professional", "register", "--key", file("trust.key"), "--org", trust,
    "--regulator", "nmc", "--number", number, "--profession", "Community nurse", "--professional-vkey", vkey);
  const nurse2Vkey = keygen("nurse2");
  register(nurse2Vkey, "99Z9999Z");
  register(keygen("nurse3"), "77Y7777Y");
  keygen("ann");
  writeFileSync(file("ann.txt"), "Ann's identity attributes");
  P("enrol", "--key", file("ann.key"), "--org-key", file("home.key"), "--org", home, "--identity-file", file("ann.txt"));
  const ann = cli(passport, "passport-id", "--key", file("ann.key"));

  const kit = pageKit({ node, artifacts, axeSource, expect });
  const { axe, fillDate, goToTask, importKey, shot, submitTask, tabTo, treeSize, type, nurseKey, assess } = kit;
  const delegate = (page, passportId, delegationId, competencyRecord) =>
    kit.delegate(page, passportId, delegationId, competencyRecord, home);
  browser = await kit.launch();

  // ---- the nurse's key ----
  const nurse = await kit.open(browser, "/professional", desktop);
  expect(/registered professionals/i.test(await nurse.$eval(".nhsuk-lede-text", (e) => e.textContent)),
    "professional: the page says who it is for");
  await axe(nurse, "professional, importing the key", desktop);
  await type(nurse, "#key-professional_id", "nurse");
  await nurse.click("#key button[type=submit]");
  await nurse.waitForSelector("#error-summary:not([hidden])");
  const keyErrors = await nurse.$$eval(".nhsuk-error-message", (es) => es.map((e) => e.id).sort().join());
  expect(keyErrors === "key-file-error,key-profession-error,key-professional_id-error",
    `professional: a bad ID, no profession and no key file are refused by their fields (${keyErrors})`);
  await axe(nurse, "professional, key errors", desktop);
  await importKey(nurse, nurseKey, file("nurse.key"));
  const locked = await nurse.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open("skillspassport");
    r.onsuccess = () => {
      const get = r.result.transaction("keys").objectStore("keys").get("professional");
      get.onsuccess = () => resolve(get.result.key.privateKey.extractable === false);
    };
  }));
  expect(locked, "professional: the imported key is non-extractable");
  expect(await nurse.$eval("#key-file", (e) => e.value) === "", "professional: the key file input is cleared");
  await axe(nurse, "professional, tasks", desktop);
  await shot(nurse, "professional-tasks-1280");

  // ---- she assesses Tom ----
  await goToTask(nurse, "assess");
  let r = await submitTask(nurse, "assess");
  expect(r.fieldErrors.sort().join() === ["assess-activity_category", "assess-assessed_on", "assess-competent",
    "assess-passport_id", "assess-procedure", "assess-reassess_by"].join(),
  `professional: an empty assessment is refused before signing, field by field (${r.fieldErrors})`);
  await axe(nurse, "professional, assessment errors", desktop);
  let size = await treeSize();
  r = await assess(nurse, tom);
  expect(r.outcome === "RECORDED" && r.records.length === 1 && (await treeSize()) === size + 1,
    `professional: Tom's assessment is recorded (${JSON.stringify(r)})`);
  const competency = r.records[0];
  await axe(nurse, "professional, assessed", desktop);

  // A passport that is not enrolled: she may not write about it.
  size = await treeSize();
  r = await assess(nurse, "00".repeat(16));
  expect(r.fieldErrors.join() === "assess-passport_id" && /No passport has this ID/.test(r.summary[0]?.[1]),
    `professional: an assessment of a passport that is not enrolled is refused by the passport ID (${JSON.stringify(r)})`);
  expect((await treeSize()) === size, "professional: the refused assessment wrote nothing");

  // ---- she delegates the activity on that assessment ----
  // The form starts from the last competent assessment recorded.
  await goToTask(nurse, "delegate");
  const filled = await nurse.evaluate(() => ["passport_id", "activity_category", "procedure", "competency_record"]
    .map((n) => document.querySelector(`#delegate-${n}`).value));
  expect(filled.join() === `${tom},2,subcutaneous insulin by pen,${competency}`,
    `professional: the delegation form starts from the assessment (${filled})`);
  await fillDate(nurse, "delegate-delegated_on", day(-9));
  await fillDate(nurse, "delegate-review_by", day(-20));
  r = await submitTask(nurse, "delegate");
  expect(r.fieldErrors.includes("delegate-review_by") && !r.fieldErrors.includes("delegate-competency_record") &&
    /on or after the date delegated/.test(r.summary.find(([f]) => f === "delegate-review_by")?.[1]),
    `professional: a review date before the delegation is refused before signing (${r.fieldErrors})`);
  size = await treeSize();
  r = await delegate(nurse, tom, "D-2026-017", competency);
  expect(r.outcome === "RECORDED" && (await treeSize()) === size + 1, `professional: the delegation is recorded (${JSON.stringify(r)})`);
  const delegation = r.records[0];
  await axe(nurse, "professional, delegated", desktop);
  await shot(nurse, "professional-delegated-1280");

  // The same delegation submitted again (a second later, so signed afresh): refused.
  const next = (Math.floor(Date.now() / 1000) + 1) * 1000;
  await nurse.waitForFunction((t) => Date.now() >= t, {}, next);
  size = await treeSize();
  r = await delegate(nurse, tom, "D-2026-017", competency);
  expect(r.fieldErrors.join() === "delegate-delegation_id" && /already exists/.test(r.summary[0]?.[1]),
    `professional: a replayed delegation is refused by the delegation ID (${JSON.stringify(r)})`);
  // Ann on Tom's assessment: the rules refuse it.
  r = await delegate(nurse, ann, "D-2026-018", competency);
  expect(r.fieldErrors.join() === "delegate-competency_record" && /of another worker or another activity/.test(r.summary[0]?.[1]),
    `professional: a delegation to another worker on Tom's assessment is refused by the assessment's ID (${JSON.stringify(r)})`);
  expect((await treeSize()) === size, "professional: the refused delegations wrote nothing");
  const refusalText = await nurse.$eval("#delegate-competency_record-error", (e) => e.textContent);
  expect(/another worker/.test(refusalText), `professional: the refusal is by the field (${refusalText})`);
  await axe(nurse, "professional, refusal", desktop);
  await shot(nurse, "professional-refusal-1280");
  // Ann, on her own assessment: she has no job, so nothing can be delegated to her.
  await goToTask(nurse, "assess");
  r = await assess(nurse, ann);
  const annCompetency = r.records[0];
  await goToTask(nurse, "delegate");
  size = await treeSize();
  r = await delegate(nurse, ann, "D-2026-019", annCompetency);
  const onDay = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
    .format(new Date(day(-9)));
  expect(r.fieldErrors.join() === "delegate-passport_id" && r.summary[0]?.[1] ===
    `The worker has no job recorded on ${onDay}, so no activity can be delegated to them`,
  `professional: a delegation to a worker without a job is refused by the passport ID (${JSON.stringify(r)})`);
  expect((await treeSize()) === size, "professional: the delegation to a worker without a job wrote nothing");

  // ---- keyboard alone: she reviews the delegation ----
  await nurse.evaluate(() => (location.hash = ""));
  await nurse.waitForSelector("nav:not([hidden]) #tasks-heading");
  await nurse.focus("#tasks-heading");
  await tabTo(nurse, 'a[href="#review"]');
  await nurse.keyboard.press("Enter");
  await nurse.waitForSelector("form#review:not([hidden])");
  await tabTo(nurse, "#review-delegation_id");
  await nurse.keyboard.type("D-2026-017");
  const fillByKeys = async (id, iso) => {
    const [y, m, d] = iso.split("-").map(Number);
    for (const [part, n] of [["day", d], ["month", m], ["year", y]]) {
      await tabTo(nurse, `#${id}-${part}`);
      await nurse.keyboard.type(String(n));
    }
  };
  await fillByKeys("review-reviewed_on", day(0));
  await fillByKeys("review-review_by", day(200));
  await tabTo(nurse, "#review-notes");
  await nurse.keyboard.type("Observed a dose given safely");
  await tabTo(nurse, "#review button[type=submit]");
  await nurse.$eval("#outcome", (e) => (e.hidden = true));
  await nurse.keyboard.press("Enter");
  await nurse.waitForSelector('#outcome:not([hidden]) [data-outcome="RECORDED"]');
  expect(await nurse.evaluate(() => document.activeElement?.id) === "outcome", "professional: the outcome takes focus");

  // ---- another nurse may not withdraw it ----
  const other = await kit.open(browser, "/professional", phone);
  await importKey(other, { "#key-professional_id": "NMC:77Y7777Y", "#key-profession": "Community nurse" }, file("nurse3.key"));
  await goToTask(other, "withdraw");
  const withdraw = async (page) => {
    await type(page, "#withdraw-delegation_id", "D-2026-017");
    await fillDate(page, "withdraw-withdrawn_on", day(0));
    await page.click("#withdraw-reason-4"); // the person's condition changed
    return submitTask(page, "withdraw");
  };
  size = await treeSize();
  r = await withdraw(other);
  expect(r.fieldErrors.join() === "withdraw-delegation_id" && /Only NMC:12A3456B, who made this delegation/.test(r.summary[0]?.[1]),
    `professional: a withdrawal by another nurse is refused by the delegation ID (${JSON.stringify(r)})`);
  expect((await treeSize()) === size, "professional: the refused withdrawal wrote nothing");
  await axe(other, "professional, withdrawal refused", phone);
  await shot(other, "professional-refused-375");

  // ---- she withdraws it ----
  await goToTask(nurse, "withdraw");
  r = await submitTask(nurse, "withdraw");
  expect(r.fieldErrors.sort().join() === "withdraw-delegation_id,withdraw-reason,withdraw-withdrawn_on",
    `professional: an empty withdrawal is refused before signing (${r.fieldErrors})`);
  r = await withdraw(nurse);
  expect(r.outcome === "RECORDED", `professional: the delegation is withdrawn (${JSON.stringify(r)})`);
  await nurse.waitForSelector('#made [data-state="withdrawn"]', { timeout: 5000 }).catch(() => {});
  const listed = await nurse.$$eval("#made [data-delegation-id]", (rows) => rows.map((tr) => [tr.dataset.delegationId, tr.dataset.state]));
  expect(JSON.stringify(listed) === JSON.stringify([["D-2026-017", "withdrawn"]]),
    `professional: her page lists the delegation, withdrawn (${JSON.stringify(listed)})`);
  await nurse.setViewport(phone);
  await axe(nurse, "professional, withdrawn", phone);
  await shot(nurse, "professional-withdrawn-375");
  await nurse.setViewport(desktop);
  await shot(nurse, "professional-withdrawn-1280");

  // ---- Tom's passport shows them ----
  const view = JSON.parse(P("show", "--key", file("tom.key"), "--json"));
  const hexOf = (b64) => Buffer.from(b64 ?? "", "base64").toString("hex");
  const competencies = (view.competencies ?? []).map((c) => hexOf(c.ref.record_id));
  expect(competencies.includes(competency),
    `passport: shows the assessments (${competencies})`);
  const shown = (view.delegations ?? []).find((d) => hexOf(d.ref.record_id) === delegation);
  const [ry, rm, rd] = day(200).split("-").map(Number);
  expect(shown && shown.withdrawn === true && shown.delegation.delegation_id === "D-2026-017" &&
    shown.review_by?.year === ry && shown.review_by?.month === rm && shown.review_by?.day === rd,
  `passport: shows the delegation, reviewed (next review by ${day(200)}) and withdrawn (${JSON.stringify(shown)})`);
  expect((view.delegations ?? []).length === 1, "passport: one delegation, no refused one");

  // ---- a key the registry has revoked ----
  const revoked = await kit.open(browser, "/professional", desktop);
  await importKey(revoked, { "#key-professional_id": "NMC:99Z9999Z", "#key-profession": "Community nurse" }, file("nurse2.key"));
  P("key", "revoke", "--key", file("trust.key"), "--revoke-vkey", nurse2Vkey, "--reason", "compromised");
  await goToTask(revoked, "assess");
  size = await treeSize();
  r = await assess(revoked, tom);
  expect(r.fieldErrors.join() === "assess-signer" && /Your key has been withdrawn/.test(r.summary[0]?.[1]),
    `professional: a revoked key is refused, the words by the signing key (${JSON.stringify(r)})`);
  expect((await treeSize()) === size, "professional: the revoked key wrote nothing");
  await axe(revoked, "professional, revoked key", desktop);
  await shot(revoked, "professional-revoked-1280");
} catch (error) {
  failures.push(`stopped: ${error.stack ?? error}`);
} finally {
  await browser?.close();
  await node.stop();
}
report(failures, "professional's page");
