// Records and verdicts in plain English, for employers (no ledger words).

import {
  CredentialKind, RevocationReason, RevocationReasonSchema, StatusChange, type Date as ProtoDate, type Record,
} from "../gen/skillspassport/v1/records_pb.js";
import { RecordVerdict, type Requirement } from "../gen/skillspassport/v1/passport_pb.js";
import { hex } from "../verify/bytes.js";
import { careCertificateStandard, delegatedActivity, jobRole, trainingCategory } from "./reference.js";

const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const timeFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric",
  hour: "2-digit", minute: "2-digit" });

export function day(d: ProtoDate | undefined): string {
  if (!d) return "an unknown date";
  const t = new Date(0);
  t.setUTCFullYear(d.year, d.month - 1, d.day);
  return Number.isNaN(t.getTime()) ? "an unknown date" : dateFormat.format(t);
}

export function moment(unixSeconds: bigint): string {
  const t = new Date(Number(unixSeconds) * 1000);
  return Number.isNaN(t.getTime()) ? "an unknown time" : timeFormat.format(t);
}

function named(map: Map<number, string>, id: number, what: string): string {
  return map.get(id) ?? `${what} ${id}`;
}

// "REVOCATION_REASON_ISSUED_IN_ERROR" reads "issued in error".
function reason(value: RevocationReason): string {
  const name = RevocationReasonSchema.value[value]?.name;
  return name ? name.replace("REVOCATION_REASON_", "").toLowerCase().replaceAll("_", " ") : "no reason given";
}

// One sentence saying what a record states, e.g. "Care Certificate (2025)
// standard 7, Privacy and dignity: met on 3 March 2026".
export function describe(record: Record): string {
  const { kind } = record;
  switch (kind.case) {
    case "passportEnrolled":
      return "Passport set up after an identity check";
    case "passportKeyRebound":
      return `Passport moved to a new device (${kind.value.reason || "no reason given"}) after a new identity check`;
    case "employmentStarted": {
      const e = kind.value;
      const role = e.role.case === "ascwdsJobRole" ? named(jobRole, e.role.value, "job role")
        : e.role.case === "nhsRoleCode" ? `NHS role ${e.role.value}` : "an unnamed role";
      const hours = e.fteThousandths === 1000 ? "full time" : `${e.fteThousandths / 1000} of full time`;
      return `Started work as ${role} at ${e.organisationId} on ${day(e.startDate)}, ${hours}`;
    }
    case "employmentEnded":
      return `Left ${kind.value.organisationId} on ${day(kind.value.endDate)}${kind.value.reason ? ` (${kind.value.reason})` : ""}`;
    case "credentialIssued": {
      const c = kind.value;
      const what = c.kind === CredentialKind.QUALIFICATION ? "Qualification" : c.kind === CredentialKind.SKILL ? "Skill" : "Training";
      const subject = c.subject.case === "ascwdsTrainingCategory" ? named(trainingCategory, c.subject.value, "category")
        : c.subject.case === "cstfSubject" ? `${c.subject.value} (NHS core skills)`
        : c.subject.case === "qualification" ? c.subject.value : "unnamed";
      const level = c.level ? ` at level ${c.level}` : "";
      const until = c.validUntil ? `, valid until ${day(c.validUntil)}` : "";
      return `${what}: ${subject}${level}, awarded on ${day(c.awarded)}${until}`;
    }
    case "careCertificateStandardMet": {
      const s = kind.value;
      const title = careCertificateStandard[s.version]?.get(s.standard);
      return `Care Certificate (${s.version}) standard ${s.standard}${title ? `, ${title}` : ""}: met on ${day(s.metOn)}`;
    }
    case "competencyAssessed": {
      const c = kind.value;
      return `${c.competent ? "Assessed as competent" : "Assessed as not yet competent"} in ${named(delegatedActivity, c.activityCategory, "activity")} (${c.procedure}) by ${c.professionalId} on ${day(c.assessedOn)}, to be reassessed by ${day(c.reassessBy)}`;
    }
    case "activityDelegated": {
      const d = kind.value;
      return `Trusted by ${d.profession || "a registered professional"} ${d.professionalId} to carry out ${named(delegatedActivity, d.activityCategory, "activity")} (${d.procedure}) from ${day(d.delegatedOn)}, to be reviewed by ${day(d.reviewBy)}${d.conditions ? `. Conditions: ${d.conditions}` : ""}`;
    }
    case "delegationReviewed":
      return `Delegated activity ${kind.value.delegationId} reviewed on ${day(kind.value.reviewedOn)}`;
    case "delegationWithdrawn":
      return `Delegated activity ${kind.value.delegationId} withdrawn on ${day(kind.value.withdrawnOn)} (${reason(kind.value.reason)})`;
    case "recordStatusChanged": {
      const c = kind.value;
      const change = c.change === StatusChange.REVOKED ? "revoked" : c.change === StatusChange.SUSPENDED ? "suspended" : "reinstated";
      return `Record ${hex(c.targetRecord).slice(0, 16)}… ${change}${c.change === StatusChange.REINSTATED ? "" : ` (${reason(c.reason)})`}`;
    }
    case "consentGranted":
      return `Permission for ${kind.value.granteeOrganisationId} to read this passport until ${moment(kind.value.expiresAt)}`;
    case "consentWithdrawn":
      return "Permission to read this passport withdrawn";
    case undefined:
      return "A record of an unknown kind";
    default:
      return "A record about an organisation or the passport service, not about this worker";
  }
}

// Why a record is revoked or suspended, or a delegation withdrawn: the choices of a form.
export const reasonOptions: [string, string][] = [
  [String(RevocationReason.ISSUED_IN_ERROR), "It was made in error"],
  [String(RevocationReason.COMPETENCE_CONCERN), "A concern about the worker's competence"],
  [String(RevocationReason.TRAINING_EXPIRY), "The training it relies on has expired"],
  [String(RevocationReason.LEAVING_ORGANISATION), "The worker has left the organisation"],
  [String(RevocationReason.CHANGE_IN_PERSONS_CONDITION), "The condition of the person cared for has changed"],
  [String(RevocationReason.NO_LONGER_VALID), "It is no longer valid for another reason"]];

// One item of a role's checklist.
export function requirement(item: Requirement["item"] | undefined): string {
  switch (item?.case) {
    case "careCertificateVersion":
      return `The Care Certificate (${item.value}), every standard met`;
    case "ascwdsTrainingCategory":
      return `Training: ${named(trainingCategory, item.value, "category")}, in date`;
    case "cstfSubject":
      return `NHS core skills: ${item.value}, in date`;
    case "qualification":
      return `Qualification: ${item.value}`;
    case "competencyActivity":
      return `Assessed as competent in ${named(delegatedActivity, item.value, "activity").toLowerCase()}`;
    default:
      return "An item this page cannot read";
  }
}

export const verdictWords: { [v: number]: { tag: string; colour: string } } = {
  [RecordVerdict.VALID]: { tag: "Valid", colour: "green" },
  [RecordVerdict.EXPIRED]: { tag: "Expired", colour: "orange" },
  [RecordVerdict.REVOKED]: { tag: "Revoked", colour: "red" },
  [RecordVerdict.SUSPENDED]: { tag: "Suspended", colour: "yellow" },
  [RecordVerdict.UNKNOWN_ISSUER]: { tag: "Unknown issuer", colour: "red" },
  [RecordVerdict.NOT_IN_LOG]: { tag: "Not on the public record", colour: "red" },
  [RecordVerdict.TAMPERED]: { tag: "Changed or not genuine", colour: "red" },
};
