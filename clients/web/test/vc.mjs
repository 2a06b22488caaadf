// W3C Verifiable Credentials from the ledger, checked with a library we did
// not write (`jose`): Tom takes records out as vc+jwt with `passport vc`;
// each verifies against the node's public key as a JWK and follows the VC 2.0
// data model's rules; the status lists it names, fetched over HTTP as any
// verifier would, set the record's bit when the care home suspends or
// revokes it, and clear a suspension's when it reinstates it (ledger/FORMAT.md
// section 11).
// Usage: node test/vc.mjs PASSPORTD PASSPORT
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { startNode, walkthrough } from "./story.mjs";

const [passportd, passport] = process.argv.slice(2);
const node = await startNode(passportd, "--http-listen", "127.0.0.1:0");
try {
  const story = walkthrough(passport, node);
  const { P, file, records } = story;

  // The node's verifier key string is name+hash+base64(0x01 || public key),
  // and base64 may itself hold a "+".
  const raw = Buffer.from(node.key.split("+").slice(2).join("+"), "base64").subarray(1);
  assert.equal(raw.length, 32);
  const nodeKey = await importJWK({ kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, "EdDSA");
  const verify = async (jwt) => (await jwtVerify(jwt, nodeKey, { typ: "vc+jwt", algorithms: ["EdDSA"] })).payload;

  const chosen = [records.standards[0], records.competency, records.delegation];
  const jwts = P("vc", "--key", file("tom.key"), "--records", chosen.join(",")).split("\n");
  assert.equal(jwts.length, 3);
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  const url = /^[a-z][a-z0-9+.-]*:\S+$/i;
  const credentials = [];
  for (const [i, jwt] of jwts.entries()) {
    const vc = await verify(jwt);
    credentials.push(vc);
    // The VC 2.0 data model's rules (section 4).
    assert.equal(vc["@context"][0], "https://www.w3.org/ns/credentials/v2");
    assert.ok(Array.isArray(vc.type) && vc.type.includes("VerifiableCredential"));
    assert.match(vc.id, url);
    assert.match(typeof vc.issuer === "string" ? vc.issuer : vc.issuer.id, /^did:key:z6Mk/);
    assert.ok(decodeProtectedHeader(jwt).kid.startsWith(`${vc.issuer.id}#`));
    assert.match(vc.validFrom, dateTime);
    if (vc.validUntil) assert.ok(Date.parse(vc.validUntil) > Date.parse(vc.validFrom));
    assert.match(vc.credentialSubject.id, /^did:key:z6Mk/);
    assert.equal(vc.id, `urn:skillspassport:record:${chosen[i]}`);
    assert.equal(vc.credentialStatus.length, 2);
    for (const status of vc.credentialStatus) {
      assert.equal(status.type, "BitstringStatusListEntry");
      assert.ok(["revocation", "suspension"].includes(status.statusPurpose));
      assert.match(status.statusListIndex, /^\d+$/);
      assert.ok(status.statusListCredential.startsWith(`${node.web}/credentials/status/${status.statusPurpose}/`));
    }
    for (const evidence of vc.evidence) assert.ok(evidence.type.includes("Evidence"));
  }
  const [standard, competency, delegation] = credentials;
  assert.deepEqual(standard.type, ["VerifiableCredential", "AchievementCredential"]);
  assert.match(standard.credentialSubject.achievement.name, /^Care Certificate \(2025\) standard 1: /);
  assert.equal(competency.credentialSubject.record.procedure, "subcutaneous insulin by pen");
  assert.equal(delegation.credentialSubject.record.delegationId, "D-2026-017");
  // Every credential is about the same holder, the passport's current key.
  assert.equal(new Set(credentials.map((vc) => vc.credentialSubject.id)).size, 1);

  // What a verifier does: fetch the list the credential names, verify it,
  // read the bit.
  const bit = async (vc, purpose) => {
    const entry = vc.credentialStatus.find((s) => s.statusPurpose === purpose);
    const response = await fetch(entry.statusListCredential);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/vc+jwt");
    const list = await verify(await response.text());
    assert.deepEqual(list.type, ["VerifiableCredential", "BitstringStatusListCredential"]);
    assert.equal(list.credentialSubject.statusPurpose, purpose);
    const { encodedList } = list.credentialSubject;
    assert.equal(encodedList[0], "u"); // multibase base64url
    const bits = gunzipSync(Buffer.from(encodedList.slice(1), "base64url"));
    assert.ok(bits.length * 8 >= 131072, "a list hides which credential is checked among 131,072");
    const index = Number(entry.statusListIndex);
    return (bits[index >> 3] >> (7 - (index & 7))) & 1;
  };
  assert.equal(await bit(standard, "revocation"), 0);
  assert.equal(await bit(standard, "suspension"), 0);
  // Status changes fold in issued_at order, whole seconds: each waits for
  // the clock to pass the second in which the previous one was signed (at
  // the latest, the second its command returned in).
  let last = 0;
  const status = async (change) => {
    while (Math.floor(Date.now() / 1000) <= last) await new Promise((r) => setTimeout(r, 20));
    P("record", "status", "--key", file("home.key"), "--record", records.standards[0], "--change", change,
      ...(change === "reinstated" ? [] : ["--reason", "issued-in-error"]));
    last = Math.floor(Date.now() / 1000);
  };
  await status("suspended");
  assert.equal(await bit(standard, "suspension"), 1);
  assert.equal(await bit(standard, "revocation"), 0);
  await status("reinstated");
  assert.equal(await bit(standard, "suspension"), 0);
  await status("revoked");
  assert.equal(await bit(standard, "revocation"), 1);
  assert.equal(await bit(competency, "revocation"), 0);
  // A revocation is final (the ledger's rule, and the status list spec's:
  // "revocation" is not reversible): a later reinstatement leaves the bit.
  await status("reinstated");
  assert.equal(await bit(standard, "revocation"), 1);

  // Bad requests (another passport's record: tests/passport_service_test):
  // a record that does not exist, status list paths that are not one.
  const unknown = `${records.enrolment[0] === "0" ? "1" : "0"}${records.enrolment.slice(1)}`;
  assert.throws(() => P("vc", "--key", file("tom.key"), "--records", unknown),
    /is not in this node's log or the logs it mirrors/);
  for (const [path, code] of [["revocation/x", 404], ["expiry/0", 400], ["revocation/0/1", 404]]) {
    const response = await fetch(`${node.web}/credentials/status/${path}`);
    assert.equal(response.status, code, path);
    assert.ok((await response.json()).message.length > 0);
  }
  console.log("vc: 3 credentials verified with jose; status bits follow revocation, reinstatement, suspension");
} finally {
  await node.stop();
}
