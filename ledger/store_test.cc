// One suite, run against both LogStore implementations.
#include <functional>
#include <memory>

#include "gtest/gtest.h"
#include "ledger/memory_store.h"
#include "ledger/merkle.h"
#include "ledger/rocksdb_store.h"
#include "tests/testing/temp_dir.h"

namespace skp::ledger {
namespace {

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<LogStore>(const std::string& dir)> open;
};

class StoreTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam().open(dir_.path()); }

  LogBatch MakeBatch(uint64_t first, int n) {
    LogBatch batch;
    batch.first_index = first;
    for (int i = 0; i < n; ++i) {
      std::string entry = "entry " + std::to_string(first + i);
      batch.leaf_hashes.push_back(HashLeaf(entry));
      batch.entries.push_back(entry);
      batch.nodes.push_back({0, first + i, batch.leaf_hashes.back()});
    }
    batch.checkpoint = "checkpoint " + std::to_string(first + n);
    return batch;
  }

  testing::TempDir dir_;
  std::unique_ptr<LogStore> store_;
};

TEST_P(StoreTest, EmptyStore) {
  EXPECT_EQ(*store_->Size(), 0u);
  EXPECT_EQ(store_->GetEntry(0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->LatestCheckpoint().status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetNode(0, 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(store_->FindLeaf(HashLeaf("x"))->has_value());
}

TEST_P(StoreTest, CommitsAreVisibleAndOrdered) {
  ASSERT_TRUE(store_->Commit(MakeBatch(0, 3)).ok());
  ASSERT_TRUE(store_->Commit(MakeBatch(3, 2)).ok());
  EXPECT_EQ(*store_->Size(), 5u);
  EXPECT_EQ(*store_->GetEntry(4), "entry 4");
  EXPECT_EQ(*store_->LatestCheckpoint(), "checkpoint 5");
  EXPECT_EQ(**store_->FindLeaf(HashLeaf("entry 3")), 3u);
  EXPECT_EQ(*store_->GetNode(0, 2), HashLeaf("entry 2"));
  EXPECT_EQ(*store_->GetNodes(0, 1, 4),
            (std::vector<Hash>{HashLeaf("entry 1"), HashLeaf("entry 2"),
                               HashLeaf("entry 3")}));
  EXPECT_TRUE(store_->GetNodes(0, 2, 2)->empty());
  EXPECT_EQ(store_->GetNodes(0, 3, 6).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetNodes(1, 0, 1).status().code(),
            absl::StatusCode::kNotFound);
  std::vector<uint64_t> seen;
  ASSERT_TRUE(store_
                  ->ScanEntries(1, 4,
                                [&](uint64_t i, absl::string_view e) {
                                  EXPECT_EQ(e, "entry " + std::to_string(i));
                                  seen.push_back(i);
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3}));
  seen.clear();
  ASSERT_TRUE(store_
                  ->ScanEntries(0, 5,
                                [&](uint64_t i, absl::string_view) {
                                  seen.push_back(i);
                                  return i < 1;
                                })
                  .ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{0, 1}));
}

TEST_P(StoreTest, RejectsBatchNotAtTheEnd) {
  ASSERT_TRUE(store_->Commit(MakeBatch(0, 2)).ok());
  EXPECT_EQ(store_->Commit(MakeBatch(1, 1)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Commit(MakeBatch(3, 1)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*store_->Size(), 2u);
}

TEST_P(StoreTest, EmptyBatchUpdatesOnlyTheCheckpoint) {
  ASSERT_TRUE(store_->Commit(MakeBatch(0, 2)).ok());
  LogBatch batch;
  batch.first_index = 2;
  batch.checkpoint = "re-signed";
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(*store_->Size(), 2u);
  EXPECT_EQ(*store_->LatestCheckpoint(), "re-signed");
}

TEST_P(StoreTest, ProjectionRowsCommitWithTheBatchAndScanByPrefix) {
  LogBatch batch = MakeBatch(0, 1);
  batch.projection_rows = {
      {"reg/b", "2"}, {"reg/a", "1"}, {"other/x", "3"}, {"reg/a", "1b"}};
  ASSERT_TRUE(store_->Commit(batch).ok());
  std::vector<std::pair<std::string, std::string>> seen;
  ASSERT_TRUE(
      store_
          ->ScanProjections("reg/",
                            [&](absl::string_view k, absl::string_view v) {
                              seen.emplace_back(std::string(k), std::string(v));
                              return true;
                            })
          .ok());
  // Later rows in a batch win; keys come back in order.
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{
                      {"reg/a", "1b"}, {"reg/b", "2"}}));
}

TEST_P(StoreTest, ClearProjectionsLeavesTheLogAlone) {
  LogBatch batch = MakeBatch(0, 2);
  batch.projection_rows = {{"passport/a", "1"}, {"registry/b", "2"}};
  ASSERT_TRUE(store_->Commit(batch).ok());
  ASSERT_TRUE(store_->ClearProjections().ok());
  int rows = 0;
  ASSERT_TRUE(store_
                  ->ScanProjections("",
                                    [&](absl::string_view, absl::string_view) {
                                      ++rows;
                                      return true;
                                    })
                  .ok());
  EXPECT_EQ(rows, 0);
  EXPECT_EQ(*store_->Size(), 2u);
  EXPECT_EQ(*store_->GetEntry(1), "entry 1");
}

INSTANTIATE_TEST_SUITE_P(
    Stores, StoreTest,
    ::testing::Values(
        StoreFactory{"Memory",
                     [](const std::string&) -> std::unique_ptr<LogStore> {
                       return std::make_unique<MemoryStore>();
                     }},
        StoreFactory{"RocksDb",
                     [](const std::string& dir) -> std::unique_ptr<LogStore> {
                       return *RocksDbStore::Open(dir + "/db");
                     }}),
    [](const auto& info) { return info.param.name; });

TEST(RocksDbStoreTest, ReopenKeepsEverything) {
  testing::TempDir dir;
  {
    auto store = RocksDbStore::Open(dir.File("db"));
    ASSERT_TRUE(store.ok());
    LogBatch batch;
    batch.entries = {"a", "b"};
    batch.leaf_hashes = {HashLeaf("a"), HashLeaf("b")};
    batch.nodes = {{1, 0, HashChildren(HashLeaf("a"), HashLeaf("b"))}};
    batch.checkpoint = "cp";
    ASSERT_TRUE((*store)->Commit(batch).ok());
  }
  auto store = RocksDbStore::Open(dir.File("db"));
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->Size(), 2u);
  EXPECT_EQ(*(*store)->GetEntry(1), "b");
  EXPECT_EQ(*(*store)->GetNode(1, 0),
            HashChildren(HashLeaf("a"), HashLeaf("b")));
  EXPECT_EQ(*(*store)->LatestCheckpoint(), "cp");
}

}  // namespace
}  // namespace skp::ledger
