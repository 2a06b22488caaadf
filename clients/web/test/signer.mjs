// The web app's signer (src/sign/) against the C++ client's: for the same
// record content and key files, the record bytes and the ledger entries must
// be identical, byte for byte (issue 15: "either side verifies the other's
// records"). The TypeScript side signs with WebCrypto (Node's), as the pages
// do; the C++ side is tests/web/sign_record.cc (records::SignRecord).
//
//   node test/signer.mjs SIGN_RECORD PASSPORT
//
// Records: one of every kind the pages make, with the CLI's values, then 300
// random ones over every kind, with edge values (zero-valued oneof members,
// negative and extreme integers, empty dates, non-ASCII text, repeated enums).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  RecordSchema, countersign, create, hex, importSeed, readKeyFile, recordBytes, signRecord, toJsonString,
} from "../.build/lib.mjs";

const [tool, passport] = process.argv.slice(2);
if (!tool || !passport) {
  console.error("usage: node test/signer.mjs SIGN_RECORD PASSPORT");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "skp-signer-"));
const failures = [];
try {
  // Key files made by the CLI, read by each side its own way.
  const keyFile = (name) => {
    const path = join(dir, `${name}.key`);
    execFileSync(passport, ["keygen", "--name", name, "--out", path], { stdio: "ignore" });
    return path;
  };
  const [orgFile, workerFile] = [keyFile("org"), keyFile("worker")];
  const org = await readKeyFile(readFileSync(orgFile, "utf8"));
  const worker = await readKeyFile(readFileSync(workerFile, "utf8"));
  if (typeof org === "string" || typeof worker === "string") throw new Error(`key file refused: ${org} ${worker}`);

  const cpp = (records, ...files) => execFileSync(tool, files, {
    input: records.map((r) => toJsonString(RecordSchema, r)).join("\n") + "\n", encoding: "utf8",
  }).trim().split("\n").map((line) => line.split(" "));

  const records = [...storyRecords(worker.key.publicKey), ...randomRecords(300)];
  const single = cpp(records, orgFile);
  const both = cpp(records, orgFile, workerFile);
  for (const [i, record] of records.entries()) {
    const what = `record ${i} (${record.kind.case})`;
    const bytes = hex(recordBytes(record));
    if (bytes !== single[i][0]) failures.push(`${what}: record bytes differ\n  ts  ${bytes}\n  c++ ${single[i][0]}`);
    const entry = hex(await signRecord(record, org.key));
    if (entry !== single[i][1]) failures.push(`${what}: entry signed by one key differs`);
    const two = hex(await signRecord(record, worker.key, org.key));
    if (two !== both[i][1]) failures.push(`${what}: entry signed by two keys differs`);
    // The desk's countersignature of an entry the worker signed first.
    const countersigned = await countersign(await signRecord(record, worker.key), org.key);
    if (typeof countersigned === "string" || hex(countersigned) !== both[i][1]) {
      failures.push(`${what}: countersigned entry differs (${typeof countersigned === "string" ? countersigned : "bytes"})`);
    }
  }
  // A seed imported twice is the same key (the key file is the only secret).
  const again = await importSeed(Uint8Array.from(Buffer.from(readFileSync(orgFile, "utf8").trim().split("+").slice(4).join("+"), "base64").subarray(1)));
  if (hex(again.publicKey) !== hex(org.key.publicKey)) failures.push("importing the seed gave another public key");
  for (const bad of ["", "PRIVATE+KEY+org+00000000+AAAA", readFileSync(orgFile, "utf8").replace(/\+([0-9a-f]{8})\+/, "+00000000+")]) {
    if (typeof (await readKeyFile(bad)) !== "string") failures.push(`a bad key file was accepted: ${JSON.stringify(bad)}`);
  }
  console.log(`${records.length} records, each signed by one key, two keys and countersigned: ` +
    `${failures.length ? `${failures.length} differences` : "identical to the C++ client"}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failures.length) {
  console.error(failures.slice(0, 20).join("\n"));
  process.exit(1);
}

// ---- records ----

function storyRecords(workerKey) {
  const passportId = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
  const date = (year, month, day) => ({ year, month, day });
  const kinds = [
    { case: "passportEnrolled", value: { publicKey: workerKey, identityCommitment: new Uint8Array(32).fill(9), organisationId: "CQC:1-1000000001" } },
    { case: "employmentStarted", value: { passportId, organisationId: "CQC:1-1000000001", employmentId: "SCH-0042",
      role: { case: "ascwdsJobRole", value: 10 }, sector: 2, icbCode: "E54000008", place: "Liverpool", fteThousandths: 1000,
      startDate: date(2026, 3, 1) } },
    { case: "employmentStarted", value: { passportId, organisationId: "ODS:RY1", employmentId: "T-1",
      role: { case: "nhsRoleCode", value: "N1C" }, sector: 1, icbCode: "E54000008", place: "Liverpool", fteThousandths: 400,
      startDate: date(2026, 3, 1) } },
    { case: "employmentEnded", value: { passportId, organisationId: "CQC:1-1000000001", employmentId: "SCH-0042",
      endDate: date(2026, 9, 30), reason: "moved to the trust" } },
    { case: "credentialIssued", value: { passportId, organisationId: "CQC:1-1000000001", kind: 1,
      subject: { case: "ascwdsTrainingCategory", value: 14 }, awarded: date(2026, 1, 2), validUntil: date(2027, 1, 2) } },
    { case: "credentialIssued", value: { passportId, organisationId: "ODS:RY1", kind: 2,
      subject: { case: "qualification", value: "603/3025/4" }, level: 2, awarded: date(2025, 12, 31) } },
    { case: "careCertificateStandardMet", value: { passportId, organisationId: "CQC:1-1000000001", version: 2025, standard: 7,
      assessor: "senior care worker", method: "observation", metOn: date(2026, 2, 29) } },
    { case: "competencyAssessed", value: { passportId, professionalId: "NMC:12A3456B", activityCategory: 2,
      procedure: "subcutaneous insulin by pen", competent: true, assessedOn: date(2026, 1, 1), reassessBy: date(2027, 1, 1) } },
    { case: "activityDelegated", value: { delegationId: "D-2026-017", passportId, professionalId: "NMC:12A3456B",
      profession: "Diabetes specialist nurse", regulator: 1, registrationNumber: "12A3456B", activityCategory: 2,
      procedure: "subcutaneous insulin by pen", personReference: "P-7f3a", setting: "CQC:1-1000000001",
      conditions: "blood glucose checked first; no dose changes", supervisionContact: "duty line",
      competencyRecord: new Uint8Array(32).fill(0xab), delegatedOn: date(2026, 1, 2), reviewBy: date(2026, 4, 2) } },
    { case: "delegationReviewed", value: { delegationId: "D-2026-017", professionalId: "NMC:12A3456B",
      reviewedOn: date(2026, 4, 1), reviewBy: date(2026, 7, 1), notes: "going well" } },
    { case: "delegationWithdrawn", value: { delegationId: "D-2026-017", professionalId: "NMC:12A3456B",
      withdrawnOn: date(2026, 5, 1), reason: 4 } },
    { case: "consentGranted", value: { consentId: "c-1", passportId, granteeOrganisationId: "ODS:RY1",
      scope: "passport:read", expiresAt: 1_900_000_000n } },
    { case: "consentWithdrawn", value: { consentId: "c-1", passportId } },
    { case: "passportKeyRebound", value: { passportId, newPublicKey: workerKey, organisationId: "ODS:RY1", reason: "lost device" } },
    { case: "recordStatusChanged", value: { targetRecord: new Uint8Array(32).fill(1), change: 1, reason: 3 } },
    { case: "organisationRegistered", value: { organisationId: "CQC:1-1", idScheme: 2, name: "Sunrise Care Home", sector: 2,
      icbCode: "E54000008", place: "Liverpool", roles: [1, 4], publicKey: workerKey } },
  ];
  return kinds.map((kind) => create(RecordSchema, { issuedAt: 1_780_000_000n, kind }));
}

// Random records: every kind the generated schema has, every field filled
// or not at random, values drawn to reach the encoder's edge cases.
function randomRecords(n) {
  let seed = 15;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const int32 = () => pick([0, 1, -1, 127, 128, 16383, 16384, 2 ** 31 - 1, -(2 ** 31), Math.floor(rand() * 1e6)]);
  const int64 = () => pick([0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), BigInt(Math.floor(rand() * 2e9))]);
  const text = () => pick(["", "a", "Sunrise Care Home", "Gwasanaeth gofal — café ✓", "x".repeat(300), "ODS:RY1"]);
  const bytes = () => Uint8Array.from({ length: pick([0, 1, 16, 32, 200]) }, () => Math.floor(rand() * 256));
  const value = (field) => {
    switch (field.fieldKind) {
      case "scalar":
        if (field.scalar === 9) return text(); // string
        if (field.scalar === 12) return bytes();
        if (field.scalar === 8) return rand() < 0.5; // bool
        if (field.scalar === 3) return int64();
        return int32();
      case "enum":
        return pick(field.enum.values).number;
      case "list":
        return Array.from({ length: pick([0, 1, 3]) }, () => pick(field.enum.values).number);
      case "message":
        return rand() < 0.2 ? {} : { year: int32(), month: pick([0, 1, 12]), day: pick([0, 1, 31]) };
    }
  };
  const fill = (message) => {
    const out = {};
    for (const member of message.members) {
      if (rand() < 0.25) continue;
      if (member.kind === "oneof") {
        const field = pick(member.fields);
        out[member.localName] = { case: field.localName, value: value(field) };
      } else {
        out[member.localName] = value(member);
      }
    }
    return out;
  };
  const kinds = RecordSchema.oneofs[0].fields;
  return Array.from({ length: n }, () => {
    const field = pick(kinds);
    return create(RecordSchema, { issuedAt: int64(), kind: { case: field.localName, value: fill(field.message) } });
  });
}
