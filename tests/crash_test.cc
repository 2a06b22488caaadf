// Kills passportd with SIGKILL in the middle of concurrent appends, restarts
// it on the same data directory, and checks that nothing acknowledged was
// lost and that the log never forked: every checkpoint handed out before the
// crash is consistent with the checkpoint after it.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/ledger_client.h"
#include "records/signing.h"
#include "gtest/gtest.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "tests/testing/node_process.h"
#include "tests/testing/temp_dir.h"

namespace skp {
namespace {

struct Ack {
  uint64_t index;
  ledger::Hash leaf_hash;
  std::string checkpoint;
};

class CrashTest : public ::testing::Test {
 protected:
  // author_ is the network's governance key (the node's trust anchor).
  CrashTest() : author_(*ledger::Signer::Generate("author")) {
    std::ofstream(dir_.File("anchors.txt"))
        << author_.verifier().ToString() << "\n";
  }

  std::unique_ptr<testing::NodeProcess> StartNode(
      std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--data-dir", dir_.File("data"),
                                     "--trust-anchor", dir_.File("anchors.txt")};
    args.insert(args.end(), extra.begin(), extra.end());
    auto node = std::make_unique<testing::NodeProcess>(PASSPORTD_PATH, args);
    EXPECT_FALSE(node->address().empty()) << "passportd did not start";
    return node;
  }

  // A record the node admits: governance registers a new organisation, with
  // a unique id and key, each time; once a planner is registered, every
  // other record is one of its demand plans (a workforce fact).
  std::string Entry(int writer, int n) {
    skillspassport::v1::Record record;
    record.set_issued_at(absl::ToUnixSeconds(absl::Now()));
    if (planner_.has_value() && n % 2 == 1) {
      auto* plan = record.mutable_demand_plan();
      plan->set_organisation_id("ODS:QYG");
      plan->set_icb_code("E54000008");
      plan->set_place(absl::StrCat("Place ", writer));
      plan->set_ascwds_job_role(10);
      plan->mutable_period_start()->set_year(2026);
      plan->mutable_period_start()->set_month(4);
      plan->mutable_period_start()->set_day(1);
      plan->mutable_period_end()->set_year(2027);
      plan->mutable_period_end()->set_month(3);
      plan->mutable_period_end()->set_day(31);
      plan->set_required_fte_thousandths(1000 * (n + 1));
      const ledger::Signer* signers[] = {&*planner_};
      return *records::SignRecord(record, signers);
    }
    auto* org = record.mutable_organisation_registered();
    org->set_organisation_id(absl::StrCat("ODS:W", writer, "N", n));
    org->set_id_scheme(skillspassport::v1::ID_SCHEME_ODS);
    org->set_name("Crash test trust");
    org->set_sector(skillspassport::v1::SECTOR_NHS);
    org->set_icb_code("E54000008");
    org->set_place("Liverpool");
    org->set_public_key(
        records::PublicKeyBytes(ledger::Signer::Generate("org")->verifier()));
    const ledger::Signer* signers[] = {&author_};
    return *records::SignRecord(record, signers);
  }

