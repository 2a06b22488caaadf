// The passport projection through the real intake path: the derived view,
// the delegation lifecycle, and order independence.
#include "services/passport/passport_projection.h"

#include <algorithm>
#include <random>

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/network.h"

namespace skp::passport {
namespace {

using testing::D;
using testing::kNow;
namespace v1 = skillspassport::v1;
using absl::StatusCode;

class PassportProjectionTest : public ::testing::Test,
                               public testing::TestNetwork {
 protected:
  void SetUp() override {
    Open();
    Network();
  }

  v1::PassportView ViewOn(absl::CivilDay day) {
    auto view = passports_->View(Passport(), day, now_);
    EXPECT_TRUE(view.ok()) << view.status();
    return view.ok() ? *view : v1::PassportView();
  }

  // Employment, the whole 2025 Care Certificate, an insulin competency and
  // its delegation; returns the delegation's record id.
  ledger::Hash Journey() {
    EXPECT_TRUE(Submit(Employment("CQC:1-101"), {&care_home_}).ok());
    for (int standard = 1; standard <= 16; ++standard) {
      EXPECT_TRUE(Submit(Standard(2025, standard), {&care_home_}).ok());
    }
    auto competency = Submit(Competency(), {&nurse_});
    EXPECT_TRUE(competency.ok()) << competency.status();
    competency_ = competency->leaf_hash;
    auto delegation = Submit(Delegation(competency_), {&nurse_});
    EXPECT_TRUE(delegation.ok()) << delegation.status();
    return delegation->leaf_hash;
  }

  ledger::Hash competency_{};
};

TEST_F(PassportProjectionTest, TheViewShowsEverythingTheWorkerCarries) {
  Journey();
  v1::PassportView view = ViewOn(absl::CivilDay(2026, 8, 1));
  ASSERT_EQ(view.employments_size(), 1);
  EXPECT_TRUE(view.employments(0).active());
  EXPECT_EQ(view.employments(0).ref().issuer(), "CQC:1-101");
  ASSERT_EQ(view.care_certificates_size(), 1);
  EXPECT_EQ(view.care_certificates(0).version(), 2025);
  EXPECT_TRUE(view.care_certificates(0).complete());
  EXPECT_EQ(view.care_certificates(0).standards_met_size(), 16);
  ASSERT_EQ(view.competencies_size(), 1);
  EXPECT_EQ(view.competencies(0).ref().state(), v1::RECORD_STATE_VALID);
  ASSERT_EQ(view.delegations_size(), 1);
  EXPECT_FALSE(view.delegations(0).review_overdue());
  EXPECT_EQ(view.delegations(0).ref().issuer(), "NMC:12A3456B");
  // The enrolment, which a presentation disclosing the identity must carry.
  EXPECT_EQ(view.enrolment().record_id().size(), 32u);
  EXPECT_EQ(view.enrolment().state(), v1::RECORD_STATE_VALID);
  // After the review-by date the delegation is flagged.
  EXPECT_TRUE(
      ViewOn(absl::CivilDay(2026, 10, 3)).delegations(0).review_overdue());
}

TEST_F(PassportProjectionTest, CareCertificateProgressShowsWhatIsMissing) {
  ASSERT_TRUE(Submit(Standard(2025, 1), {&care_home_}).ok());
  ASSERT_TRUE(Submit(Standard(2025, 16), {&care_home_}).ok());
  v1::PassportView view = ViewOn(absl::CivilDay(2026, 8, 1));
  ASSERT_EQ(view.care_certificates_size(), 1);
  EXPECT_FALSE(view.care_certificates(0).complete());
  EXPECT_EQ(view.care_certificates(0).standards_met_size(), 2);
  EXPECT_EQ(view.care_certificates(0).standards_missing_size(), 14);
}

TEST_F(PassportProjectionTest, ReviewsExtendAndWithdrawalEndsADelegation) {
  Journey();
  v1::Record review = Rec();
  review.mutable_delegation_reviewed()->set_delegation_id("D-1");
  review.mutable_delegation_reviewed()->set_professional_id("NMC:12A3456B");
  *review.mutable_delegation_reviewed()->mutable_reviewed_on() = D(2026, 9, 30);
  *review.mutable_delegation_reviewed()->mutable_review_by() = D(2026, 12, 31);
  ASSERT_TRUE(Submit(review, {&nurse_}).ok());
  v1::PassportView view = ViewOn(absl::CivilDay(2026, 10, 3));
  EXPECT_FALSE(view.delegations(0).review_overdue());
  EXPECT_EQ(view.delegations(0).review_by().month(), 12);

  v1::Record withdraw = Rec();
  withdraw.mutable_delegation_withdrawn()->set_delegation_id("D-1");
  withdraw.mutable_delegation_withdrawn()->set_professional_id("NMC:12A3456B");
  *withdraw.mutable_delegation_withdrawn()->mutable_withdrawn_on() =
      D(2026, 10, 1);
  withdraw.mutable_delegation_withdrawn()->set_reason(
      v1::REVOCATION_REASON_CHANGE_IN_PERSONS_CONDITION);
  ASSERT_TRUE(Submit(withdraw, {&nurse_}).ok());
  EXPECT_TRUE(ViewOn(absl::CivilDay(2026, 10, 3)).delegations(0).withdrawn());
  // A second, different withdrawal (an identical one is an idempotent no-op).
  *withdraw.mutable_delegation_withdrawn()->mutable_withdrawn_on() =
      D(2026, 10, 2);
  ExpectRefused(withdraw, {&nurse_}, StatusCode::kFailedPrecondition,
                "already withdrawn");
}

TEST_F(PassportProjectionTest,
       ADelegationNeedsAValidCompetencyAndAnActiveEmployment) {
  auto competency = Submit(Competency(), {&nurse_});
  ASSERT_TRUE(competency.ok());
  ExpectRefused(Delegation(competency->leaf_hash), {&nurse_},
                StatusCode::kFailedPrecondition,
                "the worker has no active employment on 2026-07-02");
  ASSERT_TRUE(Submit(Employment("CQC:1-101"), {&care_home_}).ok());
  ledger::Hash missing{};
  ExpectRefused(Delegation(missing), {&nurse_}, StatusCode::kFailedPrecondition,
                "is not in the log");
  v1::Record not_competent = Competency();
  not_competent.mutable_competency_assessed()->set_competent(false);
  not_competent.mutable_competency_assessed()->set_procedure("PEG feed");
  auto failed = Submit(not_competent, {&nurse_});
  ASSERT_TRUE(failed.ok());
  ExpectRefused(Delegation(failed->leaf_hash), {&nurse_},
                StatusCode::kFailedPrecondition,
                "did not find the worker competent");
  v1::Record other_activity = Delegation(competency->leaf_hash);
  other_activity.mutable_activity_delegated()->set_activity_category(6);
  ExpectRefused(other_activity, {&nurse_}, StatusCode::kFailedPrecondition,
                "for another passport or activity");
  // The competency is revoked by its assessor: it backs no new delegation.
  v1::Record revoke = Rec();
  revoke.mutable_record_status_changed()->set_target_record(
      std::string(ledger::AsBytes(competency->leaf_hash)));
  revoke.mutable_record_status_changed()->set_change(v1::STATUS_CHANGE_REVOKED);
  revoke.mutable_record_status_changed()->set_reason(
      v1::REVOCATION_REASON_COMPETENCE_CONCERN);
  ASSERT_TRUE(Submit(revoke, {&nurse_}).ok());
  ExpectRefused(Delegation(competency->leaf_hash), {&nurse_},
                StatusCode::kFailedPrecondition, "revoked or suspended");
  int revoked = 0;
  v1::PassportView after = ViewOn(absl::CivilDay(2026, 8, 1));
  for (const auto& c : after.competencies()) {
    if (c.ref().record_id() ==
        std::string(ledger::AsBytes(competency->leaf_hash))) {
      EXPECT_EQ(c.ref().state(), v1::RECORD_STATE_REVOKED);
      ++revoked;
    }
  }
  EXPECT_EQ(revoked, 1);
}

TEST_F(PassportProjectionTest, OnlyTheDelegatorReviews) {
  Journey();
  ledger::Signer other_nurse = *ledger::Signer::Generate("other-nurse");
  v1::Record nurse = Rec();
  auto* n = nurse.mutable_professional_registered();
  n->set_professional_id("NMC:99Z9999Z");
  n->set_regulator(v1::REGULATOR_NMC);
  n->set_registration_number("99Z9999Z");
  n->set_profession("Registered nurse");
  n->set_organisation_id("ODS:RY1");
  n->set_public_key(testing::Key(other_nurse));
  ASSERT_TRUE(Submit(nurse, {&trust_}).ok());
  v1::Record review = Rec();
  review.mutable_delegation_reviewed()->set_delegation_id("D-1");
  review.mutable_delegation_reviewed()->set_professional_id("NMC:99Z9999Z");
  *review.mutable_delegation_reviewed()->mutable_reviewed_on() = D(2026, 9, 1);
  *review.mutable_delegation_reviewed()->mutable_review_by() = D(2026, 12, 1);
  ExpectRefused(review, {&other_nurse}, StatusCode::kPermissionDenied,
                "only NMC:12A3456B may review or withdraw delegation D-1");
}

TEST_F(PassportProjectionTest, EmploymentsEndInOrder) {
  ASSERT_TRUE(Submit(Employment("CQC:1-101"), {&care_home_}).ok());
  v1::Record end = Rec();
  auto* e = end.mutable_employment_ended();
  e->set_passport_id(Passport());
  e->set_organisation_id("CQC:1-101");
  e->set_employment_id("E-1");
  *e->mutable_end_date() = D(2026, 4, 1);
  ExpectRefused(end, {&care_home_}, StatusCode::kInvalidArgument,
                "end_date: is before the employment's start_date");
  *e->mutable_end_date() = D(2026, 8, 31);
  ASSERT_TRUE(Submit(end, {&care_home_}).ok());
  EXPECT_TRUE(ViewOn(absl::CivilDay(2026, 8, 1)).employments(0).active());
  EXPECT_FALSE(ViewOn(absl::CivilDay(2026, 9, 1)).employments(0).active());
  e->set_employment_id("E-404");
  ExpectRefused(end, {&care_home_}, StatusCode::kFailedPrecondition,
                "never started");
  v1::Record again = Employment("CQC:1-101");
  again.mutable_employment_started()->set_fte_thousandths(500);
  ExpectRefused(again, {&care_home_}, StatusCode::kAlreadyExists,
                "already started");
}

TEST_F(PassportProjectionTest, ConsentIsLiveUntilItExpiresOrIsWithdrawn) {
  ASSERT_TRUE(Submit(Consent("C-1", "ODS:RY1", kNow + 3600), {&worker_}).ok());
  EXPECT_TRUE(*passports_->HasLiveConsent(Passport(), "ODS:RY1", kNow));
  EXPECT_FALSE(*passports_->HasLiveConsent(Passport(), "ODS:RY1", kNow + 3601));
  EXPECT_FALSE(*passports_->HasLiveConsent(Passport(), "CQC:1-101", kNow));
  v1::Record withdraw = Rec();
  withdraw.mutable_consent_withdrawn()->set_consent_id("C-1");
  withdraw.mutable_consent_withdrawn()->set_passport_id(Passport());
  ASSERT_TRUE(Submit(withdraw, {&worker_}).ok());
  EXPECT_FALSE(*passports_->HasLiveConsent(Passport(), "ODS:RY1", kNow));
  withdraw.mutable_consent_withdrawn()->set_consent_id("C-9");
  ExpectRefused(withdraw, {&worker_}, StatusCode::kFailedPrecondition,
                "was never granted");
}

// Two nodes holding the same records in different log orders (as mirrors
// will) derive the same view.
TEST_F(PassportProjectionTest, TheViewIsAFunctionOfTheSetOfRecords) {
  Journey();
  v1::Record revoke = Rec();
  revoke.mutable_record_status_changed()->set_target_record(
      std::string(ledger::AsBytes(competency_)));
  revoke.mutable_record_status_changed()->set_change(
      v1::STATUS_CHANGE_SUSPENDED);
  revoke.mutable_record_status_changed()->set_reason(
      v1::REVOCATION_REASON_COMPETENCE_CONCERN);
  ASSERT_TRUE(Submit(revoke, {&nurse_}).ok());
  v1::PassportView original = ViewOn(absl::CivilDay(2026, 8, 1));

  // Replay every entry into a second store in a shuffled order, staging the
  // projection's rows for each as a mirror would.
  std::vector<std::pair<std::string, std::string>> entries;  // entry, issuer
  ASSERT_TRUE(store_
                  .ScanEntries(0, *store_.Size(),
                               [&](uint64_t, absl::string_view e) {
                                 entries.emplace_back(std::string(e), "");
                                 return true;
                               })
                  .ok());
  for (auto& entry_and_issuer : entries) {
    std::string id(ledger::AsBytes(ledger::HashLeaf(entry_and_issuer.first)));
    ASSERT_TRUE(
        store_
            .ScanProjections("issuer/" + id,
                             [&](absl::string_view, absl::string_view v) {
                               entry_and_issuer.second = std::string(v);
                               return false;
                             })
            .ok());
  }
  std::shuffle(entries.begin(), entries.end(), std::mt19937(42));
  ledger::MemoryStore mirror;
  PassportProjection projection(&mirror, registry_, &reference_);
  for (uint64_t i = 0; i < entries.size(); ++i) {
    ledger::LogBatch batch;
    batch.first_index = i;
    batch.entries = {entries[i].first};
    batch.leaf_hashes = {ledger::HashLeaf(entries[i].first)};
    v1::Record record;
    ASSERT_TRUE(
        record.ParseFromString(ledger::DecodeEntry(entries[i].first)->payload));
    projection.Stage(record, batch.leaf_hashes[0], i, entries[i].second,
                     batch.projection_rows);
    ASSERT_TRUE(mirror.Commit(batch).ok());
    projection.Committed();
  }
  auto mirrored = projection.View(Passport(), absl::CivilDay(2026, 8, 1), now_);
  ASSERT_TRUE(mirrored.ok()) << mirrored.status();
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(original, *mirrored))
      << original.DebugString() << "\nvs\n"
      << mirrored->DebugString();
  EXPECT_EQ(original.competencies(0).ref().state(), v1::RECORD_STATE_SUSPENDED);
}

}  // namespace
}  // namespace skp::passport
