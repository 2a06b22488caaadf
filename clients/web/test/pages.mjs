// The worker's hub and the employer's desk in real Chromium, behind
// passportd's own front door (puppeteer-core, axe-core).
//
//   node test/pages.mjs PASSPORTD PASSPORT WEB_ROOT
//
// Tom's story through the pages, each person in their own browser context:
// Tom's phone (375 px) makes his key (its seed sealed only in a passphrase
// backup) and an enrolment request shown as a QR code; the care home's desk
// (1280 px, a browser whose fake camera films that QR code) scans it,
// countersigns, and records his job, the 16 standards of the 2025 Care
// Certificate and training that expires in 20 days; the nurse, on her own
// page (/professional, a browser context of her own), imports her key,
// assesses him and delegates giving insulin to him; Tom's hub shows it all,
// flags the training, and as of a later date shows it expired; he shares
// everything with the trust, and the trust's Verify page finds all 21
// records valid and his identity matching.
// Then: the home suspends and reinstates his training (reasons); the trust
// may not check his passport against a role until he lets it read, then may;
// his hub says what an enhanced care worker needs; he loses his phone and
// restores his passport on a new one from his backup file (a wrong
// passphrase refused by the field) and shares a record by QR code (decoded
// here) and as a file; he loses that one too, without a backup, and the
// trust moves his passport to a third phone after checking him again; that
// phone shares everything and the trust's Verify page finds every record
// valid. The home imports a 500-row ASC-WDS training file (every bad row
// named), once in one go (measured against the CLI submitting the same
// rows), again (nothing written), and a file interrupted by a reload and
// resumed (nothing written twice). Measured too: reopening the hub of a
// worker whose 200 trainings the CLI recorded (the view shows all 200). Bad
// input: empty and wrong fields refused before signing; a replayed
// enrolment writes nothing; a passport that is not enrolled, an employment ID used twice, a key the registry revoked and
// a status change by an organisation that did not make the record are each
// refused by the node with nothing written, the words by the field
// concerned. One flow on each page by keyboard alone. axe-core on every
// state at 375 and 1280 px (no serious or critical violations); screenshots
// to $SKP_ARTIFACTS. Dates are relative to today; waits are for conditions,
// never fixed sleeps.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import jsQR from "jsqr";
import { desktop, pageKit, phone, report } from "./page_kit.mjs";
import { cli, day, startNode } from "./story.mjs";
import { browserTestKit } from "./support.mjs";

const [passportd, passport, webRoot] = process.argv.slice(2);
if (!passportd || !passport || !webRoot) {
  console.error("usage: node test/pages.mjs PASSPORTD PASSPORT WEB_ROOT");
  process.exit(2);
}
const { root, artifacts, axeSource, failures, expect } = browserTestKit();

