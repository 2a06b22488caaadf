// A node's refusal in words, and the field it concerns. The node names a
// record's field as "<kind>.<field>: <problem>" (records/kinds.cc); its other
// refusals are sentences of the C++ services, matched here.

import { ConnectError } from "@connectrpc/connect";

// Who signed, in the sentences: an organisation, or a registered professional ("You").
export interface Voice {
  who: string; // "Your organisation", "You"
  whose: string; // "Your organisation's", "Your"
}
export const ORGANISATION_VOICE: Voice = { who: "Your organisation", whose: "Your organisation's" };

export interface Refusal {
  field?: string; // a proto field name, or "signer" (the key that signed), or "request" (an enrolment request)
  sentence: string;
}

const longDate = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

const rules: [RegExp, (m: RegExpExecArray, voice: Voice) => Refusal][] = [
  [/^[a-z_]+\.([a-z_]+): (.*)$/, (m) => ({ field: m[1], sentence: `${m[2].replace(/_/g, " ")}` })],
  [/passport \w+ is not enrolled/, () => ({ field: "passport_id",
    sentence: "No passport has this ID. Check the passport ID with the worker" })],
  [/employment .* at .* already started/, () => ({ field: "employment_id",
    sentence: "This worker already has a job with this employment ID at your organisation. Use another ID" })],
  [/employment .* never started/, () => ({ field: "employment_id",
    sentence: "This worker has no job with this employment ID at your organisation" })],
  [/employment .* has already ended/, () => ({ field: "employment_id", sentence: "This job has already ended" })],
  [/key id \w+ was revoked/, (_, v) => ({ field: "signer",
    sentence: `${v.whose} key has been withdrawn, so it can no longer sign records. Import ${v.whose.toLowerCase()} new key` })],
  [/key id \w+ is not registered/, (_, v) => ({ field: "signer",
    sentence: `The passport service does not know ${v.whose.toLowerCase()} key. Check you imported the right key file` })],
  [/may not sign/, (m, v) => ({ field: "signer",
    sentence: `${v.who} may not make this record (${m.input.replace(/^[^:]*: /, "")})` })],
  [/issued_at is .* (ahead of|behind)/, () => ({ field: "request",
    sentence: "The record's time is too far from the passport service's clock: check this device's clock, or for an enrolment ask the worker for a new request" })],
  [/signature \d+ does not verify/, () => ({ field: "request", sentence: "A signature on the record is not valid" })],
  [/passport .* already enrolled|that public key is already registered/, () => ({ field: "request",
    sentence: "This passport is already set up" })],
  [/has no live consent to read passport/, () => ({ field: "passport_id",
    sentence: "The worker has not let your organisation read their passport. Ask them to give permission from their phone" })],
  // The delegation rules (services/passport: a delegation rests on a valid
  // assessment of the same worker and activity, while the worker has a job;
  // only its professional reviews or withdraws it, until it is withdrawn).
  [/^delegation .* exists$/, () => ({ field: "delegation_id",
    sentence: "A delegation with this ID already exists. Use a new delegation ID" })],
  [/^competency record \w+ is not in the log/, () => ({ field: "competency_record",
    sentence: "No record has this ID. Enter the record ID of your competency assessment" })],
  [/competency_record is not a competency assessment/, () => ({ field: "competency_record",
    sentence: "This record is not a competency assessment" })],
  [/assessment is for another passport or activity/, () => ({ field: "competency_record",
    sentence: "This competency assessment is of another worker or another activity" })],
  [/assessment did not find the worker competent/, () => ({ field: "competency_record",
    sentence: "This competency assessment did not find the worker competent, so the activity cannot be delegated" })],
  [/assessment is not valid on the delegation date/, () => ({ field: "delegated_on",
    sentence: "The competency assessment is not valid on this date: it must be made on or before it and not due for reassessment" })],
  [/assessment is revoked or suspended/, () => ({ field: "competency_record",
    sentence: "This competency assessment has been revoked or suspended" })],
  [/worker has no active employment on (\d{4}-\d\d-\d\d)/, (m) => ({ field: "passport_id",
    sentence: `The worker has no job recorded on ${longDate.format(new Date(m[1]))}, so no activity can be delegated to them` })],
  [/^delegation .* is already withdrawn/, () => ({ field: "delegation_id",
    sentence: "This delegation has already been withdrawn" })],
  [/^delegation .* is not in the log/, () => ({ field: "delegation_id", sentence: "No delegation has this ID" })],
  [/^only (\S+) may review or withdraw/, (m) => ({ field: "delegation_id",
    sentence: `Only ${m[1]}, who made this delegation, may review or withdraw it` })],
  [/consent .* was never granted/, () => ({ sentence: "This permission was never given" })],
];

export function refusalOf(error: unknown, voice = ORGANISATION_VOICE): Refusal {
  const message = error instanceof ConnectError ? error.rawMessage : String((error as Error)?.message ?? error);
  for (const [pattern, refusal] of rules) {
    const m = pattern.exec(message);
    if (m) return refusal(m, voice);
  }
  return { sentence: `The passport service refused the record: ${message}` };
}
