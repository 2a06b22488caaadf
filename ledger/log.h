// Log: one node's append-only transparency log over a LogStore.
//
// Appends are validated on the caller's thread (decode + the injected
// EntryValidator's Validate, so signature checks run in parallel), then handed
// to a single writer thread that admits them in order (EntryValidator::Admit)
// and group-commits everything queued into one durable LogBatch: entries, leaf
// index, completed Merkle subtrees, projection rows, new size and a freshly
// signed checkpoint. A callback fires only after its batch is durable.
//
// The same writer stores the entries of peer logs this node mirrors
// (CommitMirrored) and admits their records, so the projections follow one
// admission order across every log. A record is admitted once per node, from
// whichever log brings it first; a mirrored record whose dependencies (its
// signer's registration, the record it revokes, ...) have not arrived yet is
// parked ("parked/" u64 location) and retried after later admissions.
// Admitted mirrored records are marked "mirrored/" leaf hash -> location.
//
// Thread-safe. The store, signer and validator must outlive the Log.
#ifndef SKP_LEDGER_LOG_H_
#define SKP_LEDGER_LOG_H_

#include <atomic>
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
#include "absl/time/time.h"
#include "ledger/crypto.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"
#include "ledger/published_tree.h"
#include "ledger/store.h"
#include "ledger/validator.h"

namespace skp::ledger {

struct LogOptions {
  // The checkpoint origin: the log's unique name, e.g. "example.org/passport".
  std::string origin;
  // Upper bound on entries per group commit.
  size_t max_batch_entries = 8192;
  // The most mirrored records parked at once, waiting for a dependency.
  // Beyond it a record that would wait is refused ("the parked set is
  // full"); `passportd rebuild` admits it again once its dependency is in.
  size_t max_parked = 100000;
  // Called on the writer thread after each durable group commit of the own
  // log, with its entry count and the synced write's duration (metrics).
  std::function<void(size_t entries, absl::Duration commit)> on_commit;
};

struct AppendResult {
  uint64_t index = 0;
  Hash leaf_hash{};
  // The entry was already on this node; nothing was written.
  bool already_present = false;
  // A signed checkpoint whose tree contains the entry; empty when the entry
  // is held in a mirror (log_slot != 0).
  std::string checkpoint;
  // 0: `index` is in this node's log. Otherwise the entry was already held
  // in the mirror with this slot, admitted from there, and `index` is in that
  // log: logging it here too would give the record a second location, from
  // which a rebuild (own log first) would admit it instead.
  int log_slot = 0;
};

// Where the record with this leaf hash is stored on this node, as a
// RecordLocation: in the own log, else in the mirror it was admitted from;
// nullopt if neither. Reads committed rows of `store` only.
absl::StatusOr<std::optional<uint64_t>> LocateRecord(const LogStore& store,
                                                     const Hash& leaf_hash);

// What CommitMirrored did with a batch of mirrored entries.
struct MirroredResult {
  size_t admitted = 0;  // new records, now in the projections
  size_t known = 0;     // already on this node through another log
  size_t parked = 0;    // waiting for records they depend on
  size_t refused = 0;   // refused for good: stored, never admitted
};

class Log final : public PublishedTree {
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

  // Stores entries of the peer log mirrored in `mirror` (slot `slot` of this
  // node's store) and admits their records. The caller has verified them
  // against the peer's signed checkpoint: `batch` carries the entries, leaf
  // hashes, tree nodes and that checkpoint. Validation (signatures, content;
  // not the clock) runs on the calling thread. Blocks until durable.
  absl::StatusOr<MirroredResult> CommitMirrored(LogStore* mirror, int slot,
                                                LogBatch batch);

  // For `passportd rebuild`, once the projections are cleared: admits
  // entries already stored (slot 0: this log's own; else a mirror's) the
  // way CommitMirrored does, writing projection rows only. Feed the own log
  // first, then each mirror, in index order.
  absl::StatusOr<MirroredResult> Readmit(int slot, uint64_t first_index,
                                         std::vector<std::string> entries);

  LogHead Head() const override;
  const std::string& origin() const override { return options_.origin; }
  const Verifier& verifier() const { return signer_->verifier(); }
  // Blocks until Head().size > size or `deadline`; returns the head then.
  LogHead WaitForGrowth(uint64_t size, absl::Time deadline) const;
  // Mirrored records waiting for records they depend on.
  size_t parked() const;
  // Their locations, as committed.
  absl::StatusOr<std::vector<uint64_t>> ParkedLocations() const;
  // Mirrored records refused for good (stored, never admitted), and the
  // reason of the latest ("location N: why").
  size_t refused() const;
  std::string latest_refusal() const;

 private:
  struct Pending {
    std::string entry;
    IncomingEntry incoming;
    AppendCallback done;
  };
  struct MirrorTask;
  struct Parked {
    uint64_t location;
    IncomingEntry incoming;
    // Its signatures verified (so a retry only runs admission). False while
    // a signer's key is unknown, and after a restart.
    bool verified = false;
  };
  // Records admitted in the batch being built.
  struct Staged;

  Log(LogStore* store, const Signer* signer, EntryValidator* validator,
      LogOptions options, CompactRange range, std::string checkpoint,
      std::vector<Parked> parked, size_t refused);
  // Decodes the entry and has the validator parse its payload, once.
  static absl::StatusOr<IncomingEntry> Receive(const EntryValidator& validator,
                                               absl::string_view bytes,
                                               const Hash& leaf_hash);
  void WriterLoop();
  void CommitBatch(std::vector<Pending>& batch);
  void CommitMirrorTask(MirrorTask& task);
  absl::StatusOr<bool> Known(const Hash& leaf_hash, uint64_t location,
                             const Staged& staged) const;
  void MarkAdmitted(const Hash& leaf_hash, uint64_t location, Staged& staged,
                    LogBatch& write);
  // Admits parked records that have become admissible, staging their rows;
  // refuses those that never can; returns how many were admitted and
  // refused.
  absl::StatusOr<MirroredResult> RetryParked(Staged& staged, LogBatch& rows,
                                             std::string& latest_refusal);
  // Stages the refusal row of the mirrored record at `location`.
  static void StageRefusal(uint64_t location, const absl::Status& why,
                           LogBatch& write, std::string& latest);
  // After a durable batch that refused `count` records.
  void NoteRefusals(size_t count, std::string latest);
  void PublishHead(LogHead head);

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
  std::deque<Pending> queue_;                // guarded by queue_mu_
  std::deque<MirrorTask*> mirror_tasks_;     // guarded by queue_mu_
  bool stopping_ = false;                    // guarded by queue_mu_
  mutable std::condition_variable head_cv_;  // with head_mu_

  // Owned by the writer thread; parked_count_ mirrors its size for readers.
  std::vector<Parked> parked_;
  std::atomic<size_t> parked_count_{0};
  std::atomic<size_t> refused_count_{0};
  mutable std::mutex refusal_mu_;
  std::string latest_refusal_;  // guarded by refusal_mu_
  std::thread writer_;
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_LOG_H_
