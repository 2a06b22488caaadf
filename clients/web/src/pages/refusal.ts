// A node's refusal in words, and the field it concerns. The node names a
// record's field as "<kind>.<field>: <problem>" (records/kinds.cc); its other
// refusals are sentences of the C++ services, matched here.

import { ConnectError } from "@connectrpc/connect";

export interface Refusal {
  field?: string; // a proto field name, or "signer" (the key that signed), or "request" (an enrolment request)
  sentence: string;
}

const rules: [RegExp, (m: RegExpExecArray) => Refusal][] = [
  [/^[a-z_]+\.([a-z_]+): (.*)$/, (m) => ({ field: m[1], sentence: `${m[2].replace(/_/g, " ")}` })],
  [/passport \w+ is not enrolled/, () => ({ field: "passport_id",
    sentence: "No passport has this ID. Check the passport ID with the worker" })],
  [/employment .* at .* already started/, () => ({ field: "employment_id",
    sentence: "This worker already has a job with this employment ID at your organisation. Use another ID" })],
  [/employment .* never started/, () => ({ field: "employment_id",
    sentence: "This worker has no job with this employment ID at your organisation" })],
  [/employment .* has already ended/, () => ({ field: "employment_id", sentence: "This job has already ended" })],
  [/key id \w+ was revoked/, () => ({ field: "signer",
    sentence: "Your organisation's key has been withdrawn, so it can no longer sign records. Import your organisation's new key" })],
  [/key id \w+ is not registered/, () => ({ field: "signer",
    sentence: "The passport service does not know your organisation's key. Check you imported the right key file" })],
  [/may not sign/, (m) => ({ field: "signer",
    sentence: `Your organisation may not make this record (${m.input.replace(/^[^:]*: /, "")})` })],
  [/issued_at is .* (ahead of|behind)/, () => ({ field: "request",
    sentence: "The record's time is too far from the passport service's clock: check this device's clock, or for an enrolment ask the worker for a new request" })],
  [/signature \d+ does not verify/, () => ({ field: "request", sentence: "A signature on the record is not valid" })],
  [/passport .* already enrolled|that public key is already registered/, () => ({ field: "request",
    sentence: "This passport is already set up" })],
  [/has no live consent to read passport/, () => ({ field: "passport_id",
    sentence: "The worker has not let your organisation read their passport. Ask them to give permission from their phone" })],
  [/consent .* was never granted/, () => ({ sentence: "This permission was never given" })],
];

export function refusalOf(error: unknown): Refusal {
  const message = error instanceof ConnectError ? error.rawMessage : String((error as Error)?.message ?? error);
  for (const [pattern, refusal] of rules) {
    const m = pattern.exec(message);
    if (m) return refusal(m);
  }
  return { sentence: `The passport service refused the record: ${message}` };
}
