// Do the TypeScript verifier and the C++ one agree on every presentation?
//
//   npm run test:agree -- PASSPORTD PASSPORT
//
// Starts a passportd in a scratch directory, tells Tom's story through the
// CLI with records of every kind it makes (revoked, suspended, reinstated and
// expired ones, a key rotation), and has the CLI make a few hundred
// presentations (single records, random sets with and without the worker's
// identity, expired ones). Then it crafts presentations the CLI cannot make,
// signed with the scratch node's and the worker's own keys (bad proofs,
// tampered, unknown and revoked signers, other audiences, malformed
// checkpoints, cosignatures), and flips every byte of one small presentation.
// Each is verified by `passport verify-presentation --json` and by
// src/verify; a refusal (the CLI exits non-zero) must carry the same status
// code, an accepted presentation the same report (the `detail` texts
// aside). The node's own Passport.VerifyPresentation RPC gives a third
// opinion on the CLI-made ones. Any disagreement fails the run.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import * as v from "../.build/lib.mjs";
import {
  b64, checkpointText, cosignatureLine, ed25519Key, entryKeyId, mth, pae, path, readKeyFile, signNote, signedEntry,
  vkey,
} from "./support.mjs";
import { day, present, startNode, walkthrough } from "./story.mjs";

const [passportd, passport] = process.argv.slice(2);
if (!passportd || !passport) {
  console.error("usage: node test/agree.mjs PASSPORTD PASSPORT");
  process.exit(2);
}

// ---- the two verifiers, and the tally ----

