// LogStore on RocksDB. Column families (named in rocksdb_store.cc only):
//   entries       big-endian u64 index  -> encoded entry
//   leaf_index    leaf hash (32 bytes)  -> big-endian u64 index
//   merkle_nodes  u8 level || u64 index -> 32-byte perfect-subtree hash
//   meta          "size" -> u64, "checkpoint" -> latest signed note
//   projections   rows derived from entries (registry, passports, ...)
//   mirror_*      the same four tables for every mirrored peer log, each key
//                 prefixed by the peer's one-byte slot; mirror_meta also
//                 holds "\0slot/" origin -> slot and "\0state/" key -> value
// Each Commit is one WriteBatch written with sync=true (WAL fsync).
#ifndef SKP_LEDGER_ROCKSDB_STORE_H_
#define SKP_LEDGER_ROCKSDB_STORE_H_

#include <memory>
#include <string>

#include "ledger/replication.h"
#include "ledger/store.h"

namespace skp::ledger {

struct RocksDbStoreOptions {
  // Past this much write-ahead log, the oldest memtables are flushed so their
  // log files can go: a start after a crash replays at most this much.
  uint64_t max_wal_bytes = uint64_t{256} << 20;
};

class RocksDbStore : public LogStore, public ReplicationState {
 public:
  // Opens or creates the database in directory `path`.
  static absl::StatusOr<std::unique_ptr<RocksDbStore>> Open(
      const std::string& path, RocksDbStoreOptions options = {});
  ~RocksDbStore() override;

  // Writes every memtable to table files (their WAL records become
  // redundant), so the data is in checksummed blocks on disk.
  absl::Status Flush();
  // A consistent copy of the whole database in `dir` (which must not exist):
  // a RocksDB checkpoint, hard-linked where the file system allows.
  absl::Status Checkpoint(const std::string& dir);

  // The store of the mirror of the log named `origin`, given the next free
  // slot (1..255) on first use; the same slot for the same origin on every
  // later open. Its Commit writes projection rows to this store's shared
  // projections table, in the same atomic batch as the mirrored entries.
  // Owned by this store.
  absl::StatusOr<LogStore*> Mirror(absl::string_view origin, int* slot);
  // Every mirror this store holds: (origin, slot, store), by slot.
  struct MirrorInfo {
    std::string origin;
    int slot;
    LogStore* store;
  };
  absl::StatusOr<std::vector<MirrorInfo>> Mirrors();
  // Durable key/value state for replication (a witness's latest cosigned
  // checkpoint per log, fork evidence); nullopt if never put.
  absl::StatusOr<std::optional<std::string>> GetState(
      absl::string_view key) const override;
  absl::Status PutState(absl::string_view key,
                        absl::string_view value) override;

  absl::StatusOr<uint64_t> Size() const override;
  absl::StatusOr<std::string> GetEntry(uint64_t index) const override;
  absl::Status ScanEntries(uint64_t from, uint64_t to,
                           absl::FunctionRef<bool(uint64_t, absl::string_view)>
                               visit) const override;
  absl::StatusOr<std::optional<uint64_t>> FindLeaf(
      const Hash& leaf_hash) const override;
  absl::StatusOr<Hash> GetNode(int level, uint64_t index) const override;
  absl::StatusOr<std::vector<Hash>> GetNodes(int level, uint64_t from,
                                             uint64_t to) const override;
  absl::StatusOr<std::string> LatestCheckpoint() const override;
  absl::StatusOr<std::string> GetRecordEntry(uint64_t location) const override;
  absl::StatusOr<std::optional<std::string>> GetProjection(
      absl::string_view key) const override;
  absl::Status ScanProjectionsFrom(
      absl::string_view prefix, absl::string_view from,
      absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit)
      const override;
  absl::Status ClearProjections() override;
  absl::Status Commit(const LogBatch& batch) override;

 private:
  struct Impl;  // keeps RocksDB types out of this header
  class Space;  // one log's tables: the node's own or a mirror's
  explicit RocksDbStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_ROCKSDB_STORE_H_
