// In-memory LogStore: the test twin of RocksDbStore. Not durable.
#ifndef SKP_LEDGER_MEMORY_STORE_H_
#define SKP_LEDGER_MEMORY_STORE_H_

#include <map>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "ledger/store.h"

namespace skp::ledger {

class MemoryStore : public LogStore {
 public:
  absl::StatusOr<uint64_t> Size() const override;
  absl::StatusOr<std::string> GetEntry(uint64_t index) const override;
  absl::Status ScanEntries(uint64_t from, uint64_t to,
                           absl::FunctionRef<bool(uint64_t, absl::string_view)>
                               visit) const override;
  absl::StatusOr<std::optional<uint64_t>> FindLeaf(
      const Hash& leaf_hash) const override;
  absl::StatusOr<Hash> GetNode(int level, uint64_t index) const override;
  absl::StatusOr<std::string> LatestCheckpoint() const override;
  absl::Status ScanProjectionsFrom(
      absl::string_view prefix, absl::string_view from,
      absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit)
      const override;
  absl::StatusOr<std::optional<std::string>> GetProjection(
      absl::string_view key) const override;
  absl::Status ClearProjections() override;
  absl::Status Commit(const LogBatch& batch) override;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> entries_;
  absl::flat_hash_map<Hash, uint64_t> leaves_;
  std::map<std::pair<int, uint64_t>, Hash> nodes_;
  std::string checkpoint_;
  std::map<std::string, std::string> projections_;
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_MEMORY_STORE_H_
