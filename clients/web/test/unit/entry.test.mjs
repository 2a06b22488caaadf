// Ledger entries (FORMAT.md section 2): PAE, the byte layout's rules, leaf hash.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as v from "../../.build/lib.mjs";
import { bytes, encodeEntry, entryKeyId, ed25519Key, leafHash, pae, sha256, signedEntry } from "../support.mjs";

test("PAE is DSSE's pre-authentication encoding", () => {
  const text = (t, b) => Buffer.from(v.pae(t, bytes(b))).toString();
  assert.equal(text("http://example.com/HelloWorld", "hello world"), "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  assert.equal(text("t", ""), "DSSEv1 1 t 0 ");
  // Lengths count bytes, not characters.
  assert.equal(text("t", "\u2014"), "DSSEv1 1 t 3 \u2014");
  assert.deepEqual(v.pae(v.RECORD_TYPE, bytes("x")), new Uint8Array(pae(v.RECORD_TYPE, bytes("x"))));
});

test("an entry decodes to its type, payload and signatures; its id is SHA-256(0x00 || entry)", async () => {
  const keys = [ed25519Key(), ed25519Key()];
  const payload = bytes("record bytes");
  const entry = signedEntry(payload, keys);
  const decoded = v.decodeEntry(entry);
  assert.equal(decoded.payloadType, v.RECORD_TYPE);
  assert.deepEqual(decoded.payload, payload);
  assert.equal(decoded.signatures.length, 2);
  for (const { keyId, signature } of decoded.signatures) {
    const key = keys.find((k) => Buffer.compare(entryKeyId(k.publicKey), keyId) === 0);
    assert.ok(await v.verifySignature(key.publicKey, v.pae(decoded.payloadType, decoded.payload), signature));
  }
  assert.deepEqual(v.leafHash(entry), leafHash(entry));
  assert.deepEqual(v.entryKeyId(keys[0].publicKey), sha256(Uint8Array.of(1), keys[0].publicKey));
});

test("signatures are checked as libsodium checks them", async () => {
  const key = ed25519Key();
  const message = bytes("message");
  const signature = key.sign(message);
  assert.ok(await v.verifySignature(key.publicKey, message, signature));
  // s + L: the same scalar, spelled beyond the group order.
  const le = (b) => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n);
  const order = 2n ** 252n + 27742317777372353535851937790883648493n;
  const unreduced = Uint8Array.from({ length: 32 }, (_, i) => Number(((le(signature.subarray(32)) + order) >> BigInt(8 * i)) & 0xffn));
  assert.equal(await v.verifySignature(key.publicKey, message, Uint8Array.from([...signature.subarray(0, 32), ...unreduced])), false);
  // The identity as key and R with s = 0 satisfies RFC 8032's equation for
  // any message; small-order points are refused, in either spelling of x.
  const identity = new Uint8Array(32);
  identity[0] = 1;
  const signedOnly = new Uint8Array(64);
  signedOnly[0] = 1;
  assert.equal(await v.verifySignature(identity, message, signedOnly), false);
  const negative = identity.slice();
  negative[31] = 0x80;
  assert.equal(await v.verifySignature(negative, message, signedOnly), false);
  // p + 1, a non-canonical spelling of the identity's y.
  const nonCanonical = new Uint8Array(32).fill(0xff);
  nonCanonical[0] = 0xee;
  nonCanonical[31] = 0x7f;
  assert.equal(await v.verifySignature(nonCanonical, message, signedOnly), false);
});

test("entries breaking a rule of the layout are rejected", () => {
  const sig = (id, len = 64) => ({ keyId: new Uint8Array(id), signature: new Uint8Array(len) });
  const good = { type: "t", payload: bytes("p"), signatures: [sig([1]), sig([2])] };
  assert.equal(typeof v.decodeEntry(encodeEntry(good)), "object");
  const bad = {
    "version 2": { ...good, version: 2 },
    "empty type": { ...good, type: "" },
    "129-byte type": { ...good, type: "t".repeat(129) },
    "type with a space": { ...good, type: "a b" },
    "payload over 60,000 bytes": { ...good, payload: new Uint8Array(60_001) },
    "no signatures": { ...good, signatures: [] },
    "nine signatures": { ...good, signatures: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => sig([i])) },
    "empty key id": { ...good, signatures: [sig([])] },
    "65-byte key id": { ...good, signatures: [sig(new Array(65).fill(1))] },
    "empty signature": { ...good, signatures: [sig([1], 0)] },
    "513-byte signature": { ...good, signatures: [sig([1], 513)] },
    "key ids out of order": { ...good, signatures: [sig([2]), sig([1])] },
    "one key twice": { ...good, signatures: [sig([1]), sig([1])] },
    "a key id prefixing the previous": { ...good, signatures: [sig([1, 0]), sig([1])] },
  };
  for (const [name, entry] of Object.entries(bad)) {
    assert.equal(typeof v.decodeEntry(encodeEntry(entry)), "string", name);
  }
  const bytesOf = encodeEntry(good);
  assert.equal(typeof v.decodeEntry(Buffer.concat([bytesOf, Uint8Array.of(0)])), "string", "a trailing byte");
  for (let n = 0; n < bytesOf.length; n++) {
    assert.equal(typeof v.decodeEntry(bytesOf.subarray(0, n)), "string", `cut to ${n} bytes`);
  }
  const big = encodeEntry({ ...good, payload: new Uint8Array(60_000), signatures: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => sig([i], 512)) });
  assert.ok(big.length <= 65_535 && typeof v.decodeEntry(big) === "object", "the largest entry");
  assert.equal(typeof v.decodeEntry(new Uint8Array(65_536)), "string", "over 65,535 bytes");
});
