// Records through the real intake path (ledger::Log + RecordValidator over an
// in-memory store): a worker's journey, and bad input that must be refused
// with an exact status and nothing written.
#include "services/registry/record_validator.h"

#include "gtest/gtest.h"
#include "tests/testing/network.h"

namespace skp::registry {
namespace {

using testing::D;
using testing::Key;
using testing::kNow;
namespace v1 = skillspassport::v1;
using absl::StatusCode;

class RecordIntakeTest : public ::testing::Test, public testing::TestNetwork {
 protected:
  void SetUp() override { Open(); }
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
  v1::Record delegation = Delegation(competency->leaf_hash);
  auto delegated = Submit(delegation, {&nurse_});
  EXPECT_TRUE(delegated.ok()) << delegated.status();
  v1::Record consent = Consent("C-1", "ODS:RY1", kNow + 86400);
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
