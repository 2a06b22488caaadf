#include "ledger/memory_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace skp::ledger {

absl::StatusOr<uint64_t> MemoryStore::Size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

absl::StatusOr<std::string> MemoryStore::GetEntry(uint64_t index) const {
  std::lock_guard lock(mu_);
  if (index >= entries_.size())
    return absl::NotFoundError(absl::StrCat("no entry ", index));
  return entries_[index];
}

absl::Status MemoryStore::ScanEntries(
    uint64_t from, uint64_t to,
    absl::FunctionRef<bool(uint64_t, absl::string_view)> visit) const {
  // Copied under the lock and visited outside it: visitors may read the store.
  std::vector<std::string> entries;
  {
    std::lock_guard lock(mu_);
    for (uint64_t i = from; i < to && i < entries_.size(); ++i)
      entries.push_back(entries_[i]);
  }
  for (uint64_t i = 0; i < entries.size(); ++i) {
    if (!visit(from + i, entries[i])) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<uint64_t>> MemoryStore::FindLeaf(
    const Hash& leaf_hash) const {
  std::lock_guard lock(mu_);
  auto it = leaves_.find(leaf_hash);
  if (it == leaves_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<Hash> MemoryStore::GetNode(int level, uint64_t index) const {
  std::lock_guard lock(mu_);
  auto it = nodes_.find({level, index});
  if (it == nodes_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no node at level ", level, " index ", index));
  }
  return it->second;
}

absl::StatusOr<std::string> MemoryStore::LatestCheckpoint() const {
  std::lock_guard lock(mu_);
  if (checkpoint_.empty()) return absl::NotFoundError("no checkpoint yet");
  return checkpoint_;
}

absl::Status MemoryStore::ScanProjectionsFrom(
    absl::string_view prefix, absl::string_view from,
    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit) const {
  std::vector<std::pair<std::string, std::string>> rows;
  {
    std::lock_guard lock(mu_);
    for (auto it = projections_.lower_bound(std::string(from));
         it != projections_.end() && absl::StartsWith(it->first, prefix);
         ++it) {
      rows.push_back(*it);
    }
  }
  for (const auto& [key, value] : rows) {
    if (!visit(key, value)) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> MemoryStore::GetProjection(
    absl::string_view key) const {
  std::lock_guard lock(mu_);
  auto it = projections_.find(std::string(key));
  if (it == projections_.end()) return std::nullopt;
  return it->second;
}

absl::Status MemoryStore::ClearProjections() {
  std::lock_guard lock(mu_);
  projections_.clear();
  return absl::OkStatus();
}

absl::Status MemoryStore::Commit(const LogBatch& batch) {
  std::lock_guard lock(mu_);
  if (batch.first_index != entries_.size()) {
    return absl::FailedPreconditionError(
        absl::StrCat("batch starts at ", batch.first_index, " but the log has ",
                     entries_.size()));
  }
  for (size_t i = 0; i < batch.entries.size(); ++i) {
    entries_.push_back(batch.entries[i]);
    leaves_.emplace(batch.leaf_hashes[i], batch.first_index + i);
  }
  for (const LogBatch::Node& node : batch.nodes)
    nodes_[{node.level, node.index}] = node.hash;
  for (const auto& [key, value] : batch.projection_rows)
    projections_[key] = value;
  for (const std::string& key : batch.projection_deletes)
    projections_.erase(key);
  checkpoint_ = batch.checkpoint;
  return absl::OkStatus();
}

}  // namespace skp::ledger
