// Test helpers that make what the verifier checks, independently of it: keys
// and signatures from node:crypto, entries, Merkle trees and notes straight
// from the definitions in ledger/FORMAT.md and RFC 9162.
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const sha256 = (...parts) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
export const bytes = (text) => new Uint8Array(Buffer.from(text, "utf8"));
export const b64 = (b) => Buffer.from(b).toString("base64");
const be = (n, width) => Uint8Array.from({ length: width }, (_, i) => Number((BigInt(n) >> BigInt(8 * (width - 1 - i))) & 0xffn));

// An Ed25519 key from its 32-byte seed (random if not given).
export function ed25519Key(seed = randomBytes(32)) {
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  const publicKey = new Uint8Array(createPublicKey(key).export({ format: "der", type: "spki" }).subarray(12));
  return { publicKey, sign: (message) => new Uint8Array(sign(null, Buffer.from(message), key)) };
}

// A private key file (FORMAT.md section 1): PRIVATE+KEY+name+hash+base64(0x01 || seed).
export function readKeyFile(path) {
  const [, , name, , ...rest] = readFileSync(path, "utf8").trim().split("+");
  const encoded = rest.join("+"); // base64 may hold a "+"
  return { name, ...ed25519Key(Buffer.from(encoded, "base64").subarray(1)) };
}

export const keyHash = (name, type, publicKey) => sha256(bytes(`${name}\n`), Uint8Array.of(type), publicKey).subarray(0, 4);
export const entryKeyId = (publicKey) => sha256(Uint8Array.of(1), publicKey);
export const vkey = (name, type, publicKey) =>
  `${name}+${Buffer.from(keyHash(name, type, publicKey)).toString("hex")}+${b64(Buffer.concat([Uint8Array.of(type), publicKey]))}`;

export function pae(type, body) {
  return Buffer.concat([bytes(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
}

// A ledger entry (FORMAT.md section 2.2); signatures [{keyId, signature}] are
// written in the order given.
export function encodeEntry({ version = 1, type, payload, signatures }) {
  return new Uint8Array(Buffer.concat([
    Uint8Array.of(version), be(Buffer.byteLength(type), 2), bytes(type), be(payload.length, 4), payload,
    Uint8Array.of(signatures.length),
    ...signatures.flatMap(({ keyId, signature }) => [Uint8Array.of(keyId.length), keyId, be(signature.length, 2), signature]),
  ]));
}

export const RECORD_TYPE = "application/vnd.skillspassport.record.v1+protobuf";

// An entry of `payload` signed by `keys`, in ascending key id order.
export function signedEntry(payload, keys, type = RECORD_TYPE) {
  const signatures = keys.map((k) => ({ keyId: entryKeyId(k.publicKey), signature: k.sign(pae(type, payload)) }))
    .sort((a, b) => Buffer.compare(a.keyId, b.keyId));
  return encodeEntry({ type, payload, signatures });
}

// RFC 9162 section 2.1.1: MTH of leaves (entries), and 2.1.3.1: PATH(m, D[0:n]).
const split = (n) => 2 ** Math.floor(Math.log2(n - 1));
export const leafHash = (d) => sha256(Uint8Array.of(0), d);
export function mth(d) {
  if (d.length === 0) return sha256();
  if (d.length === 1) return leafHash(d[0]);
  const k = split(d.length);
  return sha256(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)));
}
export function path(m, d) {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}

// A signed note (FORMAT.md section 4.2) by keys [{name, publicKey, sign}].
export function signNote(text, ...keys) {
  const lines = keys.map((k) => `\u2014 ${k.name} ${b64(Buffer.concat([keyHash(k.name, 1, k.publicKey), k.sign(bytes(text))]))}\n`);
  return `${text}\n${lines.join("")}`;
}

export const checkpointText = (origin, size, root) => `${origin}\n${size}\n${b64(root)}\n`;

// A C2SP tlog-cosignature/v1 line by a witness key over a checkpoint text.
export function cosignatureLine(witness, text, time) {
  const signature = witness.sign(bytes(`cosignature/v1\ntime ${time}\n${text}`));
  return `\u2014 ${witness.name} ${b64(Buffer.concat([keyHash(witness.name, 4, witness.publicKey), be(time, 8), signature]))}\n`;
}

// What every browser test sets up: the web app's directory, where
// screenshots go, axe-core's source to inject into pages, and failures
// collected (so one run reports them all).
export function browserTestKit() {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const artifacts = process.env.SKP_ARTIFACTS ?? join(root, "artifacts");
  mkdirSync(artifacts, { recursive: true });
  const failures = [];
  return {
    root,
    artifacts,
    axeSource: createRequire(import.meta.url)("axe-core").source,
    failures,
    expect: (ok, what) => ok || failures.push(what),
  };
}
