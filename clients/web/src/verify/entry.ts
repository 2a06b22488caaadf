// Ledger entries (ledger/FORMAT.md section 2).

import { bigEndian, compare, concat, utf8 } from "./bytes.js";
import { sha256 } from "./keys.js";

export const RECORD_TYPE = "application/vnd.skillspassport.record.v1+protobuf";

// DSSE pre-authentication encoding: the bytes every signature covers.
export function pae(type: string, body: Uint8Array): Uint8Array {
  const t = utf8(type);
  return concat(utf8(`DSSEv1 ${t.length} `), t, utf8(` ${body.length} `), body);
}

// Record id: SHA-256(0x00 || entry).
export function leafHash(entry: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(0), entry));
}

export interface EntrySignature {
  keyId: Uint8Array;
  signature: Uint8Array;
}

export interface Entry {
  payloadType: string;
  payload: Uint8Array;
  signatures: EntrySignature[];
}

const MAX_ENTRY = 65_535;

class Malformed extends Error {}

// The entry `bytes` encode, or why they are not one. Every length is checked
// against the bytes left before it is used.
export function decodeEntry(bytes: Uint8Array): Entry | string {
  if (bytes.length > MAX_ENTRY) return `entry is ${bytes.length} bytes; the limit is ${MAX_ENTRY}`;
  let at = 0;
  const take = (n: number, what: string): Uint8Array => {
    if (n > bytes.length - at) throw new Malformed(`${what} length ${n} exceeds the ${bytes.length - at} bytes left`);
    at += n;
    return bytes.subarray(at - n, at);
  };
  const uint = (n: number, what: string) => Number(bigEndian(take(n, what)));
  const inRange = (n: number, lo: number, hi: number, what: string) => {
    if (n < lo || n > hi) throw new Malformed(`${what} must be ${lo} to ${hi}, is ${n}`);
    return n;
  };
  try {
    if (uint(1, "version") !== 1) return "unknown entry version";
    const type = take(inRange(uint(2, "type_len"), 1, 128, "type_len"), "type");
    if (type.some((c) => c < 0x21 || c > 0x7e)) return "payload type is not printable ASCII";
    const payload = take(inRange(uint(4, "payload_len"), 0, 60_000, "payload_len"), "payload");
    const count = inRange(uint(1, "sig_count"), 1, 8, "sig_count");
    const signatures: EntrySignature[] = [];
    for (let i = 0; i < count; i++) {
      const keyId = take(inRange(uint(1, "key_id_len"), 1, 64, "key_id_len"), "key_id");
      const signature = take(inRange(uint(2, "sig_len"), 1, 512, "sig_len"), "signature");
      if (i > 0 && compare(signatures[i - 1].keyId, keyId) >= 0) {
        return "signatures are not in ascending key id order";
      }
      signatures.push({ keyId, signature });
    }
    if (at !== bytes.length) return `${bytes.length - at} bytes follow the last signature`;
    return { payloadType: String.fromCharCode(...type), payload, signatures };
  } catch (e) {
    if (e instanceof Malformed) return e.message;
    throw e;
  }
}
