// Reading workforce result tables in tests.
#ifndef SKP_TESTS_TESTING_WORKFORCE_TABLES_H_
#define SKP_TESTS_TESTING_WORKFORCE_TABLES_H_

#include <map>
#include <string>

#include "skillspassport/v1/workforce.pb.h"

namespace skp::testing {

// Each row's keys joined with "|" -> its measure, or -1 when suppressed.
inline std::map<std::string, int64_t> Cells(
    const skillspassport::v1::Table& table, int measure = 0) {
  std::map<std::string, int64_t> out;
  for (const skillspassport::v1::TableRow& row : table.rows()) {
    std::string key;
    for (const std::string& k : row.keys()) key += (key.empty() ? "" : "|") + k;
    out[key] =
        row.measures(measure).suppressed() ? -1 : row.measures(measure).value();
  }
  return out;
}

}  // namespace skp::testing

#endif  // SKP_TESTS_TESTING_WORKFORCE_TABLES_H_
