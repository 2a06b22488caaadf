// Records signed in the browser, byte for byte as the C++ client signs them
// (ledger/FORMAT.md section 2 and "Serialising a record"): the record
// serialised once by protobuf-es (fields in number order, defaults left out,
// as C++'s SerializeAsString), DSSE PAE signatures in ascending key id order.

import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { RecordSchema, type Record } from "../gen/skillspassport/v1/records_pb.js";
import { compare, concat, utf8 } from "../verify/bytes.js";
import { RECORD_TYPE, decodeEntry, pae, type EntrySignature } from "../verify/entry.js";
import { keyId, sign, type SigningKey } from "./keys.js";

const be = (n: number, width: number) => Uint8Array.from({ length: width }, (_, i) => (n >>> (8 * (width - 1 - i))) & 0xff);

// The byte layout of FORMAT.md section 2.2, signatures sorted by key id.
export function encodeEntry(payload: Uint8Array, signatures: EntrySignature[]): Uint8Array {
  const type = utf8(RECORD_TYPE);
  const sorted = [...signatures].sort((a, b) => compare(a.keyId, b.keyId));
  return concat(Uint8Array.of(1), be(type.length, 2), type, be(payload.length, 4), payload,
    Uint8Array.of(sorted.length),
    ...sorted.flatMap((s) => [Uint8Array.of(s.keyId.length), s.keyId, be(s.signature.length, 2), s.signature]));
}

export const recordBytes = (record: Record): Uint8Array => toBinary(RecordSchema, record);

// A Record stamped now (whole Unix seconds), as the CLI stamps issued_at.
export function newRecord(kind: MessageInitShape<typeof RecordSchema>["kind"], now = Date.now()): Record {
  return create(RecordSchema, { issuedAt: BigInt(Math.floor(now / 1000)), kind });
}

async function signatureBy(key: SigningKey, payload: Uint8Array): Promise<EntrySignature> {
  return { keyId: keyId(key), signature: await sign(key, pae(RECORD_TYPE, payload)) };
}

// The ledger entry of `record` signed by `keys` (records::SignRecord).
export async function signRecord(record: Record, ...keys: SigningKey[]): Promise<Uint8Array> {
  const payload = recordBytes(record);
  return encodeEntry(payload, await Promise.all(keys.map((k) => signatureBy(k, payload))));
}

// Adds `key`'s signature to an entry someone else signed (an enrolment the
// worker signed on their phone, countersigned at the desk).
export async function countersign(entry: Uint8Array, key: SigningKey): Promise<Uint8Array | string> {
  const decoded = decodeEntry(entry);
  if (typeof decoded === "string") return decoded;
  if (decoded.payloadType !== RECORD_TYPE) return "it does not carry a record";
  const signature = await signatureBy(key, decoded.payload);
  if (decoded.signatures.some((s) => compare(s.keyId, signature.keyId) === 0)) return "it is already signed by this key";
  return encodeEntry(decoded.payload, [...decoded.signatures, signature]);
}