// The C++ verifier's answer: {code} for a refusal, {report} (JSON) otherwise.
function cpp(bytes, { audience, nodes, witnesses = [], quorum }) {
  const args = ["verify-presentation", "--in-text", `SPP1:${b64(bytes)}`, "--audience", audience,
    "--node-vkey", nodes.join(","), "--json"];
  if (witnesses.length) args.push("--witness-vkey", witnesses.join(","));
  if (quorum !== undefined) args.push("--quorum", String(quorum));
  try {
    return { report: JSON.parse(execFileSync(passport, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) };
  } catch (e) {
    const code = /^passport: ([A-Z_]+):/m.exec(e.stderr ?? "")?.[1];
    if (!code) throw new Error(`passport verify-presentation failed oddly: ${e.stderr}`);
    return { code };
  }
}

const tsMillis = [];
async function ts(bytes, { audience, nodes, witnesses = [], quorum }) {
  const keys = (list) => list.map((k) => v.parseVerifierKey(k));
  const start = performance.now();
  const out = await v.verifyPresentation(bytes, { trustedNodes: keys(nodes), witnesses: keys(witnesses), quorum, audience,
    now: new Date() });
  tsMillis.push(performance.now() - start);
  return out.ok ? { report: v.toJson(v.PresentationReportSchema, out.report, { useProtoFieldName: true }) } : { code: out.code };
}

const GRPC_CODES = { 3: "INVALID_ARGUMENT", 7: "PERMISSION_DENIED", 9: "FAILED_PRECONDITION", 16: "UNAUTHENTICATED" };
async function rpc(client, bytes, audience) {
  try {
    const report = await client.verifyPresentation({ presentation: bytes, audience });
    return { report: v.toJson(v.PresentationReportSchema, report, { useProtoFieldName: true }) };
  } catch (e) {
    return { code: GRPC_CODES[e.code] ?? `gRPC code ${e.code}` };
  }
}

// Reports compare without `detail`: its wording is each verifier's own.
const comparable = (answer) => answer.code ?? {
  ...answer.report, records: (answer.report.records ?? []).map(({ detail, ...rest }) => rest),
};

const groups = new Map();
const disagreements = [];
function tally(group, name, bytes, answers) {
  const [first, ...others] = answers.map(comparable);
  const row = groups.get(group) ?? { presentations: new Set(), cases: 0, agree: 0, outcomes: new Map(), verdicts: new Map() };
  groups.set(group, row);
  row.presentations.add(b64(bytes));
  row.cases++;
  const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  count(row.outcomes, answers[0].code ?? "accepted");
  for (const r of answers[0].report?.records ?? []) count(row.verdicts, r.verdict.replace("RECORD_VERDICT_", ""));
  if (others.every((o) => isDeepStrictEqual(o, first))) row.agree++;
  else disagreements.push({ group, name, answers });
}

async function check(group, name, bytes, options) {
  tally(group, name, bytes, [cpp(bytes, options), await ts(bytes, options)]);
}

// A deterministic choice of subsets, so a failure can be run again.
let seed = 20261201;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (list, n) => [...list].sort(() => random() - 0.5).slice(0, n);

// ---- the story ----

const node = await startNode(passportd);
try {
  const story = walkthrough(passport, node);
  const { P, ids, file, tom, home, trust, records } = story;
  const nurse = ["--key", file("nurse.key"), "--professional", "NMC:12A3456B"];
  const one = (...args) => ids(P(...args))[0];
  const more = {
    competencyLapsed: one("assess", ...nurse, "--passport", tom, "--activity", "1", "--procedure", "pulse",
      "--assessed", day(-400), "--reassess-by", day(-35)),
    competency1: one("assess", ...nurse, "--passport", tom, "--activity", "1", "--procedure", "blood pressure",
      "--assessed", day(-190), "--reassess-by", day(100)),
  };
  more.delegationLapsed = one("delegate", ...nurse, "--regulator", "nmc", "--number", "12A3456B", "--profession",
    "Diabetes specialist nurse", "--passport", tom, "--delegation-id", "D-1", "--activity", "1", "--procedure",
    "blood pressure", "--person-ref", "P-1", "--setting", home, "--conditions", "none", "--supervision", "duty line",
    "--competency", more.competency1, "--date", day(-180), "--review-by", day(-5));
  more.standards2015 = ids(P("standard", "--key", file("home.key"), "--org", home, "--passport", tom, "--version", "2015",
    "--standards", "1-3", "--assessor", "senior care worker", "--method", "workbook", "--date", day(-140)));
  more.jobHome = one("end-employment", "--key", file("home.key"), "--org", home, "--passport", tom, "--employment-id",
    "SCH-0042", "--end", day(-30), "--reason", "moved to the NHS");
  more.jobTrust = one("hire", "--key", file("trust.key"), "--org", trust, "--passport", tom, "--employment-id", "CHT-7731",
    "--nhs-role", "HCA", "--sector", "nhs", "--icb", "E54000008", "--place", "Liverpool", "--fte", "800", "--start", day(-20));
  const credential = (...args) => one("credential", "--key", file("trust.key"), "--org", trust, "--passport", tom, ...args);
  more.training = credential("--kind", "training", "--training-category", "1", "--awarded", day(-5), "--valid-until", day(360));
  more.trainingLapsed = credential("--kind", "training", "--training-category", "2", "--awarded", day(-800),
    "--valid-until", day(-30));
  more.qualification = credential("--kind", "qualification", "--qualification", "603/3037/X", "--level", "3",
    "--awarded", day(-1000));
  more.coreSkills = credential("--kind", "training", "--cstf-subject", "Fire safety", "--level", "1", "--awarded", day(-20),
    "--valid-until", day(345));
  more.consent = one("consent", "--key", file("tom.key"), "--to", trust, "--consent-id", "C-1");
  const status = (key, record, change, ...reason) => P("record", "status", "--key", file(key), "--record", record,
    "--change", change, ...reason);
  status("home.key", records.standards[0], "revoked", "--reason", "issued-in-error");
  status("home.key", records.standards[2], "suspended", "--reason", "competence-concern");
  status("trust.key", more.coreSkills, "suspended", "--reason", "training-expiry");
  status("trust.key", more.qualification, "suspended", "--reason", "no-longer-valid");
  status("trust.key", more.qualification, "reinstated");
  P("review", ...nurse, "--delegation-id", "D-2026-017", "--date", day(0), "--review-by", day(200));
  // The care home rotates its key: records its old key signed before stay valid.
  P("org", "add-key", "--key", file("home.key"), "--org", home, "--new-vkey",
    execFileSync(passport, ["keygen", "--name", "home2", "--out", file("home2.key")], { encoding: "utf8" }).trim());
  const issued = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === issued) await new Promise((r) => setTimeout(r, 50));
  P("key", "revoke", "--key", file("home2.key"), "--revoke-vkey", vkey("home", 1, readKeyFile(file("home.key")).publicKey),
    "--reason", "rotated");
  const all = [records.enrolment, ...records.standards, records.competency, records.delegation,
    ...Object.values(more).flat()];

  // ---- presentations made by the CLI ----

  const stranger = vkey("stranger.example/log", 1, ed25519Key().publicKey);
  const witness = vkey("localhost/skillspassport/witness", 4, readKeyFile(join(node.dir, "data/witness.key")).publicKey);
  const variants = [
    { audience: trust, nodes: [node.key] },
    { audience: home, nodes: [node.key] },
    { audience: trust, nodes: [stranger] },
    { audience: trust, nodes: [stranger, node.key], witnesses: [witness], quorum: 1 },
  ];
  const client = v.createClient(v.Passport, v.createGrpcTransport({ baseUrl: `http://${node.addr}` }));
  const made = [];
  const expiring = [1, 2, 3, 4, 5, 6].map((n) => present(story, pick(all, n), trust, "--expires-in", "1"));
  for (const id of all) made.push(present(story, [id], trust));
  for (let i = 0; made.length < 200; i++) {
    const chosen = pick(all, 2 + Math.floor(random() * 11));
    made.push(present(story, i % 3 ? chosen : [records.enrolment, ...chosen], trust, ...(i % 2 ? ["--disclose-identity"] : [])));
  }
  made.push(present(story, [records.competency], home));
  for (const [i, bytes] of made.entries()) {
    const main = variants[0];
    tally("CLI presentations", `made ${i}`, bytes, [cpp(bytes, main), await ts(bytes, main), await rpc(client, bytes, main.audience)]);
    for (const variant of i % 10 ? variants.slice(1, 2) : variants.slice(1)) {
      await check("CLI presentations", `made ${i}, ${JSON.stringify(variant)}`, bytes, variant);
    }
  }
  await new Promise((r) => setTimeout(r, 2100)); // the expiring ones have expired
  for (const [i, bytes] of expiring.entries()) await check("CLI presentations", `expired ${i}`, bytes, variants[0]);

  // ---- crafted presentations (the scratch node's and the worker's keys) ----

  const keys = Object.fromEntries(["tom", "home", "trust", "nurse"].map((k) => [k, readKeyFile(file(`${k}.key`))]));
  const nodeSigner = readKeyFile(join(node.dir, "data/node.key"));
  const witnessSigner = readKeyFile(join(node.dir, "data/witness.key"));
  const now = BigInt(Math.floor(Date.now() / 1000));
  const base = present(story, [records.enrolment, records.standards[6], records.competency, records.delegation,
    more.training, more.consent], trust, "--disclose-identity");
  const open = (bytes) => {
    const signed = v.fromBinary(v.SignedPresentationSchema, bytes);
    const presentation = v.fromBinary(v.PresentationSchema, signed.presentation);
    return { presentation, bundle: v.fromBinary(v.BundleSchema, presentation.bundle.bundle) };
  };
  const { presentation: p0, bundle: b0 } = open(base);
  const clone = (schema, message) => v.fromBinary(schema, v.toBinary(schema, message));
  // A presentation of `bundle` signed by `attester` (the node), with
  // `changes` to the presentation (by default, no identity disclosed: a
  // disclosure needs a valid enrolment, and would hide the record
  // verdicts behind a refusal), signed by `holder`.
  const wrap = ({ bundle = b0, attester = nodeSigner, changes = { disclosure: undefined }, holder = keys.tom,
    keyId = entryKeyId(keys.tom.publicKey) } = {}) => {
    const bytes = v.toBinary(v.BundleSchema, bundle);
    const { $typeName, ...fields } = clone(v.PresentationSchema, p0); // plain, so create() converts what it holds
    const presentation = v.toBinary(v.PresentationSchema, v.create(v.PresentationSchema, {
      ...fields, bundle: { bundle: bytes, signature: attester.sign(pae(v.BUNDLE_TYPE, bytes)) },
      ...changes,
    }));
    return v.toBinary(v.SignedPresentationSchema, v.create(v.SignedPresentationSchema, {
      presentation, keyId, signature: holder.sign(pae(v.PRESENTATION_TYPE, presentation)),
    }));
  };
  const bundle = (change) => {
    const b = clone(v.BundleSchema, b0);
    change(b);
    return b;
  };
  const textOf = (note) => `${note.split("\n\n")[0]}\n`;
  const keyOf = (b, name) => b.keys.find((k) => Buffer.compare(k.keyId, entryKeyId(keys[name].publicKey)) === 0);
  const crafted = {
    "as made": wrap({ changes: {} }),
    "as made, without identity": wrap(),
    // An unknown field (100, varint) after the signed part, its tag written
    // in 5 bytes whose last carries bits past 32: C++ keeps the low 32 bits.
    "an unknown field whose tag overflows 32 bits": Uint8Array.from([...base, 0xa0, 0x86, 0x80, 0x80, 0x10, 0x01]),
    "issued an hour ahead": wrap({ changes: { issuedAt: now + 3600n } }),
    "issued 500 s ahead": wrap({ changes: { issuedAt: now + 500n } }),
    "expired a minute ago": wrap({ changes: { expiresAt: now - 60n } }),
    "for another audience": wrap({ changes: { audience: `${trust} ` } }),
    "another identity": wrap({ changes: { disclosure: { ...p0.disclosure, identity: Buffer.from("someone else") } } }),
    "an empty disclosure": wrap({ changes: { disclosure: {} } }),
    "signed by the care home": wrap({ holder: keys.home, keyId: entryKeyId(keys.home.publicKey) }),
    "signed by another key": wrap({ holder: ed25519Key() }),
    "no holder key": wrap({ bundle: bundle((b) => (b.keys = b.keys.filter((k) => k.principal !== "worker"))) }),
    "holder as an organisation": wrap({ bundle: bundle((b) => (keyOf(b, "tom").principal = "organisation")) }),
    "holder of another passport": wrap({ bundle: bundle((b) => (keyOf(b, "tom").owner = tom.toUpperCase())) }),
    "holder revoked at issue": wrap({ bundle: bundle((b) => (keyOf(b, "tom").revokedFrom = p0.issuedAt)) }),
    "holder revoked after issue": wrap({ bundle: bundle((b) => (keyOf(b, "tom").revokedFrom = p0.issuedAt + 1n)) }),
    "a key with another's id first": wrap({ bundle: bundle((b) => b.keys.unshift({ ...keyOf(b, "tom"), publicKey: keys.home.publicKey })) }),
    "no care home key": wrap({ bundle: bundle((b) => (b.keys = b.keys.filter((k) => k !== keyOf(b, "home")))) }),
    "care home key revoked long ago": wrap({ bundle: bundle((b) => (keyOf(b, "home").revokedFrom = 1n)) }),
    "care home key revoked in future": wrap({ bundle: bundle((b) => (keyOf(b, "home").revokedFrom = now + 86400n)) }),
    "passport id changed": wrap({ bundle: bundle((b) => (b.passportId = new Uint8Array(16))) }),
    "passport id and holder changed": wrap({ bundle: bundle((b) => {
      b.passportId = new Uint8Array(16);
      keyOf(b, "tom").owner = "0".repeat(32);
    }) }),
    "no records": wrap({ bundle: bundle((b) => (b.records = [])) }),
    "malformed checkpoint": wrap({ bundle: bundle((b) => (b.checkpoint = "not a note")) }),
    "checkpoint by a stranger": wrap({ bundle: bundle((b) => (b.checkpoint = signNote(textOf(b.checkpoint),
      { ...ed25519Key(), name: nodeSigner.name }))) }),
    "checkpoint that is not one": wrap({ bundle: bundle((b) => (b.checkpoint = signNote("hello\n", nodeSigner))) }),
    "cosigned checkpoint": wrap({ bundle: bundle((b) => (b.checkpoint += cosignatureLine(witnessSigner,
      textOf(b.checkpoint), Number(now)))) }),
    "attested by a stranger": wrap({ attester: ed25519Key() }),
  };
  for (const [state, name] of [[3, "revoked"], [4, "suspended"], [2, "expired"], [0, "unspecified"], [99, "unknown"]]) {
    crafted[`a record ${name} by state`] = wrap({ bundle: bundle((b) => (b.records[1].state = state)) });
  }
  const proof = (change) => wrap({ bundle: bundle((b) => b.records.forEach(change)) });
  Object.assign(crafted, {
    "proofs short a hash": proof((r) => r.inclusionProof.pop()),
    "proofs with a flipped hash": proof((r) => r.inclusionProof.length && (r.inclusionProof[0] = r.inclusionProof[0].map((x, i) => (i ? x : x ^ 1)))),
    "proofs with a short hash": proof((r) => r.inclusionProof.length && (r.inclusionProof[0] = r.inclusionProof[0].subarray(1))),
    "proofs at the next index": proof((r) => (r.index += 1n)),
    "proofs with an extra hash": proof((r) => r.inclusionProof.push(new Uint8Array(32))),
    "records with the bundle's checkpoint": proof((r) => (r.checkpoint = b0.checkpoint)),
    "records with a stranger's checkpoint": proof((r) => (r.checkpoint = signNote(checkpointText("stranger.example/log", 5,
      new Uint8Array(32)), { ...ed25519Key(), name: "stranger.example/log" }))),
    "records with a malformed checkpoint": proof((r) => (r.checkpoint = "x")),
  });

  // A log of crafted entries, with a checkpoint the node signs.
  const record = (fields) => v.toBinary(v.RecordSchema, v.create(v.RecordSchema, { issuedAt: now - 60n, ...fields }));
  const date = (offset, extra = {}) => {
    const [year, month, d] = day(offset).split("-").map(Number);
    return { year, month, day: d, ...extra };
  };
  const passportId = Buffer.from(tom, "hex");
  const training = (validUntil, signers = [keys.trust]) => signedEntry(record({ kind: { case: "credentialIssued", value: {
    passportId, organisationId: trust, kind: 1, subject: { case: "ascwdsTrainingCategory", value: 4 }, awarded: date(-10),
    validUntil } } }), signers);
  const flipped = (entry) => entry.map((x, i) => (i === entry.length - 1 ? x ^ 1 : x));
  const entries = {
    "training, valid": training(date(30)),
    "training, valid until today": training(date(0)),
    "training, lapsed yesterday": training(date(-1)),
    "training, valid until month 13": training(date(0, { month: 13 })),
    "training, valid until day 0": training(date(0, { day: 0 })),
    "training, no expiry": training(undefined),
    "training, bad signature": flipped(training(date(30))),
    "training, also signed by a stranger": training(date(30), [keys.trust, ed25519Key()]),
    "training, signed by the nurse too": training(date(30), [keys.trust, keys.nurse]),
    "training, for another passport": signedEntry(record({ kind: { case: "credentialIssued", value: {
      passportId: new Uint8Array(16), organisationId: trust, kind: 1, awarded: date(-10) } } }), [keys.trust]),
    "competency, no reassessment date": signedEntry(record({ kind: { case: "competencyAssessed", value: {
      passportId, professionalId: "NMC:12A3456B", activityCategory: 2, competent: true, assessedOn: date(-3) } } }), [keys.nurse]),
    "delegation review": signedEntry(record({ kind: { case: "delegationReviewed", value: {
      delegationId: "D-2026-017", professionalId: "NMC:12A3456B", reviewedOn: date(0), reviewBy: date(9) } } }), [keys.nurse]),
    "no kind": signedEntry(record({}), [keys.trust]),
    "consent by the worker": signedEntry(record({ kind: { case: "consentGranted", value: {
      consentId: "C-9", passportId, granteeOrganisationId: trust, scope: "passport:read", expiresAt: now + 3600n } } }), [keys.tom]),
    "signed after the care home's key was revoked": signedEntry(record({ issuedAt: now, kind: { case: "careCertificateStandardMet",
      value: { passportId, organisationId: home, version: 2025, standard: 5, metOn: date(-1) } } }), [keys.home]),
    "not a record": signedEntry(new Uint8Array([0xff, 0xff]), [keys.trust]),
    "another payload type": signedEntry(record({}), [keys.trust], "text/plain"),
    "not an entry": new Uint8Array([1, 2, 3]),
  };
  const log = Object.values(entries);
  const size = BigInt(log.length);
  const logCheckpoint = signNote(checkpointText(nodeSigner.name, size, mth(log)), nodeSigner);
  const logBundle = bundle((b) => {
    b.checkpoint = logCheckpoint;
    b.keys.push(v.create(v.PresentedKeySchema, { keyId: entryKeyId(keys.nurse.publicKey), publicKey: keys.nurse.publicKey,
      owner: "NMC:12A3456B", principal: "professional" }));
    keyOf(b, "home").revokedFrom = now - 30n;
    b.records = log.map((entry, i) => v.create(v.PresentedRecordSchema,
      { entry, index: BigInt(i), inclusionProof: path(i, log), state: 1 }));
  });
  crafted["a crafted log"] = wrap({ bundle: logBundle });
  crafted["a crafted log, with identity"] = wrap({ bundle: logBundle, changes: {} });
  crafted["a broken proof, with identity"] = wrap({ bundle: bundle((b) => b.records[0].inclusionProof.pop()), changes: {} });
  for (const [name, bytes] of Object.entries(crafted)) await check("crafted", name, bytes, variants[0]);
  await check("crafted", "cosigned, quorum 1", crafted["cosigned checkpoint"],
    { ...variants[0], witnesses: [witness], quorum: 1 });
  await check("crafted", "cosigned, quorum 2", crafted["cosigned checkpoint"],
    { ...variants[0], witnesses: [witness, vkey("w2", 4, ed25519Key().publicKey)], quorum: 2 });
  await check("crafted", "not cosigned, quorum 1", base, { ...variants[0], witnesses: [witness], quorum: 1 });

  // ---- every byte of one small presentation, flipped three ways ----

  const small = present(story, [records.enrolment], trust, "--disclose-identity");
  for (let i = 0; i < small.length; i++) {
    for (const mask of [0x01, 0x02, 0xff]) {
      const bytes = small.slice();
      bytes[i] ^= mask;
      await check("byte flips", `byte ${i} ^ ${mask}`, bytes, variants[0]);
    }
  }
  await check("byte flips", "unflipped", small, variants[0]);
} finally {
  await node.stop();
}

