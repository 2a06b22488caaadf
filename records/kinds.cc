#include "records/kinds.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ledger/dependency.h"
#include "ledger/hash.h"
#include "ledger/status_macros.h"
#include "records/authorization.h"
#include "records/record_checks.h"

namespace skp::records {
namespace {

namespace v1 = skillspassport::v1;
using Kind = v1::Record::KindCase;
using Role = v1::OrganisationRole;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Builds "<kind>.<field>: <problem>" errors for one record.
class Checker {
 public:
  Checker(std::string kind, const reference::ReferenceData& reference)
      : kind_(std::move(kind)), reference_(reference) {}

  absl::Status Fail(absl::string_view field, absl::string_view problem) const {
    return absl::InvalidArgumentError(
        absl::StrCat(kind_, ".", field, ": ", problem));
  }
  absl::Status Required(absl::string_view field,
                        const std::string& value) const {
    if (value.empty()) return Fail(field, "is required");
    return absl::OkStatus();
  }
  absl::Status Bytes(absl::string_view field, const std::string& value,
                     size_t size) const {
    if (value.size() != size) {
      return Fail(field,
                  absl::StrCat("must be ", size, " bytes, got ", value.size()));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<absl::CivilDay> Day(absl::string_view field,
                                     const v1::Date& date) const {
    absl::StatusOr<absl::CivilDay> day = CheckedDay(field, date);
    if (!day.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(kind_, ".", day.status().message()));
    }
    return day;
  }
  absl::Status NotBefore(absl::string_view later_field, absl::CivilDay later,
                         absl::string_view earlier_field,
                         absl::CivilDay earlier) const {
    if (later < earlier) {
      return Fail(later_field, absl::StrCat("is before ", earlier_field));
    }
    return absl::OkStatus();
  }
  absl::Status Reference(absl::string_view field,
                         const absl::Status& status) const {
    if (!status.ok()) return Fail(field, status.message());
    return absl::OkStatus();
  }
  const reference::ReferenceData& reference() const { return reference_; }

 private:
  std::string kind_;
  const reference::ReferenceData& reference_;
};

// Every string or bytes field, at any depth, within kMaxFieldBytes.
absl::Status CheckSizes(const Message& message, const Checker& check) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->type() == FieldDescriptor::TYPE_STRING ||
        field->type() == FieldDescriptor::TYPE_BYTES) {
      if (field->is_repeated()) continue;  // records have no repeated strings
      size_t size = reflection->GetString(message, field).size();
      if (size > kMaxFieldBytes) {
        return check.Fail(
            field->name(),
            absl::StrCat("is ", size, " bytes; the limit is ", kMaxFieldBytes));
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE &&
               !field->is_repeated()) {
      SKP_RETURN_IF_ERROR(
          CheckSizes(reflection->GetMessage(message, field), check));
    }
  }
  return absl::OkStatus();
}

// "<REGULATOR>:<registration number>", e.g. "NMC:12A3456B".
absl::Status CheckProfessionalId(const Checker& check, absl::string_view field,
                                 const std::string& id, v1::Regulator regulator,
                                 const std::string& number) {
  if (regulator == v1::REGULATOR_UNSPECIFIED)
    return check.Fail("regulator", "is required");
  // An open enum: a number this build does not know has no name.
  if (!v1::Regulator_IsValid(regulator)) {
    return check.Fail("regulator",
                      absl::StrCat("is ", static_cast<int>(regulator),
                                   ", not a known regulator"));
  }
  SKP_RETURN_IF_ERROR(check.Required("registration_number", number));
  std::string regulator_name =
      v1::Regulator_Name(regulator).substr(strlen("REGULATOR_"));
  if (id != absl::StrCat(regulator_name, ":", number)) {
    return check.Fail(field,
                      absl::StrCat("must be ", regulator_name, ":", number));
  }
  return absl::OkStatus();
}

absl::Status CheckOrganisationId(const Checker& check, const std::string& id,
                                 v1::IdScheme scheme) {
  const char* prefix = scheme == v1::ID_SCHEME_ODS   ? "ODS:"
                       : scheme == v1::ID_SCHEME_CQC ? "CQC:"
                                                     : nullptr;
  if (prefix == nullptr) return check.Fail("id_scheme", "is required");
  if (!absl::StartsWith(id, prefix) || id.size() == strlen(prefix)) {
    return check.Fail("organisation_id",
                      absl::StrCat("must be ", prefix, "<code>"));
  }
  return absl::OkStatus();
}

absl::CivilDay DayOfIssue(int64_t issued_at) {
  return absl::ToCivilDay(absl::FromUnixSeconds(issued_at),
                          absl::UTCTimeZone());
}

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

// Everything a record kind means, in one place (DESIGN.md section 4).
struct KindRule {
  Kind kind;
  // Who may sign: every slot filled by exactly one signature matching one of
  // its rules, and no other signatures.
  std::vector<Slot> signers;
  // The parties and passport the record is about (KeyRevoked and
  // RecordStatusChanged take theirs from registry state: TrustRegistry).
  RecordSubjects (*subjects)(const v1::Record& record);
  // Stateless content checks; "<kind>.<field>: <problem>" errors.
  absl::Status (*check)(const v1::Record& record, const Checker& check);
  // What it changes in the trust registry; nullptr: nothing.
  RegistryEffect (*effect)(const v1::Record& record);
};

// THE table of record kinds.
const std::vector<KindRule>& Kinds() {
  static const auto* kinds = new std::vector<KindRule>{
      {Kind::kOrganisationRegistered,
       /*signers=*/{{kGovernance}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.organisation_id = record.organisation_registered().organisation_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.organisation_registered();
         SKP_RETURN_IF_ERROR(
             CheckOrganisationId(check, r.organisation_id(), r.id_scheme()));
         SKP_RETURN_IF_ERROR(check.Required("name", r.name()));
         if (r.sector() == v1::SECTOR_UNSPECIFIED)
           return check.Fail("sector", "is required");
         SKP_RETURN_IF_ERROR(check.Reference(
             "icb_code", check.reference().CheckIcb(
                             r.icb_code(), DayOfIssue(record.issued_at()))));
         SKP_RETURN_IF_ERROR(check.Required("place", r.place()));
         for (int role : r.roles()) {
           if (role == v1::ORGANISATION_ROLE_UNSPECIFIED)
             return check.Fail("roles", "has an unspecified role");
         }
         return check.Bytes("public_key", r.public_key(), 32);
       },
       /*effect=*/
       [](const v1::Record& record) {
         const auto& r = record.organisation_registered();
         RegistryEffect e;
         e.organisation_id = r.organisation_id();
         e.organisation = RegistryEffect::kRegisters;
         for (int role : r.roles()) e.roles.insert(static_cast<Role>(role));
         e.icb_code = r.icb_code();
         e.organisation_name = r.name();
         e.new_public_key = r.public_key();
         e.new_key_signer = {Principal::kOrganisation, r.organisation_id()};
         return e;
       }},
      {Kind::kOrganisationKeyAdded,
       /*signers=*/{{kGovernance, OwnOrganisation({})}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.organisation_id = record.organisation_key_added().organisation_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.organisation_key_added();
         SKP_RETURN_IF_ERROR(
             check.Required("organisation_id", r.organisation_id()));
         return check.Bytes("public_key", r.public_key(), 32);
       },
       /*effect=*/
       [](const v1::Record& record) {
         const auto& r = record.organisation_key_added();
         RegistryEffect e;
         e.organisation_id = r.organisation_id();
         e.organisation = RegistryEffect::kMustExist;
         e.new_public_key = r.public_key();
         e.new_key_signer = {Principal::kOrganisation, r.organisation_id()};
         return e;
       }},
      {Kind::kOrganisationRoleGranted,
       /*signers=*/{{kGovernance}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.organisation_id =
             record.organisation_role_granted().organisation_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.organisation_role_granted();
         SKP_RETURN_IF_ERROR(
             check.Required("organisation_id", r.organisation_id()));
         if (r.role() == v1::ORGANISATION_ROLE_UNSPECIFIED)
           return check.Fail("role", "is required");
         return absl::OkStatus();
       },
       /*effect=*/
       [](const v1::Record& record) {
         const auto& r = record.organisation_role_granted();
         RegistryEffect e;
         e.organisation_id = r.organisation_id();
         e.organisation = RegistryEffect::kMustExist;
         e.roles = {r.role()};
         return e;
       }},
      {Kind::kKeyRevoked,
       /*signers=*/
       {{kGovernance,
         {Principal::kOrganisation, Relation::kKeyOwnerOrItsOrganisation, {}},
         {Principal::kProfessional, Relation::kKeyOwnerOrItsOrganisation, {}},
         {Principal::kWorker, Relation::kKeyOwnerOrItsOrganisation, {}}}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;

         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.key_revoked();
         SKP_RETURN_IF_ERROR(check.Bytes("key_id", r.key_id(), 32));
         if (r.effective_at() <= 0)
           return check.Fail("effective_at", "is required");
         return check.Required("reason", r.reason());
       },
       /*effect=*/
       [](const v1::Record& record) {
         RegistryEffect e;
         e.revoked_key_id = record.key_revoked().key_id();
         e.revoked_from = record.key_revoked().effective_at();
         return e;
       }},
      {Kind::kProfessionalRegistered,
       /*signers=*/{{OwnOrganisation({v1::ORGANISATION_ROLE_EMPLOYER})}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.organisation_id = record.professional_registered().organisation_id();
         s.professional_id = record.professional_registered().professional_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.professional_registered();
         SKP_RETURN_IF_ERROR(
             CheckProfessionalId(check, "professional_id", r.professional_id(),
                                 r.regulator(), r.registration_number()));
         SKP_RETURN_IF_ERROR(check.Required("profession", r.profession()));
         SKP_RETURN_IF_ERROR(
             check.Required("organisation_id", r.organisation_id()));
         return check.Bytes("public_key", r.public_key(), 32);
       },
       /*effect=*/
       [](const v1::Record& record) {
         const auto& r = record.professional_registered();
         RegistryEffect e;
         e.professional_id = r.professional_id();
         e.organisation_id = r.organisation_id();
         e.new_public_key = r.public_key();
         e.new_key_signer = {Principal::kProfessional,
                             r.professional_id(),
                             {},
                             r.organisation_id()};
         return e;
       }},
      {Kind::kPassportEnrolled,
       /*signers=*/{{kRecordKey}, {OwnOrganisation(kIdentityCheckers)}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.organisation_id = record.passport_enrolled().organisation_id();
         s.passport_id = PassportIdOf(record.passport_enrolled().public_key());
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.passport_enrolled();
         SKP_RETURN_IF_ERROR(check.Bytes("public_key", r.public_key(), 32));
         SKP_RETURN_IF_ERROR(
             check.Bytes("identity_commitment", r.identity_commitment(), 32));
         return check.Required("organisation_id", r.organisation_id());
       },
       /*effect=*/
       [](const v1::Record& record) {
         const auto& r = record.passport_enrolled();
         RegistryEffect e;
         e.enrolled_passport = PassportIdOf(r.public_key());
         e.new_public_key = r.public_key();
         e.new_key_signer = {Principal::kWorker,
                             ledger::HexEncode(e.enrolled_passport)};
         return e;
       }},
      {Kind::kPassportKeyRebound,
       /*signers=*/{{kRecordKey}, {OwnOrganisation(kIdentityCheckers)}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.organisation_id = record.passport_key_rebound().organisation_id();
         s.passport_id = record.passport_key_rebound().passport_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.passport_key_rebound();
         SKP_RETURN_IF_ERROR(check.Bytes("passport_id", r.passport_id(), 16));
         SKP_RETURN_IF_ERROR(
             check.Bytes("new_public_key", r.new_public_key(), 32));
         SKP_RETURN_IF_ERROR(
             check.Required("organisation_id", r.organisation_id()));
         return check.Required("reason", r.reason());
       },
       /*effect=*/
       [](const v1::Record& record) {
         const auto& r = record.passport_key_rebound();
         RegistryEffect e;
         e.rebound_passport = r.passport_id();
         e.new_public_key = r.new_public_key();
         e.new_key_signer = {Principal::kWorker,
                             ledger::HexEncode(r.passport_id())};
         return e;
       }},
      {Kind::kEmploymentStarted,
       /*signers=*/{{OwnOrganisation({v1::ORGANISATION_ROLE_EMPLOYER})}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.organisation_id = record.employment_started().organisation_id();
         s.passport_id = record.employment_started().passport_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.employment_started();
         SKP_RETURN_IF_ERROR(check.Bytes("passport_id", r.passport_id(), 16));
         SKP_RETURN_IF_ERROR(
             check.Required("organisation_id", r.organisation_id()));
         SKP_RETURN_IF_ERROR(
             check.Required("employment_id", r.employment_id()));
         if (r.role_case() == v1::EmploymentStarted::kAscwdsJobRole) {
           SKP_RETURN_IF_ERROR(check.Reference(
               "ascwds_job_role",
               check.reference().CheckJobRole(r.ascwds_job_role())));
         } else if (r.role_case() == v1::EmploymentStarted::kNhsRoleCode) {
           SKP_RETURN_IF_ERROR(
               check.Required("nhs_role_code", r.nhs_role_code()));
         } else {
           return check.Fail("role", "is required");
         }
         if (r.sector() == v1::SECTOR_UNSPECIFIED)
           return check.Fail("sector", "is required");
         SKP_ASSIGN_OR_RETURN(absl::CivilDay start,
                              check.Day("start_date", r.start_date()));
         SKP_RETURN_IF_ERROR(check.Reference(
             "icb_code", check.reference().CheckIcb(r.icb_code(), start)));
         SKP_RETURN_IF_ERROR(check.Required("place", r.place()));
         if (r.fte_thousandths() < 1 || r.fte_thousandths() > 1000) {
           return check.Fail("fte_thousandths", "must be 1 to 1000");
         }
         if (r.care_workforce_pathway_category() != 0) {
           SKP_RETURN_IF_ERROR(
               check.Reference("care_workforce_pathway_category",
                               check.reference().CheckPathwayCategory(
                                   r.care_workforce_pathway_category())));
         }
         return absl::OkStatus();
       },
       /*effect=*/nullptr},
      {Kind::kEmploymentEnded,
       /*signers=*/{{OwnOrganisation({v1::ORGANISATION_ROLE_EMPLOYER})}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.organisation_id = record.employment_ended().organisation_id();
         s.passport_id = record.employment_ended().passport_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.employment_ended();
         SKP_RETURN_IF_ERROR(check.Bytes("passport_id", r.passport_id(), 16));
         SKP_RETURN_IF_ERROR(
             check.Required("organisation_id", r.organisation_id()));
         SKP_RETURN_IF_ERROR(
             check.Required("employment_id", r.employment_id()));
         return check.Day("end_date", r.end_date()).status();
       },
       /*effect=*/nullptr},
      {Kind::kCredentialIssued,
       /*signers=*/
       {{OwnOrganisation({v1::ORGANISATION_ROLE_TRAINING_PROVIDER,
                          v1::ORGANISATION_ROLE_EMPLOYER})}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.organisation_id = record.credential_issued().organisation_id();
         s.passport_id = record.credential_issued().passport_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.credential_issued();
         SKP_RETURN_IF_ERROR(check.Bytes("passport_id", r.passport_id(), 16));
         SKP_RETURN_IF_ERROR(
             check.Required("organisation_id", r.organisation_id()));
         if (r.kind() == v1::CREDENTIAL_KIND_UNSPECIFIED)
           return check.Fail("kind", "is required");
         switch (r.subject_case()) {
           case v1::CredentialIssued::kAscwdsTrainingCategory:
             SKP_RETURN_IF_ERROR(
                 check.Reference("ascwds_training_category",
                                 check.reference().CheckTrainingCategory(
                                     r.ascwds_training_category())));
             break;
           case v1::CredentialIssued::kCstfSubject:
             SKP_RETURN_IF_ERROR(
                 check.Required("cstf_subject", r.cstf_subject()));
             break;
           case v1::CredentialIssued::kQualification:
             SKP_RETURN_IF_ERROR(
                 check.Required("qualification", r.qualification()));
             break;
           default:
             return check.Fail("subject", "is required");
         }
         SKP_ASSIGN_OR_RETURN(absl::CivilDay awarded,
                              check.Day("awarded", r.awarded()));
         if (r.has_valid_until()) {
           SKP_ASSIGN_OR_RETURN(absl::CivilDay until,
                                check.Day("valid_until", r.valid_until()));
           SKP_RETURN_IF_ERROR(
               check.NotBefore("valid_until", until, "awarded", awarded));
         }
         if (!r.evidence_digest().empty()) {
           SKP_RETURN_IF_ERROR(
               check.Bytes("evidence_digest", r.evidence_digest(), 32));
         }
         return absl::OkStatus();
       },
       /*effect=*/nullptr},
      {Kind::kCareCertificateStandardMet,
       /*signers=*/{{OwnOrganisation({v1::ORGANISATION_ROLE_EMPLOYER})}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.organisation_id =
             record.care_certificate_standard_met().organisation_id();
         s.passport_id = record.care_certificate_standard_met().passport_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.care_certificate_standard_met();
         SKP_RETURN_IF_ERROR(check.Bytes("passport_id", r.passport_id(), 16));
         SKP_RETURN_IF_ERROR(
             check.Required("organisation_id", r.organisation_id()));
         SKP_RETURN_IF_ERROR(check.Reference(
             "standard", check.reference().CheckCareCertificateStandard(
                             r.version(), r.standard())));
         SKP_RETURN_IF_ERROR(check.Required("assessor", r.assessor()));
         SKP_RETURN_IF_ERROR(check.Required("method", r.method()));
         return check.Day("met_on", r.met_on()).status();
       },
       /*effect=*/nullptr},
      {Kind::kCompetencyAssessed,
       /*signers=*/{{kOwnProfessional}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.professional_id = record.competency_assessed().professional_id();
         s.passport_id = record.competency_assessed().passport_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.competency_assessed();
         SKP_RETURN_IF_ERROR(check.Bytes("passport_id", r.passport_id(), 16));
         SKP_RETURN_IF_ERROR(
             check.Required("professional_id", r.professional_id()));
         SKP_RETURN_IF_ERROR(check.Reference(
             "activity_category",
             check.reference().CheckDelegatedActivity(r.activity_category())));
         SKP_RETURN_IF_ERROR(check.Required("procedure", r.procedure()));
         SKP_ASSIGN_OR_RETURN(absl::CivilDay assessed,
                              check.Day("assessed_on", r.assessed_on()));
         SKP_ASSIGN_OR_RETURN(absl::CivilDay reassess,
                              check.Day("reassess_by", r.reassess_by()));
         return check.NotBefore("reassess_by", reassess, "assessed_on",
                                assessed);
       },
       /*effect=*/nullptr},
      {Kind::kActivityDelegated,
       /*signers=*/{{kOwnProfessional}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.professional_id = record.activity_delegated().professional_id();
         s.passport_id = record.activity_delegated().passport_id();
         s.delegation_id = record.activity_delegated().delegation_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.activity_delegated();
         SKP_RETURN_IF_ERROR(
             check.Required("delegation_id", r.delegation_id()));
         SKP_RETURN_IF_ERROR(check.Bytes("passport_id", r.passport_id(), 16));
         SKP_RETURN_IF_ERROR(
             CheckProfessionalId(check, "professional_id", r.professional_id(),
                                 r.regulator(), r.registration_number()));
         SKP_RETURN_IF_ERROR(check.Required("profession", r.profession()));
         SKP_RETURN_IF_ERROR(check.Reference(
             "activity_category",
             check.reference().CheckDelegatedActivity(r.activity_category())));
         SKP_RETURN_IF_ERROR(check.Required("procedure", r.procedure()));
         SKP_RETURN_IF_ERROR(
             check.Required("person_reference", r.person_reference()));
         SKP_RETURN_IF_ERROR(check.Required("setting", r.setting()));
         SKP_RETURN_IF_ERROR(
             check.Required("supervision_contact", r.supervision_contact()));
         SKP_RETURN_IF_ERROR(
             check.Bytes("competency_record", r.competency_record(), 32));
         SKP_ASSIGN_OR_RETURN(absl::CivilDay delegated,
                              check.Day("delegated_on", r.delegated_on()));
         SKP_ASSIGN_OR_RETURN(absl::CivilDay review,
                              check.Day("review_by", r.review_by()));
         return check.NotBefore("review_by", review, "delegated_on", delegated);
       },
       /*effect=*/nullptr},
      {Kind::kDelegationReviewed,
       /*signers=*/{{kOwnProfessional}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.professional_id = record.delegation_reviewed().professional_id();
         s.delegation_id = record.delegation_reviewed().delegation_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.delegation_reviewed();
         SKP_RETURN_IF_ERROR(
             check.Required("delegation_id", r.delegation_id()));
         SKP_RETURN_IF_ERROR(
             check.Required("professional_id", r.professional_id()));
         SKP_ASSIGN_OR_RETURN(absl::CivilDay reviewed,
                              check.Day("reviewed_on", r.reviewed_on()));
         SKP_ASSIGN_OR_RETURN(absl::CivilDay review,
                              check.Day("review_by", r.review_by()));
         return check.NotBefore("review_by", review, "reviewed_on", reviewed);
       },
       /*effect=*/nullptr},
      {Kind::kDelegationWithdrawn,
       /*signers=*/{{kOwnProfessional}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.professional_id = record.delegation_withdrawn().professional_id();
         s.delegation_id = record.delegation_withdrawn().delegation_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.delegation_withdrawn();
         SKP_RETURN_IF_ERROR(
             check.Required("delegation_id", r.delegation_id()));
         SKP_RETURN_IF_ERROR(
             check.Required("professional_id", r.professional_id()));
         if (r.reason() == v1::REVOCATION_REASON_UNSPECIFIED)
           return check.Fail("reason", "is required");
         return check.Day("withdrawn_on", r.withdrawn_on()).status();
       },
       /*effect=*/nullptr},
      {Kind::kRecordStatusChanged,
       /*signers=*/
       {{kGovernance,
         {Principal::kOrganisation, Relation::kTargetIssuer, {}},
         {Principal::kProfessional, Relation::kTargetIssuer, {}}}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;

         s.target_record = record.record_status_changed().target_record();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.record_status_changed();
         SKP_RETURN_IF_ERROR(
             check.Bytes("target_record", r.target_record(), 32));
         if (r.change() == v1::STATUS_CHANGE_UNSPECIFIED)
           return check.Fail("change", "is required");
         if (r.change() != v1::STATUS_CHANGE_REINSTATED &&
             r.reason() == v1::REVOCATION_REASON_UNSPECIFIED) {
           return check.Fail("reason", "is required to revoke or suspend");
         }
         return absl::OkStatus();
       },
       /*effect=*/nullptr},
      {Kind::kConsentGranted,
       /*signers=*/{{kOwnPassport}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.passport_id = record.consent_granted().passport_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.consent_granted();
         SKP_RETURN_IF_ERROR(check.Required("consent_id", r.consent_id()));
         SKP_RETURN_IF_ERROR(check.Bytes("passport_id", r.passport_id(), 16));
         SKP_RETURN_IF_ERROR(check.Required("grantee_organisation_id",
                                            r.grantee_organisation_id()));
         SKP_RETURN_IF_ERROR(check.Required("scope", r.scope()));
         if (r.expires_at() <= record.issued_at()) {
           return check.Fail("expires_at", "must be after issued_at");
         }
         return absl::OkStatus();
       },
       /*effect=*/nullptr},
      {Kind::kConsentWithdrawn,
       /*signers=*/{{kOwnPassport}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.passport_id = record.consent_withdrawn().passport_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.consent_withdrawn();
         SKP_RETURN_IF_ERROR(check.Required("consent_id", r.consent_id()));
         return check.Bytes("passport_id", r.passport_id(), 16);
       },
       /*effect=*/nullptr},
      {Kind::kDemandPlan,
       /*signers=*/
       {{OwnOrganisation({v1::ORGANISATION_ROLE_WORKFORCE_PLANNER})}},
       /*subjects=*/
       [](const v1::Record& record) {
         RecordSubjects s;
         s.organisation_id = record.demand_plan().organisation_id();
         return s;
       },
       /*check=*/
       [](const v1::Record& record, const Checker& check) -> absl::Status {
         const auto& r = record.demand_plan();
         SKP_RETURN_IF_ERROR(
             check.Required("organisation_id", r.organisation_id()));
         SKP_ASSIGN_OR_RETURN(absl::CivilDay start,
                              check.Day("period_start", r.period_start()));
         SKP_ASSIGN_OR_RETURN(absl::CivilDay end,
                              check.Day("period_end", r.period_end()));
         SKP_RETURN_IF_ERROR(
             check.NotBefore("period_end", end, "period_start", start));
         SKP_RETURN_IF_ERROR(check.Reference(
             "icb_code", check.reference().CheckIcb(r.icb_code(), start)));
         SKP_RETURN_IF_ERROR(check.Required("place", r.place()));
         if (r.need_case() == v1::DemandPlan::kAscwdsJobRole) {
           SKP_RETURN_IF_ERROR(check.Reference(
               "ascwds_job_role",
               check.reference().CheckJobRole(r.ascwds_job_role())));
         } else if (r.need_case() == v1::DemandPlan::kActivityCategory) {
           SKP_RETURN_IF_ERROR(check.Reference(
               "activity_category", check.reference().CheckDelegatedActivity(
                                        r.activity_category())));
         } else {
           return check.Fail("need", "is required");
         }
         if (r.required_fte_thousandths() <= 0) {
           return check.Fail("required_fte_thousandths", "must be positive");
         }
         return absl::OkStatus();
       },
       /*effect=*/nullptr},
  };
  return *kinds;
}

const KindRule* RuleFor(Kind kind) {
  for (const KindRule& rule : Kinds()) {
    if (rule.kind == kind) return &rule;
  }
  return nullptr;
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

RecordSubjects SubjectsOf(const v1::Record& record) {
  const KindRule* rule = RuleFor(record.kind_case());
  if (rule == nullptr) return {};
  RecordSubjects s = rule->subjects(record);
  if (!s.passport_id.empty()) s.passport_hex = ledger::HexEncode(s.passport_id);
  return s;
}

std::optional<std::string> PassportOf(const v1::Record& record) {
  RecordSubjects s = SubjectsOf(record);
  if (s.passport_id.empty()) return std::nullopt;
  return s.passport_id;
}

absl::Status Authorize(const v1::Record& record,
                       const std::vector<SignerInfo>& signers,
                       const RecordSubjects& subjects) {
  const KindRule* rule = RuleFor(record.kind_case());
  if (rule == nullptr) {
    return absl::InvalidArgumentError("the record has no kind");
  }
  const std::vector<Slot>& slots = rule->signers;
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
  // The role or registration that would allow it may be in a record this
  // node has not received yet.
  return ledger::AwaitingDependency(
      absl::PermissionDeniedError(absl::StrCat(who, " may not sign ", kind)));
}

bool ChangesRegistry(Kind kind) {
  const KindRule* rule = RuleFor(kind);
  return rule != nullptr && rule->effect != nullptr;
}

RegistryEffect EffectOf(const v1::Record& record) {
  const KindRule* rule = RuleFor(record.kind_case());
  if (rule == nullptr || rule->effect == nullptr) return {};
  return rule->effect(record);
}

v1::Date ToDate(absl::CivilDay day) {
  v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

absl::StatusOr<absl::CivilDay> CheckedDay(absl::string_view field,
                                          const v1::Date& date) {
  absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1900 || date.year() > 2200 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": is not a valid date (", date.year(), "-",
                     date.month(), "-", date.day(), ")"));
  }
  return day;
}

absl::Status CheckRecordContent(const v1::Record& record,
                                const reference::ReferenceData& reference) {
  Checker check(KindName(record.kind_case()), reference);
  if (record.issued_at() <= 0) {
    return absl::InvalidArgumentError("record.issued_at is required");
  }
  SKP_RETURN_IF_ERROR(CheckSizes(record, check));
  const KindRule* rule = RuleFor(record.kind_case());
  if (rule == nullptr) {
    return absl::InvalidArgumentError("the record has no kind");
  }
  return rule->check(record, check);
}

}  // namespace skp::records
