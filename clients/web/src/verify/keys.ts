// Keys and signatures (ledger/FORMAT.md section 1).

import * as ed from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bigEndian, concat, fromBase64, hex, utf8 } from "./bytes.js";

ed.hashes.sha512 = sha512;

export { sha256 };

export const ED25519 = 0x01; // a log's note key (C2SP signed-note)
export const COSIGNATURE_V1 = 0x04; // a witness's key (C2SP tlog-cosignature)

// Ed25519 as libsodium checks it (FORMAT.md section 1: "made and checked with
// libsodium"): libsodium's byte checks (s below the group order, a canonical
// key, neither the key nor R of small order), then RFC 8032's equation, by the
// runtime's native WebCrypto Ed25519 where it has one (several times faster
// than JavaScript, and able to run side by side), else by @noble/ed25519.
export async function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const r = signature.subarray(0, 32);
  if (!belowOrder(signature.subarray(32)) || !canonicalPoint(publicKey) || smallOrder(publicKey) || smallOrder(r)) {
    return false;
  }
  if (!(await nativeEd25519())) {
    try {
      return ed.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false; // an encoding that is not a point
    }
  }
  try {
    const key = await crypto.subtle.importKey("raw", publicKey as BufferSource, "Ed25519", false, ["verify"]);
    return await crypto.subtle.verify("Ed25519", key, signature as BufferSource, message as BufferSource);
  } catch {
    return false; // a key that is not a point
  }
}

// Whether WebCrypto has Ed25519 here: not in older browsers, nor anywhere
// outside a secure context (no crypto.subtle at all).
let native: Promise<boolean> | undefined;
function nativeEd25519(): Promise<boolean> {
  const basePoint = new Uint8Array(32).fill(0x66);
  basePoint[0] = 0x58;
  native ??= Promise.resolve()
    .then(() => crypto.subtle.importKey("raw", basePoint, "Ed25519", false, ["verify"]))
    .then(() => true, () => false);
  return native;
}

// Little-endian 32-byte numbers, as libsodium's sc25519_is_canonical,
// ge25519_is_canonical and ge25519_has_small_order read them.
const ORDER = Uint8Array.from([ // the group order L
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]);

function belowOrder(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (s[i] !== ORDER[i]) return s[i] < ORDER[i];
  }
  return false;
}

// y (the sign bit cleared) below p = 2^255 - 19.
function canonicalPoint(p: Uint8Array): boolean {
  return !((p[31] & 0x7f) === 0x7f && p.subarray(1, 31).every((b) => b === 0xff) && p[0] >= 0xed);
}

// libsodium's list: the encodings, sign bit cleared, of the points of order
// 1, 2, 4 and 8, and the non-canonical spellings of 0 and 1.
const SMALL_ORDER = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

function smallOrder(p: Uint8Array): boolean {
  const cleared = Uint8Array.from(p);
  cleared[31] &= 0x7f;
  return SMALL_ORDER.includes(hex(cleared));
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
