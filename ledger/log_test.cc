#include "ledger/log.h"

#include <atomic>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "ledger/entry.h"
#include "ledger/memory_store.h"
#include "ledger/note.h"
#include "ledger/rocksdb_store.h"
#include "tests/testing/temp_dir.h"

namespace skp::ledger {
namespace {

class LogTest : public ::testing::TestWithParam<bool /*rocksdb*/> {
 protected:
  LogTest()
      : node_key_(*Signer::Generate("test.example/log")),
        author_(*Signer::Generate("author")),
        stranger_(*Signer::Generate("stranger")),
        validator_(std::vector<Verifier>{author_.verifier()}) {}

  void SetUp() override { Reopen(); }

  void Reopen() {
    log_.reset();
    store_.reset();
    if (GetParam()) {
      store_ = *RocksDbStore::Open(dir_.File("db"));
    } else {
      store_ = std::make_unique<MemoryStore>();
    }
    auto log =
        Log::Open(store_.get(), &node_key_, &validator_, {"test.example/log"});
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
  }

  std::string Signed(absl::string_view payload, const Signer& by) {
    const Signer* signers[] = {&by};
    return *SignEntry(kRecordPayloadType, payload, signers);
  }

  Signer node_key_, author_, stranger_;
  TrustAnchorValidator validator_;
  testing::TempDir dir_;
  std::unique_ptr<LogStore> store_;
  std::unique_ptr<Log> log_;
};

TEST_P(LogTest, EmptyLogHasSignedCheckpoint) {
  LogHead head = log_->Head();
  EXPECT_EQ(head.size, 0u);
  auto cp = OpenCheckpoint(head.checkpoint, node_key_.verifier());
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_EQ(cp->size, 0u);
  EXPECT_EQ(cp->root, EmptyRoot());
}

TEST_P(LogTest, AppendsAreProvableAndIdempotent) {
  std::vector<std::string> entries;
  for (int i = 0; i < 20; ++i) {
    entries.push_back(Signed("record " + std::to_string(i), author_));
    auto result = log_->AppendAndWait(entries.back());
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->index, static_cast<uint64_t>(i));
    EXPECT_FALSE(result->already_present);
    auto cp = OpenCheckpoint(result->checkpoint, node_key_.verifier());
    ASSERT_TRUE(cp.ok());
    EXPECT_EQ(cp->size, static_cast<uint64_t>(i + 1));
  }
  auto again = log_->AppendAndWait(entries[7]);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->index, 7u);
  EXPECT_TRUE(again->already_present);
  EXPECT_EQ(log_->Head().size, 20u);

  LogHead head = log_->Head();
  std::vector<Hash> leaves;
  for (const auto& e : entries) leaves.push_back(HashLeaf(e));
  EXPECT_EQ(head.root, RootOfLeaves(leaves));
  for (uint64_t n = 1; n <= 20; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      auto proof = log_->InclusionProof(i, n);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(
          VerifyInclusion(i, n, leaves[i], *proof, *log_->RootAt(n)).ok());
    }
    auto consistency = log_->ConsistencyProof(n, 20);
    ASSERT_TRUE(consistency.ok());
    EXPECT_TRUE(
        VerifyConsistency(n, 20, *consistency, *log_->RootAt(n), head.root)
            .ok());
  }
  EXPECT_EQ(*log_->FindLeaf(leaves[3]), 3u);
  EXPECT_EQ(*log_->GetEntry(5), entries[5]);
}

