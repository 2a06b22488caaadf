// Records through the real intake path (ledger::Log + RecordValidator over an
// in-memory store): a worker's journey, and bad input that must be refused
// with an exact status and nothing written.
#include "services/registry/record_validator.h"

#include "gtest/gtest.h"
#include "ledger/entry.h"
#include "ledger/log.h"
#include "ledger/memory_store.h"

namespace skp::registry {
namespace {

namespace v1 = skillspassport::v1;
using absl::StatusCode;

constexpr int64_t kNow = 1790000000;  // 2026-09-21
const char kIcb[] = "E54000008";  // Cheshire and Merseyside, unchanged in 2026

std::string Key(const ledger::Signer& s) {
  return std::string(
      reinterpret_cast<const char*>(s.verifier().public_key().data()), 32);
}

v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

class RecordIntakeTest : public ::testing::Test {
 protected:
  RecordIntakeTest()
      : node_key_(*ledger::Signer::Generate("node")),
        governance_(*ledger::Signer::Generate("governance")),
        care_home_(*ledger::Signer::Generate("care-home")),
        trust_(*ledger::Signer::Generate("trust")),
        ics_(*ledger::Signer::Generate("ics")),
        nurse_(*ledger::Signer::Generate("nurse")),
        worker_(*ledger::Signer::Generate("worker")),
        stranger_(*ledger::Signer::Generate("stranger")),
        reference_(*reference::ReferenceData::Embedded()) {}

  void SetUp() override { Open(); }

  void Open() {
    log_.reset();
    registry_ = std::make_unique<TrustRegistry>(
        std::vector<ledger::Verifier>{governance_.verifier()});
    ASSERT_TRUE(RecordValidator::LoadRegistry(store_, *registry_).ok());
    validator_ = std::make_unique<RecordValidator>(
        registry_.get(), &reference_, &store_,
        [this] { return absl::FromUnixSeconds(now_); });
    log_ =
        *ledger::Log::Open(&store_, &node_key_, validator_.get(), {"test/log"});
  }

  v1::Record Rec() {
    v1::Record r;
    r.set_issued_at(now_);
    return r;
  }

  absl::StatusOr<ledger::AppendResult> Submit(
      const v1::Record& record, std::vector<const ledger::Signer*> signers) {
    return log_->AppendAndWait(*ledger::SignEntry(
        ledger::kRecordPayloadType, record.SerializeAsString(), signers));
  }

  void ExpectRefused(const v1::Record& record,
                     std::vector<const ledger::Signer*> signers,
                     StatusCode code, absl::string_view message_part) {
    uint64_t before = *store_.Size();
    auto result = Submit(record, signers);
    EXPECT_EQ(result.status().code(), code) << result.status();
    EXPECT_NE(result.status().message().find(message_part),
              absl::string_view::npos)
        << "message: " << result.status().message();
    EXPECT_EQ(*store_.Size(), before) << "a refused record was written";
  }

  v1::Record RegisterOrganisation(const std::string& id,
                                  const ledger::Signer& key,
                                  std::vector<v1::OrganisationRole> roles) {
    v1::Record r = Rec();
    auto* o = r.mutable_organisation_registered();
    o->set_organisation_id(id);
    o->set_id_scheme(id.rfind("ODS:", 0) == 0 ? v1::ID_SCHEME_ODS
                                              : v1::ID_SCHEME_CQC);
    o->set_name("Organisation " + id);
    o->set_sector(id.rfind("ODS:", 0) == 0 ? v1::SECTOR_NHS
                                           : v1::SECTOR_ADULT_SOCIAL_CARE);
    o->set_icb_code(kIcb);
    o->set_place("Liverpool");
    for (auto role : roles) o->add_roles(role);
    o->set_public_key(Key(key));
    return r;
  }

  // Governance registers a care home, an NHS trust and an ICS; the trust
  // registers a nurse; the care home enrols a worker.
  void Network() {
    ASSERT_TRUE(Submit(RegisterOrganisation("CQC:1-101", care_home_,
                                            {v1::ORGANISATION_ROLE_EMPLOYER}),
                       {&governance_})
                    .ok());
    ASSERT_TRUE(
        Submit(RegisterOrganisation("ODS:RY1", trust_,
                                    {v1::ORGANISATION_ROLE_EMPLOYER,
                                     v1::ORGANISATION_ROLE_IDENTITY_CHECKER}),
               {&governance_})
            .ok());
    ASSERT_TRUE(
        Submit(RegisterOrganisation("ODS:QYG", ics_,
                                    {v1::ORGANISATION_ROLE_WORKFORCE_PLANNER}),
               {&governance_})
            .ok());
    v1::Record nurse = Rec();
    auto* n = nurse.mutable_professional_registered();
    n->set_professional_id("NMC:12A3456B");
    n->set_regulator(v1::REGULATOR_NMC);
    n->set_registration_number("12A3456B");
    n->set_profession("Registered nurse (adult), diabetes specialist");
    n->set_organisation_id("ODS:RY1");
    n->set_public_key(Key(nurse_));
    ASSERT_TRUE(Submit(nurse, {&trust_}).ok());
    v1::Record enrol = Rec();
    enrol.mutable_passport_enrolled()->set_public_key(Key(worker_));
    enrol.mutable_passport_enrolled()->set_identity_commitment(
        std::string(32, 'c'));
    enrol.mutable_passport_enrolled()->set_organisation_id("CQC:1-101");
    ASSERT_TRUE(Submit(enrol, {&worker_, &care_home_}).ok());
  }

