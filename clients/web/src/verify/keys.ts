// Keys and signatures (ledger/FORMAT.md section 1).

import * as ed from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bigEndian, concat, fromBase64, utf8 } from "./bytes.js";

ed.hashes.sha512 = sha512;

export { sha256 };

export const ED25519 = 0x01; // a log's note key (C2SP signed-note)
export const COSIGNATURE_V1 = 0x04; // a witness's key (C2SP tlog-cosignature)

// Ed25519 as libsodium checks it (FORMAT.md section 1: "made and checked with
// libsodium"): besides RFC 8032's strict decoding, libsodium refuses a small
// order public key or R. noble's strict mode covers all but the R check.
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    if (ed.Point.fromBytes(signature.subarray(0, 32)).isSmallOrder()) return false;
    return ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false; // an encoding that is not a point
  }
}

// `key_id` of a ledger entry's signature: SHA-256(0x01 || public_key).
export function entryKeyId(publicKey: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(ED25519), publicKey));
}

// A passport's id: the first 16 bytes of SHA-256 of the worker's key.
export const passportIdOf = (publicKey: Uint8Array) => sha256(publicKey).subarray(0, 16);

// A key name (C2SP signed-note): no space, '+' or control character.
export function validKeyName(name: string): boolean {
  return name.length > 0 && !/[\x00-\x20+\x7f]/.test(name);
}

export function noteKeyHash(name: string, type: number, publicKey: Uint8Array): number {
  const digest = sha256(concat(utf8(name), Uint8Array.of(0x0a, type), publicKey));
  return Number(bigEndian(digest.subarray(0, 4)));
}

// A verifier key string: name "+" hex8(key hash) "+" base64(type || key).
export interface VerifierKey {
  readonly text: string;
  readonly name: string;
  readonly type: number; // ED25519 (a node's log) or COSIGNATURE_V1 (a witness)
  readonly publicKey: Uint8Array;
  readonly keyHash: number;
}

export function parseVerifierKey(text: string): VerifierKey | string {
  // The name and hash have no "+"; base64 may.
  const first = text.indexOf("+"), second = text.indexOf("+", first + 1);
  if (first < 0 || second < 0) return "a key has three parts: name+hash+key";
  const [name, hash, encoded] = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  if (!validKeyName(name)) return "the key name has a space or control character";
  if (!/^[0-9a-fA-F]{8}$/.test(hash)) return "the key hash is not 8 hex digits";
  const raw = fromBase64(encoded);
  if (!raw || raw.length !== 33 || (raw[0] !== ED25519 && raw[0] !== COSIGNATURE_V1)) {
    return "the key is not base64 of a type byte and 32 bytes";
  }
  const key = { text, name, type: raw[0], publicKey: raw.subarray(1) };
  const keyHash = noteKeyHash(name, key.type, key.publicKey);
  if (keyHash !== parseInt(hash, 16)) return "the key hash does not match the name and key";
  return { ...key, keyHash };
}
