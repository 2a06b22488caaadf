#include "services/passportd/intake.h"

#include <map>

#include "gtest/gtest.h"
#include "tests/testing/network.h"

namespace skp::services {
namespace {

using testing::kNow;

std::map<std::string, std::string> AllRows(const ledger::LogStore& store) {
  std::map<std::string, std::string> rows;
  EXPECT_TRUE(
      store
          .ScanProjections("",
                           [&](absl::string_view k, absl::string_view v) {
                             rows.emplace(std::string(k), std::string(v));
                             return true;
                           })
          .ok());
  return rows;
}

class IntakeTest : public ::testing::Test, public testing::TestNetwork {
 protected:
  void SetUp() override { Open(); }
};

// `passportd rebuild` recomputes exactly what admission wrote, from the
// ledger alone.
TEST_F(IntakeTest, RebuiltProjectionsEqualIncrementalOnes) {
  Network();
  ASSERT_TRUE(Submit(Employment("CQC:1-101"), {&care_home_}).ok());
  ASSERT_TRUE(Submit(Standard(2025, 1), {&care_home_}).ok());
  auto competency = Submit(Competency(), {&nurse_});
  ASSERT_TRUE(competency.ok());
  ASSERT_TRUE(Submit(Delegation(competency->leaf_hash), {&nurse_}).ok());
  ASSERT_TRUE(Submit(Consent("C-1", "ODS:RY1", kNow + 600), {&worker_}).ok());
  log_.reset();
  std::map<std::string, std::string> incremental = AllRows(store_);
  ASSERT_GT(incremental.size(), 10u);

  ASSERT_TRUE(
      Intake::Rebuild(&store_, node_key_, {governance_.verifier()}, &reference_)
          .ok());
  EXPECT_EQ(AllRows(store_), incremental);

  // And the node goes on from the rebuilt state.
  Open();
  EXPECT_TRUE(registry_->HasProfessional("NMC:12A3456B"));
  EXPECT_TRUE(*passports_->HasLiveConsent(Passport(), "ODS:RY1", kNow));
}

TEST_F(IntakeTest, RebuildRefusesALogItsRulesNoLongerAdmit) {
  Network();
  log_.reset();
  // Rebuilding under different governance keys: the first registration no
  // longer verifies as authorised.
  ledger::Signer other = *ledger::Signer::Generate("other-governance");
  absl::Status status =
      Intake::Rebuild(&store_, node_key_, {other.verifier()}, &reference_);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("entry 0 is not admissible on replay"),
            std::string::npos)
      << status;
}

}  // namespace
}  // namespace skp::services
