// Keys, signed notes, checkpoints and cosignatures (FORMAT.md sections 1, 4, 8).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as v from "../../.build/lib.mjs";
import { b64, checkpointText, cosignatureLine, ed25519Key, keyHash, signNote, vkey } from "../support.mjs";

const log = { name: "example.org/log", ...ed25519Key() };
const logKey = () => v.parseVerifierKey(vkey(log.name, 1, log.publicKey));
const root = new Uint8Array(32).fill(7);

test("verifier key strings", () => {
  // FORMAT.md section 1's example.
  const example = v.parseVerifierKey("localhost/skillspassport+b0f40f9e+Afrl/wF34hRQ/a0y9wF1yKzy43hrnJFsmcstoJsEz2e+");
  assert.equal(example.name, "localhost/skillspassport");
  assert.equal(example.keyHash, 0xb0f40f9e);
  assert.equal(example.type, v.ED25519);
  const key = logKey();
  assert.deepEqual(key.publicKey, log.publicKey);
  assert.equal(typeof v.parseVerifierKey(vkey("w", 4, log.publicKey)), "object", "a witness key");
  assert.equal(typeof v.parseVerifierKey(vkey("x", 2, log.publicKey)), "string", "an unknown type");
  const text = vkey(log.name, 1, log.publicKey);
  const [name, hash, encoded] = text.split("+");
  for (const bad of [`${name}+${hash}`, `${name}+00000000+${encoded}`, `a b+${hash}+${encoded}`,
    `${name}+${hash}+${encoded.slice(0, -1)}`, `${name}+${hash}+${encoded}x`, `+${hash}+${encoded}`]) {
    assert.equal(typeof v.parseVerifierKey(bad), "string", bad);
  }
  assert.equal(v.noteKeyHash(log.name, 1, log.publicKey), Buffer.from(keyHash(log.name, 1, log.publicKey)).readUInt32BE());
});

test("base64 accepts only the canonical spelling", () => {
  for (const n of [0, 1, 2, 3, 4, 31, 32, 33]) {
    const b = Uint8Array.from({ length: n }, (_, i) => i * 37);
    assert.equal(v.base64(b), b64(b));
    assert.deepEqual(v.fromBase64(b64(b)), b);
  }
  for (const bad of ["AA", "AA=", "AB==", "A===", "AAA", " AAA=", "AA==\n", "AA-_", "=AAA", "AA=A"]) {
    assert.equal(v.fromBase64(bad), undefined, JSON.stringify(bad));
  }
});

test("a signed checkpoint verifies with its key; other keys' lines are ignored", async () => {
  const text = checkpointText(log.name, 5, root);
  const other = { name: "other", ...ed25519Key() };
  const note = v.parseNote(signNote(text, other, log));
  assert.equal(note.text, text);
  assert.equal(await v.noteSignatureFailure(note, logKey()), undefined);
  assert.deepEqual(v.parseCheckpoint(note.text), { origin: log.name, size: 5n, root });
  const forged = v.parseNote(signNote(checkpointText(log.name, 6, root), other).replace("other", log.name));
  assert.match(await v.noteSignatureFailure(forged, logKey()), /no signature/);
  const changed = v.parseNote(signNote(text, log).replace("\n5\n", "\n6\n"));
  assert.match(await v.noteSignatureFailure(changed, logKey()), /does not verify/);
});

test("malformed notes and checkpoints are refused", () => {
  const line = signNote(checkpointText(log.name, 5, root), log).split("\n\n")[1];
  const notes = {
    "no blank line": `a\n${line}`,
    "no final newline": `a\n\n${line.trimEnd()}`,
    "a control character": `a\tb\n\n${line}`,
    "a line without the em dash": `a\n\n- ${line.slice(2)}`,
    "a line without a key name": `a\n\n\u2014 nospace\n`,
    "a short signature": `a\n\n\u2014 n ${b64(new Uint8Array(4))}\n`,
    "101 signature lines": `a\n\n${line.repeat(101)}`,
    "over 16,384 bytes": `${"a".repeat(16_384)}\n\n${line}`,
  };
  for (const [name, note] of Object.entries(notes)) assert.equal(typeof v.parseNote(note), "string", name);
  assert.equal(typeof v.parseNote(`a\n\n${line.repeat(100)}`), "object", "100 signature lines");
  const checkpoints = {
    "two lines": `o\n5\n`, "leading zero": `o\n05\n${b64(root)}\n`, "empty origin": `\n5\n${b64(root)}\n`,
    "size over 2^64": `o\n18446744073709551616\n${b64(root)}\n`, "a 31-byte root": `o\n5\n${b64(root.subarray(1))}\n`,
    "an empty extension line": `o\n5\n${b64(root)}\n\nx\n`, "a negative size": `o\n-5\n${b64(root)}\n`,
  };
  for (const [name, text] of Object.entries(checkpoints)) assert.equal(typeof v.parseCheckpoint(text), "string", name);
  assert.equal(v.parseCheckpoint(`o\n18446744073709551615\n${b64(root)}\next\n`).size, 2n ** 64n - 1n);
});

test("cosignatures name their time and count only valid ones", async () => {
  const witness = { name: "witness.example", ...ed25519Key() };
  const witnessKey = v.parseVerifierKey(vkey(witness.name, 4, witness.publicKey));
  const text = checkpointText(log.name, 5, root);
  const note = v.parseNote(signNote(text, log) + cosignatureLine(witness, text, 1_700_000_000));
  assert.equal(await v.cosignatureTime(note, witnessKey), 1_700_000_000n);
  const other = v.parseNote(signNote(text, log) + cosignatureLine(witness, checkpointText(log.name, 6, root), 1));
  assert.equal(await v.cosignatureTime(other, witnessKey), undefined, "a cosignature of another checkpoint");
  assert.equal(await v.cosignatureTime(v.parseNote(signNote(text, log)), witnessKey), undefined, "none");
});