// ---- the summary ----

console.log("\ngroup              presentations  verifications  agreed  outcomes (C++), then record verdicts (C++)");
for (const [group, row] of groups) {
  const list = (map) => [...map].map(([k, n]) => `${k} ${n}`).join(", ");
  console.log(`${group.padEnd(18)} ${String(row.presentations.size).padStart(13)} ${String(row.cases).padStart(14)} ${String(row.agree).padStart(7)}  ${list(row.outcomes)}`);
  if (row.verdicts.size) console.log(`${" ".repeat(57)}${list(row.verdicts)}`);
}
const sorted = tsMillis.sort((a, b) => a - b);
console.log(`TypeScript verifier in Node: median ${sorted[sorted.length >> 1].toFixed(2)} ms, slowest ${sorted.at(-1).toFixed(1)} ms per verification`);
if (disagreements.length) {
  console.error(`\nFAIL: ${disagreements.length} disagreement(s); the first ones:`);
  const brief = (a) => a.code ?? `verdicts ${(a.report.records ?? []).map((r) => r.verdict.replace("RECORD_VERDICT_", "")).join(",")}`;
  for (const { group, name, answers } of disagreements.slice(0, 10)) {
    const same = answers.every((a) => brief(a) === brief(answers[0]));
    console.error(`- ${group}: ${name}`);
    answers.forEach((a, i) => console.error(`    ${["C++", "TypeScript", "the node's RPC"][i]}: ${
      same ? JSON.stringify(comparable(a)).slice(0, 1500) : brief(a)}`));
  }
  process.exit(1);
}
console.log("\nThe TypeScript and C++ verifiers agree on every presentation.");
