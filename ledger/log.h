// Log: one node's append-only transparency log over a LogStore.
//
// Appends are validated on the caller's thread (decode + the injected
// EntryValidator's Validate, so signature checks run in parallel), then handed
// to a single writer thread that admits them in order (EntryValidator::Admit)
// and group-commits everything queued into one durable LogBatch: entries, leaf
// index, completed Merkle subtrees, projection rows, new size and a freshly
// signed checkpoint. A callback fires only after its batch is durable.
//
// Thread-safe. The store, signer and validator must outlive the Log.
#ifndef SKP_LEDGER_LOG_H_
#define SKP_LEDGER_LOG_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ledger/crypto.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"
#include "ledger/store.h"
#include "ledger/validator.h"

namespace skp::ledger {

struct LogOptions {
  // The checkpoint origin: the log's unique name, e.g. "example.org/passport".
  std::string origin;
  // Upper bound on entries per group commit.
  size_t max_batch_entries = 8192;
};

struct AppendResult {
  uint64_t index = 0;
  Hash leaf_hash{};
  // The entry was already in the log; nothing was written.
  bool already_present = false;
  // A signed checkpoint whose tree contains the entry.
  std::string checkpoint;
};

// The latest committed state, as one consistent snapshot.
struct LogHead {
  uint64_t size = 0;
  Hash root{};
  std::string checkpoint;
};

class Log {
 public:
  using AppendCallback = std::function<void(absl::StatusOr<AppendResult>)>;

  // Loads the tree state from `store` (O(log n) reads; nothing is replayed)
  // and starts the writer thread.
  static absl::StatusOr<std::unique_ptr<Log>> Open(LogStore* store,
                                                   const Signer* signer,
                                                   EntryValidator* validator,
                                                   LogOptions options);
  // Commits everything already queued, then stops the writer.
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Validates and queues `entry`. `done` runs exactly once: on this thread if
  // the entry is rejected or already logged, otherwise on the writer thread
  // once the batch holding it is durable. `done` must not block.
  void Append(std::string entry, AppendCallback done);
  // Append, waiting for the result.
  absl::StatusOr<AppendResult> AppendAndWait(std::string entry);

  LogHead Head() const;
  const Verifier& verifier() const { return signer_->verifier(); }
  const std::string& origin() const { return options_.origin; }

  // Reads below Head().size; kOutOfRange beyond it.
  absl::StatusOr<std::string> GetEntry(uint64_t index) const;
  absl::Status ScanEntries(
      uint64_t from, uint64_t to,
      absl::FunctionRef<bool(uint64_t, absl::string_view)> visit) const;
  // kNotFound unless the leaf is in the tree of Head().size.
  absl::StatusOr<uint64_t> FindLeaf(const Hash& leaf_hash) const;
  // Root of the tree of the first `size` entries.
  absl::StatusOr<Hash> RootAt(uint64_t size) const;
  // kInvalidArgument if index >= size, kOutOfRange if size > Head().size.
  absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index,
                                                   uint64_t size) const;
  // kInvalidArgument if old_size > new_size, kOutOfRange if new_size >
  // Head().size.
  absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t old_size,
                                                     uint64_t new_size) const;

 private:
  struct Pending {
    std::string entry;
    Entry decoded;
    Hash leaf_hash;
    AppendCallback done;
  };

  Log(LogStore* store, const Signer* signer, EntryValidator* validator,
      LogOptions options, CompactRange range, std::string checkpoint);
  void WriterLoop();
  void CommitBatch(std::vector<Pending>& batch);
  absl::Status CheckTreeSize(uint64_t size) const;
  absl::StatusOr<Hash> StoredSubtree(int level, uint64_t index) const;

  LogStore* const store_;
  const Signer* const signer_;
  EntryValidator* const validator_;
  const LogOptions options_;

  // Owned by the writer thread.
  CompactRange range_;

  mutable std::mutex head_mu_;
  LogHead head_;  // guarded by head_mu_

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;  // guarded by queue_mu_
  bool stopping_ = false;      // guarded by queue_mu_
  std::thread writer_;
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_LOG_H_
