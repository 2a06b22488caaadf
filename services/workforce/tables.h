// Result tables with small-number suppression (DESIGN.md section 7).
//
// Cells form a grid: rows are the combinations of all key columns but the
// last, columns are the values of the last. A cell whose count is below the
// threshold (and not zero) is suppressed, with every sensitive measure of it.
// Totals sum the cells: one per row, one per column and a grand total (with
// a single key column, only the grand total). Secondary suppression then
// makes sure no published line (a row with its total, a column with its
// total, the row totals with the grand total, the column totals with the
// grand total) has exactly one suppressed entry, so no suppressed value can be
// recovered by subtraction: it suppresses the smallest other cell of such a
// line, or its total when there is none.
#ifndef SKP_SERVICES_WORKFORCE_TABLES_H_
#define SKP_SERVICES_WORKFORCE_TABLES_H_

#include <string>
#include <vector>

#include "skillspassport/v1/workforce.pb.h"

namespace skp::workforce {

inline constexpr int kDefaultSuppressionThreshold = 5;
inline constexpr char kTotalKey[] = "*";

struct TableSpec {
  std::vector<std::string> key_columns;
  std::vector<std::string> measure_columns;
  // measures[0] is the count that decides suppression; sensitive[i] says
  // whether measure i is suppressed with it (a plan's required FTE is not).
  std::vector<bool> sensitive;
  bool totals = true;
  int threshold = kDefaultSuppressionThreshold;
};

struct TableCell {
  std::vector<std::string> keys;  // one per key column
  std::vector<int64_t> measures;  // one per measure column
};

// Builds the published table: cells in key order, then totals. Cells with
// equal keys are summed; with totals, cells with a zero count are left out.
skillspassport::v1::Table BuildTable(const TableSpec& spec,
                                     std::vector<TableCell> cells);

}  // namespace skp::workforce

#endif  // SKP_SERVICES_WORKFORCE_TABLES_H_
