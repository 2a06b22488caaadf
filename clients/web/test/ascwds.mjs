// The desk's ASC-WDS export in real Chromium, behind passportd's own front
// door (puppeteer-core, axe-core).
//
//   node test/ascwds.mjs PASSPORTD PASSPORT WEB_ROOT
//
// Tom's story (test/story.mjs: his job at the care home, the 2025 Care
// Certificate, a nurse's delegation), with training recorded by the home and
// by the trust and his Level 2 Adult Social Care Certificate; Ann, hired at
// the home's desk as a senior care worker with a Care Workforce Pathway
// category, 3 standards met; Cara, with training but no job at the home; all
// three let the home read their passports. Bob never does, and one passport
// ID in the workers list is nobody's. Bad input first: no file and no
// LOCALESTID, then no LOCALESTID, then one too long for ASC-WDS, each refused
// by its field, the words next to it. Then the home exports: both files'
// header rows are ASC-WDS's columns in order; every training line and every
// worker cell equals what the passport service answers for that passport
// (`passport show --json` with the home's key: CATEGORY and MAINJOBROLE as
// bulk-upload codes, dates DD/MM/YYYY, CARECERT, L2CARECERT, DHA,
// CWPCATEGORY, STARTDATE), a LOCALESTID with a comma quoted, identity and
// every other column empty; Bob and the unknown passport are listed as left
// out with the reason, Cara as in the training file only. Round trip: the
// exported training file imported again records nothing (every row already
// on the passports, the public record unchanged), while new training and a
// row for Bob (whose passport the home cannot read) are still submitted.
// axe-core on every state at 375 and 1280 px; screenshots to $SKP_ARTIFACTS.
// Dates are relative to today; waits are for conditions, never fixed sleeps.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { desktop, pageKit, phone, report } from "./page_kit.mjs";
import { cli, day, startNode, walkthrough } from "./story.mjs";
import { browserTestKit } from "./support.mjs";

const [passportd, passport, webRoot] = process.argv.slice(2);
if (!passportd || !passport || !webRoot) {
  console.error("usage: node test/ascwds.mjs PASSPORTD PASSPORT WEB_ROOT");
  process.exit(2);
}
const { root, artifacts, axeSource, failures, expect } = browserTestKit();

// ../shared/reference/ascwds_bulk_upload_format.md, as written there.
const TRAINING_HEADER = "LOCALESTID,UNIQUEWORKERID,CATEGORY,TRAININGNAME,ACCREDITED,WHODELIVERED,PROVIDERNAME,HOWDELIVERED,VALIDITY,DATECOMPLETED,EXPIRYDATE,NOTES";
const WORKER_HEADER = "LOCALESTID,UNIQUEWORKERID,STATUS,DISPLAYID,NINUMBER,POSTCODE,DOB,GENDER,ETHNICITY,NATIONALITY,BRITISHCITIZENSHIP,COUNTRYOFBIRTH,YEAROFENTRY,DISABLED,CARECERT,L2CARECERT,RECSOURCE,HANDCVISA,INOUTUK,STARTDATE,STARTINSECT,DHA,APPRENTICE,EMPLSTATUS,ZEROHRCONT,DAYSSICK,SALARYINT,SALARY,HOURLYRATE,MAINJOBROLE,MAINJRDESC,CONTHOURS,AVGHOURS,NMCREG,AMHP,SCQUAL,NONSCQUAL,CWPCATEGORY,QUALACH01,QUALACH01NOTES,QUALACH02,QUALACH02NOTES,QUALACH03,QUALACH03NOTES";
const IDENTITY = ["DISPLAYID", "NINUMBER", "POSTCODE", "DOB", "GENDER", "ETHNICITY", "NATIONALITY", "BRITISHCITIZENSHIP",
  "COUNTRYOFBIRTH", "YEAROFENTRY", "DISABLED"];
const LOCALESTID = "Sunrise, Liverpool";
const QUOTED_LOCALESTID = '"Sunrise, Liverpool"';

