#include "services/workforce/tables.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace skp::workforce {
namespace {

namespace v1 = skillspassport::v1;

// Cell keys joined with "|" -> value, or -1 when suppressed.
std::map<std::string, int64_t> Published(const v1::Table& table) {
  std::map<std::string, int64_t> out;
  for (const v1::TableRow& row : table.rows()) {
    std::string key;
    for (const std::string& k : row.keys()) key += (key.empty() ? "" : "|") + k;
    out[key] = row.measures(0).suppressed() ? -1 : row.measures(0).value();
  }
  return out;
}

TableSpec Grid() { return {{"place", "role"}, {"headcount"}, {true}, true, 5}; }

TEST(TablesTest, SmallCellsAndTheirTotalsAreSuppressed) {
  auto t = Published(BuildTable(Grid(), {{{"A", "r1"}, {3}},
                                         {{"A", "r2"}, {10}},
                                         {{"A", "r3"}, {12}},
                                         {{"B", "r1"}, {20}},
                                         {{"B", "r2"}, {30}},
                                         {{"B", "r3"}, {7}}}));
  EXPECT_EQ(t["A|r1"], -1);  // primary
  // Row A has one suppressed cell: the smallest other one goes too.
  EXPECT_EQ(t["A|r2"], -1);
  EXPECT_EQ(t["A|r3"], 12);
  // Column r1 now has one suppressed cell: B|r1 or its total must go; then
  // column r2 likewise; and row B in turn.
  EXPECT_EQ(t["B|r1"], -1);
  EXPECT_EQ(t["B|r2"], -1);
  EXPECT_EQ(t["A|*"], 25);
  EXPECT_EQ(t["*|*"], 82);
}

TEST(TablesTest, NoLineHasExactlyOneSuppressedEntry) {
  // A pseudo-random grid; check the invariant that protects every cell.
  std::vector<TableCell> cells;
  uint32_t x = 12345;
  for (int r = 0; r < 9; ++r) {
    for (int c = 0; c < 7; ++c) {
      x = x * 1103515245 + 12345;
      cells.push_back({{absl::StrCat("p", r), absl::StrCat("r", c)},
                       {static_cast<int64_t>((x >> 16) % 12)}});
    }
  }
  v1::Table table = BuildTable(Grid(), cells);
  std::map<std::string, int> suppressed_in_row, suppressed_in_column;
  for (const v1::TableRow& row : table.rows()) {
    if (!row.measures(0).suppressed()) continue;
    ++suppressed_in_row[row.keys(0)];
    ++suppressed_in_column[row.keys(1)];
  }
  for (const auto& [row, n] : suppressed_in_row) EXPECT_NE(n, 1) << row;
  for (const auto& [column, n] : suppressed_in_column) {
    EXPECT_NE(n, 1) << column;
  }
}

TEST(TablesTest, OneDimensionHasOnlyAGrandTotal) {
  auto t = Published(BuildTable(
      {{"sector"}, {"headcount"}, {true}, true, 5},
      {{{"NHS"}, {40}}, {{"ASC"}, {2}}, {{"LA"}, {9}}, {{"IH"}, {0}}}));
  EXPECT_EQ(t.count("IH"), 0u);  // zero cells are left out
  EXPECT_EQ(t["ASC"], -1);
  EXPECT_EQ(t["LA"], -1);  // secondary: the smallest other cell
  EXPECT_EQ(t["NHS"], 40);
  EXPECT_EQ(t["*"], 51);
}

TEST(TablesTest, ListsKeepZeroRowsAndPublicMeasures) {
  v1::Table table =
      BuildTable({{"place", "need"},
                  {"headcount", "fte", "required"},
                  {true, true, false},
                  false,
                  5},
                 {{{"A", "x"}, {0, 0, 4000}}, {{"B", "x"}, {2, 1500, 3000}}});
  ASSERT_EQ(table.rows_size(), 2);
  EXPECT_FALSE(table.rows(0).measures(0).suppressed());  // zero is not small
  EXPECT_TRUE(table.rows(1).measures(0).suppressed());
  EXPECT_TRUE(table.rows(1).measures(1).suppressed());
  EXPECT_EQ(table.rows(1).measures(2).value(), 3000);
}

}  // namespace
}  // namespace skp::workforce
