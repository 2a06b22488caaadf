#include "ledger/published_tree.h"

#include "absl/strings/str_cat.h"
#include "ledger/merkle.h"
#include "ledger/status_macros.h"

namespace skp::ledger {

absl::Status PublishedTree::CheckTreeSize(uint64_t size) const {
  uint64_t current = Head().size;
  if (size > current) {
    return absl::OutOfRangeError(absl::StrCat(
        "tree size ", size, " is beyond the log's size ", current));
  }
  return absl::OkStatus();
}

uint64_t PublishedTree::ListenForGrowth(std::function<void()> on_growth) const {
  std::lock_guard lock(listeners_mu_);
  listeners_.emplace(next_listener_, std::move(on_growth));
  return next_listener_++;
}

void PublishedTree::StopListening(uint64_t id) const {
  // Taking the lock waits out a NotifyGrowth that is calling this listener.
  std::lock_guard lock(listeners_mu_);
  listeners_.erase(id);
}

void PublishedTree::NotifyGrowth() const {
  std::lock_guard lock(listeners_mu_);
  for (const auto& [id, on_growth] : listeners_) on_growth();
}

namespace {

// Every perfect subtree of a committed tree is stored; a gap is damage.
template <typename T>
absl::StatusOr<T> MissingIsDamage(absl::StatusOr<T> read) {
  if (absl::IsNotFound(read.status()))
    return absl::DataLossError(read.status().message());
  return read;
}

}  // namespace

absl::StatusOr<Hash> PublishedTree::StoredSubtree(int level,
                                                  uint64_t index) const {
  return MissingIsDamage(tree_store_->GetNode(level, index));
}

absl::StatusOr<std::string> PublishedTree::GetEntry(uint64_t index) const {
  SKP_RETURN_IF_ERROR(CheckTreeSize(index + 1));
  return tree_store_->GetEntry(index);
}

absl::Status PublishedTree::ScanEntries(
    uint64_t from, uint64_t to,
    absl::FunctionRef<bool(uint64_t, absl::string_view)> visit) const {
  if (from > to) {
    return absl::InvalidArgumentError(
        absl::StrCat("from ", from, " is after to ", to));
  }
  SKP_RETURN_IF_ERROR(CheckTreeSize(to));
  return tree_store_->ScanEntries(from, to, visit);
}

absl::StatusOr<uint64_t> PublishedTree::FindLeaf(const Hash& leaf_hash) const {
  SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> index,
                       tree_store_->FindLeaf(leaf_hash));
  // A leaf whose batch is committed but not yet published counts as absent.
  if (!index.has_value() || *index >= Head().size) {
    return absl::NotFoundError("no entry with that leaf hash");
  }
  return *index;
}

absl::StatusOr<Hash> PublishedTree::RootAt(uint64_t size) const {
  SKP_RETURN_IF_ERROR(CheckTreeSize(size));
  return RangeRoot(0, size,
                   [this](int l, uint64_t i) { return StoredSubtree(l, i); });
}

absl::StatusOr<std::vector<Hash>> PublishedTree::InclusionProof(
    uint64_t index, uint64_t size) const {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("index ", index, " is not below tree size ", size));
  }
  SKP_RETURN_IF_ERROR(CheckTreeSize(size));
  return skp::ledger::InclusionProof(
      index, size, [this](int l, uint64_t i) { return StoredSubtree(l, i); });
}

absl::StatusOr<std::vector<Hash>> PublishedTree::ConsistencyProof(
    uint64_t old_size, uint64_t new_size) const {
  if (old_size > new_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "old size ", old_size, " is greater than new size ", new_size));
  }
  SKP_RETURN_IF_ERROR(CheckTreeSize(new_size));
  return skp::ledger::ConsistencyProof(
      old_size, new_size,
      [this](int l, uint64_t i) { return StoredSubtree(l, i); });
}

absl::StatusOr<std::string> PublishedTree::ReadTile(const TileId& tile,
                                                    uint64_t tree_size) const {
  SKP_RETURN_IF_ERROR(CheckTreeSize(tree_size));
  return skp::ledger::ReadTile(
      tile, tree_size,
      [this](int level, uint64_t from, uint64_t to) {
        return MissingIsDamage(tree_store_->GetNodes(level, from, to));
      },
      [this](uint64_t from, uint64_t to,
             absl::FunctionRef<bool(uint64_t, absl::string_view)> visit) {
        return tree_store_->ScanEntries(from, to, visit);
      });
}

}  // namespace skp::ledger
