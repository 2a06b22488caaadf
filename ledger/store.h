// The log's storage, behind a narrow interface so the log runs on RocksDB in
// production and on an in-memory twin in tests (both pass store_test.cc).
//
// Implementations are thread-safe: one writer calls Commit while any number
// of readers call the getters. Readers see either all or none of a batch.
// Scan visitors may call back into the store.
#ifndef SKP_LEDGER_STORE_H_
#define SKP_LEDGER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ledger/bytes.h"
#include "ledger/hash.h"

namespace skp::ledger {

// Where an admitted record's entry is stored on this node: bits 56..63 name
// the log (0: the node's own log; 1..255: the slot of a mirrored peer log),
// bits 0..55 its index there. Projections keep locations, not indexes, so
// rows from different logs never collide.
inline constexpr int kMaxMirrorSlots = 255;
inline uint64_t RecordLocation(int log_slot, uint64_t index) {
  return static_cast<uint64_t>(log_slot) << 56 | index;
}
inline int LocationSlot(uint64_t location) {
  return static_cast<int>(location >> 56);
}
inline uint64_t LocationIndex(uint64_t location) {
  return location & ((uint64_t{1} << 56) - 1);
}

// Everything one group commit writes, applied atomically.
struct LogBatch {
  struct Node {
    int level;
    uint64_t index;
    Hash hash;
  };
  uint64_t first_index = 0;          // index of entries[0]; the old size
  std::vector<std::string> entries;  // encoded entries, in index order
  std::vector<Hash> leaf_hashes;     // HashLeaf(entries[i])
  std::vector<Node> nodes;           // perfect subtrees completed by the batch
  std::string checkpoint;            // signed note for the new size
  // Rows for the projections table (key, value), applied after the entries.
  std::vector<std::pair<std::string, std::string>> projection_rows;
  // Projection rows deleted after the rows above are written.
  std::vector<std::string> projection_deletes;
};

class LogStore {
 public:
  virtual ~LogStore() = default;

  // Number of entries committed.
  virtual absl::StatusOr<uint64_t> Size() const = 0;
  // kNotFound if absent.
  virtual absl::StatusOr<std::string> GetEntry(uint64_t index) const = 0;
  // Calls `visit` for entries [from, to) in order until it returns false.
  virtual absl::Status ScanEntries(
      uint64_t from, uint64_t to,
      absl::FunctionRef<bool(uint64_t, absl::string_view)> visit) const = 0;
  virtual absl::StatusOr<std::optional<uint64_t>> FindLeaf(
      const Hash& leaf_hash) const = 0;
  // Hash of a stored perfect subtree; kNotFound if not stored.
  virtual absl::StatusOr<Hash> GetNode(int level, uint64_t index) const = 0;
  // Hashes of the stored perfect subtrees [from, to) of `level`, in index
  // order; kNotFound if one is not stored. A store with ordered keys reads
  // them in one scan (a hash tile is 256 of them).
  virtual absl::StatusOr<std::vector<Hash>> GetNodes(int level, uint64_t from,
                                                     uint64_t to) const {
    std::vector<Hash> nodes;
    for (uint64_t i = from; i < to; ++i) {
      absl::StatusOr<Hash> node = GetNode(level, i);
      if (!node.ok()) return node.status();
      nodes.push_back(*node);
    }
    return nodes;
  }
  // The latest checkpoint; kNotFound before the first commit.
  virtual absl::StatusOr<std::string> LatestCheckpoint() const = 0;
  // The entry at a RecordLocation: this log's own entries, or (for stores
  // that hold mirrors) a mirrored log's. kNotFound if absent.
  virtual absl::StatusOr<std::string> GetRecordEntry(uint64_t location) const {
    if (LocationSlot(location) != 0)
      return absl::NotFoundError("this store holds no mirrors");
    return GetEntry(LocationIndex(location));
  }
  // One projection row, or nullopt.
  virtual absl::StatusOr<std::optional<std::string>> GetProjection(
      absl::string_view key) const = 0;
  // Calls `visit` for every projection row whose key starts with `prefix`,
  // in key order, until it returns false.
  absl::Status ScanProjections(
      absl::string_view prefix,
      absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit)
      const {
    return ScanProjectionsFrom(prefix, prefix, visit);
  }
  // The same, from the first key at or after `from` (which starts with
  // `prefix`): the rows a snapshot does not hold yet.
  virtual absl::Status ScanProjectionsFrom(
      absl::string_view prefix, absl::string_view from,
      absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit)
      const = 0;

  // Deletes every projection row (before `passportd rebuild` recomputes
  // them); entries, tree and checkpoints are untouched. Durable on OK.
  virtual absl::Status ClearProjections() = 0;

  // Applies the batch atomically. OK means durable: it survives a process or
  // machine crash. Requires batch.first_index == Size().
  virtual absl::Status Commit(const LogBatch& batch) = 0;
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_STORE_H_