  std::string Passport() { return PassportIdOf(Key(worker_)); }

  v1::Record Employment(const std::string& org) {
    v1::Record r = Rec();
    auto* e = r.mutable_employment_started();
    e->set_passport_id(Passport());
    e->set_organisation_id(org);
    e->set_employment_id("E-1");
    e->set_ascwds_job_role(10);
    e->set_sector(v1::SECTOR_ADULT_SOCIAL_CARE);
    e->set_icb_code(kIcb);
    e->set_place("Liverpool");
    e->set_fte_thousandths(1000);
    *e->mutable_start_date() = D(2026, 5, 1);
    return r;
  }

  v1::Record Standard(int version, int standard) {
    v1::Record r = Rec();
    auto* s = r.mutable_care_certificate_standard_met();
    s->set_passport_id(Passport());
    s->set_organisation_id("CQC:1-101");
    s->set_version(version);
    s->set_standard(standard);
    s->set_assessor("senior care worker");
    s->set_method("observation");
    *s->mutable_met_on() = D(2026, 6, 1);
    return r;
  }

  v1::Record Competency() {
    v1::Record r = Rec();
    auto* c = r.mutable_competency_assessed();
    c->set_passport_id(Passport());
    c->set_professional_id("NMC:12A3456B");
    c->set_activity_category(2);
    c->set_procedure("subcutaneous insulin by pen");
    c->set_competent(true);
    *c->mutable_assessed_on() = D(2026, 7, 1);
    *c->mutable_reassess_by() = D(2027, 7, 1);
    return r;
  }

