// The ASC-WDS bulk-upload files the desk makes from passports
// (src/pages/ascwds.ts): dates, VALIDITY, the CARECERT, L2CARECERT and DHA
// codes, bulk-upload codes rather than ids, columns in ASC-WDS's order with
// the identity columns empty, CSV quoting, and what counts as training
// already on a passport.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as v from "../../.build/lib.mjs";

const { ascwds } = v;
const date = (year, month, day) => v.create(v.DateSchema, { year, month, day });
const ref = (state = v.RecordState.VALID) => ({ recordId: new Uint8Array(32), issuer: "CQC:1-1", state });
const training = (category, awarded, validUntil, state) => ({ ref: ref(state), credential: {
  kind: v.CredentialKind.TRAINING, subject: { case: "ascwdsTrainingCategory", value: category }, awarded, validUntil } });
const view = (fields) => v.create(v.PassportViewSchema, { passportId: new Uint8Array(16), asOf: date(2026, 6, 1), ...fields });
const column = (row, name) => row[ascwds.WORKER_COLUMNS.indexOf(name)];
const trainingColumn = (row, name) => row[ascwds.TRAINING_COLUMNS.indexOf(name)];

test("dates are DD/MM/YYYY", () => {
  assert.equal(ascwds.ukDateText(date(2026, 3, 7)), "07/03/2026");
  assert.equal(ascwds.ukDateText(date(2025, 12, 31)), "31/12/2025");
});

test("VALIDITY: none without an expiry, months only when exact", () => {
  assert.equal(ascwds.validity(date(2026, 1, 15), undefined), "none");
  assert.equal(ascwds.validity(date(2026, 1, 15), date(2027, 1, 15)), "12");
  assert.equal(ascwds.validity(date(2026, 1, 15), date(2026, 4, 15)), "3");
  assert.equal(ascwds.validity(date(2026, 1, 15), date(2027, 1, 14)), "", "a day short is not 12 months");
  assert.equal(ascwds.validity(date(2024, 2, 28), date(2027, 2, 28)), "36");
  // A month after 31 January is 28 February to some, 3 March to others: no number is exact.
  assert.equal(ascwds.validity(date(2026, 1, 31), date(2026, 2, 28)), "");
  assert.equal(ascwds.validity(date(2026, 1, 31), date(2026, 3, 3)), "");
  assert.equal(ascwds.validity(date(2024, 2, 29), date(2025, 2, 28)), "", "a leap day");
  assert.equal(ascwds.validity(date(2026, 5, 1), date(2026, 5, 20)), "", "under a month");
  assert.equal(ascwds.validity(date(2026, 5, 1), date(2126, 5, 1)), "", "over 999 months");
});

test("CARECERT: 1 complete, 3 partly, 2 none", () => {
  const cc = (complete, met) => ({ version: 2025, complete, standardsMet: met, standardsMissing: [], records: [] });
  assert.equal(ascwds.careCertificateCode([]), "2");
  assert.equal(ascwds.careCertificateCode([cc(false, [])]), "2", "a version with no valid standard is none");
  assert.equal(ascwds.careCertificateCode([cc(false, [1, 2, 3])]), "3");
  assert.equal(ascwds.careCertificateCode([cc(false, [1]), cc(true, [1, 2])]), "1", "either version complete");
});

test("L2CARECERT: 1;YEAR when the passport holds the certificate, else empty", () => {
  const qualification = (subject, awarded, state) => ({ ref: ref(state), credential: {
    kind: v.CredentialKind.QUALIFICATION, subject: { case: "qualification", value: subject }, awarded } });
  assert.equal(ascwds.level2CareCertificateCode([]), "");
  assert.equal(ascwds.level2CareCertificateCode([qualification("601/1234/5", date(2025, 5, 1))]), "");
  assert.equal(ascwds.level2CareCertificateCode([qualification("610/4009/5", date(2025, 5, 1))]), "1;2025");
  assert.equal(ascwds.level2CareCertificateCode([qualification("610/4009/5", undefined)]), "1;", "no year held");
  assert.equal(ascwds.level2CareCertificateCode([qualification("610/4009/5", date(2025, 5, 1), v.RecordState.REVOKED)]), "");
});

test("DHA: 1 while a delegation stands, else 2", () => {
  const delegation = (withdrawn, state) => ({ ref: ref(state), withdrawn });
  assert.equal(ascwds.delegatedActivitiesCode([]), "2");
  assert.equal(ascwds.delegatedActivitiesCode([delegation(false)]), "1");
  assert.equal(ascwds.delegatedActivitiesCode([delegation(true, v.RecordState.REVOKED)]), "2", "withdrawn");
  assert.equal(ascwds.delegatedActivitiesCode([delegation(false, v.RecordState.REVOKED)]), "2", "revoked");
  assert.equal(ascwds.delegatedActivitiesCode([delegation(false, v.RecordState.SUSPENDED), delegation(false)]), "1");
});

