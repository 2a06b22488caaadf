// `passportd verify` (the fsck) on a data directory written through the real
// intake: a clean directory verifies; a projection row changed behind the
// log's back, and a byte flipped in a table file on disk, are both found.
#include "services/passportd/verify.h"

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ledger/log.h"
#include "ledger/rocksdb_store.h"
#include "records/access_token.h"
#include "services/passportd/backup.h"
#include "services/passportd/intake.h"
#include "services/passportd/node.h"
#include "tests/testing/temp_dir.h"
#include "tests/workforce/workforce_generator.h"

namespace skp::testing {
namespace {

constexpr int64_t kIssuedAt = 1790000000;

class VerifyTest : public ::testing::Test {
 protected:
  // A node's data directory holding a small generated workforce.
  services::NodeOptions MakeDataDir() {
    services::NodeOptions options;
    options.data_dir = dir_.path();
    auto reference = *reference::ReferenceData::Embedded();
    auto generator = *WorkforceGenerator::Create({.seed = 3,
                                                  .workers = 40,
                                                  .workers_per_provider = 10,
                                                  .issued_at = kIssuedAt,
                                                  .keep_truth = false},
                                                 &reference);
    auto node_key = *services::LoadOrCreateNodeKey(options.data_dir, "");
    std::ofstream(services::DataDir(options.data_dir).TrustAnchors())
        << generator.governance().verifier().ToString() << "\n";
    auto store = *ledger::RocksDbStore::Open(
        services::DataDir(options.data_dir).Ledger());
    auto intake = *services::Intake::Load(
        store.get(), {generator.governance().verifier()}, &reference,
        [] { return absl::FromUnixSeconds(kIssuedAt); });
    auto log = *ledger::Log::Open(store.get(), &node_key, &intake->validator(),
                                  {.origin = node_key.name()});
    absl::Status generated = generator.Generate([&](const std::string& entry) {
      return log->AppendAndWait(entry).status();
    });
    EXPECT_TRUE(generated.ok()) << generated.ToString();
    log.reset();
    EXPECT_TRUE(store->Flush().ok());
    return options;
  }

  // Changes the first projection row under `prefix` in `data_dir` behind
  // its log's back.
  static void ForgeProjectionRow(const std::string& data_dir,
                                 absl::string_view prefix = "passport/") {
    auto store =
        *ledger::RocksDbStore::Open(services::DataDir(data_dir).Ledger());
    std::string key;
    ASSERT_TRUE(
        store
            ->ScanProjections(prefix,
                              [&](absl::string_view k, absl::string_view) {
                                key = std::string(k);
                                return false;
                              })
            .ok());
    ledger::LogBatch batch;
    batch.first_index = *store->Size();
    batch.checkpoint = *store->LatestCheckpoint();
    batch.projection_rows.emplace_back(key, "forged");
    ASSERT_TRUE(store->Commit(batch).ok());
  }

  TempDir dir_;
};

TEST_F(VerifyTest, ACleanDirectoryVerifies) {
  services::NodeOptions options = MakeDataDir();
  absl::StatusOr<std::string> verified = services::VerifyDataDir(options);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(absl::StartsWith(*verified, "verified ")) << *verified;
}

TEST_F(VerifyTest, BackupsOnlineAndOfflineVerify) {
  services::NodeOptions options = MakeDataDir();
  options.listen = "127.0.0.1:0";
  const std::string online = dir_.path() + "/backup-online";
  const std::string offline = dir_.path() + "/backup-offline";
  uint64_t size = 0;
  {
    auto node = services::Node::Start(options);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    size = (*node)->log().Head().size;
    auto stub = skillspassport::v1::Admin::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*node)->port()),
                            grpc::InsecureChannelCredentials()));
    skillspassport::v1::BackupRequest request;
    request.set_to_dir(online);
    skillspassport::v1::BackupResponse response;
    // Only the node's operators may: the first start made a local operator
    // key beside the node key.
    auto backup_as = [&](const ledger::Signer* caller) {
      grpc::ClientContext context;
      if (caller != nullptr) {
        context.AddMetadata(
            "authorization",
            "Bearer " + records::SignAccessToken(
                            *caller, (*node)->verifier().name(), absl::Now()));
      }
      return stub->Backup(&context, request, &response);
    };
    auto operator_key =
        ledger::ReadKeyFile(services::DataDir(options.data_dir).OperatorKey());
    ASSERT_TRUE(operator_key.ok()) << operator_key.status();
    auto stranger = *ledger::Signer::Generate("stranger");
    for (const ledger::Signer* refused :
         {(ledger::Signer*)nullptr, &stranger}) {
      grpc::Status status = backup_as(refused);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
      EXPECT_FALSE(std::filesystem::exists(online));
    }
    grpc::Status backed_up = backup_as(&*operator_key);
    ASSERT_TRUE(backed_up.ok()) << backed_up.error_message();
    EXPECT_EQ(response.size(), size);
    EXPECT_FALSE(response.checkpoint().empty());
    EXPECT_EQ(backup_as(&*operator_key).error_code(),
              grpc::StatusCode::ALREADY_EXISTS);
  }
  {
    auto store = *ledger::RocksDbStore::Open(
        services::DataDir(options.data_dir).Ledger());
    auto copied = services::BackupDataDir(*store, options.data_dir, offline);
    ASSERT_TRUE(copied.ok()) << copied.status().ToString();
    EXPECT_EQ(copied->size(), size);
  }
  for (const std::string& backup : {online, offline}) {
    for (const char* file :
         {"witness.key", "operator.key", "operator-keys.txt"})
      EXPECT_TRUE(std::filesystem::exists(backup + "/" + file)) << file;
    services::NodeOptions restored;
    restored.data_dir = backup;
    absl::StatusOr<std::string> verified = services::VerifyDataDir(restored);
    EXPECT_TRUE(verified.ok())
        << backup << ": " << verified.status().ToString();
    EXPECT_EQ(std::filesystem::status(backup + "/node.key").permissions() &
                  std::filesystem::perms::all,
              std::filesystem::perms::owner_read |
                  std::filesystem::perms::owner_write);
  }
}

