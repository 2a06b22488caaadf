// The enrolment handshake between the worker's phone and the employer's desk
// (ledger/FORMAT.md section 7, "Enrolment request"): the phone signs the
// passport_enrolled record with the new passport key and shows it as
// "SPE1:" base64(entry); the desk checks it, countersigns with the
// organisation's key and submits. No key leaves its device. A phone that
// replaces a lost one asks the same way, with a passport_key_rebound record
// (its new key, the passport it takes over) that an identity checker
// countersigns after checking the person again.

import type { Record } from "../gen/skillspassport/v1/records_pb.js";
import { RecordSchema } from "../gen/skillspassport/v1/records_pb.js";
import { base64, equal, fromBase64 } from "../verify/bytes.js";
import { RECORD_TYPE, decodeEntry, pae } from "../verify/entry.js";
import { entryKeyId, passportIdOf, verifySignature } from "../verify/keys.js";
import { parse } from "../verify/wire.js";
import type { SigningKey } from "./keys.js";
import { newRecord, signRecord } from "./record.js";

export const ENROLMENT_PREFIX = "SPE1:";
// A node accepts a record issued within 10 minutes of its clock.
export const REQUEST_LIFETIME_SECONDS = 600;

export async function enrolmentRequest(key: SigningKey, identityCommitment: Uint8Array,
  organisationId: string): Promise<string> {
  const record = newRecord({ case: "passportEnrolled",
    value: { publicKey: key.publicKey, identityCommitment, organisationId } });
  return `${ENROLMENT_PREFIX}${base64(await signRecord(record, key))}`;
}

export async function rebindRequest(key: SigningKey, passportId: Uint8Array, organisationId: string,
  reason: string): Promise<string> {
  const record = newRecord({ case: "passportKeyRebound",
    value: { passportId, newPublicKey: key.publicKey, organisationId, reason } });
  return `${ENROLMENT_PREFIX}${base64(await signRecord(record, key))}`;
}

export interface EnrolmentRequest {
  entry: Uint8Array;
  record: Record;
  kind: "passportEnrolled" | "passportKeyRebound";
  organisationId: string;
  passportId: Uint8Array;
}

// The request in `text`, or why it cannot be countersigned now.
export async function readEnrolmentRequest(text: string, now = Date.now()): Promise<EnrolmentRequest | string> {
  const compact = text.replace(/\s+/g, "");
  if (!compact.startsWith(ENROLMENT_PREFIX)) return `This is not an enrolment request: they start with ${ENROLMENT_PREFIX}`;
  const entry = fromBase64(compact.slice(ENROLMENT_PREFIX.length));
  const decoded = entry && decodeEntry(entry);
  const record = decoded && typeof decoded !== "string" && decoded.payloadType === RECORD_TYPE
    ? parse(RecordSchema, decoded.payload) : undefined;
  if (!entry || !decoded || typeof decoded === "string" || !record) {
    return "The request is incomplete or has been changed: ask the worker to show it again";
  }
  const { kind } = record;
  if (kind.case !== "passportEnrolled" && kind.case !== "passportKeyRebound") {
    return "This is not a request to set up a passport or move one to a new phone";
  }
  const publicKey = kind.case === "passportEnrolled" ? kind.value.publicKey : kind.value.newPublicKey;
  const [signature] = decoded.signatures;
  if (decoded.signatures.length !== 1 || !equal(signature.keyId, entryKeyId(publicKey)) ||
      !(await verifySignature(publicKey, pae(RECORD_TYPE, decoded.payload), signature.signature))) {
    return "The request is not signed by the worker's phone: ask the worker to make a new one";
  }
  if (Math.abs(Number(record.issuedAt) - now / 1000) > REQUEST_LIFETIME_SECONDS) {
    return "The request is more than 10 minutes old: ask the worker to make a new one";
  }
  return { entry, record, kind: kind.case, organisationId: kind.value.organisationId,
    passportId: kind.case === "passportEnrolled" ? passportIdOf(publicKey) : kind.value.passportId };
}
