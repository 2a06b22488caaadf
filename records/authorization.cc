#include "records/authorization.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "ledger/hash.h"

namespace skp::records {
namespace {

namespace v1 = skillspassport::v1;
using Kind = v1::Record::KindCase;
using Role = v1::OrganisationRole;

// How a signer must relate to the record.
enum class Relation {
  kNone,              // any signer of the principal kind
  kSameOrganisation,  // signer organisation == subjects.organisation_id
  kSameProfessional,  // signer professional == subjects.professional_id
  kSamePassport,      // signer worker == subjects.passport_hex
  kRecordKey,         // the new key the record introduces
  kKeyOwnerOrItsOrganisation,  // KeyRevoked by the key's holder or its
                               // organisation
  kTargetIssuer,  // RecordStatusChanged by whoever signed the target
};

struct Rule {
  Principal principal;
  Relation relation;
  std::set<Role>
      any_role;  // organisations: must hold one of these (empty: any)
};

// A slot is filled by exactly one signature matching one of its rules. A kind
// needs every slot filled and accepts no other signatures.
using Slot = std::vector<Rule>;

const Rule kGovernance{Principal::kGovernance, Relation::kNone, {}};
Rule OwnOrganisation(std::set<Role> roles) {
  return {Principal::kOrganisation, Relation::kSameOrganisation,
          std::move(roles)};
}
const Rule kOwnProfessional{
    Principal::kProfessional, Relation::kSameProfessional, {}};
const Rule kOwnPassport{Principal::kWorker, Relation::kSamePassport, {}};
const Rule kRecordKey{Principal::kWorker, Relation::kRecordKey, {}};
const std::set<Role> kIdentityCheckers = {
    v1::ORGANISATION_ROLE_IDENTITY_CHECKER, v1::ORGANISATION_ROLE_EMPLOYER};

// THE authorisation table.
const std::map<Kind, std::vector<Slot>>& Table() {
  static const auto* table = new std::map<Kind, std::vector<Slot>>{
      {Kind::kOrganisationRegistered, {{kGovernance}}},
      {Kind::kOrganisationKeyAdded, {{kGovernance, OwnOrganisation({})}}},
      {Kind::kOrganisationRoleGranted, {{kGovernance}}},
      {Kind::kKeyRevoked,
       {{kGovernance,
         {Principal::kOrganisation, Relation::kKeyOwnerOrItsOrganisation, {}},
         {Principal::kProfessional, Relation::kKeyOwnerOrItsOrganisation, {}},
         {Principal::kWorker, Relation::kKeyOwnerOrItsOrganisation, {}}}}},
      {Kind::kProfessionalRegistered,
       {{OwnOrganisation({v1::ORGANISATION_ROLE_EMPLOYER})}}},
      {Kind::kPassportEnrolled,
       {{kRecordKey}, {OwnOrganisation(kIdentityCheckers)}}},
      {Kind::kPassportKeyRebound,
       {{kRecordKey}, {OwnOrganisation(kIdentityCheckers)}}},
      {Kind::kEmploymentStarted,
       {{OwnOrganisation({v1::ORGANISATION_ROLE_EMPLOYER})}}},
      {Kind::kEmploymentEnded,
       {{OwnOrganisation({v1::ORGANISATION_ROLE_EMPLOYER})}}},
      {Kind::kCredentialIssued,
       {{OwnOrganisation({v1::ORGANISATION_ROLE_TRAINING_PROVIDER,
                          v1::ORGANISATION_ROLE_EMPLOYER})}}},
      {Kind::kCareCertificateStandardMet,
       {{OwnOrganisation({v1::ORGANISATION_ROLE_EMPLOYER})}}},
      {Kind::kCompetencyAssessed, {{kOwnProfessional}}},
      {Kind::kActivityDelegated, {{kOwnProfessional}}},
      {Kind::kDelegationReviewed, {{kOwnProfessional}}},
      {Kind::kDelegationWithdrawn, {{kOwnProfessional}}},
      {Kind::kRecordStatusChanged,
       {{kGovernance,
         {Principal::kOrganisation, Relation::kTargetIssuer, {}},
         {Principal::kProfessional, Relation::kTargetIssuer, {}}}}},
      {Kind::kConsentGranted, {{kOwnPassport}}},
      {Kind::kConsentWithdrawn, {{kOwnPassport}}},
      {Kind::kDemandPlan,
       {{OwnOrganisation({v1::ORGANISATION_ROLE_WORKFORCE_PLANNER})}}},
  };
  return *table;
}

bool Matches(const Rule& rule, const SignerInfo& signer,
             const RecordSubjects& subjects) {
  if (rule.principal != signer.principal) return false;
  if (rule.relation == Relation::kRecordKey) return signer.is_record_key;
  if (signer.is_record_key) return false;
  if (!rule.any_role.empty()) {
    bool has_role = false;
    for (Role role : rule.any_role) has_role |= signer.roles.count(role) > 0;
    if (!has_role) return false;
  }
  switch (rule.relation) {
    case Relation::kNone:
      return true;
    case Relation::kSameOrganisation:
      return signer.owner == subjects.organisation_id;
    case Relation::kSameProfessional:
      return signer.owner == subjects.professional_id;
    case Relation::kSamePassport:
      return signer.owner == subjects.passport_hex;
    case Relation::kKeyOwnerOrItsOrganisation:
      return signer.owner == subjects.key_owner ||
             (signer.principal == Principal::kOrganisation &&
              signer.owner == subjects.key_owner_organisation);
    case Relation::kTargetIssuer:
      return !subjects.target_issuer.empty() &&
             signer.owner == subjects.target_issuer;
    case Relation::kRecordKey:
      return false;
  }
  return false;
}

// Fills slots with signers by backtracking (a kind has at most two slots).
bool Assign(const std::vector<Slot>& slots, size_t slot,
            std::vector<bool>& used, const std::vector<SignerInfo>& signers,
            const RecordSubjects& subjects) {
  if (slot == slots.size()) return true;
  for (size_t i = 0; i < signers.size(); ++i) {
    if (used[i]) continue;
    for (const Rule& rule : slots[slot]) {
      if (!Matches(rule, signers[i], subjects)) continue;
      used[i] = true;
      if (Assign(slots, slot + 1, used, signers, subjects)) return true;
      used[i] = false;
    }
  }
  return false;
}

std::string Describe(const SignerInfo& signer) {
  switch (signer.principal) {
    case Principal::kGovernance:
      return "a governance key";
    case Principal::kOrganisation:
      return absl::StrCat("organisation ", signer.owner);
    case Principal::kProfessional:
      return absl::StrCat("professional ", signer.owner);
    case Principal::kWorker:
      return signer.is_record_key ? "the record's new key"
                                  : "a worker's passport key";
  }
  return "unknown";
}

}  // namespace

std::string KindName(Kind kind) {
  const google::protobuf::FieldDescriptor* field =
      v1::Record::descriptor()->FindFieldByNumber(static_cast<int>(kind));
  return field ? field->name() : "no record kind";
}

std::string PassportIdOf(absl::string_view public_key) {
  return std::string(ledger::AsBytes(ledger::Sha256(public_key)).substr(0, 16));
}

std::optional<std::string> PassportOf(const v1::Record& r) {
  switch (r.kind_case()) {
    case Kind::kPassportEnrolled:
      return PassportIdOf(r.passport_enrolled().public_key());
    case Kind::kPassportKeyRebound:
      return r.passport_key_rebound().passport_id();
    case Kind::kEmploymentStarted:
      return r.employment_started().passport_id();
    case Kind::kEmploymentEnded:
      return r.employment_ended().passport_id();
    case Kind::kCredentialIssued:
      return r.credential_issued().passport_id();
    case Kind::kCareCertificateStandardMet:
      return r.care_certificate_standard_met().passport_id();
    case Kind::kCompetencyAssessed:
      return r.competency_assessed().passport_id();
    case Kind::kActivityDelegated:
      return r.activity_delegated().passport_id();
    case Kind::kConsentGranted:
      return r.consent_granted().passport_id();
    case Kind::kConsentWithdrawn:
      return r.consent_withdrawn().passport_id();
    default:
      return std::nullopt;
  }
}

RecordSubjects SubjectsOf(const v1::Record& record) {
  RecordSubjects s;
  auto passport = [](const std::string& id) { return ledger::HexEncode(id); };
  switch (record.kind_case()) {
    case Kind::kOrganisationRegistered:
      s.organisation_id = record.organisation_registered().organisation_id();
      break;
    case Kind::kOrganisationKeyAdded:
      s.organisation_id = record.organisation_key_added().organisation_id();
      break;
    case Kind::kOrganisationRoleGranted:
      s.organisation_id = record.organisation_role_granted().organisation_id();
      break;
    case Kind::kProfessionalRegistered:
      s.organisation_id = record.professional_registered().organisation_id();
      s.professional_id = record.professional_registered().professional_id();
      break;
    case Kind::kPassportEnrolled:
      s.organisation_id = record.passport_enrolled().organisation_id();
      break;
    case Kind::kPassportKeyRebound:
      s.organisation_id = record.passport_key_rebound().organisation_id();
      s.passport_hex = passport(record.passport_key_rebound().passport_id());
      break;
    case Kind::kEmploymentStarted:
      s.organisation_id = record.employment_started().organisation_id();
      s.passport_hex = passport(record.employment_started().passport_id());
      break;
    case Kind::kEmploymentEnded:
      s.organisation_id = record.employment_ended().organisation_id();
      s.passport_hex = passport(record.employment_ended().passport_id());
      break;
    case Kind::kCredentialIssued:
      s.organisation_id = record.credential_issued().organisation_id();
      s.passport_hex = passport(record.credential_issued().passport_id());
      break;
    case Kind::kCareCertificateStandardMet:
      s.organisation_id =
          record.care_certificate_standard_met().organisation_id();
      s.passport_hex =
          passport(record.care_certificate_standard_met().passport_id());
      break;
    case Kind::kCompetencyAssessed:
      s.professional_id = record.competency_assessed().professional_id();
      s.passport_hex = passport(record.competency_assessed().passport_id());
      break;
    case Kind::kActivityDelegated:
      s.professional_id = record.activity_delegated().professional_id();
      s.passport_hex = passport(record.activity_delegated().passport_id());
      break;
    case Kind::kDelegationReviewed:
      s.professional_id = record.delegation_reviewed().professional_id();
      break;
    case Kind::kDelegationWithdrawn:
      s.professional_id = record.delegation_withdrawn().professional_id();
      break;
    case Kind::kConsentGranted:
      s.passport_hex = passport(record.consent_granted().passport_id());
      break;
    case Kind::kConsentWithdrawn:
      s.passport_hex = passport(record.consent_withdrawn().passport_id());
      break;
    case Kind::kDemandPlan:
      s.organisation_id = record.demand_plan().organisation_id();
      break;
    case Kind::kKeyRevoked:
    case Kind::kRecordStatusChanged:
    case Kind::KIND_NOT_SET:
      break;  // their subjects come from registry state (see TrustRegistry)
  }
  return s;
}

absl::Status Authorize(const v1::Record& record,
                       const std::vector<SignerInfo>& signers,
                       const RecordSubjects& subjects) {
  auto it = Table().find(record.kind_case());
  if (it == Table().end()) {
    return absl::InvalidArgumentError("the record has no kind");
  }
  const std::vector<Slot>& slots = it->second;
  std::string kind = KindName(record.kind_case());
  if (signers.size() != slots.size()) {
    return absl::PermissionDeniedError(
        absl::StrCat(kind, " needs ", slots.size(),
                     " signature(s), the entry has ", signers.size()));
  }
  std::vector<bool> used(signers.size(), false);
  if (Assign(slots, 0, used, signers, subjects)) return absl::OkStatus();
  std::string who;
  for (const SignerInfo& s : signers)
    absl::StrAppend(&who, who.empty() ? "" : " and ", Describe(s));
  return absl::PermissionDeniedError(absl::StrCat(who, " may not sign ", kind));
}

}  // namespace skp::records