TEST_P(LogTest, RejectsBadEntriesAndWritesNothing) {
  std::string good = Signed("payload", author_);
  std::string tampered = good;
  tampered[10] ^= 1;  // inside the payload type
  auto sig_over_other = DecodeEntry(Signed("other payload", author_));
  Entry swapped = *DecodeEntry(good);
  swapped.signatures = sig_over_other->signatures;

  EXPECT_EQ(log_->AppendAndWait("").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      log_->AppendAndWait(good.substr(0, good.size() - 1)).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->AppendAndWait(Signed("payload", stranger_)).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(log_->AppendAndWait(tampered).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(log_->AppendAndWait(*EncodeEntry(swapped)).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(log_->Head().size, 0u);
  EXPECT_EQ(*store_->Size(), 0u);
}

TEST_P(LogTest, ProofRequestsOutsideTheTreeAreRejected) {
  ASSERT_TRUE(log_->AppendAndWait(Signed("a", author_)).ok());
  ASSERT_TRUE(log_->AppendAndWait(Signed("b", author_)).ok());
  EXPECT_EQ(log_->InclusionProof(2, 2).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->InclusionProof(0, 3).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(log_->ConsistencyProof(2, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ConsistencyProof(1, 3).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(log_->GetEntry(2).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(log_->FindLeaf(HashLeaf("nope")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(LogTest, ConcurrentAppendsShareBatchesAndAllLand) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  std::vector<std::vector<uint64_t>> indices(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r =
            log_->AppendAndWait(Signed(absl::StrCat("t", t, " i", i), author_));
        if (r.ok()) {
          ++ok;
          indices[t].push_back(r->index);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  std::vector<bool> seen(kThreads * kPerThread);
  for (const auto& list : indices) {
    for (uint64_t i : list) {
      ASSERT_LT(i, seen.size());
      EXPECT_FALSE(seen[i]);
      seen[i] = true;
    }
  }
  EXPECT_EQ(log_->Head().size, static_cast<uint64_t>(kThreads * kPerThread));
}

class RocksDbLogTest : public LogTest {};

TEST_P(RocksDbLogTest, ReopenResumesTheSameTree) {
  for (int i = 0; i < 13; ++i)
    ASSERT_TRUE(log_->AppendAndWait(Signed(absl::StrCat(i), author_)).ok());
  LogHead before = log_->Head();
  Reopen();
  LogHead after = log_->Head();
  EXPECT_EQ(after.size, 13u);
  EXPECT_EQ(after.root, before.root);
  EXPECT_EQ(after.checkpoint, before.checkpoint);
  auto result = log_->AppendAndWait(Signed("after reopen", author_));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->index, 13u);
  auto proof = log_->ConsistencyProof(13, 14);
  EXPECT_TRUE(
      VerifyConsistency(13, 14, *proof, before.root, log_->Head().root).ok());
}

// Admits payloads in order, refusing any that repeat an earlier payload's
// first word, and writes one projection row per admitted entry.
class FirstWordValidator : public EntryValidator {
 public:
  absl::Status Validate(const IncomingEntry&) const override {
    return absl::OkStatus();
  }
  absl::Status Admit(const IncomingEntry& incoming, uint64_t index,
                     ProjectionRows& rows) override {
    const Entry& entry = incoming.decoded;
    std::string word = entry.payload.substr(0, entry.payload.find(' '));
    if (committed_.count(word) || staged_.count(word)) {
      return absl::AlreadyExistsError("first word " + word + " already used");
    }
    staged_.insert(word);
    rows.emplace_back("word/" + word, std::to_string(index));
    return absl::OkStatus();
  }
  void Committed() override {
    committed_.insert(staged_.begin(), staged_.end());
    staged_.clear();
    ++commits_;
  }
  void Aborted() override { staged_.clear(); }
  int commits_ = 0;

 private:
  std::set<std::string> committed_, staged_;
};

TEST_P(LogTest, AdmissionRunsInOrderAndItsRowsCommitWithTheEntries) {
  FirstWordValidator admit;
  log_.reset();
  log_ = *Log::Open(store_.get(), &node_key_, &admit, {"test.example/log"});
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0}, refused{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        // Every thread tries the same 25 first words: each is admitted once.
        auto r = log_->AppendAndWait(
            Signed(absl::StrCat("w", i, " from ", t), author_));
        if (r.ok()) {
          ++accepted;
        } else {
          EXPECT_EQ(r.status().code(), absl::StatusCode::kAlreadyExists);
          ++refused;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 25);
  EXPECT_EQ(refused.load(), 75);
  EXPECT_EQ(log_->Head().size, 25u);
  std::set<uint64_t> indices;
  ASSERT_TRUE(
      store_
          ->ScanProjections("word/",
                            [&](absl::string_view, absl::string_view v) {
                              indices.insert(std::stoull(std::string(v)));
                              return true;
                            })
          .ok());
  EXPECT_EQ(indices.size(), 25u);
  EXPECT_EQ(*indices.rbegin(), 24u);  // refused entries took no index
  EXPECT_GE(admit.commits_, 1);
  log_.reset();
}

INSTANTIATE_TEST_SUITE_P(Stores, LogTest, ::testing::Values(false, true),
                         [](const auto& info) {
                           return info.param ? "RocksDb" : "Memory";
                         });
// Only RocksDB persists across a reopen.
INSTANTIATE_TEST_SUITE_P(Durable, RocksDbLogTest, ::testing::Values(true));

}  // namespace
}  // namespace skp::ledger