test("training rows: valid training only, CATEGORY as the bulk-upload code", () => {
  const passport = view({ credentials: [
    training(8, date(2026, 1, 15), date(2027, 1, 15)), // category 8 is bulk-upload code 1
    training(10, date(2025, 9, 2), undefined), // code 2
    training(14, date(2025, 1, 1), date(2026, 1, 1), v.RecordState.EXPIRED),
    training(14, date(2025, 1, 1), undefined, v.RecordState.REVOKED),
    { ref: ref(), credential: { kind: v.CredentialKind.TRAINING, subject: { case: "cstfSubject", value: "Fire safety" },
      awarded: date(2025, 1, 1) } },
  ] });
  const rows = ascwds.trainingRows("E1", "W1", passport);
  assert.equal(rows.length, 2);
  assert.ok(rows.every((r) => r.length === ascwds.TRAINING_COLUMNS.length));
  assert.deepEqual(rows[0], ["E1", "W1", "1", "", "", "", "", "", "12", "15/01/2026", "15/01/2027", ""]);
  assert.equal(trainingColumn(rows[1], "CATEGORY"), "2");
  assert.equal(trainingColumn(rows[1], "VALIDITY"), "none");
  assert.equal(trainingColumn(rows[1], "EXPIRYDATE"), "");
});

test("worker row: the job here, its codes, identity columns empty", () => {
  const job = (organisationId, role, pathway, start, active = true) => ({ ref: ref(), active, started: {
    organisationId, role: { case: "ascwdsJobRole", value: role }, careWorkforcePathwayCategory: pathway, startDate: start } });
  const passport = view({
    employments: [job("CQC:1-2", 22, 7, date(2020, 1, 1)), job("CQC:1-1", 25, 102, date(2024, 2, 1)),
      job("CQC:1-1", 10, 2, date(2023, 6, 9)), job("CQC:1-1", 22, 7, date(2019, 1, 1), false)],
    careCertificates: [{ version: 2025, complete: true, standardsMet: [1], standardsMissing: [], records: [] }],
    delegations: [{ ref: ref(), withdrawn: false }],
  });
  const row = ascwds.workerRow("E1", "W1", passport, "CQC:1-1");
  assert.equal(row.length, ascwds.WORKER_COLUMNS.length);
  assert.equal(column(row, "LOCALESTID"), "E1");
  assert.equal(column(row, "UNIQUEWORKERID"), "W1");
  // The current job here that started first: care worker (id 10, code 8), "Care or support worker" (2).
  assert.equal(column(row, "STARTDATE"), "09/06/2023");
  assert.equal(column(row, "MAINJOBROLE"), "8");
  assert.equal(column(row, "CWPCATEGORY"), "2");
  assert.equal(column(row, "CARECERT"), "1");
  assert.equal(column(row, "L2CARECERT"), "");
  assert.equal(column(row, "DHA"), "1");
  for (const name of [...ascwds.IDENTITY_COLUMNS, "STATUS", "EMPLSTATUS", "SALARY", "CONTHOURS", "QUALACH01"]) {
    assert.equal(column(row, name), "", `${name} is empty`);
  }
  // "None of the above" is bulk-upload code 998; senior care worker (25) is 7.
  const other = ascwds.workerRow("E1", "W2", view({ employments: [job("CQC:1-1", 25, 102, date(2024, 2, 1))] }), "CQC:1-1");
  assert.deepEqual([column(other, "MAINJOBROLE"), column(other, "CWPCATEGORY"), column(other, "CARECERT"), column(other, "DHA")],
    ["7", "998", "2", "2"]);
  assert.equal(column(ascwds.workerRow("E1", "W3", view({ employments: [job("CQC:1-1", 10, 0, date(2024, 2, 1))] }), "CQC:1-1"),
    "CWPCATEGORY"), "", "no category stated");
  assert.equal(ascwds.workerRow("E1", "W1", passport, "CQC:1-9"), undefined, "no job at this organisation");
});

test("files: the header row in ASC-WDS's order, fields with commas or quotes quoted", () => {
  const text = ascwds.trainingFile([["Home, \"East\"", "W1", "1", "", "", "", "", "", "none", "01/02/2026", "", ""]]);
  const [header, line] = text.split("\n");
  assert.equal(header, "LOCALESTID,UNIQUEWORKERID,CATEGORY,TRAININGNAME,ACCREDITED,WHODELIVERED,PROVIDERNAME," +
    "HOWDELIVERED,VALIDITY,DATECOMPLETED,EXPIRYDATE,NOTES");
  assert.equal(line, '"Home, ""East""",W1,1,,,,,,none,01/02/2026,,');
  assert.equal(v.csvRows(text)[0].get("LOCALESTID"), 'Home, "East"', "reads back");
  assert.ok(ascwds.workerFile([]).startsWith("LOCALESTID,UNIQUEWORKERID,STATUS,DISPLAYID,NINUMBER,POSTCODE,DOB,GENDER,"));
  assert.equal(v.csvText([["a\nb", 3]]), '"a\nb",3\n');
});

test("training already on a passport: same category, completion and expiry, not revoked", () => {
  const passport = view({ credentials: [training(8, date(2026, 1, 15), date(2027, 1, 15)), training(10, date(2025, 9, 2), undefined),
    training(14, date(2025, 3, 3), undefined, v.RecordState.REVOKED)] });
  const on = (category, awarded, validUntil) => ascwds.trainingOnPassport(passport, { category, awarded, validUntil });
  assert.ok(on(8, date(2026, 1, 15), date(2027, 1, 15)));
  assert.ok(on(10, date(2025, 9, 2), undefined));
  assert.ok(!on(8, date(2026, 1, 15), date(2027, 1, 16)), "another expiry");
  assert.ok(!on(8, date(2026, 1, 15), undefined), "no expiry against one");
  assert.ok(!on(10, date(2025, 9, 3), undefined), "another completion date");
  assert.ok(!on(9, date(2026, 1, 15), date(2027, 1, 15)), "another category");
  assert.ok(!on(14, date(2025, 3, 3), undefined), "a revoked record does not count");
});
