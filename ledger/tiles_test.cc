#include "ledger/tiles.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ledger/entry.h"
#include "ledger/log.h"
#include "ledger/memory_store.h"
#include "ledger/merkle.h"
#include "ledger/validator.h"

namespace skp::ledger {
namespace {

TEST(TilePathTest, SpellsTheIndexInGroupsOfThree) {
  EXPECT_EQ(TilePath({.level = 0, .index = 1234067}), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath({.level = 2, .index = 0}), "tile/2/000");
  EXPECT_EQ(TilePath({.level = 1, .index = 1000, .width = 17}),
            "tile/1/x001/000.p/17");
  EXPECT_EQ(TilePath({.entries = true, .index = 5, .width = 255}),
            "tile/entries/005.p/255");
  EXPECT_EQ(TilePath({.level = 63, .index = UINT64_MAX}),
            "tile/63/x018/x446/x744/x073/x709/x551/615");
}

TEST(TilePathTest, ParsesWhatItSpells) {
  for (TileId tile : {TileId{.level = 0, .index = 1234067},
                      TileId{.level = 5, .index = 999, .width = 1},
                      TileId{.level = 63, .index = UINT64_MAX, .width = 255},
                      TileId{.entries = true, .index = 1000},
                      TileId{.entries = true, .index = 7, .width = 128}}) {
    absl::StatusOr<TileId> parsed = ParseTilePath(TilePath(tile));
    ASSERT_TRUE(parsed.ok()) << TilePath(tile) << ": " << parsed.status();
    EXPECT_EQ(*parsed, tile) << TilePath(tile);
  }
}

TEST(TilePathTest, RefusesEveryOtherSpellingByName) {
  const std::pair<const char*, const char*> cases[] = {
      {"tile/64/000", "tile level 64 is not in 0..63"},
      {"tile/99999999999999999999999/000",
       "tile level 99999999999999999999999 is not in 0..63"},
      {"tile/00/000",
       "tile level \"00\" is not a decimal number without leading zeros"},
      {"tile/-1/000",
       "tile level \"-1\" is not a decimal number without leading zeros"},
      {"tile/0/000.p/256", "partial tile width 256 is not in 1..255"},
      {"tile/0/000.p/300", "partial tile width 300 is not in 1..255"},
      {"tile/0/000.p/0", "partial tile width 0 is not in 1..255"},
      {"tile/0/000.p/07",
       "partial tile width \"07\" is not a decimal number without leading "
       "zeros"},
      {"tile/0/000.p/",
       "partial tile width \"\" is not a decimal number without leading zeros"},
      {"tile/0/x000/001", "a tile index does not start with a group x000"},
      {"tile/0/001/002",
       "tile index group \"001\" is not the last: it needs an x"},
      {"tile/0/x001", "tile index group \"x001\" is not 3 digits"},
      {"tile/0/1234", "tile index group \"1234\" is not 3 digits"},
      {"tile/0/01", "tile index group \"01\" is not 3 digits"},
      {"tile/0/001.p", "tile index group \"001.p\" is not 3 digits"},
      {"tile/0/001/",
       "tile index group \"001\" is not the last: it needs an x"},
      {"tile/0/x018/x446/x744/x073/x709/x551/616",
       "the tile index is above 2^64 - 1"},
      {"tile/0/x001/x001/x001/x001/x001/x001/x001/000",
       "a tile index of 8 groups is above 2^64 - 1"},
      {"tile/entries",
       "\"tile/entries\" is not tile/<L>/<N> or tile/entries/<N>"},
      {"tiles/0/000",
       "\"tiles/0/000\" is not tile/<L>/<N> or tile/entries/<N>"},
      {"", "\"\" is not tile/<L>/<N> or tile/entries/<N>"},
  };
  for (const auto& [path, why] : cases) {
    absl::StatusOr<TileId> parsed = ParseTilePath(path);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << path;
    EXPECT_EQ(parsed.status().message(), why) << path;
  }
}

// The spec's example: a tree of 70,000 entries has 273 full level-0 tiles,
// a partial one of width 112, one full level-1 tile, a partial one of width
// 17 and a partial level-2 tile of width 1.
TEST(CheckTileInTreeTest, FollowsTheSpecExample) {
  constexpr uint64_t kSize = 70000;
  EXPECT_TRUE(CheckTileInTree({.level = 0, .index = 272}, kSize).ok());
  EXPECT_TRUE(CheckTileInTree({.entries = true, .index = 272}, kSize).ok());
  EXPECT_TRUE(
      CheckTileInTree({.level = 0, .index = 273, .width = 112}, kSize).ok());
  EXPECT_TRUE(CheckTileInTree({.level = 1, .index = 0}, kSize).ok());
  EXPECT_TRUE(
      CheckTileInTree({.level = 1, .index = 1, .width = 17}, kSize).ok());
  EXPECT_TRUE(
      CheckTileInTree({.level = 2, .index = 0, .width = 1}, kSize).ok());
  // A shorter partial tile is a prefix the tree holds too.
  EXPECT_TRUE(
      CheckTileInTree({.level = 0, .index = 273, .width = 1}, kSize).ok());

  for (TileId beyond : {TileId{.level = 0, .index = 273},
                        TileId{.level = 0, .index = 273, .width = 113},
                        TileId{.entries = true, .index = 273, .width = 113},
                        TileId{.level = 0, .index = 274, .width = 1},
                        TileId{.level = 1, .index = 1},
                        TileId{.level = 1, .index = 1, .width = 18},
                        TileId{.level = 2, .index = 0, .width = 2},
                        TileId{.level = 3, .index = 0, .width = 1},
                        TileId{.level = 63, .index = 0, .width = 1},
                        TileId{.level = 0, .index = UINT64_MAX}}) {
    absl::Status status = CheckTileInTree(beyond, kSize);
    EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << TilePath(beyond);
    EXPECT_EQ(status.message(),
              TilePath(beyond) + " is beyond the tree of 70000 entries");
  }
  EXPECT_EQ(CheckTileInTree({.level = 0, .index = 0, .width = 1}, 0).code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(CheckTileInTree({.level = 1, .index = 0, .width = 1}, 256).ok());
}

class ReadTileTest : public ::testing::Test {
 protected:
  ReadTileTest() {
    for (int i = 0; i < 600; ++i) {
      // Sizes cross 255 so the length prefix's high byte is exercised.
      entries_.push_back(std::string(static_cast<size_t>(i), 'a' + i % 26));
      leaves_.push_back(HashLeaf(entries_.back()));
    }
  }

  absl::StatusOr<std::string> Read(const TileId& tile, uint64_t size) {
    return ReadTile(
        tile, size,
        [this](int level, uint64_t from,
               uint64_t to) -> absl::StatusOr<std::vector<Hash>> {
          std::vector<Hash> hashes;
          for (uint64_t i = from; i < to; ++i) {
            absl::StatusOr<Hash> hash = SubtreeOfLeaves(leaves_, level, i);
            if (!hash.ok()) return hash.status();
            hashes.push_back(*hash);
          }
          return hashes;
        },
        [this](uint64_t from, uint64_t to,
               absl::FunctionRef<bool(uint64_t, absl::string_view)> visit) {
          for (uint64_t i = from;
               i < to && i < entries_.size() && visit(i, entries_[i]); ++i) {
          }
          return absl::OkStatus();
        });
  }

  std::string Hashes(absl::Span<const Hash> hashes) {
    std::string out;
    for (const Hash& h : hashes) absl::StrAppend(&out, AsBytes(h));
    return out;
  }

  std::vector<std::string> entries_;
  std::vector<Hash> leaves_;
};

TEST_F(ReadTileTest, HashTilesHoldTheLevelsHashes) {
  auto full = Read({.level = 0, .index = 1}, 600);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(*full, Hashes(absl::MakeSpan(leaves_).subspan(256, 256)));

  auto partial = Read({.level = 0, .index = 2, .width = 88}, 600);
  ASSERT_TRUE(partial.ok()) << partial.status();
  EXPECT_EQ(*partial, Hashes(absl::MakeSpan(leaves_).subspan(512, 88)));

  // Each level-1 hash is the root of a full level-0 tile.
  auto level1 = Read({.level = 1, .index = 0, .width = 2}, 600);
  ASSERT_TRUE(level1.ok()) << level1.status();
  EXPECT_EQ(*level1,
            Hashes({RootOfLeaves(absl::MakeSpan(leaves_).subspan(0, 256)),
                    RootOfLeaves(absl::MakeSpan(leaves_).subspan(256, 256))}));
}

TEST_F(ReadTileTest, EntryBundlesPrefixEachEntryWithItsLength) {
  auto bundle = Read({.entries = true, .index = 1, .width = 3}, 600);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  std::string want;
  for (int i = 256; i < 259; ++i) {
    want += std::string("\x01", 1) + static_cast<char>(i - 256) + entries_[i];
  }
  EXPECT_EQ(*bundle, want);

  auto first = Read({.entries = true, .index = 0, .width = 2}, 600);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, std::string("\0\0\0\x01"
                                "b",
                                5));
}

TEST_F(ReadTileTest, ReadsNothingBeyondTheTree) {
  auto beyond = Read({.entries = true, .index = 2, .width = 89}, 600);
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(beyond.status().message(),
            "tile/entries/002.p/89 is beyond the tree of 600 entries");
  // The same tile in a smaller tree (an older checkpoint) is beyond it.
  EXPECT_EQ(Read({.level = 0, .index = 1}, 511).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ReadTileTest, RefusesEntriesABundleCannotCarry) {
  entries_[3] = std::string(kMaxBundledEntrySize + 1, 'x');
  auto bundle = Read({.entries = true, .index = 0, .width = 4}, 600);
  EXPECT_EQ(bundle.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(bundle.status().message(),
            "entry 3 is 65536 bytes, over the 65535 an entry bundle can carry");
}

TEST_F(ReadTileTest, AMissingEntryIsDataLoss) {
  entries_.resize(300);
  auto bundle = Read({.entries = true, .index = 1}, 600);
  EXPECT_EQ(bundle.status().code(), absl::StatusCode::kDataLoss);
}

TEST(PublishedTreeTilesTest, ReadsTheStoredTreeUpToAGivenSize) {
  Signer node_key = *Signer::Generate("test.example/log");
  Signer author = *Signer::Generate("author");
  TrustAnchorValidator validator(std::vector<Verifier>{author.verifier()});
  MemoryStore store;
  auto log = Log::Open(&store, &node_key, &validator, {"test.example/log"});
  ASSERT_TRUE(log.ok()) << log.status();
  std::vector<std::string> entries;
  std::string leaf_hashes;
  for (int i = 0; i < 300; ++i) {
    const Signer* signers[] = {&author};
    entries.push_back(
        *SignEntry(kRecordPayloadType, "record " + std::to_string(i), signers));
    absl::StrAppend(&leaf_hashes, AsBytes(HashLeaf(entries.back())));
    ASSERT_TRUE((*log)->AppendAndWait(entries.back()).ok());
  }
  ASSERT_EQ((*log)->Head().size, 300u);

  auto full = (*log)->ReadTile({.level = 0, .index = 0}, 300);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(*full, leaf_hashes.substr(0, 256 * 32));
  auto partial = (*log)->ReadTile({.level = 0, .index = 1, .width = 40}, 296);
  ASSERT_TRUE(partial.ok()) << partial.status();
  EXPECT_EQ(*partial, leaf_hashes.substr(256 * 32, 40 * 32));
  auto level1 = (*log)->ReadTile({.level = 1, .index = 0, .width = 1}, 300);
  ASSERT_TRUE(level1.ok()) << level1.status();
  EXPECT_EQ(*level1, std::string(AsBytes(*(*log)->RootAt(256))));

  auto bundle =
      (*log)->ReadTile({.entries = true, .index = 1, .width = 44}, 300);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  size_t at = 0;
  for (int i = 256; i < 300; ++i) {
    size_t length = static_cast<uint8_t>((*bundle)[at]) << 8 |
                    static_cast<uint8_t>((*bundle)[at + 1]);
    EXPECT_EQ(bundle->substr(at + 2, length), entries[i]);
    at += 2 + length;
  }
  EXPECT_EQ(at, bundle->size());

  EXPECT_EQ((*log)
                ->ReadTile({.level = 0, .index = 1, .width = 41}, 296)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ((*log)->ReadTile({.level = 0, .index = 0}, 301).status().code(),
            absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace skp::ledger
