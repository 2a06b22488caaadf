// The authorisation table, row by row: for every record kind, who may sign
// it and who may not.
#include "records/authorization.h"

#include "gtest/gtest.h"
#include "ledger/hash.h"

namespace skp::records {
namespace {

namespace v1 = skillspassport::v1;

const std::string kPassport(16, '\x07');
const std::string kPassportHex = ledger::HexEncode(kPassport);

SignerInfo Governance() {
  return {Principal::kGovernance, "governance", {}, "", false};
}
SignerInfo Org(std::string id, std::set<v1::OrganisationRole> roles) {
  return {Principal::kOrganisation, std::move(id), std::move(roles), "", false};
}
SignerInfo Employer() {
  return Org("ODS:RX1", {v1::ORGANISATION_ROLE_EMPLOYER});
}
SignerInfo OtherEmployer() {
  return Org("CQC:1-999", {v1::ORGANISATION_ROLE_EMPLOYER});
}
SignerInfo Trainer() {
  return Org("ODS:RX1", {v1::ORGANISATION_ROLE_TRAINING_PROVIDER});
}
SignerInfo Planner() {
  return Org("ODS:RX1", {v1::ORGANISATION_ROLE_WORKFORCE_PLANNER});
}
SignerInfo Checker() {
  return Org("ODS:RX1", {v1::ORGANISATION_ROLE_IDENTITY_CHECKER});
}
SignerInfo Nurse() {
  return {Principal::kProfessional, "NMC:12A", {}, "ODS:RX1", false};
}
SignerInfo OtherNurse() {
  return {Principal::kProfessional, "NMC:99Z", {}, "ODS:RX1", false};
}
SignerInfo Worker() {
  return {Principal::kWorker, kPassportHex, {}, "", false};
}
SignerInfo OtherWorker() {
  return {Principal::kWorker, std::string(32, 'f'), {}, "", false};
}
SignerInfo NewKey() { return {Principal::kWorker, "", {}, "", true}; }

// A record of each kind about organisation ODS:RX1, professional NMC:12A and
// passport kPassport.
v1::Record Make(v1::Record::KindCase kind) {
  v1::Record r;
  switch (kind) {
    case v1::Record::kOrganisationRegistered:
      r.mutable_organisation_registered()->set_organisation_id("ODS:RX1");
      break;
    case v1::Record::kOrganisationKeyAdded:
      r.mutable_organisation_key_added()->set_organisation_id("ODS:RX1");
      break;
    case v1::Record::kOrganisationRoleGranted:
      r.mutable_organisation_role_granted()->set_organisation_id("ODS:RX1");
      break;
    case v1::Record::kKeyRevoked:
      r.mutable_key_revoked()->set_key_id("k");
      break;
    case v1::Record::kProfessionalRegistered:
      r.mutable_professional_registered()->set_organisation_id("ODS:RX1");
      r.mutable_professional_registered()->set_professional_id("NMC:12A");
      break;
    case v1::Record::kPassportEnrolled:
      r.mutable_passport_enrolled()->set_organisation_id("ODS:RX1");
      break;
    case v1::Record::kPassportKeyRebound:
      r.mutable_passport_key_rebound()->set_organisation_id("ODS:RX1");
      r.mutable_passport_key_rebound()->set_passport_id(kPassport);
      break;
    case v1::Record::kEmploymentStarted:
      r.mutable_employment_started()->set_organisation_id("ODS:RX1");
      r.mutable_employment_started()->set_passport_id(kPassport);
      break;
    case v1::Record::kEmploymentEnded:
      r.mutable_employment_ended()->set_organisation_id("ODS:RX1");
      r.mutable_employment_ended()->set_passport_id(kPassport);
      break;
    case v1::Record::kCredentialIssued:
      r.mutable_credential_issued()->set_organisation_id("ODS:RX1");
      r.mutable_credential_issued()->set_passport_id(kPassport);
      break;
    case v1::Record::kCareCertificateStandardMet:
      r.mutable_care_certificate_standard_met()->set_organisation_id("ODS:RX1");
      r.mutable_care_certificate_standard_met()->set_passport_id(kPassport);
      break;
    case v1::Record::kCompetencyAssessed:
      r.mutable_competency_assessed()->set_professional_id("NMC:12A");
      r.mutable_competency_assessed()->set_passport_id(kPassport);
      break;
    case v1::Record::kActivityDelegated:
      r.mutable_activity_delegated()->set_professional_id("NMC:12A");
      r.mutable_activity_delegated()->set_passport_id(kPassport);
      break;
    case v1::Record::kDelegationReviewed:
      r.mutable_delegation_reviewed()->set_professional_id("NMC:12A");
      break;
    case v1::Record::kDelegationWithdrawn:
      r.mutable_delegation_withdrawn()->set_professional_id("NMC:12A");
      break;
    case v1::Record::kRecordStatusChanged:
      r.mutable_record_status_changed()->set_target_record("t");
      break;
    case v1::Record::kConsentGranted:
      r.mutable_consent_granted()->set_passport_id(kPassport);
      break;
    case v1::Record::kConsentWithdrawn:
      r.mutable_consent_withdrawn()->set_passport_id(kPassport);
      break;
    case v1::Record::kDemandPlan:
      r.mutable_demand_plan()->set_organisation_id("ODS:RX1");
      break;
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return r;
}

struct Row {
  v1::Record::KindCase kind;
  std::vector<SignerInfo> signers;
  bool allowed;
  std::string label;
};

TEST(AuthorizationTest, EveryRowOfTheTable) {
  using R = v1::Record;
  std::vector<Row> rows = {
      {R::kOrganisationRegistered,
       {Governance()},
       true,
       "governance registers organisations"},
      {R::kOrganisationRegistered,
       {Employer()},
       false,
       "an organisation cannot register itself"},
      {R::kOrganisationKeyAdded, {Governance()}, true, "governance adds a key"},
      {R::kOrganisationKeyAdded,
       {Employer()},
       true,
       "an organisation rotates its own key"},
      {R::kOrganisationKeyAdded,
       {OtherEmployer()},
       false,
       "not another organisation's key"},
      {R::kOrganisationKeyAdded, {Nurse()}, false, "not a professional"},
      {R::kOrganisationRoleGranted,
       {Governance()},
       true,
       "governance grants roles"},
      {R::kOrganisationRoleGranted,
       {Employer()},
       false,
       "no self-granted roles"},
      {R::kKeyRevoked, {Governance()}, true, "governance revokes any key"},
      {R::kKeyRevoked,
       {Employer()},
       true,
       "an organisation revokes its own key"},
      {R::kKeyRevoked,
       {OtherEmployer()},
       false,
       "not another organisation's key"},
      {R::kKeyRevoked, {Nurse()}, true, "a professional revokes their own key"},
      {R::kKeyRevoked, {OtherNurse()}, false, "not another professional's key"},
      {R::kProfessionalRegistered,
       {Employer()},
       true,
       "an employer registers its professionals"},
      {R::kProfessionalRegistered, {OtherEmployer()}, false, "only for itself"},
      {R::kProfessionalRegistered,
       {Trainer()},
       false,
       "a training provider cannot"},
      {R::kProfessionalRegistered,
       {Governance()},
       false,
       "governance does not vouch for people"},
      {R::kPassportEnrolled,
       {NewKey(), Checker()},
       true,
       "worker's key with an identity checker"},
      {R::kPassportEnrolled,
       {NewKey(), Employer()},
       true,
       "or with an employer"},
      {R::kPassportEnrolled, {NewKey()}, false, "not the worker alone"},
      {R::kPassportEnrolled, {Employer()}, false, "not the organisation alone"},
      {R::kPassportEnrolled,
       {NewKey(), Trainer()},
       false,
       "not with a training provider"},
      {R::kPassportEnrolled,
       {NewKey(), OtherEmployer()},
       false,
       "the named organisation signs"},
      {R::kPassportKeyRebound,
       {NewKey(), Checker()},
       true,
       "rebinding after an identity check"},
      {R::kPassportKeyRebound,
       {Worker(), Checker()},
       false,
       "the new key must sign, not the old"},
      {R::kEmploymentStarted,
       {Employer()},
       true,
       "the employer starts employment"},
      {R::kEmploymentStarted, {OtherEmployer()}, false, "not another employer"},
      {R::kEmploymentStarted, {Trainer()}, false, "not a training provider"},
      {R::kEmploymentStarted, {Worker()}, false, "not the worker"},
      {R::kEmploymentEnded, {Employer()}, true, "the employer ends employment"},
      {R::kEmploymentEnded, {Governance()}, false, "not governance"},
      {R::kCredentialIssued,
       {Trainer()},
       true,
       "a training provider issues credentials"},
      {R::kCredentialIssued, {Employer()}, true, "so does an employer"},
      {R::kCredentialIssued, {Planner()}, false, "not a workforce planner"},
      {R::kCredentialIssued, {Nurse()}, false, "not a professional"},
      {R::kCareCertificateStandardMet,
       {Employer()},
       true,
       "the assessing employer"},
      {R::kCareCertificateStandardMet,
       {Trainer()},
       false,
       "not a training provider"},
      {R::kCompetencyAssessed, {Nurse()}, true, "the registered professional"},
      {R::kCompetencyAssessed, {OtherNurse()}, false, "only as themselves"},
      {R::kCompetencyAssessed, {Employer()}, false, "not the employer"},
      {R::kActivityDelegated, {Nurse()}, true, "the delegating professional"},
      {R::kActivityDelegated, {Employer()}, false, "not the employer"},
      {R::kActivityDelegated, {Worker()}, false, "not the worker"},
      {R::kDelegationReviewed, {Nurse()}, true, "the professional reviews"},
      {R::kDelegationReviewed, {OtherNurse()}, false, "as themselves"},
      {R::kDelegationWithdrawn, {Nurse()}, true, "the professional withdraws"},
      {R::kDelegationWithdrawn, {Employer()}, false, "not the employer"},
      {R::kRecordStatusChanged,
       {Governance()},
       true,
       "governance revokes any record"},
      {R::kConsentGranted, {Worker()}, true, "the worker grants consent"},
      {R::kConsentGranted,
       {OtherWorker()},
       false,
       "not for someone else's passport"},
      {R::kConsentGranted, {Employer()}, false, "not the employer"},
      {R::kConsentWithdrawn, {Worker()}, true, "the worker withdraws consent"},
      {R::kDemandPlan, {Planner()}, true, "a workforce planner"},
      {R::kDemandPlan, {Employer()}, false, "not an employer"},
      {R::kEmploymentStarted,
       {Employer(), Employer()},
       false,
       "no extra signatures"},
  };
  for (const Row& row : rows) {
    v1::Record record = Make(row.kind);
    RecordSubjects subjects = SubjectsOf(record);
    if (row.kind == R::kKeyRevoked) {
      subjects.key_owner = row.label.find("professional") != std::string::npos
                               ? "NMC:12A"
                               : "ODS:RX1";
      subjects.key_owner_organisation = "ODS:RX1";
    }
    absl::Status status = Authorize(record, row.signers, subjects);
    EXPECT_EQ(status.ok(), row.allowed)
        << KindName(row.kind) << ": " << row.label << " -> " << status;
    if (!row.allowed) {
      EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied)
          << row.label;
    }
  }
}

TEST(AuthorizationTest, StatusChangesBelongToTheTargetsIssuer) {
  v1::Record record = Make(v1::Record::kRecordStatusChanged);
  RecordSubjects subjects;
  subjects.target_issuer = "ODS:RX1";
  EXPECT_TRUE(Authorize(record, {Employer()}, subjects).ok());
  EXPECT_FALSE(Authorize(record, {OtherEmployer()}, subjects).ok());
  subjects.target_issuer = "NMC:12A";
  EXPECT_TRUE(Authorize(record, {Nurse()}, subjects).ok());
  EXPECT_FALSE(Authorize(record, {Employer()}, subjects).ok());
  EXPECT_EQ(Authorize(record, {Employer()}, subjects).message(),
            "organisation ODS:RX1 may not sign record_status_changed");
}

TEST(AuthorizationTest, EveryKindHasARule) {
  const google::protobuf::OneofDescriptor* kinds =
      v1::Record::descriptor()->FindOneofByName("kind");
  for (int i = 0; i < kinds->field_count(); ++i) {
    auto kind = static_cast<v1::Record::KindCase>(kinds->field(i)->number());
    absl::Status status = Authorize(Make(kind), {}, {});
    // With no signers every kind is refused for the count, never "no rule".
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied)
        << KindName(kind) << status;
  }
}

}  // namespace
}  // namespace skp::records