  int64_t now_ = kNow;
  ledger::Signer node_key_, governance_, care_home_, trust_, ics_, nurse_,
      worker_, stranger_;
  reference::ReferenceData reference_;
  ledger::MemoryStore store_;
  std::unique_ptr<TrustRegistry> registry_;
  std::unique_ptr<RecordValidator> validator_;
  std::unique_ptr<ledger::Log> log_;
};

TEST_F(RecordIntakeTest, AWorkersJourneyIsAccepted) {
  Network();
  ASSERT_TRUE(Submit(Employment("CQC:1-101"), {&care_home_}).ok());
  for (int standard = 1; standard <= 16; ++standard) {
    ASSERT_TRUE(Submit(Standard(2025, standard), {&care_home_}).ok())
        << standard;
  }
  auto competency = Submit(Competency(), {&nurse_});
  ASSERT_TRUE(competency.ok()) << competency.status();
  v1::Record delegation = Rec();
  auto* d = delegation.mutable_activity_delegated();
  d->set_delegation_id("D-1");
  d->set_passport_id(Passport());
  d->set_professional_id("NMC:12A3456B");
  d->set_profession("Registered nurse");
  d->set_regulator(v1::REGULATOR_NMC);
  d->set_registration_number("12A3456B");
  d->set_activity_category(2);
  d->set_procedure("subcutaneous insulin by pen");
  d->set_person_reference("P-7f3a");
  d->set_setting("CQC:1-101");
  d->set_conditions("blood glucose checked first; no dose changes");
  d->set_supervision_contact("community diabetes team duty line");
  d->set_competency_record(std::string(ledger::AsBytes(competency->leaf_hash)));
  *d->mutable_delegated_on() = D(2026, 7, 2);
  *d->mutable_review_by() = D(2026, 10, 2);
  auto delegated = Submit(delegation, {&nurse_});
  EXPECT_TRUE(delegated.ok()) << delegated.status();
  v1::Record consent = Rec();
  consent.mutable_consent_granted()->set_consent_id("C-1");
  consent.mutable_consent_granted()->set_passport_id(Passport());
  consent.mutable_consent_granted()->set_grantee_organisation_id("ODS:RY1");
  consent.mutable_consent_granted()->set_scope("passport:read");
  consent.mutable_consent_granted()->set_expires_at(kNow + 86400);
  EXPECT_TRUE(Submit(consent, {&worker_}).ok());
}

TEST_F(RecordIntakeTest, SignerProblemsAreRefused) {
  Network();
  ExpectRefused(Employment("CQC:1-101"), {&stranger_},
                StatusCode::kPermissionDenied, "is not registered");
  ExpectRefused(Employment("ODS:QYG"), {&ics_}, StatusCode::kPermissionDenied,
                "organisation ODS:QYG may not sign employment_started");
  ExpectRefused(Employment("CQC:1-101"), {&trust_},
                StatusCode::kPermissionDenied,
                "may not sign employment_started");
  ExpectRefused(Competency(), {&care_home_}, StatusCode::kPermissionDenied,
                "may not sign competency_assessed");
  v1::Record enrol = Rec();
  enrol.mutable_passport_enrolled()->set_public_key(Key(stranger_));
  enrol.mutable_passport_enrolled()->set_identity_commitment(
      std::string(32, 'c'));
  enrol.mutable_passport_enrolled()->set_organisation_id("CQC:1-101");
  ExpectRefused(enrol, {&care_home_}, StatusCode::kPermissionDenied,
                "passport_enrolled needs 2 signature(s)");
  // A signature over other bytes.
  ledger::Entry entry = *ledger::DecodeEntry(*ledger::SignEntry(
      ledger::kRecordPayloadType, Employment("CQC:1-101").SerializeAsString(),
      std::vector<const ledger::Signer*>{&care_home_}));
  entry.payload = Employment("CQC:1-999").SerializeAsString();
  uint64_t before = *store_.Size();
  EXPECT_EQ(log_->AppendAndWait(*ledger::EncodeEntry(entry)).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(*store_.Size(), before);
}

TEST_F(RecordIntakeTest, RevokedKeysSignNothingAfterTheirRevocation) {
  Network();
  v1::Record revoke = Rec();
  revoke.mutable_key_revoked()->set_key_id(
      care_home_.verifier().entry_key_id());
  revoke.mutable_key_revoked()->set_effective_at(kNow - 60);
  revoke.mutable_key_revoked()->set_reason("device compromised");
  ASSERT_TRUE(Submit(revoke, {&governance_}).ok());
  ExpectRefused(Employment("CQC:1-101"), {&care_home_},
                StatusCode::kPermissionDenied, "was revoked from");
  // Signed before the compromise: still good.
  v1::Record earlier = Employment("CQC:1-101");
  earlier.set_issued_at(kNow - 120);
  EXPECT_TRUE(Submit(earlier, {&care_home_}).ok());
}

TEST_F(RecordIntakeTest, ContentProblemsAreRefused) {
  Network();
  ExpectRefused(Standard(2025, 17), {&care_home_}, StatusCode::kInvalidArgument,
                "Care Certificate 2025 has standards 1 to 16, not 17");
  ExpectRefused(Standard(2015, 16), {&care_home_}, StatusCode::kInvalidArgument,
                "Care Certificate 2015 has standards 1 to 15, not 16");
  v1::Record backwards = Competency();
  *backwards.mutable_competency_assessed()->mutable_reassess_by() =
      D(2026, 6, 1);
  ExpectRefused(backwards, {&nurse_}, StatusCode::kInvalidArgument,
                "competency_assessed.reassess_by: is before assessed_on");
  v1::Record unknown = Competency();
  unknown.mutable_competency_assessed()->set_activity_category(9);
  ExpectRefused(unknown, {&nurse_}, StatusCode::kInvalidArgument,
                "unknown delegated healthcare activity category 9");
  v1::Record huge = Competency();
  huge.mutable_competency_assessed()->set_procedure(std::string(600, 'p'));
  ExpectRefused(
      huge, {&nurse_}, StatusCode::kInvalidArgument,
      "competency_assessed.procedure: is 600 bytes; the limit is 512");
  v1::Record bad_date = Employment("CQC:1-101");
  *bad_date.mutable_employment_started()->mutable_start_date() = D(2026, 2, 30);
  ExpectRefused(bad_date, {&care_home_}, StatusCode::kInvalidArgument,
                "is not a valid date");
  v1::Record merged_too_early = Employment("CQC:1-101");
  merged_too_early.mutable_employment_started()->set_icb_code("E54000066");
  *merged_too_early.mutable_employment_started()->mutable_start_date() =
      D(2026, 1, 5);
  ExpectRefused(merged_too_early, {&care_home_}, StatusCode::kInvalidArgument,
                "ICB E54000066 is not in force on 2026-01-05");
  v1::Record future = Employment("CQC:1-101");
  future.set_issued_at(kNow + 3600);
  ExpectRefused(future, {&care_home_}, StatusCode::kInvalidArgument,
                "ahead of the node's clock");
  ExpectRefused(Rec(), {&care_home_}, StatusCode::kInvalidArgument,
                "the record has no kind");
  uint64_t before = *store_.Size();
  const ledger::Signer* signers[] = {&care_home_};
  EXPECT_EQ(log_->AppendAndWait(*ledger::SignEntry(ledger::kRecordPayloadType,
                                                   "\x0a\x64x", signers))
                .status()
                .message(),
            "payload is not a valid skillspassport.v1.Record");
  EXPECT_EQ(
      log_->AppendAndWait(*ledger::SignEntry("text/plain", "hello", signers))
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_.Size(), before);
}

TEST_F(RecordIntakeTest, RegistryConflictsAreRefused) {
  Network();
  ExpectRefused(RegisterOrganisation("CQC:1-101", stranger_,
                                     {v1::ORGANISATION_ROLE_EMPLOYER}),
                {&governance_}, StatusCode::kAlreadyExists,
                "CQC:1-101 is already registered");
  ExpectRefused(RegisterOrganisation("CQC:1-202", trust_,
                                     {v1::ORGANISATION_ROLE_EMPLOYER}),
                {&governance_}, StatusCode::kAlreadyExists,
                "public key is already registered");
  v1::Record bad_id = RegisterOrganisation("RX1", stranger_, {});
  ExpectRefused(bad_id, {&governance_}, StatusCode::kInvalidArgument,
                "organisation_registered.organisation_id: must be CQC:<code>");
}

TEST_F(RecordIntakeTest, OnlyTheIssuerOrGovernanceChangesARecordsStatus) {
  Network();
  auto standard = Submit(Standard(2025, 3), {&care_home_});
  ASSERT_TRUE(standard.ok());
  v1::Record revoke = Rec();
  revoke.mutable_record_status_changed()->set_target_record(
      std::string(ledger::AsBytes(standard->leaf_hash)));
  revoke.mutable_record_status_changed()->set_change(v1::STATUS_CHANGE_REVOKED);
  revoke.mutable_record_status_changed()->set_reason(
      v1::REVOCATION_REASON_ISSUED_IN_ERROR);
  ExpectRefused(revoke, {&trust_}, StatusCode::kPermissionDenied,
                "may not sign record_status_changed");
  EXPECT_TRUE(Submit(revoke, {&care_home_}).ok());
  v1::Record missing = revoke;
  missing.mutable_record_status_changed()->set_target_record(
      std::string(32, 'x'));
  ExpectRefused(missing, {&governance_}, StatusCode::kFailedPrecondition,
                "is not in the log");
}

TEST_F(RecordIntakeTest, TheRegistryIsRebuiltFromItsStoredRows) {
  Network();
  Open();  // a fresh registry, loaded from the store's rows
  EXPECT_TRUE(registry_->HasOrganisation("CQC:1-101"));
  EXPECT_TRUE(registry_->HasProfessional("NMC:12A3456B"));
  EXPECT_TRUE(registry_->HasPassport(Passport()));
  EXPECT_TRUE(Submit(Employment("CQC:1-101"), {&care_home_}).ok());
  EXPECT_TRUE(Submit(Competency(), {&nurse_}).ok());
}

TEST_F(RecordIntakeTest, ALostDeviceIsRebound) {
  Network();
  ledger::Signer new_device = *ledger::Signer::Generate("new-device");
  v1::Record rebind = Rec();
  rebind.mutable_passport_key_rebound()->set_passport_id(Passport());
  rebind.mutable_passport_key_rebound()->set_new_public_key(Key(new_device));
  rebind.mutable_passport_key_rebound()->set_organisation_id("ODS:RY1");
  rebind.mutable_passport_key_rebound()->set_reason("lost phone");
  ASSERT_TRUE(Submit(rebind, {&new_device, &trust_}).ok());
  v1::Record consent = Rec();
  consent.mutable_consent_granted()->set_consent_id("C-2");
  consent.mutable_consent_granted()->set_passport_id(Passport());
  consent.mutable_consent_granted()->set_grantee_organisation_id("ODS:RY1");
  consent.mutable_consent_granted()->set_scope("passport:read");
  consent.mutable_consent_granted()->set_expires_at(kNow + 3600);
  EXPECT_TRUE(Submit(consent, {&new_device}).ok());
  consent.mutable_consent_granted()->set_consent_id("C-3");
  ExpectRefused(consent, {&worker_}, StatusCode::kPermissionDenied,
                "was revoked from");
}

}  // namespace
}  // namespace skp::registry
