#include "ledger/tiles.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "ledger/status_macros.h"

namespace skp::ledger {
namespace {

// 1000^7 > 2^64: no index needs more groups.
constexpr size_t kMaxIndexGroups = 7;

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

// A decimal with no leading zeros, at most `max`.
absl::StatusOr<uint64_t> ParseBounded(absl::string_view text,
                                      absl::string_view what, uint64_t min,
                                      uint64_t max) {
  uint64_t value = 0;
  if (!AllDigits(text) || (text.size() > 1 && text[0] == '0')) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " \"", text, "\" is not a decimal number without leading zeros"));
  }
  if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", text, " is not in ", min, "..", max));
  }
  return value;
}

absl::StatusOr<uint64_t> ParseIndex(
    absl::Span<const absl::string_view> groups) {
  if (groups.size() > kMaxIndexGroups) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a tile index of ", groups.size(), " groups is above 2^64 - 1"));
  }
  uint64_t index = 0;
  for (size_t i = 0; i < groups.size(); ++i) {
    absl::string_view group = groups[i];
    bool last = i + 1 == groups.size();
    if (!last && !absl::ConsumePrefix(&group, "x")) {
      return absl::InvalidArgumentError(
          absl::StrCat("tile index group \"", groups[i],
                       "\" is not the last: it needs an x"));
    }
    if (group.size() != 3 || !AllDigits(group)) {
      return absl::InvalidArgumentError(
          absl::StrCat("tile index group \"", groups[i], "\" is not 3 digits"));
    }
    if (i == 0 && !last && group == "000") {
      return absl::InvalidArgumentError(
          "a tile index does not start with a group x000");
    }
    uint64_t value =
        (group[0] - '0') * 100 + (group[1] - '0') * 10 + (group[2] - '0');
    if (index > (UINT64_MAX - value) / 1000) {
      return absl::InvalidArgumentError("the tile index is above 2^64 - 1");
    }
    index = index * 1000 + value;
  }
  return index;
}

}  // namespace

std::string TilePath(const TileId& tile) {
  std::string index = absl::StrFormat("%03d", tile.index % 1000);
  for (uint64_t rest = tile.index / 1000; rest > 0; rest /= 1000) {
    index = absl::StrFormat("x%03d/%s", rest % 1000, index);
  }
  std::string path = absl::StrCat(
      "tile/", tile.entries ? "entries" : absl::StrCat(tile.level), "/", index);
  if (tile.width < kFullTileWidth) absl::StrAppend(&path, ".p/", tile.width);
  return path;
}

absl::StatusOr<TileId> ParseTilePath(absl::string_view path) {
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  if (parts.size() < 3 || parts[0] != "tile") {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", path, "\" is not tile/<L>/<N> or tile/entries/<N>"));
  }
  TileId tile;
  if (parts[1] == "entries") {
    tile.entries = true;
  } else {
    SKP_ASSIGN_OR_RETURN(
        uint64_t level, ParseBounded(parts[1], "tile level", 0, kMaxTileLevel));
    tile.level = static_cast<int>(level);
  }
  if (parts.size() >= 4 &&
      absl::ConsumeSuffix(&parts[parts.size() - 2], ".p")) {
    SKP_ASSIGN_OR_RETURN(uint64_t width,
                         ParseBounded(parts.back(), "partial tile width", 1,
                                      kFullTileWidth - 1));
    tile.width = static_cast<int>(width);
    parts.pop_back();
  }
  SKP_ASSIGN_OR_RETURN(tile.index,
                       ParseIndex(absl::MakeConstSpan(parts).subspan(2)));
  return tile;
}

absl::Status CheckTileInTree(const TileId& tile, uint64_t tree_size) {
  int shift = kTileHeight * tile.level;
  // How many hashes of the tile's level the tree holds.
  uint64_t hashes = shift >= 64 ? 0 : tree_size >> shift;
  uint64_t width = static_cast<uint64_t>(tile.width);
  if (hashes >= width && tile.index <= (hashes - width) / kFullTileWidth) {
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat(
      TilePath(tile), " is beyond the tree of ", tree_size, " entries"));
}

absl::StatusOr<std::string> ReadTile(const TileId& tile, uint64_t tree_size,
                                     SubtreeRangeFn subtrees,
                                     EntryScanFn scan) {
  SKP_RETURN_IF_ERROR(CheckTileInTree(tile, tree_size));
  uint64_t first = tile.index * kFullTileWidth;
  uint64_t end = first + static_cast<uint64_t>(tile.width);
  std::string out;
  if (!tile.entries) {
    SKP_ASSIGN_OR_RETURN(std::vector<Hash> hashes,
                         subtrees(kTileHeight * tile.level, first, end));
    if (hashes.size() != end - first) {
      return absl::DataLossError(
          absl::StrCat(TilePath(tile), ": ", hashes.size(),
                       " hashes read, not ", tile.width));
    }
    out.reserve(hashes.size() * sizeof(Hash));
    for (const Hash& hash : hashes) absl::StrAppend(&out, AsBytes(hash));
    return out;
  }
  uint64_t next = first;
  absl::Status fault;
  SKP_RETURN_IF_ERROR(
      scan(first, end, [&](uint64_t index, absl::string_view entry) {
        if (index != next) return false;  // a gap, reported below
        if (entry.size() > kMaxBundledEntrySize) {
          fault = absl::FailedPreconditionError(absl::StrCat(
              "entry ", index, " is ", entry.size(), " bytes, over the ",
              kMaxBundledEntrySize, " an entry bundle can carry"));
          return false;
        }
        out.push_back(static_cast<char>(entry.size() >> 8));
        out.push_back(static_cast<char>(entry.size() & 0xFF));
        absl::StrAppend(&out, entry);
        ++next;
        return true;
      }));
  SKP_RETURN_IF_ERROR(fault);
  if (next != end) {
    return absl::DataLossError(absl::StrCat("entry ", next, " is missing"));
  }
  return out;
}

}  // namespace skp::ledger
