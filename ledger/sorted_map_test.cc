#include "ledger/sorted_map.h"

#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace skp::ledger {
namespace {

// Every operation checked against std::map, over enough keys that the
// recent entries are merged into the sorted ones many times.
TEST(SortedMapTest, BehavesAsAMapThroughMerges) {
  SortedMap<uint64_t, int> map;
  std::map<uint64_t, int> expected;
  std::mt19937_64 random(17);
  for (int step = 0; step < 60000; ++step) {
    const uint64_t key = random() % 20000;
    switch (random() % 4) {
      case 0:
        map.Erase(key);
        expected.erase(key);
        break;
      case 1:
        map[key] += 1;
        expected[key] += 1;
        break;
      default:
        map.Put(key, step);
        expected[key] = step;
    }
  }
  ASSERT_EQ(map.size(), expected.size());
  std::vector<std::pair<uint64_t, int>> visited;
  map.ForEach([&](uint64_t key, int value) { visited.emplace_back(key, value); });
  const std::vector<std::pair<uint64_t, int>> in_order(expected.begin(),
                                                      expected.end());
  EXPECT_EQ(visited, in_order);
  for (uint64_t key = 0; key < 20000; ++key) {
    auto it = expected.find(key);
    const int* found = map.Find(key);
    ASSERT_EQ(found != nullptr, it != expected.end()) << key;
    if (found != nullptr) {
      EXPECT_EQ(*found, it->second) << key;
    }
  }
}

// A restore puts its entries in order into a reserved map: they go straight
// to the sorted vector, and the map answers as if they had been added any
// other way.
TEST(SortedMapTest, AscendingPutsIntoReservedRoomAndLaterChanges) {
  SortedMap<uint64_t, int> map;
  map.reserve(10000);
  for (uint64_t key = 0; key < 10000; ++key) map.Put(2 * key, 1);
  map.Put(7, 2);      // between two loaded keys: kept recent
  map.Put(40000, 3);  // after them, but no room left
  map.Put(10, 4);     // replaces a loaded key in place
  map.Erase(20);
  EXPECT_EQ(map.size(), 10001u);
  EXPECT_EQ(*map.Find(7), 2);
  EXPECT_EQ(*map.Find(40000), 3);
  EXPECT_EQ(*map.Find(10), 4);
  EXPECT_EQ(map.Find(20), nullptr);
  EXPECT_EQ(map.Find(9), nullptr);
  uint64_t previous = 0;
  size_t visited = 0;
  map.ForEach([&](uint64_t key, int) {
    if (visited++ > 0) {
      EXPECT_LT(previous, key);
    }
    previous = key;
  });
  EXPECT_EQ(visited, map.size());
}

// Byte arrays in the order std::string gives their bytes: 0x80 after 0x7f,
// where std::array<char, N>'s own < puts it first.
TEST(SortedMapTest, BytesLessOrdersAsStringsDo) {
  SortedMap<std::array<char, 2>, int, BytesLess> map;
  const std::array<char, 2> high = {static_cast<char>(0x80), 0};
  const std::array<char, 2> low = {0x7f, 0};
  map.Put(high, 1);
  map.Put(low, 2);
  std::vector<std::string> order;
  map.ForEach([&](const std::array<char, 2>& key, int) {
    order.emplace_back(key.data(), key.size());
  });
  ASSERT_EQ(order.size(), 2u);
  EXPECT_LT(order[0], order[1]);
  EXPECT_EQ(*map.Find(high), 1);
}

TEST(SortedMapTest, AssignSortedReplacesEverything) {
  SortedMap<uint64_t, int> map;
  map.Put(1, 1);
  map.AssignSorted({{2, 20}, {5, 50}});
  EXPECT_EQ(map.Find(1), nullptr);
  EXPECT_EQ(*map.Find(5), 50);
  map.clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.Find(2), nullptr);
}

}  // namespace
}  // namespace skp::ledger
