// PublishedTree: reads of a log's committed entries and Merkle tree up to its
// published head (the size its latest checkpoint signs). Shared by the node's
// own Log and by its mirrors of peer logs, so both serve the same proofs.
#ifndef SKP_LEDGER_PUBLISHED_TREE_H_
#define SKP_LEDGER_PUBLISHED_TREE_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ledger/hash.h"
#include "ledger/store.h"
#include "ledger/tiles.h"

namespace skp::ledger {

// The latest published state, as one consistent snapshot.
struct LogHead {
  uint64_t size = 0;
  Hash root{};
  std::string checkpoint;
};

class PublishedTree {
 public:
  virtual ~PublishedTree() = default;

  virtual LogHead Head() const = 0;
  virtual const std::string& origin() const = 0;

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
  // The bytes of a C2SP tlog-tiles tile (ledger/tiles.h) in the tree of the
  // first `tree_size` entries: kNotFound if that tree does not hold it all,
  // kOutOfRange if tree_size > Head().size. A caller serving a log reads
  // every tile from one checkpoint's size, so no partial tile shows more
  // than that checkpoint signs.
  absl::StatusOr<std::string> ReadTile(const TileId& tile,
                                       uint64_t tree_size) const;

  // Followers (mirror streams, witnesses waiting for a mirror) wake on
  // growth instead of polling: `on_growth` runs on the publishing thread
  // each time Head() grows, until StopListening(id) has returned. It must
  // not block or call back into this tree.
  uint64_t ListenForGrowth(std::function<void()> on_growth) const;
  void StopListening(uint64_t id) const;

 protected:
  // `store` must outlive this object.
  explicit PublishedTree(const LogStore* store) : tree_store_(store) {}
  // Called by the owner after publishing a larger head.
  void NotifyGrowth() const;

 private:
  absl::Status CheckTreeSize(uint64_t size) const;
  absl::StatusOr<Hash> StoredSubtree(int level, uint64_t index) const;

  const LogStore* const tree_store_;
  // Listening does not change the tree, so it works through const pointers.
  mutable std::mutex listeners_mu_;
  mutable uint64_t next_listener_ = 0;  // guarded by listeners_mu_
  mutable absl::flat_hash_map<uint64_t, std::function<void()>>
      listeners_;  // guarded by listeners_mu_
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_PUBLISHED_TREE_H_
