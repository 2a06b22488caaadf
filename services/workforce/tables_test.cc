#include "services/workforce/tables.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace skp::workforce {
namespace {

namespace v1 = skillspassport::v1;

// Cell keys joined with "|" -> value, or -1 when suppressed.
std::map<std::string, int64_t> Published(const v1::Table& table,
                                         int measure = 0) {
  std::map<std::string, int64_t> out;
  for (const v1::TableRow& row : table.rows()) {
    std::string key;
    for (const std::string& k : row.keys()) key += (key.empty() ? "" : "|") + k;
    out[key] = row.measures(measure).suppressed()
                   ? -1
                   : row.measures(measure).value();
  }
  return out;
}

// The cells with their grid totals, as a query with nobody in two cells
// gives them (the queries' own tests cover people in several cells).
std::vector<TableCell> WithTotals(std::vector<TableCell> cells) {
  std::map<std::vector<std::string>, std::vector<int64_t>> totals;
  for (const TableCell& c : cells) {
    const size_t n = c.keys.size();
    std::vector<std::vector<std::string>> keys = {
        std::vector<std::string>(n, kTotalKey)};
    if (n >= 2) {
      keys.push_back(c.keys);
      keys.back().back() = kTotalKey;
      keys.push_back(std::vector<std::string>(n - 1, kTotalKey));
      keys.back().push_back(c.keys.back());
    }
    for (const auto& k : keys) {
      std::vector<int64_t>& t = totals[k];
      t.resize(c.measures.size());
      for (size_t i = 0; i < t.size(); ++i) t[i] += c.measures[i];
    }
  }
  for (auto& [keys, measures] : totals) cells.push_back({keys, measures});
  return cells;
}

TableSpec Grid(int rounding_base = 0) {
  return {{"place", "role"},
          {"headcount"},
          {MeasureKind::kPeople},
          true,
          {5, rounding_base}};
}

TEST(TablesTest, SmallCellsAndTheirTotalsAreSuppressed) {
  auto t = Published(BuildTable(Grid(), WithTotals({{{"A", "r1"}, {3}},
                                                    {{"A", "r2"}, {10}},
                                                    {{"A", "r3"}, {12}},
                                                    {{"B", "r1"}, {20}},
                                                    {{"B", "r2"}, {30}},
                                                    {{"B", "r3"}, {7}}})));
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

TEST(TablesTest, TotalsAreTheQuerysNotTheSumOfCells) {
  // Two people in both sectors: 8 + 6 cells, 12 people.
  auto t = Published(BuildTable({{"sector"}, {"headcount"},
                                 {MeasureKind::kPeople}, true, {5, 0}},
                                {{{"NHS"}, {8}}, {{"ASC"}, {6}}, {{"*"}, {12}}}));
  EXPECT_EQ(t["*"], 12);
  EXPECT_EQ(t["NHS"], 8);
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
  v1::Table table = BuildTable(Grid(), WithTotals(cells));
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
      {{"sector"}, {"headcount"}, {MeasureKind::kPeople}, true, {5, 0}},
      WithTotals(
          {{{"NHS"}, {40}}, {{"ASC"}, {2}}, {{"LA"}, {9}}, {{"IH"}, {0}}})));
  EXPECT_EQ(t.count("IH"), 0u);  // empty cells are left out
  EXPECT_EQ(t["ASC"], -1);
  EXPECT_EQ(t["LA"], -1);  // secondary: the smallest other cell
  EXPECT_EQ(t["NHS"], 40);
  EXPECT_EQ(t["*"], 51);
}

TEST(TablesTest, PublicMeasuresStayAndEmptySupplyIsShown) {
  v1::Table table = BuildTable(
      {{"place", "need"},
       {"headcount", "fte", "required"},
       {MeasureKind::kPeople, MeasureKind::kFte, MeasureKind::kPublic},
       true,
       {5, 0}},
      {{{"A", "x"}, {0, 0, 4000}}, {{"B", "x"}, {2, 1500, 3000}}});
  ASSERT_EQ(table.rows_size(), 2);
  EXPECT_FALSE(table.rows(0).measures(0).suppressed());  // zero is not small
  EXPECT_TRUE(table.rows(1).measures(0).suppressed());
  EXPECT_TRUE(table.rows(1).measures(1).suppressed());
  EXPECT_EQ(table.rows(1).measures(2).value(), 3000);
}

TEST(TablesTest, PublishedCountsAndFteAreRounded) {
  v1::Table table = BuildTable(
      {{"place"},
       {"headcount", "fte", "due", "required"},
       {MeasureKind::kPeople, MeasureKind::kFte, MeasureKind::kCount,
        MeasureKind::kPublic},
       true,
       {5, 5}},
      {{{"A"}, {7, 6499, 12, 3333}},
       {{"B"}, {8, 7500, 3, 1}},
       {{"C"}, {3, 2000, 3, 1}},
       {{"D"}, {2, 1000, 1, 1}},  // two small cells: no secondary needed
       {{"*"}, {20, 16999, 19, 3336}}});
  auto people = Published(table, 0), fte = Published(table, 1),
       due = Published(table, 2), required = Published(table, 3);
  EXPECT_EQ(people["A"], 5);  // 7 is nearer 5 than 10
  EXPECT_EQ(fte["A"], 5000);  // 6.499 FTE to the nearest 5
  EXPECT_EQ(due["A"], 10);
  EXPECT_EQ(required["A"], 3333);  // a plan is public: as is
  EXPECT_EQ(people["B"], 10);
  EXPECT_EQ(fte["B"], 10000);
  EXPECT_EQ(people["C"], -1);  // suppressed, never rounded to 5 or 0
  EXPECT_EQ(fte["C"], -1);
  EXPECT_EQ(people["*"], 20);
  EXPECT_EQ(fte["*"], 15000);
}

}  // namespace
}  // namespace skp::workforce
