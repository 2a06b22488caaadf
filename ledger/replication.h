// Replication between nodes (DESIGN.md section 6), without any networking:
// the node's services move the bytes, these classes decide what to trust.
//
// - Mirror: this node's verified copy of one peer's log. Entries arrive in
//   chunks, each with the peer's signed checkpoint and a consistency proof
//   from the chunk's end to it; a chunk is stored (and its records admitted
//   to the projections through the local Log) only if it provably extends
//   what the mirror already holds. Two signed checkpoints of the peer that
//   cannot both be true stop the mirror and are kept as evidence.
// - Witness: C2SP tlog-witness add-checkpoint over C2SP tlog-cosignature/v1.
//   This node cosigns a peer's checkpoint only once its mirror holds every
//   entry up to that size (the "I also mirrored the log" statement of
//   tlog-cosignature), so a cosignature is also a durability receipt.
// - Cosignatures: the log side, collecting peers' cosignatures on this
//   node's own checkpoints: MIRRORED appends wait on it, presentations carry
//   its best quorum-cosigned checkpoint.
#ifndef SKP_LEDGER_REPLICATION_H_
#define SKP_LEDGER_REPLICATION_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ledger/crypto.h"
#include "ledger/log.h"
#include "ledger/note.h"
#include "ledger/published_tree.h"
#include "ledger/store.h"

namespace skp::ledger {

// Durable small state (RocksDbStore implements it).
class ReplicationState {
 public:
  virtual ~ReplicationState() = default;
  virtual absl::StatusOr<std::optional<std::string>> GetState(
      absl::string_view key) const = 0;
  virtual absl::Status PutState(absl::string_view key,
                                absl::string_view value) = 0;
};

// ---- mirror ----

struct MirrorChunk {
  uint64_t first_index = 0;
  std::vector<std::string> entries;
  // The peer's signed checkpoint, of size >= first_index + entries.size().
  std::string checkpoint;
  // Consistency proof from first_index + entries.size() to the checkpoint's
  // size (empty when they are equal).
  std::vector<Hash> proof;
};

class Mirror final : public PublishedTree {
 public:
  // `store` is the mirror's own tables (RocksDbStore::Mirror), `slot` its
  // slot, `log_key` the peer's log key (its name is the peer's origin).
  // Records are admitted through `local`. All must outlive the mirror.
  static absl::StatusOr<std::unique_ptr<Mirror>> Open(LogStore* store, int slot,
                                                      Verifier log_key,
                                                      Log* local,
                                                      ReplicationState* state);

  // Verifies and stores a chunk. kInvalidArgument if it does not start at
  // stored_size() or its checkpoint is malformed, unsigned or for another
  // origin; kDataLoss if its entries do not lead to the checkpoint's root
  // (call CheckFork with the peer's own consistency proof to tell a bad
  // chunk from a fork); kFailedPrecondition once the mirror is stopped.
  absl::StatusOr<MirroredResult> Apply(const MirrorChunk& chunk);
  // After kDataLoss from Apply: checks the peer's proof of consistency from
  // the accepted checkpoint to `checkpoint`. If it fails, the two signed
  // checkpoints are kept as evidence, the mirror stops (also across
  // restarts) and this returns kFailedPrecondition; else kDataLoss (the
  // chunk was bad, not the log).
  absl::Status CheckFork(absl::string_view checkpoint,
                         absl::Span<const Hash> proof);

  // Checks a signed checkpoint of the peer against what the mirror holds:
  // one of a size it holds must have the root it holds there, or the two
  // are kept as fork evidence and the mirror stops (kFailedPrecondition).
  // kInvalidArgument if it is not a valid checkpoint of the peer. OK for a
  // larger size (only entries and a proof can show that one consistent).
  absl::Status CheckCheckpoint(absl::string_view checkpoint);

  // The accepted checkpoint: entries up to its size are verified and stored.
  LogHead Head() const override;
  const std::string& origin() const override { return log_key_.name(); }
  const Verifier& log_key() const { return log_key_; }
  int slot() const { return slot_; }
  // Entries stored, verified against a later checkpoint by proof; >= Head().
  uint64_t stored_size() const;
  // Blocks until Head().size >= size or `deadline`.
  LogHead WaitForSize(uint64_t size, absl::Time deadline) const;
  // Fork evidence (two signed checkpoints), if the mirror stopped.
  std::optional<std::string> fork_evidence() const;

