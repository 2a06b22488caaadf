// Result tables and the rule that publishes them (DESIGN.md section 7; the
// rule in full, with what it does and does not protect against, is in
// services/workforce/README.md).
//
// A query computes its cells and its totals itself: a headcount total counts
// distinct people (a worker in two cells of a line counts once in its total),
// other totals sum. The table is then published by the disclosure rule:
//  1. Primary suppression: a cell or total with 1..threshold-1 people is
//     suppressed, with every sensitive measure of it.
//  2. Secondary suppression: no published line (a row with its total, a
//     column with its total, the row totals with the grand total, the column
//     totals with the grand total) keeps exactly one suppressed entry: the
//     smallest other cell of such a line goes too (its total when there is
//     none).
//  3. Rounding: every published people count and count is rounded to the
//     nearest multiple of the rounding base, and every FTE to the nearest
//     multiple of that many whole-time equivalents, each independently of
//     the others. No subtraction of published numbers (within a table,
//     across groupings or across days) then gives a suppressed value: its
//     uncertainty is at least the base.
// Rows are cells grid-wise: every key column but the last makes a row, the
// last makes the columns.
#ifndef SKP_SERVICES_WORKFORCE_TABLES_H_
#define SKP_SERVICES_WORKFORCE_TABLES_H_

#include <string>
#include <vector>

#include "skillspassport/v1/workforce.pb.h"

namespace skp::workforce {

inline constexpr int kDefaultSuppressionThreshold = 5;
inline constexpr int kDefaultRoundingBase = 5;
inline constexpr char kTotalKey[] = "*";

// How small numbers are kept out of published tables.
struct Disclosure {
  int threshold = kDefaultSuppressionThreshold;
  // 0 publishes exact numbers (for tests of counting; not for people).
  int rounding_base = kDefaultRoundingBase;
};

// What a measure is, which decides how it is published.
enum class MeasureKind {
  kPeople,  // distinct people: decides suppression; rounded
  kCount,   // another count (items, movements): suppressed with; rounded
  kFte,     // FTE in thousandths: suppressed with; rounded to base * 1000
  kPublic,  // not about people (a plan's required FTE): as is
};

struct TableSpec {
  std::vector<std::string> key_columns;
  std::vector<std::string> measure_columns;
  // One per measure; at most one kPeople (a table with none is public).
  std::vector<MeasureKind> kinds;
  bool totals = true;              // the cells carry their totals
  Disclosure disclosure;
};

struct TableCell {
  std::vector<std::string> keys;  // one per key column; "*" in a total
  std::vector<int64_t> measures;  // one per measure column
};

// Builds the published table from the cells and, with spec.totals, the
// totals the query computed (the grand total, and with two or more key
// columns every row's and column's). Cells whose measures are all zero are
// left out. Cells come in key order, then totals.
skillspassport::v1::Table BuildTable(const TableSpec& spec,
                                     std::vector<TableCell> cells);

}  // namespace skp::workforce

#endif  // SKP_SERVICES_WORKFORCE_TABLES_H_
