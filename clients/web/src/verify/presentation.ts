// Presentations (ledger/FORMAT.md section 7): checks a worker's presentation
// offline, given the keys of the nodes trusted, the verifier's organisation
// id and the time, and reports on each record as the C++ verifier does
// (records/presentation.h), so their verdicts compare one to one.

import { create } from "@bufbuild/protobuf";
import {
  BundleSchema, PresentationReportSchema, PresentationSchema, RecordReportSchema, RecordState,
  RecordVerdict, SignedBundleSchema, SignedPresentationSchema,
  type Bundle, type PresentationReport, type PresentedKey, type PresentedRecord, type Presentation,
  type RecordReport,
} from "../gen/skillspassport/v1/passport_pb.js";
import { RecordSchema, type Date as ProtoDate, type Record } from "../gen/skillspassport/v1/records_pb.js";
import { concat, equal, fromBase64, hex, utf8 } from "./bytes.js";
import { RECORD_TYPE, decodeEntry, leafHash, pae } from "./entry.js";
import { entryKeyId, passportIdOf, sha256, verifySignature, type VerifierKey } from "./keys.js";
import { inclusionFailure } from "./merkle.js";
import {
  cosignatureTime, noteSignatureFailure, parseCheckpoint, parseNote, type Checkpoint, type SignedNote,
} from "./note.js";
import { parse } from "./wire.js";

export const BUNDLE_TYPE = "application/vnd.skillspassport.bundle.v1+protobuf";
export const PRESENTATION_TYPE = "application/vnd.skillspassport.presentation.v1+protobuf";
export const TEXT_PREFIX = "SPP1:";

export interface VerifyOptions {
  trustedNodes: VerifierKey[]; // log keys of the nodes trusted to attest and log
  witnesses?: VerifierKey[]; // cosignature keys ...
  quorum?: number; // ... of which every checkpoint used needs this many
  audience: string; // the verifying organisation
  now: Date;
}

// The C++ status code of a refusal of the whole presentation.
export type RefusalCode = "INVALID_ARGUMENT" | "UNAUTHENTICATED" | "PERMISSION_DENIED" | "FAILED_PRECONDITION";

export interface Refused {
  ok: false;
  code: RefusalCode;
  message: string;
}

export interface Cosigner {
  witness: VerifierKey;
  time: bigint; // Unix seconds
}

export interface Verified {
  ok: true;
  report: PresentationReport;
  presentation: Presentation;
  bundle: Bundle;
  node: VerifierKey; // the node that attested the bundle
  checkpoint: Checkpoint; // the bundle's
  cosigners: Cosigner[]; // witnesses (of those given) that cosigned it
}

class Refusal extends Error {
  constructor(readonly code: RefusalCode, message: string) {
    super(message);
  }
}

// The bytes of the text form ("SPP1:" base64), or undefined.
// The enrolment's identity commitment (FORMAT.md section 7).
export const identityCommitment = (salt: Uint8Array, identity: Uint8Array) =>
  sha256(concat(utf8("skillspassport/identity/v1\n"), salt, identity));

export function fromText(text: string): Uint8Array | undefined {
  return text.startsWith(TEXT_PREFIX) ? fromBase64(text.slice(TEXT_PREFIX.length)) : undefined;
}