 private:
  Mirror(LogStore* store, int slot, Verifier log_key, Log* local,
         ReplicationState* state, CompactRange range, LogHead head,
         std::optional<std::string> evidence);
  absl::Status StopWithEvidence(absl::string_view accepted,
                                absl::string_view conflicting);
  // CheckCheckpoint's work, apply_mu_ held.
  absl::StatusOr<Checkpoint> CheckCheckpointLocked(
      absl::string_view checkpoint);

  LogStore* const store_;
  const int slot_;
  const Verifier log_key_;
  Log* const local_;
  ReplicationState* const state_;

  std::mutex apply_mu_;  // one Apply or CheckFork at a time
  CompactRange range_;   // guarded by apply_mu_: the stored entries' tree

  mutable std::mutex head_mu_;
  mutable std::condition_variable head_cv_;
  LogHead head_;                         // guarded by head_mu_
  uint64_t stored_size_ = 0;             // guarded by head_mu_
  std::optional<std::string> evidence_;  // guarded by head_mu_
};

// ---- witness ----

class Witness {
 public:
  // `key` is a kAlgCosignatureV1 key; `state` keeps the latest cosigned
  // checkpoint per log. Both must outlive the witness.
  Witness(const Signer* key, ReplicationState* state);

  // A log this witness cosigns for, with the mirror that holds its entries.
  void AddLog(const Mirror* mirror);

  // C2SP tlog-witness add-checkpoint. Returns the cosignature line. Errors:
  // kNotFound for an unknown origin, kPermissionDenied if no signature
  // verifies under the log's key, kInvalidArgument if old_size is beyond the
  // checkpoint or the request is malformed, kAborted (with *cosigned_size
  // set to the latest cosigned size) if old_size is not that size or the
  // same size has another root, kFailedPrecondition if the consistency proof
  // does not verify, kUnavailable if the mirror has not reached the
  // checkpoint by `mirror_deadline`.
  absl::StatusOr<std::string> AddCheckpoint(uint64_t old_size,
                                            absl::Span<const Hash> proof,
                                            absl::string_view checkpoint,
                                            absl::Time mirror_deadline,
                                            uint64_t* cosigned_size);
  const Verifier& verifier() const { return key_->verifier(); }
  // `note` (a peer's checkpoint this node has mirrored) with this witness's
  // cosignature added, for presentations of records in that log.
  absl::StatusOr<std::string> CosignMirrored(absl::string_view note) const;

 private:
  struct Tracked {
    const Mirror* mirror;
    std::unique_ptr<std::mutex> mu;  // atomic check-and-update per log
  };
  const Signer* const key_;
  ReplicationState* const state_;
  absl::flat_hash_map<std::string, Tracked> logs_;  // by origin; fixed
};

// ---- the log side: peers' cosignatures on this node's checkpoints ----

class Cosignatures {
 public:
  // `witnesses`: the peers' witness keys, in peer order.
  explicit Cosignatures(std::vector<Verifier> witnesses);

  // Checks and records peer `peer`'s cosignature line on our checkpoint
  // `note` (of size `size`).
  absl::Status Add(size_t peer, uint64_t size, absl::string_view note,
                   absl::string_view line);
  // The largest size peer `peer` has cosigned.
  uint64_t CosignedSize(size_t peer) const;
  // How many peers cosigned a size >= `size`.
  int HoldersOf(uint64_t size) const;
  // The newest of our checkpoints with at least `quorum` cosignatures, as a
  // note with them appended; nullopt if none.
  std::optional<std::string> Cosigned(int quorum) const;
  // Runs `done(true)` once `copies` peers cosigned a size >= `size`, or
  // `done(false)` at `deadline` (from ExpireWaiters). Runs immediately if
  // already true.
  void WhenHeld(uint64_t size, int copies, absl::Time deadline,
                std::function<void(bool)> done);
  void ExpireWaiters(absl::Time now);
  const std::vector<Verifier>& witnesses() const { return witnesses_; }

 private:
  struct Waiter {
    uint64_t size;
    int copies;
    absl::Time deadline;
    std::function<void(bool)> done;
  };
  int HoldersLocked(uint64_t size) const;

  const std::vector<Verifier> witnesses_;
  mutable std::mutex mu_;
  std::vector<uint64_t> cosigned_size_;  // per peer
  // Recent checkpoints by size: the note and each peer's line on it.
  std::map<uint64_t, std::pair<std::string, std::map<size_t, std::string>>>
      lines_;
  std::vector<Waiter> waiters_;
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_REPLICATION_H_
