#include "services/workforce/record_index.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace skp::workforce {
namespace {

// 32 bytes, like a record id; ids differ in their first 16.
std::string Id(int i) {
  return absl::StrCat("id-", i, std::string(32, '.')).substr(0, 32);
}

TEST(RecordIndexTest, FindsLoadedAndLaterIdsAndNotUnknownOnes) {
  RecordIndex index;
  index.StartBulk();
  for (int i = 0; i < 1000; ++i) index.Add(PrefixOf(Id(i)), 10 * i);
  // Nothing is found until the load is sealed.
  EXPECT_EQ(index.Find(PrefixOf(Id(5))), std::nullopt);
  index.Seal();
  index.Add(PrefixOf(Id(5000)), 7);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(index.Find(PrefixOf(Id(i))), 10 * i) << i;
  }
  EXPECT_EQ(index.Find(PrefixOf(Id(5000))), 7u);
  EXPECT_EQ(index.Find(PrefixOf(Id(1000))), std::nullopt);
  EXPECT_EQ(index.Find(PrefixOf("")), std::nullopt);
}

TEST(RecordIndexTest, IdsAddedAfterTheLoadSurviveMerges) {
  RecordIndex index;
  index.StartBulk();
  for (int i = 0; i < 100; ++i) index.Add(PrefixOf(Id(i)), i);
  index.Seal();
  // Enough to be merged into the sorted ids several times.
  for (int i = 100; i < 20000; ++i) index.Add(PrefixOf(Id(i)), i);
  for (int i = 0; i < 20000; ++i) {
    ASSERT_EQ(index.Find(PrefixOf(Id(i))), static_cast<uint64_t>(i)) << i;
  }
  EXPECT_EQ(index.Find(PrefixOf(Id(20000))), std::nullopt);
}

TEST(RecordIndexTest, TheLaterRowOfAnIdStands) {
  RecordIndex index;
  index.StartBulk();
  index.Add(PrefixOf(Id(1)), 4);
  index.Add(PrefixOf(Id(1)), 9);
  index.Add(PrefixOf(Id(2)), 3);
  index.Seal();
  EXPECT_EQ(index.Find(PrefixOf(Id(1))), 9u);
  index.Add(PrefixOf(Id(2)), 12);
  EXPECT_EQ(index.Find(PrefixOf(Id(2))), 12u);
  for (int i = 3; i < 10000; ++i) index.Add(PrefixOf(Id(i)), 100 + i);
  EXPECT_EQ(index.Find(PrefixOf(Id(2))), 12u);
}

TEST(RecordIndexTest, AnIdIsItsFirstSixteenBytes) {
  EXPECT_EQ(PrefixOf("short"), PrefixOf(std::string("short\0\0", 7)));
  EXPECT_NE(PrefixOf("short"), PrefixOf("shorter"));
  EXPECT_EQ(PrefixOf("0123456789abcdefX"), PrefixOf("0123456789abcdefY"));
}

}  // namespace
}  // namespace skp::workforce
