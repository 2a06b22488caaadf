#include "records/record_checks.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ledger/status_macros.h"
#include "records/authorization.h"

namespace skp::records {
namespace {

namespace v1 = skillspassport::v1;
using Kind = v1::Record::KindCase;
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

absl::Status CheckKind(const v1::Record& record, const Checker& check) {
  switch (record.kind_case()) {
    case Kind::kOrganisationRegistered: {
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
    }
    case Kind::kOrganisationKeyAdded: {
      const auto& r = record.organisation_key_added();
      SKP_RETURN_IF_ERROR(
          check.Required("organisation_id", r.organisation_id()));
      return check.Bytes("public_key", r.public_key(), 32);
    }
    case Kind::kOrganisationRoleGranted: {
      const auto& r = record.organisation_role_granted();
      SKP_RETURN_IF_ERROR(
          check.Required("organisation_id", r.organisation_id()));
      if (r.role() == v1::ORGANISATION_ROLE_UNSPECIFIED)
        return check.Fail("role", "is required");
      return absl::OkStatus();
    }
    case Kind::kKeyRevoked: {
      const auto& r = record.key_revoked();
      SKP_RETURN_IF_ERROR(check.Bytes("key_id", r.key_id(), 32));
      if (r.effective_at() <= 0)
        return check.Fail("effective_at", "is required");
      return check.Required("reason", r.reason());
    }
    case Kind::kProfessionalRegistered: {
      const auto& r = record.professional_registered();
      SKP_RETURN_IF_ERROR(
          CheckProfessionalId(check, "professional_id", r.professional_id(),
                              r.regulator(), r.registration_number()));
      SKP_RETURN_IF_ERROR(check.Required("profession", r.profession()));
      SKP_RETURN_IF_ERROR(
          check.Required("organisation_id", r.organisation_id()));
      return check.Bytes("public_key", r.public_key(), 32);
    }
    case Kind::kPassportEnrolled: {
      const auto& r = record.passport_enrolled();
      SKP_RETURN_IF_ERROR(check.Bytes("public_key", r.public_key(), 32));
      SKP_RETURN_IF_ERROR(
          check.Bytes("identity_commitment", r.identity_commitment(), 32));
      return check.Required("organisation_id", r.organisation_id());
    }
    case Kind::kPassportKeyRebound: {
      const auto& r = record.passport_key_rebound();
      SKP_RETURN_IF_ERROR(check.Bytes("passport_id", r.passport_id(), 16));
      SKP_RETURN_IF_ERROR(
          check.Bytes("new_public_key", r.new_public_key(), 32));
      SKP_RETURN_IF_ERROR(
          check.Required("organisation_id", r.organisation_id()));
      return check.Required("reason", r.reason());
    }
    case Kind::kEmploymentStarted: {
      const auto& r = record.employment_started();
      SKP_RETURN_IF_ERROR(check.Bytes("passport_id", r.passport_id(), 16));
      SKP_RETURN_IF_ERROR(
          check.Required("organisation_id", r.organisation_id()));
      SKP_RETURN_IF_ERROR(check.Required("employment_id", r.employment_id()));
      if (r.role_case() == v1::EmploymentStarted::kAscwdsJobRole) {
        SKP_RETURN_IF_ERROR(check.Reference(
            "ascwds_job_role",
            check.reference().CheckJobRole(r.ascwds_job_role())));
      } else if (r.role_case() == v1::EmploymentStarted::kNhsRoleCode) {
        SKP_RETURN_IF_ERROR(check.Required("nhs_role_code", r.nhs_role_code()));
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
      return absl::OkStatus();
    }
    case Kind::kEmploymentEnded: {
      const auto& r = record.employment_ended();
      SKP_RETURN_IF_ERROR(check.Bytes("passport_id", r.passport_id(), 16));
      SKP_RETURN_IF_ERROR(
          check.Required("organisation_id", r.organisation_id()));
      SKP_RETURN_IF_ERROR(check.Required("employment_id", r.employment_id()));
      return check.Day("end_date", r.end_date()).status();
    }
    case Kind::kCredentialIssued: {
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
          SKP_RETURN_IF_ERROR(check.Required("cstf_subject", r.cstf_subject()));
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
    }
    case Kind::kCareCertificateStandardMet: {
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
    }
    case Kind::kCompetencyAssessed: {
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
      return check.NotBefore("reassess_by", reassess, "assessed_on", assessed);
    }
    case Kind::kActivityDelegated: {
      const auto& r = record.activity_delegated();
      SKP_RETURN_IF_ERROR(check.Required("delegation_id", r.delegation_id()));
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
    }
    case Kind::kDelegationReviewed: {
      const auto& r = record.delegation_reviewed();
      SKP_RETURN_IF_ERROR(check.Required("delegation_id", r.delegation_id()));
      SKP_RETURN_IF_ERROR(
          check.Required("professional_id", r.professional_id()));
      SKP_ASSIGN_OR_RETURN(absl::CivilDay reviewed,
                           check.Day("reviewed_on", r.reviewed_on()));
      SKP_ASSIGN_OR_RETURN(absl::CivilDay review,
                           check.Day("review_by", r.review_by()));
      return check.NotBefore("review_by", review, "reviewed_on", reviewed);
    }
    case Kind::kDelegationWithdrawn: {
      const auto& r = record.delegation_withdrawn();
      SKP_RETURN_IF_ERROR(check.Required("delegation_id", r.delegation_id()));
      SKP_RETURN_IF_ERROR(
          check.Required("professional_id", r.professional_id()));
      if (r.reason() == v1::REVOCATION_REASON_UNSPECIFIED)
        return check.Fail("reason", "is required");
      return check.Day("withdrawn_on", r.withdrawn_on()).status();
    }
    case Kind::kRecordStatusChanged: {
      const auto& r = record.record_status_changed();
      SKP_RETURN_IF_ERROR(check.Bytes("target_record", r.target_record(), 32));
      if (r.change() == v1::STATUS_CHANGE_UNSPECIFIED)
        return check.Fail("change", "is required");
      if (r.change() != v1::STATUS_CHANGE_REINSTATED &&
          r.reason() == v1::REVOCATION_REASON_UNSPECIFIED) {
        return check.Fail("reason", "is required to revoke or suspend");
      }
      return absl::OkStatus();
    }
    case Kind::kConsentGranted: {
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
    }
    case Kind::kConsentWithdrawn: {
      const auto& r = record.consent_withdrawn();
      SKP_RETURN_IF_ERROR(check.Required("consent_id", r.consent_id()));
      return check.Bytes("passport_id", r.passport_id(), 16);
    }
    case Kind::kDemandPlan: {
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
            "activity_category",
            check.reference().CheckDelegatedActivity(r.activity_category())));
      } else {
        return check.Fail("need", "is required");
      }
      if (r.required_fte_thousandths() <= 0) {
        return check.Fail("required_fte_thousandths", "must be positive");
      }
      return absl::OkStatus();
    }
    case Kind::KIND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("the record has no kind");
}

}  // namespace

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
  return CheckKind(record, check);
}

}  // namespace skp::records
