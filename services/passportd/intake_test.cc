#include "services/passportd/intake.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "gtest/gtest.h"
#include "tests/testing/network.h"

namespace skp::services {
namespace {

namespace v1 = skillspassport::v1;
using testing::Key;
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

// Snapshots (FORMAT.md section 12): a start maps the registry and facts
// saved at the last stop and folds only the rows after them.
class IntakeSnapshotTest : public IntakeTest {
 protected:
  IntakeSnapshotTest()
      : dir_(std::filesystem::temp_directory_path() /
             absl::StrCat("intake-snapshot-", ::getpid())) {
    std::filesystem::create_directories(dir_);
  }
  ~IntakeSnapshotTest() override { std::filesystem::remove_all(dir_); }

  std::string File(absl::string_view name) {
    return (dir_ / std::string(name)).string();
  }

  std::unique_ptr<Intake> Load(const ledger::LogStore& store,
                               const std::string& snapshot) {
    auto intake = Intake::Load(const_cast<ledger::LogStore*>(&store),
                               {governance_.verifier()}, &reference_,
                               [] { return absl::FromUnixSeconds(kNow); }, {},
                               snapshot);
    EXPECT_TRUE(intake.ok()) << intake.status();
    return *std::move(intake);
  }

  // The state an Intake loaded from `snapshot` (none: every row) holds,
  // saved: equal bytes, equal registries and facts.
  std::string SavedState(const std::string& snapshot) {
    std::string saved = File("saved");
    EXPECT_TRUE(Load(store_, snapshot)->SaveSnapshot(saved).ok());
    std::ifstream in(saved, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  v1::Record Suspend(const ledger::Hash& target) {
    v1::Record r = Rec();
    r.mutable_record_status_changed()->set_target_record(
        std::string(ledger::AsBytes(target)));
    r.mutable_record_status_changed()->set_change(v1::STATUS_CHANGE_SUSPENDED);
    r.mutable_record_status_changed()->set_reason(
        v1::REVOCATION_REASON_LEAVING_ORGANISATION);
    return r;
  }

  // The organisations of the employments the facts count.
  std::vector<std::string> LiveEmployers(const Intake& intake) {
    std::vector<std::string> employers;
    intake.workforce().Export(
        [&](const workforce::WorkforceFacts::EmploymentRow& row) {
          employers.emplace_back(row.organisation);
        },
        [](const auto&) {}, [](const auto&) {});
    return employers;
  }

  // The first `entries` entries of store_ appended to a new store through
  // their own intake: the same log, shorter (a restored backup).
  std::unique_ptr<ledger::MemoryStore> ShorterCopy(uint64_t entries) {
    auto copy = std::make_unique<ledger::MemoryStore>();
    std::unique_ptr<Intake> intake = Load(*copy, "");
    auto log = *ledger::Log::Open(copy.get(), &node_key_, &intake->validator(),
                                  {"test/log"});
    for (uint64_t i = 0; i < entries; ++i) {
      EXPECT_TRUE(log->AppendAndWait(*store_.GetEntry(i)).ok()) << i;
    }
    return copy;
  }

  std::filesystem::path dir_;
};

TEST_F(IntakeSnapshotTest, ASnapshotOlderThanTheLogReplaysTheRowsAfterIt) {
  Network();
  auto first = Submit(Employment("CQC:1-101"), {&care_home_});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(Submit(Standard(2025, 1), {&care_home_}).ok());
  auto competency = Submit(Competency(), {&nurse_});
  ASSERT_TRUE(competency.ok());
  ASSERT_TRUE(Submit(Delegation(competency->leaf_hash), {&nurse_}).ok());
  log_.reset();
  snapshot_ = File("snapshot");
  ASSERT_TRUE(intake_->SaveSnapshot(snapshot_).ok());
  const uint64_t saved_rows = intake_->rows();

  Open();
  EXPECT_TRUE(absl::StartsWith(intake_->snapshot_note(), "used=1"))
      << intake_->snapshot_note();
  EXPECT_EQ(intake_->rows_from_snapshot(), saved_rows);
  // After the snapshot: a registration, an employment, and a suspension of
  // an employment the snapshot holds.
  v1::Record nurse = Rec();
  nurse.mutable_professional_registered()->set_professional_id("NMC:99Z");
  nurse.mutable_professional_registered()->set_regulator(v1::REGULATOR_NMC);
  nurse.mutable_professional_registered()->set_registration_number("99Z");
  nurse.mutable_professional_registered()->set_profession("Registered nurse");
  nurse.mutable_professional_registered()->set_organisation_id("ODS:RY1");
  nurse.mutable_professional_registered()->set_public_key(Key(stranger_));
  ASSERT_TRUE(Submit(nurse, {&trust_}).ok());
  v1::Record second = Employment("ODS:RY1");
  second.mutable_employment_started()->set_employment_id("E-2");
  second.mutable_employment_started()->set_sector(v1::SECTOR_NHS);
  ASSERT_TRUE(Submit(second, {&trust_}).ok());
  auto suspended = Submit(Suspend(first->leaf_hash), {&care_home_});
  ASSERT_TRUE(suspended.ok()) << suspended.status();
  log_.reset();

  std::unique_ptr<Intake> restored = Load(store_, snapshot_);
  EXPECT_EQ(restored->rows_from_snapshot(), saved_rows);
  EXPECT_EQ(restored->rows(), saved_rows + 3);  // 1 registry, 2 workforce
  EXPECT_TRUE(restored->registry().HasProfessional("NMC:99Z"));
  EXPECT_EQ(LiveEmployers(*restored), std::vector<std::string>{"ODS:RY1"});
  EXPECT_EQ(SavedState(snapshot_), SavedState(""));
}

TEST_F(IntakeSnapshotTest, ACorruptedOrOtherVersionSnapshotIsIgnored) {
  Network();
  ASSERT_TRUE(Submit(Employment("CQC:1-101"), {&care_home_}).ok());
  log_.reset();
  const std::string snapshot = File("snapshot");
  ASSERT_TRUE(intake_->SaveSnapshot(snapshot).ok());
  std::string good;
  {
    std::ifstream in(snapshot, std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  struct Damage {
    size_t at;
    const char* reason;
  };
  // Byte 13 is the version's; the body starts at 17.
  for (Damage damage : {Damage{good.size() / 2, "fails its checksum"},
                        Damage{13, "is of version"}}) {
    std::string bad = good;
    bad[damage.at] = static_cast<char>(bad[damage.at] ^ 0x40);
    std::ofstream(snapshot, std::ios::binary | std::ios::trunc) << bad;
    std::unique_ptr<Intake> intake = Load(store_, snapshot);
    EXPECT_TRUE(absl::StartsWith(intake->snapshot_note(), "used=0 reason="))
        << intake->snapshot_note();
    EXPECT_NE(intake->snapshot_note().find(damage.reason), std::string::npos)
        << intake->snapshot_note();
    EXPECT_EQ(intake->rows_from_snapshot(), 0u);
    EXPECT_EQ(LiveEmployers(*intake), std::vector<std::string>{"CQC:1-101"});
  }
  EXPECT_EQ(SavedState(snapshot), SavedState(""));
}

TEST_F(IntakeSnapshotTest, ASnapshotOfALargerLogIsRefused) {
  Network();
  const uint64_t shorter = *store_.Size();
  ASSERT_TRUE(Submit(Employment("CQC:1-101"), {&care_home_}).ok());
  log_.reset();
  const std::string snapshot = File("snapshot");
  // Taken on the longer log once it is loaded again (its tag names the
  // log's size at load).
  ASSERT_TRUE(Load(store_, "")->SaveSnapshot(snapshot).ok());

  std::unique_ptr<ledger::MemoryStore> backup = ShorterCopy(shorter);
  std::unique_ptr<Intake> intake = Load(*backup, snapshot);
  EXPECT_EQ(intake->snapshot_note(),
            absl::StrCat("used=0 reason=\"it is of a larger log (",
                         *store_.Size(), " entries; this store holds ",
                         shorter, ")\""));
  EXPECT_TRUE(LiveEmployers(*intake).empty());

  // The same log, as long, but whose rows were folded into a snapshot
  // before more were added: its tail rows are checked too.
  std::unique_ptr<ledger::MemoryStore> same = ShorterCopy(*store_.Size());
  EXPECT_TRUE(absl::StartsWith(Load(*same, snapshot)->snapshot_note(),
                               "used=1"));
}

TEST_F(IntakeSnapshotTest, ASnapshotOfAnotherLogIsRefused) {
  Network();
  log_.reset();
  const std::string snapshot = File("snapshot");
  ASSERT_TRUE(intake_->SaveSnapshot(snapshot).ok());
  // Another network: the same kinds of rows, other keys.
  testing::TestNetwork other;
  other.Open();
  other.Network();
  other.log_.reset();
  std::unique_ptr<Intake> intake = Load(other.store_, snapshot);
  EXPECT_TRUE(absl::StartsWith(intake->snapshot_note(), "used=0 reason="))
      << intake->snapshot_note();
  EXPECT_EQ(intake->rows_from_snapshot(), 0u);
}

// Directories written before workforce rows were numbered keep them under
// "workforce/" (keyed by location): a snapshot holds them, and a start from
// it does not fold them again.
TEST_F(IntakeSnapshotTest, OldLayoutRowsAreFoldedOnce) {
  Network();
  ASSERT_TRUE(Submit(Employment("CQC:1-101"), {&care_home_}).ok());
  ASSERT_TRUE(Submit(Standard(2025, 1), {&care_home_}).ok());
  log_.reset();
  ledger::LogBatch old_layout;
  old_layout.first_index = *store_.Size();
  old_layout.checkpoint = *store_.LatestCheckpoint();
  ASSERT_TRUE(store_
                  .ScanProjections("facts/",
                                   [&](absl::string_view key,
                                       absl::string_view value) {
                                     old_layout.projection_rows.emplace_back(
                                         absl::StrCat("workforce/",
                                                      key.substr(6)),
                                         std::string(value));
                                     old_layout.projection_deletes.emplace_back(
                                         key);
                                     return true;
                                   })
                  .ok());
  ASSERT_EQ(old_layout.projection_rows.size(), 2u);
  ASSERT_TRUE(store_.Commit(old_layout).ok());

  snapshot_ = File("snapshot");
  ASSERT_TRUE(Load(store_, "")->SaveSnapshot(snapshot_).ok());
  Open();
  EXPECT_TRUE(absl::StartsWith(intake_->snapshot_note(), "used=1"))
      << intake_->snapshot_note();
  v1::Record second = Employment("ODS:RY1");
  second.mutable_employment_started()->set_employment_id("E-2");
  ASSERT_TRUE(Submit(second, {&trust_}).ok());
  log_.reset();
  EXPECT_EQ(LiveEmployers(*Load(store_, snapshot_)),
            (std::vector<std::string>{"CQC:1-101", "ODS:RY1"}));
  EXPECT_EQ(SavedState(snapshot_), SavedState(""));
}

}  // namespace
}  // namespace skp::services