// id -> bulk-upload code, from the reference data files.
const codes = (name, idColumn, codeColumn) => {
  const [header, ...lines] = readFileSync(join(root, `../../records/reference/data/${name}`), "utf8").trim().split("\n");
  const names = header.split(",");
  return new Map(lines.map((l) => l.split(",")).map((f) => [Number(f[names.indexOf(idColumn)]), f[names.indexOf(codeColumn)]]));
};
const trainingCode = codes("training_bulk_upload_codes.v1.csv", "ascwds_training_category", "bulk_upload_code");
const jobRoleCode = codes("job_role_bulk_upload_codes.v1.csv", "ascwds_job_role", "bulk_upload_code");
// The pathway file's descriptions hold quoted commas: its first and last columns only.
const pathwayCode = new Map(readFileSync(join(root, "../../records/reference/data/care_workforce_pathway.v1.csv"), "utf8")
  .trim().split("\n").slice(1).map((l) => [Number(l.split(",")[0]), l.slice(l.lastIndexOf(",") + 1)]));
const dmy = (d) => `${String(d.day).padStart(2, "0")}/${String(d.month).padStart(2, "0")}/${d.year}`;
const dateOf = (iso) => Object.fromEntries(iso.split("-").map((n, i) => [["year", "month", "day"][i], Number(n)]));
const VALID = "RECORD_STATE_VALID";