TEST_F(VerifyTest, RestoreVerifiesTheBackupBeforePuttingItInPlace) {
  services::NodeOptions options = MakeDataDir();
  const std::string clean = dir_.path() + "/backup-clean";
  const std::string forged = dir_.path() + "/backup-forged";
  {
    auto store = *ledger::RocksDbStore::Open(
        services::DataDir(options.data_dir).Ledger());
    ASSERT_TRUE(services::BackupDataDir(*store, options.data_dir, clean).ok());
    ASSERT_TRUE(services::BackupDataDir(*store, options.data_dir, forged).ok());
  }
  // A projection row changed in one backup behind its log's back.
  ForgeProjectionRow(forged);
  services::NodeOptions target;
  target.data_dir = dir_.path() + "/restored";
  absl::StatusOr<std::string> refused =
      services::RestoreDataDir(target, forged);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(std::filesystem::exists(target.data_dir));

  absl::StatusOr<std::string> restored =
      services::RestoreDataDir(target, clean);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_TRUE(absl::StartsWith(*restored, "verified ")) << *restored;
  EXPECT_FALSE(std::filesystem::exists(target.data_dir + ".restoring"));
  EXPECT_TRUE(services::VerifyDataDir(target).ok());
  EXPECT_EQ(std::filesystem::status(target.data_dir).permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  // A restore never overwrites a data directory.
  EXPECT_EQ(services::RestoreDataDir(target, clean).status().code(),
            absl::StatusCode::kAlreadyExists);
  // The restored directory serves the same log.
  target.listen = "127.0.0.1:0";
  auto node = services::Node::Start(target);
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  auto original =
      *ledger::ReadKeyFile(services::DataDir(options.data_dir).NodeKey());
  EXPECT_EQ((*node)->verifier().ToString(), original.verifier().ToString());
  EXPECT_GT((*node)->log().Head().size, 0u);
}

TEST_F(VerifyTest, AChangedProjectionRowIsFound) {
  services::NodeOptions options = MakeDataDir();
  ForgeProjectionRow(options.data_dir);
  absl::StatusOr<std::string> verified = services::VerifyDataDir(options);
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(
      absl::StrContains(verified.status().message(),
                        "differs from the one derived from the entries"))
      << verified.status().ToString();
}

// Workforce rows are numbered in admission order and compared as a set.
TEST_F(VerifyTest, AChangedWorkforceRowIsFound) {
  services::NodeOptions options = MakeDataDir();
  ForgeProjectionRow(options.data_dir, "facts/");
  absl::StatusOr<std::string> verified = services::VerifyDataDir(options);
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(verified.status().message(),
            "verify: the workforce rows differ from those derived from the "
            "entries")
      << verified.status().ToString();
}

TEST_F(VerifyTest, AFlippedByteOnDiskIsFound) {
  services::NodeOptions options = MakeDataDir();
  // The largest table file holds the entries.
  std::filesystem::path largest;
  for (const auto& file : std::filesystem::directory_iterator(
           services::DataDir(options.data_dir).Ledger())) {
    if (file.path().extension() == ".sst" &&
        (largest.empty() ||
         file.file_size() > std::filesystem::file_size(largest))) {
      largest = file.path();
    }
  }
  ASSERT_FALSE(largest.empty());
  {
    std::fstream f(largest, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(
        static_cast<std::streamoff>(std::filesystem::file_size(largest) / 3));
    char c = 0;
    f.read(&c, 1);
    f.seekp(
        static_cast<std::streamoff>(std::filesystem::file_size(largest) / 3));
    c = static_cast<char>(c ^ 0x40);
    f.write(&c, 1);
  }
  absl::StatusOr<std::string> verified = services::VerifyDataDir(options);
  EXPECT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kDataLoss)
      << verified.status().ToString();
}

}  // namespace
}  // namespace skp::testing
