// C2SP tlog-tiles (c2sp.org/tlog-tiles): a log served as static resources.
// A hash tile is up to 256 consecutive Merkle tree hashes of one level of
// tiles (level L holds the roots of perfect subtrees of 256^L leaves); an
// entry bundle is the entries a level-0 tile hashes, each prefixed by its
// length as a big-endian uint16. Paths and layout are in FORMAT.md section 10.
//
// Pure functions: subtree hashes and entries come in through callbacks, so
// the same code serves a stored tree (PublishedTree::ReadTile) and a list of
// leaves in tests.
#ifndef SKP_LEDGER_TILES_H_
#define SKP_LEDGER_TILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ledger/hash.h"

namespace skp::ledger {

inline constexpr int kTileHeight = 8;
inline constexpr int kFullTileWidth = 1 << kTileHeight;  // hashes or entries
inline constexpr int kMaxTileLevel = 63;
// The largest entry a bundle's 16-bit length prefix can carry.
inline constexpr size_t kMaxBundledEntrySize = 0xFFFF;

struct TileId {
  bool entries = false;  // an entry bundle (its level is 0)
  int level = 0;         // 0..kMaxTileLevel
  uint64_t index = 0;
  int width = kFullTileWidth;  // 1..256; below 256 a partial tile
  bool operator==(const TileId&) const = default;
};

// "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]", N in 3-digit groups
// ("x001/x234/067"): the path below a log's prefix.
std::string TilePath(const TileId& tile);
// The inverse of TilePath, for untrusted input; only TilePath's spelling is
// accepted, so each tile has exactly one path. kInvalidArgument, naming the
// fault, otherwise.
absl::StatusOr<TileId> ParseTilePath(absl::string_view path);

// OK if the tree of `tree_size` entries holds the whole tile; kNotFound
// otherwise (a partial tile never shows beyond the tree it is read from).
absl::Status CheckTileInTree(const TileId& tile, uint64_t tree_size);

// Hashes of the perfect subtrees [from, to) of `level`, numbered as
// merkle.h's SubtreeHashFn numbers them, in order.
using SubtreeRangeFn = absl::FunctionRef<absl::StatusOr<std::vector<Hash>>(
    int level, uint64_t from, uint64_t to)>;
// Visits entries [from, to) in order until the visitor returns false.
using EntryScanFn = absl::FunctionRef<absl::Status(
    uint64_t from, uint64_t to,
    absl::FunctionRef<bool(uint64_t, absl::string_view)> visit)>;

// The tile's bytes in the tree of `tree_size` entries: a hash tile's hashes
// concatenated (32 bytes each), read with `subtrees`; an entry bundle's
// entries, read with `scan`. kNotFound as CheckTileInTree; kDataLoss if
// `scan` misses an entry; kFailedPrecondition if an entry is over
// kMaxBundledEntrySize.
absl::StatusOr<std::string> ReadTile(const TileId& tile, uint64_t tree_size,
                                     SubtreeRangeFn subtrees, EntryScanFn scan);

}  // namespace skp::ledger

#endif  // SKP_LEDGER_TILES_H_