const node = await startNode(passportd, "--http-listen", "127.0.0.1:0", "--web-root", webRoot);
let browser;
try {
  if (!node.web) throw new Error(`no web address printed: ${readFileSync(join(node.dir, "node.out"), "utf8")}`);
  const story = walkthrough(passport, node);
  const { P, file, tom, home, trust } = story;
  const enrol = (name) => {
    cli(passport, "keygen", "--name", name, "--out", file(`${name}.key`));
    writeFileSync(file(`${name}.txt`), `${name}'s identity attributes`);
    P("enrol", "--key", file(`${name}.key`), "--org-key", file("home.key"), "--org", home, "--identity-file", file(`${name}.txt`));
    return cli(passport, "passport-id", "--key", file(`${name}.key`));
  };
  const credential = (issuer, passportId, ...flags) => P("credential", "--key", file(`${issuer}.key`), "--org",
    issuer === "home" ? home : trust, "--passport", passportId, ...flags).split(" ")[1];
  const consent = (name) => P("consent", "--key", file(`${name}.key`), "--to", home, "--consent-id", `${name}-home`);
  // Training that expires runs exactly 12 months from the 1st of a month (so
  // on any date, leap years too).
  const firstOfMonth = (offset) => `${day(offset).slice(0, 8)}01`;
  const yearOn = (iso) => `${Number(iso.slice(0, 4)) + 1}${iso.slice(4)}`;
  // Tom's training: from the home, valid 12 months; from the trust, never
  // expiring; one the home revoked, which is not exported.
  credential("home", tom, "--kind", "training", "--training-category", "8", "--awarded", firstOfMonth(-100),
    "--valid-until", yearOn(firstOfMonth(-100)));
  credential("trust", tom, "--kind", "training", "--training-category", "10", "--awarded", day(-30));
  const revoked = credential("home", tom, "--kind", "training", "--training-category", "14", "--awarded", day(-50));
  P("record", "status", "--key", file("home.key"), "--record", revoked, "--change", "revoked", "--reason", "issued-in-error");
  credential("trust", tom, "--kind", "qualification", "--qualification", "610/4009/5", "--awarded", day(-400));
  consent("tom");
  const ann = enrol("ann");
  P("standard", "--key", file("home.key"), "--org", home, "--passport", ann, "--version", "2025", "--standards", "1-3",
    "--assessor", "senior care worker", "--method", "observation", "--date", day(-20));
  consent("ann");
  const bob = enrol("bob");
  P("hire", "--key", file("home.key"), "--org", home, "--passport", bob, "--employment-id", "SCH-0050", "--job-role", "10",
    "--sector", "adult-social-care", "--icb", "E54000008", "--place", "Liverpool", "--fte", "1000", "--start", day(-90));
  credential("home", bob, "--kind", "training", "--training-category", "8", "--awarded", day(-80));
  const cara = enrol("cara");
  credential("trust", cara, "--kind", "training", "--training-category", "21", "--awarded", firstOfMonth(-40),
    "--valid-until", yearOn(firstOfMonth(-40)));
  consent("cara");
  const nobody = "ab".repeat(16);
  const workersList = file("workers.csv");
  writeFileSync(workersList, `UNIQUEWORKERID,PASSPORTID\nW1,${tom}\nW2,${ann}\nW3,${bob}\nW4,${nobody}\nW5,${cara}\n`);

  const kit = pageKit({ node, artifacts, axeSource, expect });
  const { axe, download, fillDate, goToTask, shot, submitTask, treeSize, type } = kit;
  browser = await kit.launch();
  const desk = await kit.open(browser, "/desk", desktop);
  await kit.importKey(desk, { "#key-organisation_id": home }, file("home.key"));

  // Ann is hired at the desk, with her Care Workforce Pathway category.
  await goToTask(desk, "hire");
  await type(desk, "#hire-passport_id", ann);
  await type(desk, "#hire-employment_id", "SCH-0051");
  await desk.select("#hire-ascwds_job_role", "25");
  await desk.select("#hire-care_workforce_pathway_category", "4");
  await desk.select("#hire-sector", "2");
  await type(desk, "#hire-icb_code", "E54000008");
  await type(desk, "#hire-place", "Liverpool");
  await type(desk, "#hire-fte_thousandths", "80");
  await fillDate(desk, "hire-start_date", day(-60));
  const hired = await submitTask(desk, "hire");
  expect(hired.outcome === "RECORDED", `desk: Ann's job is recorded with her pathway category (${JSON.stringify(hired)})`);

  // ---- bad input, refused by its field before anything is read ----
  await goToTask(desk, "export");
  expect(/CQC-registered care providers/.test(await desk.$eval("form#export", (f) => f.textContent)),
    "export: the task says who it is for");
  await axe(desk, "desk, export", desktop);
  // Makes the files (or is refused): what the page shows.
  const makeFiles = async () => {
    await desk.$eval("#error-summary", (e) => (e.hidden = true));
    await desk.$eval("#export-files", (e) => e.replaceChildren());
    await desk.click("#export button[type=submit]");
    await desk.waitForFunction(() => document.querySelector("#export-files-heading") ||
      !document.querySelector("#error-summary").hidden);
    return desk.evaluate(() => ({
      errors: [...document.querySelectorAll(".nhsuk-error-message")].map((e) => [e.id, e.textContent]),
      // An error is next to its field: the message comes right before the input.
      besideField: [...document.querySelectorAll(".nhsuk-error-message")].every((e) =>
        e.nextElementSibling?.id === e.id.replace(/-error$/, "")),
      heading: { ...document.querySelector("#export-files-heading")?.dataset },
      leftOut: [...document.querySelectorAll("[data-left-out]")].map((e) => [e.dataset.leftOut, e.textContent]),
      noJob: [...document.querySelectorAll("[data-no-job]")].map((e) => e.dataset.noJob),
      note: document.querySelector("#export-files .nhsuk-inset-text")?.textContent ?? "",
    }));
  };
  let shown = await makeFiles();
  expect(shown.errors.map(([id]) => id).sort().join() === "export-local_establishment_id-error,export-workers_file-error",
    `export: no workers list and no LOCALESTID, each refused by its field (${JSON.stringify(shown.errors)})`);
  await (await desk.$("#export-workers_file")).uploadFile(workersList);
  shown = await makeFiles();
  expect(shown.errors.length === 1 && shown.errors[0][0] === "export-local_establishment_id-error" &&
    /Enter your workplace's ID in ASC-WDS \(LOCALESTID\)/.test(shown.errors[0][1]) && shown.besideField,
  `export: an empty LOCALESTID is refused, the words next to the field (${JSON.stringify(shown)})`);
  await axe(desk, "desk, export errors", desktop);
  await shot(desk, "desk-export-errors-1280");
  await type(desk, "#export-local_establishment_id", "x".repeat(50));
  shown = await makeFiles();
  expect(shown.errors.length === 1 && /must be 49 characters or fewer/.test(shown.errors[0][1]) && shown.besideField,
    `export: a LOCALESTID too long for ASC-WDS is refused by its field (${JSON.stringify(shown.errors)})`);

  // ---- the files ----
  const size = await treeSize();
  await type(desk, "#export-local_establishment_id", LOCALESTID);
  shown = await makeFiles();
  expect(!shown.errors.length && shown.heading.unread === "2", `export: the files are made (${JSON.stringify(shown)})`);
  const leftOut = new Map(shown.leftOut);
  expect([...leftOut.keys()].sort().join() === "W3,W4" &&
    [...leftOut.values()].every((text) => /has not given it permission/.test(text)),
  `export: Bob and the unknown passport are left out, with the reason (${JSON.stringify(shown.leftOut)})`);
  expect(shown.noJob.join() === "W5", `export: Cara, without a job here, is in the training file only (${shown.noJob})`);
  expect(/identity columns \(DISPLAYID, NINUMBER, POSTCODE, DOB,.*\) are left empty/.test(shown.note) &&
    /HR records/.test(shown.note), `export: the page says the identity columns are empty and why (${shown.note})`);
  await axe(desk, "desk, export files", desktop);
  await shot(desk, "desk-export-1280");
  await desk.setViewport(phone);
  await shot(desk, "desk-export-375");
  await desk.setViewport(desktop);
  const trainingPath = await download(desk, "#export-training-file");
  const workerPath = await download(desk, "#export-worker-file");
  const [trainingHeader, ...trainingLines] = readFileSync(trainingPath, "utf8").trimEnd().split("\n");
  const [workerHeader, ...workerLines] = readFileSync(workerPath, "utf8").trimEnd().split("\n");
  expect(trainingHeader === TRAINING_HEADER, `export: the training file's header row (${trainingHeader})`);
  expect(workerHeader === WORKER_HEADER, `export: the worker file's header row (${workerHeader})`);
  expect(shown.heading.trainingRows === String(trainingLines.length) && shown.heading.workerRows === String(workerLines.length),
    `export: the page counts the rows of the files (${JSON.stringify(shown.heading)})`);

  // What the passport service answers the home for each worker it may read.
  const views = new Map([["W1", tom], ["W2", ann], ["W5", cara]].map(([worker, id]) =>
    [worker, JSON.parse(P("show", "--key", file("home.key"), "--passport", id, "--json"))]));
  // Every valid ASC-WDS training credential, by any issuer, is one line. The
  // story's trainings with an expiry run exactly 12 months.
  const expectedTraining = [...views].flatMap(([worker, view]) => (view.credentials ?? [])
    .filter((c) => c.ref.state === VALID && c.credential.kind === "CREDENTIAL_KIND_TRAINING" &&
      c.credential.ascwds_training_category)
    .map(({ credential: c }) => [QUOTED_LOCALESTID, worker, trainingCode.get(c.ascwds_training_category), "", "", "", "", "",
      c.valid_until ? "12" : "none", dmy(c.awarded), c.valid_until ? dmy(c.valid_until) : "", ""].join(",")));
  expect(expectedTraining.length === 3 && JSON.stringify([...trainingLines].sort()) === JSON.stringify(expectedTraining.sort()),
    `export: the training lines are the passports' valid training (${JSON.stringify(trainingLines)} vs ${JSON.stringify(expectedTraining)})`);
  const tomsHomeTraining = views.get("W1").credentials.find((c) => c.ref.issuer === home && c.ref.state === VALID).credential;
  expect(trainingLines.includes(`${QUOTED_LOCALESTID},W1,${trainingCode.get(tomsHomeTraining.ascwds_training_category)},,,,,,12,` +
    `${dmy(tomsHomeTraining.awarded)},${dmy(tomsHomeTraining.valid_until)},`) && trainingCode.get(8) === "1",
  "export: Tom's training from the home: CATEGORY 1 (the bulk-upload code of category 8), its DATECOMPLETED and EXPIRYDATE");

  // The worker file: one row per worker with a job at the home, each cell by its column.
  const columns = WORKER_HEADER.split(",");
  const workerRows = new Map(workerLines.map((line) => {
    expect(line.startsWith(`${QUOTED_LOCALESTID},`), `export: the worker file's LOCALESTID is quoted (${line})`);
    const cells = [LOCALESTID, ...line.slice(QUOTED_LOCALESTID.length + 1).split(",")];
    expect(cells.length === columns.length, `export: a worker row has every column (${cells.length})`);
    return [cells[1], new Map(columns.map((c, i) => [c, cells[i]]))];
  }));
  expect([...workerRows.keys()].sort().join() === "W1,W2", `export: the worker file holds Tom and Ann (${[...workerRows.keys()]})`);
  const held = ["LOCALESTID", "UNIQUEWORKERID", "CARECERT", "L2CARECERT", "STARTDATE", "DHA", "MAINJOBROLE", "CWPCATEGORY"];
  for (const [worker, row] of workerRows) {
    const view = views.get(worker);
    const job = view.employments.find((e) => e.active && e.started.organisation_id === home).started;
    const cc = view.care_certificates ?? [];
    const level2 = (view.credentials ?? []).find((c) => c.credential.qualification === "610/4009/5");
    const expected = {
      LOCALESTID, UNIQUEWORKERID: worker, STARTDATE: dmy(job.start_date),
      MAINJOBROLE: jobRoleCode.get(job.ascwds_job_role),
      CWPCATEGORY: job.care_workforce_pathway_category ? pathwayCode.get(job.care_workforce_pathway_category) : "",
      CARECERT: cc.some((c) => c.complete) ? "1" : cc.some((c) => c.standards_met?.length) ? "3" : "2",
      L2CARECERT: level2 ? `1;${level2.credential.awarded.year}` : "",
      DHA: (view.delegations ?? []).some((d) => !d.withdrawn && d.ref.state === VALID) ? "1" : "2",
    };
    for (const [column, value] of Object.entries(expected)) {
      expect(row.get(column) === value, `export: ${worker}'s ${column} is ${value} (${row.get(column)})`);
    }
    const filled = columns.filter((c) => !held.includes(c) && row.get(c) !== "");
    expect(!filled.length && IDENTITY.every((c) => row.get(c) === ""),
      `export: ${worker}'s identity and unheld columns are empty (${filled})`);
  }
  // The story's values, so the comparison above is not of empty with empty.
  const [tomRow, annRow] = [workerRows.get("W1"), workerRows.get("W2")];
  expect(tomRow?.get("MAINJOBROLE") === "8" && tomRow.get("CARECERT") === "1" && tomRow.get("DHA") === "1" &&
    tomRow.get("L2CARECERT") === `1;${day(-400).slice(0, 4)}` && tomRow.get("CWPCATEGORY") === "",
  `export: Tom is a care worker (8), Care Certificate complete, delegated an activity, Level 2 certificate held (${[...tomRow ?? []]})`);
  expect(annRow?.get("MAINJOBROLE") === "7" && annRow.get("CWPCATEGORY") === "4" && annRow.get("CARECERT") === "3" &&
    annRow.get("DHA") === "2" && annRow.get("L2CARECERT") === "" && annRow.get("STARTDATE") === dmy(dateOf(day(-60))),
  `export: Ann is a senior care worker (7), supervisor or leader (4), Care Certificate in progress (${[...annRow ?? []]})`);
  expect((await treeSize()) === size, "export: reading the passports wrote nothing");

  // ---- round trip: the exported training file imported again writes nothing ----
  await goToTask(desk, "import");
  const importFile = async (training) => {
    await desk.$eval("#import-preview", (e) => e.replaceChildren());
    await (await desk.$("#import-training_file")).uploadFile(training);
    await (await desk.$("#import-workers_file")).uploadFile(workersList);
    await desk.click("#import button[type=submit]");
    await desk.waitForSelector("#import-preview-heading");
    const preview = await desk.$eval("#import-preview-heading", (e) => ({ ...e.dataset }));
    await desk.$eval("#import-result", (e) => e.replaceChildren());
    await desk.click("#import-record");
    await desk.waitForSelector("#import-result-heading");
    return { preview, result: await desk.$eval("#import-result-heading", (e) => ({ ...e.dataset })) };
  };
  const again = await importFile(trainingPath);
  expect(again.preview.good === String(trainingLines.length) && again.preview.bad === "0",
    `import: every exported row reads as good (${JSON.stringify(again.preview)})`);
  expect(again.result.recorded === "0" && again.result.already === String(trainingLines.length) && again.result.refused === "0",
    `import: the exported file records nothing, all ${trainingLines.length} already on the passports (${JSON.stringify(again.result)})`);
  expect((await treeSize()) === size, "import: the round trip left the public record as it was");
  await axe(desk, "desk, round trip", desktop);
  // Training Tom does not hold yet, and Bob's (whose passport the home cannot read): both submitted.
  const fresh = file("fresh.csv");
  writeFileSync(fresh, `${TRAINING_HEADER}\nE1,W1,1,,,,,,none,${dmy(dateOf(day(-99)))},,\n` +
    `E1,W3,1,,,,,,none,${dmy(dateOf(day(-80)))},,\n`);
  const more = await importFile(fresh);
  expect(more.result.recorded === "2" && more.result.already === "0" && (await treeSize()) === size + 2,
    `import: new training and rows for a passport it cannot read are still submitted (${JSON.stringify(more.result)})`);
} catch (error) {
  failures.push(`stopped: ${error.stack ?? error}`);
} finally {
  await browser?.close();
  await node.stop();
}
report(failures, "desk's ASC-WDS export");