  // Appends from 8 threads, SIGKILLs the node once `kill_after` appends are
  // acknowledged (appends are still in flight), and returns every ack.
  std::vector<Ack> AppendUntilKilled(testing::NodeProcess& node, int round,
                                     size_t kill_after) {
    clients::LedgerClient client(
        clients::LedgerClient::Connect(node.address()));
    std::mutex mu;
    std::vector<Ack> acks;
    std::atomic<bool> killed{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 8; ++w) {
      writers.emplace_back([&, w] {
        for (int n = 0;; ++n) {
          auto response = client.Append(Entry(round * 100 + w, n));
          if (!response.ok()) {
            // Only the kill may make an append fail.
            EXPECT_TRUE(killed.load()) << response.status();
            return;
          }
          std::lock_guard lock(mu);
          acks.push_back({response->index(),
                          *ledger::HashFromBytes(response->leaf_hash()),
                          response->checkpoint()});
        }
      });
    }
    // Bounded: if appends stop being acknowledged, kill anyway and fail.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (true) {
      {
        std::lock_guard lock(mu);
        if (acks.size() >= kill_after) break;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "only " << acks.size()
                      << " appends acknowledged in 60 s";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    killed = true;
    int status = node.Stop(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    for (auto& t : writers) t.join();
    return acks;
  }

  // Governance registers the ICS "ODS:QYG", a workforce planner.
  void RegisterPlanner(const std::string& address) {
    planner_ = *ledger::Signer::Generate("planner");
    skillspassport::v1::Record record;
    record.set_issued_at(absl::ToUnixSeconds(absl::Now()));
    auto* org = record.mutable_organisation_registered();
    org->set_organisation_id("ODS:QYG");
    org->set_id_scheme(skillspassport::v1::ID_SCHEME_ODS);
    org->set_name("Cheshire and Merseyside ICS");
    org->set_sector(skillspassport::v1::SECTOR_NHS);
    org->set_icb_code("E54000008");
    org->set_place("Liverpool");
    org->add_roles(skillspassport::v1::ORGANISATION_ROLE_WORKFORCE_PLANNER);
    org->set_public_key(records::PublicKeyBytes(planner_->verifier()));
    const ledger::Signer* signers[] = {&author_};
    clients::LedgerClient client(clients::LedgerClient::Connect(address));
    ASSERT_TRUE(client.Append(*records::SignRecord(record, signers)).ok());
  }

  // `passportd verify` on the stopped node's directory: its exit status and
  // what it printed.
  std::pair<int, std::string> Verify() {
    std::string command =
        absl::StrCat(PASSPORTD_PATH, " verify --data-dir ", dir_.File("data"),
                     " --trust-anchor ", dir_.File("anchors.txt"), " 2>&1");
    FILE* pipe = ::popen(command.c_str(), "r");
    std::string output;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
      output.append(buffer, n);
    int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
  }

  ledger::Signer author_;
  std::optional<ledger::Signer> planner_;
  testing::TempDir dir_;
};

TEST_F(CrashTest, AcknowledgedAppendsSurviveSigkill) {
  std::string node_vkey;
  std::string last_checkpoint;
  for (int round = 0; round < 3; ++round) {
    auto node = StartNode();
    ASSERT_FALSE(node->address().empty());
    clients::LedgerClient client(
        clients::LedgerClient::Connect(node->address()));
    std::string start_checkpoint = *client.Checkpoint();
    if (!last_checkpoint.empty()) {
      // After a clean stop the node comes back with exactly the tree it had.
      EXPECT_EQ(start_checkpoint, last_checkpoint);
    }
    std::vector<Ack> acks = AppendUntilKilled(*node, round, 200 + 100 * round);

    auto restarted = StartNode();
    ASSERT_FALSE(restarted->address().empty());
    {
      clients::LedgerClient after(
          clients::LedgerClient::Connect(restarted->address()));
      std::string checkpoint = *after.Checkpoint();
      auto parsed_note = ledger::ParseNote(checkpoint);
      ASSERT_TRUE(parsed_note.ok());
      auto head = ledger::ParseCheckpointText(parsed_note->text);
      ASSERT_TRUE(head.ok());

      // Every acknowledged entry is there, at the index it was given.
      for (const Ack& ack : acks) {
        auto proof = after.InclusionByLeafHash(ack.leaf_hash, head->size);
        ASSERT_TRUE(proof.ok()) << "acknowledged entry " << ack.index
                                << " lost: " << proof.status();
        EXPECT_EQ(proof->index, ack.index);
        EXPECT_TRUE(ledger::VerifyInclusion(proof->index, head->size,
                                            ack.leaf_hash, proof->proof,
                                            head->root)
                        .ok());
      }
      // Every checkpoint handed out (and the one before this round) is a prefix
      // of the tree after the crash.
      std::map<uint64_t, ledger::Hash> handed_out;
      for (const Ack& ack : acks) {
        auto cp = ledger::ParseCheckpointText(
            ledger::ParseNote(ack.checkpoint)->text);
        ASSERT_TRUE(cp.ok());
        auto [it, inserted] = handed_out.emplace(cp->size, cp->root);
        EXPECT_EQ(it->second, cp->root) << "two roots for size " << cp->size;
      }
      auto start = ledger::ParseCheckpointText(
          ledger::ParseNote(start_checkpoint)->text);
      handed_out.emplace(start->size, start->root);
      for (const auto& [size, root] : handed_out) {
        ASSERT_LE(size, head->size);
        auto proof = after.Consistency(size, head->size);
        ASSERT_TRUE(proof.ok()) << proof.status();
        EXPECT_TRUE(ledger::VerifyConsistency(size, head->size, proof->proof,
                                              root, head->root)
                        .ok())
            << "checkpoint of size " << size
            << " is not a prefix of the recovered tree";
      }
      // The node goes on appending after recovery.
      auto more = after.Append(Entry(999, round));
      ASSERT_TRUE(more.ok()) << more.status();
      EXPECT_EQ(more->index(), head->size);
      last_checkpoint = more->checkpoint();
    }  // the client disconnects before the stop, so the stop does not wait on
       // it
    restarted->Stop(SIGTERM);
  }
}

// The node writes snapshots in the background as fast as records arrive
// (every row, checked every millisecond) and is killed at random moments:
// whatever a kill leaves, the node starts correctly from it, every
// acknowledged record is there, and `passportd verify` finds the snapshot
// equal to folding every row (a kill can leave a partial NAME.tmp, never a
// partial snapshot).
TEST_F(CrashTest, AKillWhileSnapshottingLeavesANodeThatStartsCorrectly) {
  const std::vector<std::string> snapshot_often = {
      "--snapshot-rows", "1", "--snapshot-check-ms", "1"};
  {
    auto node = StartNode(snapshot_often);
    ASSERT_FALSE(node->address().empty());
    RegisterPlanner(node->address());
    node->Stop(SIGTERM);
  }
  const uint32_t seed = static_cast<uint32_t>(absl::ToUnixNanos(absl::Now()));
  std::mt19937 random(seed);
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  int partial_files = 0;
  for (int round = 0; round < 8; ++round) {
    auto node = StartNode(snapshot_often);
    ASSERT_FALSE(node->address().empty());
    std::vector<Ack> acks =
        AppendUntilKilled(*node, round, 20 + random() % 200);
    partial_files +=
        std::filesystem::exists(dir_.File("data") + "/snapshot.tmp");

    auto [status, output] = Verify();
    EXPECT_EQ(status, 0) << output;
    EXPECT_TRUE(absl::StrContains(output, "equals every row folded"))
        << output;

    auto restarted = StartNode();
    ASSERT_FALSE(restarted->address().empty()) << "round " << round;
    {
      clients::LedgerClient after(
          clients::LedgerClient::Connect(restarted->address()));
      auto head = ledger::ParseCheckpointText(
          ledger::ParseNote(*after.Checkpoint())->text);
      ASSERT_TRUE(head.ok());
      for (const Ack& ack : acks) {
        auto proof = after.InclusionByLeafHash(ack.leaf_hash, head->size);
        ASSERT_TRUE(proof.ok()) << "acknowledged entry " << ack.index
                                << " lost: " << proof.status();
      }
    }
    restarted->Stop(SIGTERM);
  }
  std::printf("%d of 8 kills left a partial snapshot.tmp beside the snapshot\n",
              partial_files);
}

}  // namespace
}  // namespace skp
