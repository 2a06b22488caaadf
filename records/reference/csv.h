// Minimal RFC 4180 CSV reading for the embedded reference data: quoted
// fields may hold commas and doubled quotes; no embedded newlines.
#ifndef SKP_RECORDS_REFERENCE_CSV_H_
#define SKP_RECORDS_REFERENCE_CSV_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace skp::reference {

// Each row keyed by the header's column names.
using CsvRow = std::map<std::string, std::string>;

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text);

}  // namespace skp::reference

#endif  // SKP_RECORDS_REFERENCE_CSV_H_