export async function verifyPresentation(bytes: Uint8Array, options: VerifyOptions): Promise<Verified | Refused> {
  try {
    return await check(bytes, options);
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

const unreadable = "The passport service's confirmation of its public record cannot be read.";

async function check(bytes: Uint8Array, options: VerifyOptions): Promise<Verified> {
  const signed = parse(SignedPresentationSchema, bytes);
  const presentation = signed && parse(PresentationSchema, signed.presentation);
  const attested = presentation?.bundle ?? create(SignedBundleSchema); // none: an empty one, as C++ reads it
  const bundle = presentation && parse(BundleSchema, attested.bundle);
  if (!bundle) {
    throw new Refusal("INVALID_ARGUMENT", "This is not a complete passport presentation: it may have been cut short or changed.");
  }

  // The bundle: attested by a trusted node, over a checkpoint of its log.
  const bundlePae = pae(BUNDLE_TYPE, attested.bundle);
  const attestedBy = await Promise.all(options.trustedNodes.map((k) =>
    verifySignature(k.publicKey, bundlePae, attested.signature)));
  const node = options.trustedNodes.findLast((_, i) => attestedBy[i]);
  if (!node) throw new Refusal("UNAUTHENTICATED", "It was not confirmed by a passport service you trust.");
  const note = parseNote(bundle.checkpoint);
  if (typeof note === "string") throw new Refusal("INVALID_ARGUMENT", unreadable);
  const unsigned = await noteSignatureFailure(note, node);
  if (unsigned) throw new Refusal("UNAUTHENTICATED", "The passport service's confirmation of its public record is not genuine.");
  const checkpoint = parseCheckpoint(note.text);
  if (typeof checkpoint === "string") throw new Refusal("INVALID_ARGUMENT", unreadable);
  const cosigners = await cosignersOf(note, options);
  const short = quorumFailure(cosigners, checkpoint.origin, options);
  if (short) throw new Refusal("UNAUTHENTICATED", short);

  // The holder: the passport's own worker key signed the whole presentation.
  const holder = findKey(bundle, signed.keyId);
  if (!holder || holder.principal !== "worker" || holder.owner !== hex(bundle.passportId) ||
      !(await verifySignature(holder.publicKey, pae(PRESENTATION_TYPE, signed.presentation), signed.signature))) {
    throw new Refusal("UNAUTHENTICATED", "It was not signed by the worker whose passport it is.");
  }
  if (holder.revokedFrom !== 0n && presentation.issuedAt >= holder.revokedFrom) {
    throw new Refusal("UNAUTHENTICATED", "The worker's passport key had been cancelled before they shared it.");
  }
  if (presentation.audience !== options.audience) {
    throw new Refusal("PERMISSION_DENIED", `It was shared with ${presentation.audience}, not with ${options.audience}.`);
  }
  const now = BigInt(Math.floor(options.now.getTime() / 1000));
  if (now > presentation.expiresAt) {
    throw new Refusal("FAILED_PRECONDITION", "It has expired: ask the worker to share their passport again.");
  }
  if (presentation.issuedAt > now + 600n) {
    throw new Refusal("FAILED_PRECONDITION", "It says it was shared more than 10 minutes from now: check this device's clock.");
  }

  const today = dayNumber({ year: options.now.getUTCFullYear(), month: options.now.getUTCMonth() + 1,
    day: options.now.getUTCDate() });
  const report = create(PresentationReportSchema, {
    passportId: bundle.passportId,
    audience: presentation.audience,
    expiresAt: presentation.expiresAt,
    // Records are independent: their signatures are checked side by side.
    records: await Promise.all(bundle.records.map((r) => checkRecord(r, bundle, checkpoint, options, today))),
  });

  if (presentation.disclosure) {
    const { identity, salt } = presentation.disclosure;
    const enrolment = report.records.findLast((r) =>
      r.verdict === RecordVerdict.VALID && r.record?.kind.case === "passportEnrolled")?.record;
    if (enrolment?.kind.case !== "passportEnrolled") {
      throw new Refusal("FAILED_PRECONDITION",
        "It shows the worker's identity without the valid record of the passport being set up, which is needed to check it.");
    }
    const commitment = identityCommitment(salt, identity);
    if (!equal(commitment, enrolment.kind.value.identityCommitment)) {
      throw new Refusal("UNAUTHENTICATED", "The identity it shows is not the one checked when the passport was set up.");
    }
    report.verifiedIdentity = identity;
  }
  return { ok: true, report, presentation, bundle, node, checkpoint, cosigners };
}

// The first bundle key with this id whose public key has it.
function findKey(bundle: Bundle, keyId: Uint8Array): PresentedKey | undefined {
  return bundle.keys.find((k) =>
    equal(k.keyId, keyId) && k.publicKey.length === 32 && equal(entryKeyId(k.publicKey), keyId));
}

// Distinct witness keys with a valid cosignature on the note.
async function cosignersOf(note: SignedNote, options: VerifyOptions): Promise<Cosigner[]> {
  const witnesses = (options.witnesses ?? []).filter((w, i, all) =>
    all.findIndex((v) => equal(v.publicKey, w.publicKey)) === i);
  const times = await Promise.all(witnesses.map((witness) => cosignatureTime(note, witness)));
  return witnesses.flatMap((witness, i) => {
    const time = times[i];
    return time === undefined ? [] : [{ witness, time }];
  });
}

function quorumFailure(cosigners: Cosigner[], origin: string, options: VerifyOptions): string | undefined {
  const quorum = options.quorum ?? 0;
  return cosigners.length < quorum
    ? `Only ${cosigners.length} of the ${quorum} independent witnesses needed confirmed the public record of ${origin}.`
    : undefined;
}

// A mirrored record's checkpoint: signed by the trusted log its origin names,
// with the quorum of cosignatures.
async function trustedCheckpoint(text: string, options: VerifyOptions): Promise<Checkpoint | string> {
  const note = parseNote(text);
  const checkpoint = typeof note === "string" ? note : parseCheckpoint(note.text);
  if (typeof note === "string" || typeof checkpoint === "string") return "Its public record cannot be checked.";
  const log = options.trustedNodes.findLast((k) => k.name === checkpoint.origin);
  if (!log) return `It is in the public record of ${checkpoint.origin}, a passport service you do not trust.`;
  const unsigned = await noteSignatureFailure(note, log);
  if (unsigned) return `The confirmation of ${checkpoint.origin}'s public record is not genuine.`;
  return quorumFailure(await cosignersOf(note, options), checkpoint.origin, options) ?? checkpoint;
}

// The proto field name of a record's kind, e.g. "competency_assessed".
function kindName(record: Record): string {
  return RecordSchema.fields.find((f) => f.localName === record.kind.case)?.name ?? "no record kind";
}

// The passport a record is about, if its kind is about one.
function passportOf(record: Record): Uint8Array | undefined {
  const { kind } = record;
  switch (kind.case) {
    case "passportEnrolled":
      return passportIdOf(kind.value.publicKey);
    case "passportKeyRebound": case "employmentStarted": case "employmentEnded": case "credentialIssued":
    case "careCertificateStandardMet": case "competencyAssessed": case "activityDelegated":
    case "consentGranted": case "consentWithdrawn":
      return kind.value.passportId;
    default:
      return undefined;
  }
}

// The date after which a record no longer vouches for anything, if any.
export function lapsesAfter(record: Record): ProtoDate | undefined {
  const { kind } = record;
  const unset = { year: 0, month: 0, day: 0 } as ProtoDate; // as C++ reads an unset Date
  switch (kind.case) {
    case "credentialIssued": return kind.value.validUntil;
    case "competencyAssessed": return kind.value.reassessBy ?? unset;
    case "activityDelegated": return kind.value.reviewBy ?? unset;
    default: return undefined;
  }
}

// Days since 1970-01-01 of a date, normalising out-of-range months and days
// by carrying (2026-02-30 is 2026-03-02), as absl::CivilDay does.
export function dayNumber({ year, month, day }: { year: number; month: number; day: number }): number {
  let y = year + Math.floor((month - 1) / 12);
  const m = (((month - 1) % 12) + 12) % 12 + 1;
  y -= m <= 2 ? 1 : 0; // count from March, so leap days come last
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5);
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468 + (day - 1);
}

async function checkRecord(
  presented: PresentedRecord, bundle: Bundle, bundleCheckpoint: Checkpoint, options: VerifyOptions, today: number,
): Promise<RecordReport> {
  const leaf = leafHash(presented.entry);
  const report = create(RecordReportSchema, { recordId: leaf });
  const verdict = (v: RecordVerdict, detail = "") => Object.assign(report, { verdict: v, detail });

  let checkpoint = bundleCheckpoint;
  if (presented.checkpoint) {
    const other = await trustedCheckpoint(presented.checkpoint, options);
    if (typeof other === "string") return verdict(RecordVerdict.NOT_IN_LOG, other);
    checkpoint = other;
  }
  const notIncluded = inclusionFailure(presented.index, checkpoint.size, leaf, presented.inclusionProof,
    checkpoint.root);
  if (notIncluded) return verdict(RecordVerdict.NOT_IN_LOG, "It could not be found in the public record.");

  const entry = decodeEntry(presented.entry);
  const record = typeof entry !== "string" && entry.payloadType === RECORD_TYPE
    ? parse(RecordSchema, entry.payload) : undefined;
  if (typeof entry === "string" || !record) return verdict(RecordVerdict.TAMPERED, "It is not a readable record.");
  report.kind = kindName(record);
  report.record = record;
  const about = passportOf(record);
  if (!about || !equal(about, bundle.passportId)) {
    return verdict(RecordVerdict.TAMPERED, "It is about someone else's passport.");
  }

  // Each signature in entry order: its key in the bundle, valid, and made
  // before the key was revoked.
  // The signatures are checked side by side, their verdicts read in order.
  const signed = pae(entry.payloadType, entry.payload);
  const keys = entry.signatures.map((s) => findKey(bundle, s.keyId));
  const valid = await Promise.all(entry.signatures.map((s, i) =>
    keys[i] ? verifySignature(keys[i].publicKey, signed, s.signature) : false));
  for (const [i, key] of keys.entries()) {
    if (!key) return verdict(RecordVerdict.UNKNOWN_ISSUER, "It was signed by someone the passport service could not vouch for.");
    if (!valid[i]) {
      return verdict(RecordVerdict.TAMPERED, "It has been changed since it was signed.");
    }
    if (key.principal !== "worker") {
      report.issuer = key.owner;
      report.issuerName = key.name;
    }
    if (key.revokedFrom !== 0n && record.issuedAt >= key.revokedFrom) {
      return verdict(RecordVerdict.REVOKED, "It was signed after the signer's key was cancelled.");
    }
  }
  if (presented.state === RecordState.REVOKED) return verdict(RecordVerdict.REVOKED, "Its issuer has revoked it.");
  if (presented.state === RecordState.SUSPENDED) return verdict(RecordVerdict.SUSPENDED, "Its issuer has suspended it.");
  const lapses = lapsesAfter(record);
  if (lapses && dayNumber(lapses) < today) {
    return verdict(RecordVerdict.EXPIRED, `It lapsed after ${lapses.year}-${lapses.month}-${lapses.day}.`);
  }
  return verdict(RecordVerdict.VALID);
}