const node = await startNode(passportd, "--http-listen", "127.0.0.1:0", "--web-root", webRoot);
let browser, homeBrowser;
try {
  if (!node.web) throw new Error(`no web address printed: ${readFileSync(join(node.dir, "node.out"), "utf8")}`);
  const file = (name) => join(node.dir, name);
  const P = (...args) => cli(passport, ...args, "--server", node.addr);
  const keygen = (name) => cli(passport, "keygen", "--name", name, "--out", file(`${name}.key`));
  const gov = join(node.dir, "data/governance.key");
  const home = "CQC:1-1000000001", trust = "ODS:RY1", oldTrust = "ODS:RVK";
  P("org", "register", "--key", gov, "--id", home, "--name", "Sunrise Care Home", "--sector", "adult-social-care",
    "--icb", "E54000008", "--place", "Liverpool", "--roles", "employer,identity-checker", "--org-vkey", keygen("home"));
  P("org", "register", "--key", gov, "--id", trust, "--name", "Community Health Trust", "--sector", "nhs",
    "--icb", "E54000008", "--place", "Liverpool", "--roles", "employer,identity-checker", "--org-vkey", keygen("trust"));
  const oldTrustVkey = keygen("old-trust");
  P("org", "register", "--key", gov, "--id", oldTrust, "--name", "Old Trust", "--sector", "nhs",
    "--icb", "E54000008", "--place", "Liverpool", "--roles", "employer,identity-checker", "--org-vkey", oldTrustVkey);
  P("professional", "register", "--key", file("trust.key"), "--org", trust, "--regulator", "nmc", "--number", "12A3456B",
    "--profession", "Diabetes specialist nurse", "--professional-vkey", keygen("nurse"));
  const { launch, open: openIn, shot, axe, type, fillDate, submitTask: submitDesk, goToTask, tabTo, treeSize, download,
    importKey: importWith, nurseKey, assess, delegate } = pageKit({ node, artifacts, axeSource, expect });
  const open = (path, viewport, on = browser) => openIn(on, path, viewport);
  const importKey = (page, organisationId, keyFile) => importWith(page, { "#key-organisation_id": organisationId }, keyFile);
  browser = await launch();
  // A QR code on the page (one pixel per module), as modules: [size, dark(x, y)].
  const qrModules = async (page, selector) => {
    const { width, data } = await page.$eval(selector, (c) => ({ width: c.width,
      data: [...c.getContext("2d").getImageData(0, 0, c.width, c.height).data] }));
    return [width, (x, y) => data[(y * width + x) * 4] < 128];
  };
  // Grey pixels (0 dark, 255 light) of the code drawn `scale` times, centred in w x h.
  const qrImage = ([size, dark], scale, w = size * scale, hgt = size * scale) => {
    const grey = new Uint8ClampedArray(w * hgt).fill(255);
    const [ox, oy] = [(w - size * scale) >> 1, (hgt - size * scale) >> 1];
    for (let y = 0; y < size * scale; y++) {
      for (let x = 0; x < size * scale; x++) if (dark(Math.floor(x / scale), Math.floor(y / scale))) grey[(oy + y) * w + ox + x] = 0;
    }
    return grey;
  };
  // The QR code's text, read by jsQR (the decoder the pages use).
  const qrText = async (page, selector) => {
    const modules = await qrModules(page, selector);
    const scale = 4, size = modules[0] * scale;
    const grey = qrImage(modules, scale);
    const rgba = new Uint8ClampedArray(size * size * 4).map((_, i) => (i % 4 === 3 ? 255 : grey[i >> 2]));
    return jsQR(rgba, size, size)?.data;
  };
  // A one-frame Y4M video of the QR code, for Chromium's fake camera.
  const qrVideo = async (page, selector, path) => {
    const modules = await qrModules(page, selector);
    const [w, hgt] = [640, 480];
    const grey = qrImage(modules, Math.floor(440 / modules[0]), w, hgt);
    writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${hgt} F10:1 Ip A1:1 C420jpeg\nFRAME\n`),
      Buffer.from(grey), Buffer.alloc(w * hgt / 2, 128)]));
  };
  const goTo = async (page, task) => {
    await page.click(`a[href="#${task}"]`);
    await page.waitForSelector(`form#${task}:not([hidden])`);
  };

  // ---- Tom's phone: a key and an enrolment request ----
  const hubOpened = Date.now();
  const tomPhone = await open("/hub", phone);
  await axe(tomPhone, "hub, setting up", phone);
  await tomPhone.click("#enrol button[type=submit]");
  await tomPhone.waitForSelector("#error-summary:not([hidden])");
  expect((await tomPhone.$$(".nhsuk-error-message")).length === 3, "hub: an empty enrolment form shows three field errors");
  await axe(tomPhone, "hub, errors", phone);
  const passphrase = "correct horse battery staple";
  // Fills in the hub's enrolment at the home and submits it (`again`: the passphrase typed a second time).
  const requestEnrolment = async (page, identity, again = passphrase) => {
    await type(page, "#enrol-identity", identity);
    await type(page, "#enrol-organisation_id", home);
    await type(page, "#enrol-passphrase", passphrase);
    await type(page, "#enrol-passphrase_again", again);
    await page.click("#enrol button[type=submit]");
  };
  await requestEnrolment(tomPhone, "Tom Example, born 1 April 1990", `${passphrase}!`);
  await tomPhone.waitForSelector("#enrol-passphrase_again-error");
  await type(tomPhone, "#enrol-passphrase_again", passphrase);
  await tomPhone.click("#enrol button[type=submit]");
  await tomPhone.waitForSelector("#request:not([hidden])");
  const request = await tomPhone.$eval("#request-text", (e) => e.value);
  expect(request.startsWith("SPE1:"), "hub: the enrolment request is SPE1: text");
  expect(await qrText(tomPhone, "#request-qr canvas") === request, "hub: the request's QR code reads as its text");
  // The key is non-extractable, and the seed is stored only inside the sealed backup.
  const stored = await tomPhone.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open("skillspassport");
    r.onsuccess = () => {
      const get = r.result.transaction("keys").objectStore("keys").get("hub");
      get.onsuccess = () => resolve({ locked: get.result.key.privateKey.extractable === false &&
        get.result.vaultKey.extractable === false, fields: Object.keys(get.result).sort().join(),
      backup: new TextDecoder().decode(get.result.backup) });
    };
  }));
  expect(stored.locked, "hub: the passport key and the vault key are non-extractable");
  expect(stored.fields === "backup,key,organisationId,passportId,rebinding,vault,vaultKey",
    `hub: nothing but the sealed backup could hold the seed (${stored.fields})`);
  const sealedBackup = JSON.parse(stored.backup);
  expect(sealedBackup.kdf.name === "scrypt" && sealedBackup.kdf.N >= 2 ** 17 && !/Tom Example/.test(stored.backup),
    "hub: the backup is sealed under scrypt, the identity not in clear");
  await axe(tomPhone, "hub, request", phone);
  await shot(tomPhone, "hub-request-375");

  // ---- the care home's desk, on a computer whose camera films Tom's QR code ----
  await qrVideo(tomPhone, "#request-qr canvas", file("request.y4m"));
  homeBrowser = await launch(file("request.y4m"));
  const homeDesk = await open("/desk", desktop, homeBrowser);
  await axe(homeDesk, "desk, importing the key", desktop);
  await homeDesk.click("#key button[type=submit]");
  await homeDesk.waitForSelector("#error-summary:not([hidden])");
  expect((await homeDesk.$$(".nhsuk-error-message")).length === 2, "desk: importing nothing shows two field errors");
  await importKey(homeDesk, home, file("home.key"));
  const deskKeyLocked = await homeDesk.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open("skillspassport");
    r.onsuccess = () => {
      const get = r.result.transaction("keys").objectStore("keys").get("desk");
      get.onsuccess = () => resolve(get.result.key.privateKey.extractable === false);
    };
  }));
  expect(deskKeyLocked, "desk: the imported key is non-extractable");
  await axe(homeDesk, "desk, tasks", desktop);

  await goTo(homeDesk, "enrol");
  let r = await submitDesk(homeDesk, "enrol");
  expect(r.fieldErrors.includes("enrol-request") && r.fieldErrors.includes("enrol-checked"),
    `desk: an empty enrolment is refused before signing (${JSON.stringify(r.fieldErrors)})`);
  await axe(homeDesk, "desk, enrolment errors", desktop);
  await shot(homeDesk, "desk-errors-1280");
  await homeDesk.click("#enrol-scan-start");
  await homeDesk.waitForFunction((text) => document.querySelector("#enrol-request").value === text, {}, request);
  expect(await homeDesk.$eval("#enrol-scan-box", (e) => e.hidden), "desk: the camera stops once the request is read");
  await homeDesk.click("#enrol-checked-0");
  r = await submitDesk(homeDesk, "enrol");
  expect(r.outcome === "RECORDED" && r.passportId, `desk: the enrolment is countersigned and recorded (${JSON.stringify(r)})`);
  const tom = r.passportId;
  const enrolment = r.records[0];
  // A request pasted at a desk rather than scanned, countersigned.
  const countersign = async (desk, text) => {
    await goToTask(desk, "enrol");
    await type(desk, "#enrol-request", text);
    await desk.click("#enrol-checked-0");
    return submitDesk(desk, "enrol");
  };
  // The same request again: the same entry, so nothing new is written.
  let size = await treeSize();
  r = await countersign(homeDesk, request);
  expect(r.outcome === "ALREADY_PRESENT" && r.records[0] === enrolment, `desk: a replayed enrolment writes nothing (${JSON.stringify(r)})`);
  expect((await treeSize()) === size, "desk: the replay left the public record as it was");

  await homeDesk.evaluate(() => (location.hash = "hire"));
  await homeDesk.waitForSelector("form#hire:not([hidden])");
  r = await submitDesk(homeDesk, "hire");
  expect(r.summary.length >= 7, `desk: an empty hire form lists every missing field (${r.summary.length})`);
  const hire = async (passportId, employmentId, startDay = -200) => {
    await type(homeDesk, "#hire-passport_id", passportId);
    await type(homeDesk, "#hire-employment_id", employmentId);
    await homeDesk.select("#hire-ascwds_job_role", "10");
    await homeDesk.select("#hire-sector", "2");
    await type(homeDesk, "#hire-icb_code", "E54000008");
    await type(homeDesk, "#hire-place", "Liverpool");
    await type(homeDesk, "#hire-fte_thousandths", "100");
    await fillDate(homeDesk, "hire-start_date", day(startDay));
    return submitDesk(homeDesk, "hire");
  };
  r = await hire(tom.replace(/(.{4})/g, "$1 "), "SCH-0042");
  expect(r.outcome === "RECORDED" && r.records.length === 1, `desk: Tom's job is recorded (${JSON.stringify(r)})`);
  // A passport that is not enrolled: the home may not write about it.
  size = await treeSize();
  r = await hire("00".repeat(16), "SCH-0043");
  expect(r.fieldErrors.join() === "hire-passport_id" && /No passport has this ID/.test(r.summary[0]?.[1]),
    `desk: a record about a passport that is not enrolled is refused by the passport ID (${JSON.stringify(r)})`);
  // Another job under the same employment ID (the same job again, within the
  // same second, would be the same record: already present).
  r = await hire(tom, "SCH-0042", -150);
  expect(r.fieldErrors.join() === "hire-employment_id" && /already has a job with this employment ID/.test(r.summary[0]?.[1]),
    `desk: an employment ID used twice is refused by the employment ID (${JSON.stringify(r)})`);
  expect((await treeSize()) === size, "desk: the refusals wrote nothing");
  await axe(homeDesk, "desk, refusal", desktop);
  await shot(homeDesk, "desk-refusal-1280");

  await homeDesk.evaluate(() => (location.hash = "standards"));
  await homeDesk.waitForSelector("form#standards:not([hidden])");
  await type(homeDesk, "#standards-passport_id", tom);
  await homeDesk.click("#standards-version-0"); // 2025
  await homeDesk.waitForSelector("#standards-standard");
  expect((await homeDesk.$$('input[name="standard"]')).length === 16, "desk: the 2025 version has 16 standards to tick");
  for (const box of await homeDesk.$$('input[name="standard"]')) await box.click();
  await type(homeDesk, "#standards-assessor", "senior care worker");
  await homeDesk.click("#standards-method-0");
  await fillDate(homeDesk, "standards-met_on", day(-150));
  const signing = Date.now();
  r = await submitDesk(homeDesk, "standards");
  const signed = Date.now() - signing;
  expect(r.outcome === "RECORDED" && r.records.length === 16, `desk: 16 standards recorded (${JSON.stringify(r.records.length)})`);
  const standards = r.records;
  console.log(`desk: 16 standards signed in the browser and submitted one by one in ${signed} ms ` +
    `(${(16_000 / signed).toFixed(0)} records/s)`);

  await homeDesk.evaluate(() => (location.hash = "training"));
  await homeDesk.waitForSelector("form#training:not([hidden])");
  await type(homeDesk, "#training-passport_id", tom);
  const category = await homeDesk.$eval("#training-ascwds_training_category option:nth-child(2)", (o) => o.value);
  await homeDesk.select("#training-ascwds_training_category", category);
  await fillDate(homeDesk, "training-awarded", day(-345));
  await fillDate(homeDesk, "training-valid_until", day(-350));
  r = await submitDesk(homeDesk, "training");
  expect(r.fieldErrors.join() === "training-valid_until", `desk: valid-until before completion is refused before signing (${JSON.stringify(r)})`);
  await fillDate(homeDesk, "training-valid_until", day(20));
  r = await submitDesk(homeDesk, "training");
  expect(r.outcome === "RECORDED", `desk: training recorded (${JSON.stringify(r)})`);
  const training = r.records[0];
  await axe(homeDesk, "desk, recorded", desktop);
  await shot(homeDesk, "desk-recorded-1280");

  // ---- the nurse, on her own page in a browser context of her own ----
  const nurse = await open("/professional", desktop);
  await importWith(nurse, nurseKey, file("nurse.key"));
  await axe(nurse, "professional, tasks", desktop);
  await goToTask(nurse, "assess");
  r = await assess(nurse, tom);
  expect(r.outcome === "RECORDED" && r.records.length === 1, `professional: Tom's assessment is recorded (${JSON.stringify(r)})`);
  const competency = r.records[0];
  await axe(nurse, "professional, assessed", desktop);
  // The delegation form starts from that assessment; the nurse fills it all the same.
  await goToTask(nurse, "delegate");
  r = await delegate(nurse, tom, "D-2026-017", competency, home);
  expect(r.outcome === "RECORDED" && r.records.length === 1, `professional: Tom's delegation is recorded (${JSON.stringify(r)})`);
  const delegation = r.records[0];
  await axe(nurse, "professional, delegated", desktop);
  await shot(nurse, "pages-professional-delegated-1280");

  // ---- an old trust's desk: its key is revoked ----
  const oldTrustDesk = await open("/desk", desktop);
  await importKey(oldTrustDesk, oldTrust, file("old-trust.key"));
  P("key", "revoke", "--key", gov, "--revoke-vkey", oldTrustVkey, "--reason", "compromised");
  size = await treeSize();
  await oldTrustDesk.evaluate(() => (location.hash = "end"));
  await oldTrustDesk.waitForSelector("form#end:not([hidden])");
  await type(oldTrustDesk, "#end-passport_id", tom);
  await type(oldTrustDesk, "#end-employment_id", "SCH-0042");
  await fillDate(oldTrustDesk, "end-end_date", day(0));
  await oldTrustDesk.click("#end-reason-0");
  r = await submitDesk(oldTrustDesk, "end");
  expect(r.fieldErrors.join() === "end-signer" && /key has been withdrawn/.test(r.summary[0]?.[1]),
    `desk: a revoked key is refused, the words by the signing key (${JSON.stringify(r)})`);
  expect((await treeSize()) === size, "desk: the revoked key wrote nothing");
  await shot(oldTrustDesk, "desk-revoked-1280");

  // ---- Tom's hub: his passport ----
  await tomPhone.click("#request-done");
  await tomPhone.waitForSelector("#passport:not([hidden])");
  const hubShown = Date.now() - hubOpened;
  const shown = await tomPhone.evaluate(() => ({
    id: document.querySelector("#passport-id").dataset.passportId,
    records: [...document.querySelectorAll("#view [data-record-id]")].map((e) => e.dataset.recordId),
    careCertificate: document.querySelector('[data-care-certificate="2025"]')?.textContent,
    expiry: document.querySelector(`[data-expiry]`)?.dataset.expiry,
  }));
  expect(shown.id === tom, "hub: shows Tom's passport id");
  for (const [what, id] of [["training", training], ["competency", competency], ["delegation", delegation]]) {
    expect(shown.records.includes(id), `hub: shows the ${what}`);
  }
  expect(/16 of 16 standards met/.test(shown.careCertificate ?? "") && /Complete/.test(shown.careCertificate ?? ""),
    `hub: the Care Certificate is complete (${shown.careCertificate})`);
  expect(shown.expiry === "30", `hub: the training is flagged as expiring within 30 days (${shown.expiry})`);
  await axe(tomPhone, "hub, my passport", phone);
  await shot(tomPhone, "hub-passport-375");
  // As of a later date the training has expired.
  await fillDate(tomPhone, "as-of-as_of", day(25));
  await tomPhone.click("#as-of button[type=submit]");
  await tomPhone.waitForFunction(() => document.querySelector("[data-expiry]")?.dataset.expiry === "expired");

  // ---- Tom shares everything with the trust; the trust verifies ----
  await fillDate(tomPhone, "as-of-as_of", day(0));
  await tomPhone.click("#as-of button[type=submit]");
  await tomPhone.waitForFunction(() => document.querySelector("[data-expiry]")?.dataset.expiry === "30");
  await tomPhone.click("#share-identity-0");
  await type(tomPhone, "#share-audience", trust);
  await tomPhone.click("#share-expires-1");
  await tomPhone.click("#share button[type=submit]");
  await tomPhone.waitForSelector("#shared:not([hidden])");
  const link = await tomPhone.$eval("#shared-link", (a) => a.href);
  await axe(tomPhone, "hub, shared", phone);
  await shot(tomPhone, "hub-shared-375");
  // The same records as W3C credentials for a wallet: one per record ticked.
  const sharedCount = await tomPhone.$$eval('#share input[name="records"]:checked', (boxes) =>
    boxes.reduce((n, b) => n + b.value.split(",").length, 0));
  await tomPhone.click("#share-vc");
  await tomPhone.waitForSelector("#shared-vc-file");
  const credentialCount = await tomPhone.$eval("#shared-vc-file", (a) => Number(a.dataset.count));
  expect(credentialCount === sharedCount, `hub: one verifiable credential per record shared (${credentialCount} of ${sharedCount})`);
  await axe(tomPhone, "hub, credentials ready", phone);
  const verifier = await open("/verify", desktop);
  await type(verifier, "#audience", trust);
  // Following the link's fragment on the open page keeps the audience typed.
  await verifier.evaluate((l) => (location.hash = new URL(l).hash), link);
  await verifier.waitForSelector("[data-result]");
  const verdicts = await verifier.$$eval("[data-verdict]", (es) => es.map((e) => e.dataset.verdict));
  const expected = 1 + 1 + standards.length + 1 + 2; // enrolment, job, standards, training, competency, delegation
  expect(await verifier.$eval("[data-result]", (e) => e.dataset.result) === "VALID" && verdicts.length === expected &&
    verdicts.every((v) => v === "VALID"), `verify: all ${expected} shared records valid (${verdicts.join()})`);
  expect(/Tom Example/.test(await verifier.$eval("#result", (e) => e.textContent)), "verify: Tom's identity disclosed and matching");
  expect(/signed by Sunrise Care Home \(/.test(await verifier.$eval("#result", (e) => e.textContent)),
    "verify: records name the organisation that signed them");
  await shot(verifier, "verify-shared-1280");

  // Consent: the trust may read, then may not.
  await type(tomPhone, "#consent-grantee_organisation_id", trust);
  await fillDate(tomPhone, "consent-expires_at", day(30));
  await tomPhone.click("#consent button[type=submit]");
  await tomPhone.waitForFunction((t) => [...document.querySelectorAll("#view li")].some((li) => li.textContent.includes(t) &&
    li.textContent.includes("Allowed")), {}, trust);
  await tomPhone.click("#view li button");
  await tomPhone.waitForFunction(() => !document.querySelector("#view li button"));
  // Measured: opening the hub (key in IndexedDB) to Tom's passport shown.
  const reopened = Date.now();
  await tomPhone.reload();
  await tomPhone.waitForSelector("#passport:not([hidden]) #view li");
  console.log(`hub: opened to a shown passport of ${expected} records in ${Date.now() - reopened} ms ` +
    `(first visit to shown, with the enrolment and records made at the desk in between: ${hubShown} ms)`);

  // ---- the home suspends Tom's training, then reinstates it ----
  await homeDesk.evaluate(() => (location.hash = "status"));
  await homeDesk.waitForSelector("form#status:not([hidden])");
  await type(homeDesk, "#status-target_record", training);
  await homeDesk.click("#status-change-1"); // suspend
  r = await submitDesk(homeDesk, "status");
  expect(r.fieldErrors.join() === "status-reason", `desk: a suspension without a reason is refused before signing (${JSON.stringify(r)})`);
  await homeDesk.click("#status-reason-1"); // a competence concern
  r = await submitDesk(homeDesk, "status");
  expect(r.outcome === "RECORDED", `desk: the training is suspended (${JSON.stringify(r)})`);
  await tomPhone.reload();
  await tomPhone.waitForFunction((id) => /Suspended/.test(document.querySelector(`#view [data-record-id="${id}"]`)?.textContent ?? ""),
    {}, training);
  // Keyboard alone: the desk reinstates it.
  await homeDesk.evaluate(() => (location.hash = ""));
  await homeDesk.waitForSelector("#tasks-heading");
  await homeDesk.focus("#tasks-heading");
  await tabTo(homeDesk, 'a[href="#status"]');
  await homeDesk.keyboard.press("Enter");
  await homeDesk.waitForSelector("form#status:not([hidden])");
  await tabTo(homeDesk, "#status-target_record");
  await homeDesk.keyboard.type(training);
  await tabTo(homeDesk, "#status-change-0");
  await homeDesk.keyboard.press("ArrowDown"); // suspend
  await homeDesk.keyboard.press("ArrowDown"); // reinstate
  await tabTo(homeDesk, "#status button[type=submit]");
  await homeDesk.$eval("#outcome", (e) => (e.hidden = true));
  await homeDesk.keyboard.press("Enter");
  await homeDesk.waitForSelector('#outcome:not([hidden]) [data-outcome="RECORDED"]');
  await tomPhone.reload();
  await tomPhone.waitForFunction((id) => /Expires within 30 days/.test(document.querySelector(`#view [data-record-id="${id}"]`)?.textContent ?? ""),
    {}, training);
  await axe(homeDesk, "desk, status change", desktop);

  // ---- the trust checks Tom against a role: refused until he lets it read ----
  const trustDesk = await open("/desk", desktop);
  await importKey(trustDesk, trust, file("trust.key"));
  // Not the trust's record: refused, the words by the signing key.
  size = await treeSize();
  await trustDesk.evaluate(() => (location.hash = "status"));
  await trustDesk.waitForSelector("form#status:not([hidden])");
  await type(trustDesk, "#status-target_record", training);
  await trustDesk.click("#status-change-0");
  await trustDesk.click("#status-reason-0");
  r = await submitDesk(trustDesk, "status");
  expect(r.fieldErrors.join() === "status-signer" && /may not make this record/.test(r.summary[0]?.[1]),
    `desk: a status change by another organisation is refused by the signing key (${JSON.stringify(r)})`);
  expect((await treeSize()) === size, "desk: the refused status change wrote nothing");
  const checkRole = async (role) => {
    await trustDesk.evaluate(() => (location.hash = "role"));
    await trustDesk.waitForSelector("form#role:not([hidden])");
    await type(trustDesk, "#role-passport_id", tom);
    await trustDesk.select("#role-checklist", role);
    return submitDesk(trustDesk, "role");
  };
  r = await checkRole("care-worker");
  expect(r.fieldErrors.join() === "role-passport_id" && /has not let your organisation read/.test(r.summary[0]?.[1]),
    `desk: a role check without permission is refused by the passport ID (${JSON.stringify(r)})`);
  // Keyboard alone: Tom lets the trust read his passport.
  await tomPhone.evaluate(() => document.querySelector("#passport-heading").focus());
  await tabTo(tomPhone, "#consent-grantee_organisation_id");
  await tomPhone.keyboard.type(trust);
  const until = day(30).split("-").map(Number);
  for (const [part, n] of [["day", until[2]], ["month", until[1]], ["year", until[0]]]) {
    await tabTo(tomPhone, `#consent-expires_at-${part}`);
    await tomPhone.keyboard.type(String(n));
  }
  await tabTo(tomPhone, "#consent button[type=submit]");
  await tomPhone.keyboard.press("Enter");
  await tomPhone.waitForFunction((t) => [...document.querySelectorAll("#view li")].some((li) => li.textContent.includes(t) &&
    li.textContent.includes("Allowed")), {}, trust);
  r = await checkRole("care-worker");
  const trustSees = await trustDesk.$eval("#role-heading", (e) => [e.dataset.satisfied, e.dataset.stillNeeded]);
  expect(r.outcome === "READ" && trustSees.join() === "1,8",
    `desk: the trust sees Tom meets 1 of the care worker's 9 items, the Care Certificate (${trustSees})`);
  await axe(trustDesk, "desk, role check", desktop);
  await shot(trustDesk, "desk-role-1280");
  // The trust hires Tom as an NHS healthcare assistant: an NHS occupation
  // code, not an ASC-WDS role (both at once is refused before signing).
  await trustDesk.evaluate(() => (location.hash = "hire"));
  await trustDesk.waitForSelector("form#hire:not([hidden])");
  await type(trustDesk, "#hire-passport_id", tom);
  await type(trustDesk, "#hire-employment_id", "CHT-7731");
  await trustDesk.select("#hire-ascwds_job_role", "10");
  await type(trustDesk, "#hire-nhs_role_code", "hca");
  await trustDesk.select("#hire-sector", "1");
  await type(trustDesk, "#hire-icb_code", "E54000008");
  await type(trustDesk, "#hire-place", "Liverpool");
  await type(trustDesk, "#hire-fte_thousandths", "80");
  await fillDate(trustDesk, "hire-start_date", day(0));
  r = await submitDesk(trustDesk, "hire");
  expect(r.fieldErrors.join() === "hire-nhs_role_code", `desk: a job role and an NHS code at once are refused (${JSON.stringify(r)})`);
  await trustDesk.select("#hire-ascwds_job_role", "");
  r = await submitDesk(trustDesk, "hire");
  expect(r.outcome === "RECORDED", `desk: the trust records Tom's NHS job (${JSON.stringify(r)})`);
  await tomPhone.reload();
  await tomPhone.waitForFunction((id) => document.querySelector(`#view [data-record-id="${id}"]`), {}, r.records[0]);
  await axe(trustDesk, "desk, NHS job recorded", desktop);

  // ---- Tom's hub: what an enhanced care worker needs ----
  await tomPhone.select("#role-checklist", "enhanced-care-worker");
  await tomPhone.click("#role button[type=submit]");
  await tomPhone.waitForSelector("#role-answer:not([hidden]) #role-heading");
  const needs = await tomPhone.evaluate(() => ({
    counts: [document.querySelector("#role-heading").dataset.satisfied, document.querySelector("#role-heading").dataset.stillNeeded],
    met: [...document.querySelectorAll('#role-answer [data-satisfied="true"]')].map((li) => li.textContent),
  }));
  expect(needs.counts.join() === "2,6" && needs.met.some((t) => /Care Certificate \(2025\)/.test(t)) &&
    needs.met.some((t) => /competent in specialised medication/.test(t)),
    `hub: an enhanced care worker's checklist: the Care Certificate and the insulin competency met, 6 to go (${JSON.stringify(needs)})`);
  await tomPhone.click("#role-share");
  const ticked = await tomPhone.$$eval('input[name="records"]:checked', (es) => es.length);
  expect(ticked === 2, `hub: "share the records this role needs" ticks the Care Certificate and the competency (${ticked})`);
  await axe(tomPhone, "hub, next role", phone);
  await shot(tomPhone, "hub-role-375");

  // ---- Tom's phone is lost: a new phone from the backup file ----
  const backupFile = await download(tomPhone, "#passport .skp-backup-link");
  const phone2 = await open("/hub", phone);
  await type(phone2, "#restore-passphrase", "not the passphrase");
  await (await phone2.$("#restore-file")).uploadFile(backupFile);
  await phone2.click("#restore button[type=submit]");
  await phone2.waitForSelector("#restore-passphrase-error");
  expect(/passphrase does not open this backup/.test(await phone2.$eval("#restore-passphrase-error", (e) => e.textContent)),
    "hub: a wrong passphrase is refused by the passphrase field");
  await axe(phone2, "hub, restore refused", phone);
  await type(phone2, "#restore-passphrase", passphrase);
  await phone2.click("#restore button[type=submit]");
  await phone2.waitForSelector("#passport:not([hidden]) #view li");
  expect(await phone2.$eval("#passport-id", (e) => e.dataset.passportId) === tom, "hub: the restored phone holds Tom's passport");
  const restoredLocked = await phone2.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open("skillspassport");
    r.onsuccess = () => {
      const get = r.result.transaction("keys").objectStore("keys").get("hub");
      get.onsuccess = () => resolve(get.result.key.privateKey.extractable === false);
    };
  }));
  expect(restoredLocked, "hub: the restored key is non-extractable");
  // It shares one record, with his identity, by QR code and as a file.
  await phone2.$$eval('input[name="records"]', (es) => es.forEach((e, i) => (e.checked = i === 0)));
  await phone2.click("#share-identity-0");
  await type(phone2, "#share-audience", trust);
  await phone2.click("#share-expires-0");
  await phone2.click("#share button[type=submit]");
  await phone2.waitForSelector("#shared:not([hidden]) canvas");
  const sharedText = await qrText(phone2, "#shared canvas");
  const sharedFile = await download(phone2, "#shared-file");
  const verify2 = await open("/verify", desktop);
  await type(verify2, "#audience", trust);
  await type(verify2, "#presentation", sharedText ?? "");
  await verify2.click("#verify-form button[type=submit]");
  await verify2.waitForSelector("[data-result]");
  expect(await verify2.$eval("[data-result]", (e) => e.dataset.result) === "VALID" &&
    /Tom Example/.test(await verify2.$eval("#result", (e) => e.textContent)),
  "verify: the restored phone's QR code verifies, with Tom's identity");
  await verify2.goto(`${node.web}/verify`);
  await verify2.waitForSelector("body.js-enabled");
  await (await verify2.$("#file")).uploadFile(sharedFile);
  await verify2.click("#verify-form button[type=submit]");
  await verify2.waitForSelector("[data-result]");
  expect(await verify2.$eval("[data-result]", (e) => e.dataset.result) === "VALID", "verify: the presentation file verifies");
  await axe(phone2, "hub, shared by QR code", phone);
  await shot(phone2, "hub-shared-qr-375");
  // Sharing everything is too much for one QR code: the page says so.
  await phone2.$$eval('input[name="records"]', (es) => es.forEach((e) => (e.checked = true)));
  await phone2.click("#share button[type=submit]");
  await phone2.waitForSelector("#shared-no-qr");

  // Keyboard alone: Tom erases his identity from the restored phone.
  await phone2.evaluate(() => document.activeElement?.blur());
  await tabTo(phone2, "#erase-passphrase");
  await phone2.keyboard.type(passphrase);
  await tabTo(phone2, "#erase-sure-0");
  await phone2.keyboard.press("Space");
  await tabTo(phone2, "#erase button[type=submit]");
  await phone2.keyboard.press("Enter");
  await phone2.waitForSelector("#erased:not([hidden])");
  expect(!(await phone2.$("#share-identity")), "hub: after erasure, the identity cannot be shared");
  const erasedBackup = readFileSync(await download(phone2, "#passport .skp-backup-link"), "utf8");
  expect(erasedBackup !== readFileSync(backupFile, "utf8"), "hub: erasing made a new backup");
  await axe(phone2, "hub, identity erased", phone);

  // ---- that phone is lost too, without its backup: the trust moves the passport ----
  const phone3 = await open("/hub", phone);
  await type(phone3, "#rebind-passport_id", tom);
  await type(phone3, "#rebind-organisation_id", trust);
  await type(phone3, "#rebind-passphrase", passphrase);
  await type(phone3, "#rebind-passphrase_again", passphrase);
  await phone3.click("#rebind button[type=submit]");
  await phone3.waitForSelector("#request:not([hidden]) canvas");
  const rebindRequest = await phone3.$eval("#request-text", (e) => e.value);
  expect(await qrText(phone3, "#request-qr canvas") === rebindRequest, "hub: the rebinding request's QR code reads as its text");
  await axe(phone3, "hub, rebinding request", phone);
  // The enrolment form will not take it; the rebinding form does.
  r = await countersign(trustDesk, rebindRequest);
  expect(r.fieldErrors.join() === "enrol-request" && /move a passport to a new phone/.test(r.summary[0]?.[1]),
    `desk: a rebinding request is not taken as an enrolment (${JSON.stringify(r)})`);
  await trustDesk.evaluate(() => (location.hash = "rebind"));
  await trustDesk.waitForSelector("form#rebind:not([hidden])");
  await type(trustDesk, "#rebind-request", rebindRequest);
  await trustDesk.click("#rebind-checked-0");
  r = await submitDesk(trustDesk, "rebind");
  expect(r.outcome === "RECORDED", `desk: the trust moves Tom's passport to the new phone (${JSON.stringify(r)})`);
  await axe(trustDesk, "desk, rebound", desktop);
  await phone3.click("#request-done");
  await phone3.waitForSelector("#passport:not([hidden]) #view li");
  expect(await phone3.$eval("#passport-id", (e) => e.dataset.passportId) === tom, "hub: the third phone holds Tom's passport");
  expect(!(await phone3.$("#share-identity")), "hub: a rebound phone cannot disclose the identity (its salt was on the lost phone)");
  await type(phone3, "#share-audience", trust);
  await phone3.click("#share-expires-1");
  await phone3.click("#share button[type=submit]");
  await phone3.waitForSelector("#shared:not([hidden])");
  const finalLink = await phone3.$eval("#shared-link", (a) => a.href);
  const finalCount = await phone3.$$eval('input[name="records"]:checked', (es) =>
    es.reduce((n, e) => n + e.value.split(",").length, 0));
  await verifier.goto(`${node.web}/verify`);
  await verifier.waitForSelector("body.js-enabled");
  await verifier.evaluate((l) => (location.hash = new URL(l).hash), finalLink);
  await verifier.waitForSelector("[data-result]");
  const finalVerdicts = await verifier.$$eval("[data-verdict]", (es) => es.map((e) => e.dataset.verdict));
  expect(await verifier.$eval("[data-result]", (e) => e.dataset.result) === "VALID" && finalVerdicts.length === finalCount &&
    finalVerdicts.every((v) => v === "VALID"), `verify: from the rebound phone, all ${finalCount} records valid (${finalVerdicts.join()})`);
  await shot(verifier, "verify-rebound-1280");

  // ---- the home imports an ASC-WDS training file of 500 rows ----
  // Five workers enrolled by the CLI; the file's rows cycle through them and
  // through the training categories, with dates relative to today.
  const workers = [1, 2, 3, 4, 5].map((n) => {
    keygen(`worker${n}`);
    writeFileSync(file(`identity${n}.txt`), `worker ${n}`);
    P("enrol", "--key", file(`worker${n}.key`), "--org-key", file("home.key"), "--org", home,
      "--identity-file", file(`identity${n}.txt`));
    return [`W${n}`, cli(passport, "passport-id", "--key", file(`worker${n}.key`))];
  });
  writeFileSync(file("workers.csv"), `UNIQUEWORKERID,PASSPORTID\n${workers.map((w) => w.join(",")).join("\n")}\n`);
  const codes = readFileSync(join(root, "../../records/reference/data/training_bulk_upload_codes.v1.csv"), "utf8")
    .trim().split("\n").slice(1).map((l) => l.split(","));
  const uk = (iso) => iso.split("-").reverse().join("/");
  const header = "LOCALESTID,UNIQUEWORKERID,CATEGORY,TRAININGNAME,ACCREDITED,WHODELIVERED,PROVIDERNAME,HOWDELIVERED,VALIDITY,DATECOMPLETED,EXPIRYDATE,NOTES";
  // Row i: worker i % 5, category i % 48, completed (i % 300) + 1 + offset days ago, valid 12 months.
  const goodRows = (n, offset) => Array.from({ length: n }, (_, i) => {
    const [code, category] = codes[i % codes.length];
    const completed = day(-((i % 300) + 1 + offset));
    return { worker: workers[i % 5][1], category, completed, until: day(-((i % 300) + 1 + offset) + 365),
      line: `E1,W${(i % 5) + 1},${code},"Course ${i}, part 1",1,2,P${i % 7},2,12,${uk(completed)},${uk(day(-((i % 300) + 1 + offset) + 365))},` };
  });
  const rows500 = goodRows(500, 0);
  const badRows = [
    [`E1,W9,1,,1,1,,1,none,${uk(day(-5))},,`, /W9 is not in your workers list/],
    [`E1,W1,99,,1,1,,1,none,${uk(day(-5))},,`, /CATEGORY 99 is not an ASC-WDS training category code/],
    [`E1,W1,1,,1,1,,1,none,31/02/2025,,`, /DATECOMPLETED 31\/02\/2025 is not a real date/],
    [`E1,W1,1,,1,1,,1,none,${uk(day(5))},,`, /DATECOMPLETED is in the future/],
    [`E1,W1,1,,1,1,,1,none,${uk(day(-5))},${uk(day(-6))},`, /EXPIRYDATE must be after DATECOMPLETED/],
    [`E1,W1,1,,1,1,ACME,1,none,${uk(day(-5))},,`, /PROVIDERNAME is only for an external provider/],
    [rows500[0].line, /The same training as line 2/],
  ];
  writeFileSync(file("training.csv"), `${header}\n${[...rows500.map((r) => r.line), ...badRows.map(([l]) => l)].join("\n")}\n`);
  await homeDesk.evaluate(() => (location.hash = "import"));
  await homeDesk.waitForSelector("form#import:not([hidden])");
  r = await submitDesk(homeDesk, "import");
  expect(r.fieldErrors.sort().join() === "import-training_file,import-workers_file", `desk: an import without files is refused (${JSON.stringify(r)})`);
  const importFile = async (training) => {
    await homeDesk.$eval("#error-summary", (e) => (e.hidden = true));
    await (await homeDesk.$("#import-training_file")).uploadFile(training);
    await (await homeDesk.$("#import-workers_file")).uploadFile(file("workers.csv"));
    await homeDesk.$eval("#import-preview", (e) => e.replaceChildren());
    await homeDesk.click("#import button[type=submit]");
    await homeDesk.waitForSelector("#import-preview-heading");
    return homeDesk.evaluate(() => ({
      good: Number(document.querySelector("#import-preview-heading").dataset.good),
      bad: [...document.querySelectorAll('#import-preview tr[data-status="error"]')].map((tr) => [tr.dataset.line, tr.lastChild.textContent]),
    }));
  };
  const recordImport = async () => {
    await homeDesk.$eval("#import-result", (e) => e.replaceChildren());
    await homeDesk.click("#import-record");
    await homeDesk.waitForSelector("#import-result-heading");
    return homeDesk.$eval("#import-result-heading", (e) => ({ ...e.dataset }));
  };
  const preview = await importFile(file("training.csv"));
  expect(preview.good === 500 && preview.bad.length === badRows.length, `desk: 500 good rows and ${badRows.length} bad (${preview.good}, ${preview.bad.length})`);
  badRows.forEach(([, words], i) => {
    const [line, text] = preview.bad.find(([l]) => Number(l) === 502 + i) ?? [];
    expect(words.test(text ?? ""), `desk: line ${502 + i}'s error in words (${line}: ${text})`);
  });
  await axe(homeDesk, "desk, import preview", desktop);
  await shot(homeDesk, "desk-import-preview-1280");
  size = await treeSize();
  const imported = await recordImport();
  const browserRate = 500 / Number(imported.seconds);
  expect(imported.recorded === "500" && imported.refused === "0", `desk: 500 rows recorded (${JSON.stringify(imported)})`);
  expect((await treeSize()) === size + 500, "desk: 500 records written");
  await axe(homeDesk, "desk, imported", desktop);
  await shot(homeDesk, "desk-imported-1280");
  // The same file again: every row found, nothing written.
  await importFile(file("training.csv"));
  const again = await recordImport();
  expect(again.already === "500" && again.recorded === "0" && (await treeSize()) === size + 500,
    `desk: the same file again writes nothing (${JSON.stringify(again)})`);
  // A file interrupted by a reload half way, then resumed: each row once.
  writeFileSync(file("training2.csv"), `${header}\n${goodRows(200, 400).map((r) => r.line).join("\n")}\n`);
  size = await treeSize();
  await importFile(file("training2.csv"));
  await homeDesk.click("#import-record");
  // The bar still shows the last import until this one sets its length.
  await homeDesk.waitForFunction(() => {
    const bar = document.querySelector("#import-progress");
    return bar.max === 200 && bar.value >= 60;
  });
  await homeDesk.reload();
  await homeDesk.waitForSelector("body.js-enabled");
  const partly = await treeSize() - size;
  expect(partly > 0 && partly < 200, `desk: the interrupted import wrote part of the file (${partly})`);
  await homeDesk.evaluate(() => (location.hash = "import"));
  await homeDesk.waitForSelector("form#import:not([hidden])");
  await importFile(file("training2.csv"));
  const resumed = await recordImport();
  expect(Number(resumed.already) >= partly && Number(resumed.recorded) + Number(resumed.already) === 200 &&
    (await treeSize()) === size + 200, `desk: the resumed import wrote each row once (${JSON.stringify(resumed)}, ${partly} before)`);

  // The same 500 rows through the CLI, one `passport credential` each, in this run.
  const cliStarted = Date.now();
  for (const row of rows500) {
    P("credential", "--key", file("home.key"), "--org", home, "--passport", row.worker, "--kind", "training",
      "--training-category", row.category, "--awarded", row.completed, "--valid-until", row.until);
  }
  const cliRate = 500_000 / (Date.now() - cliStarted);
  console.log(`import: 500 rows signed in the browser and submitted (${8} at a time) at ${browserRate.toFixed(0)} records/s; ` +
    `the CLI submitted the same rows at ${cliRate.toFixed(0)} records/s (one process per row); ratio ${(browserRate / cliRate).toFixed(2)}`);

  // ---- Measured: opening the hub to a shown passport of 200 records ----
  // Sam enrols from a phone of her own (the home pastes her request); the CLI
  // records 200 of the import's trainings for her, one `passport credential` each.
  const samPhone = await open("/hub", phone);
  await requestEnrolment(samPhone, "Sam Example, born 2 May 1985");
  await samPhone.waitForSelector("#request:not([hidden])");
  r = await countersign(homeDesk, await samPhone.$eval("#request-text", (e) => e.value));
  expect(r.outcome === "RECORDED", `desk: Sam's enrolment is countersigned and recorded (${JSON.stringify(r)})`);
  const sam = r.passportId;
  for (const row of rows500.slice(0, 200)) {
    P("credential", "--key", file("home.key"), "--org", home, "--passport", sam, "--kind", "training",
      "--training-category", row.category, "--awarded", row.completed, "--valid-until", row.until);
  }
  const shownRecords = (page) => page.$$eval("#view [data-record-id]", (es) => es.length);
  await samPhone.click("#request-done");
  await samPhone.waitForSelector("#passport:not([hidden]) #view li");
  expect(await samPhone.$eval("#passport-id", (e) => e.dataset.passportId) === sam && (await shownRecords(samPhone)) === 200,
    `hub: Sam's passport shows all 200 trainings (${await shownRecords(samPhone)})`);
  await axe(samPhone, "hub, a passport of 200 records", phone);
  // Each opening: from the reload to the view's 200 records (rendered at once).
  const openings = [];
  for (let i = 0; i < 5; i++) {
    const started = Date.now();
    await samPhone.reload();
    await samPhone.waitForFunction(() => document.querySelectorAll("#passport:not([hidden]) #view [data-record-id]").length === 200);
    openings.push(Date.now() - started);
  }
  const median = [...openings].sort((a, b) => a - b)[openings.length >> 1];
  console.log(`hub: opened to a shown passport of 200 records in ${median} ms (median of ${openings.length} openings: ${openings.join(", ")} ms)`);
} catch (error) {
  failures.push(`stopped: ${error.stack ?? error}`);
} finally {
  await homeBrowser?.close();
  await browser?.close();
  await node.stop();
}
report(failures, "desk and hub pages");
