#include "records/reference/csv.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace skp::reference {
namespace {

absl::StatusOr<std::vector<std::string>> SplitLine(absl::string_view line,
                                                   int line_number) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  if (quoted)
    return absl::InvalidArgumentError(
        absl::StrCat("line ", line_number, ": unclosed quote"));
  return fields;
}

}  // namespace

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text) {
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (line.empty()) continue;
    absl::StatusOr<std::vector<std::string>> fields =
        SplitLine(line, line_number);
    if (!fields.ok()) return fields.status();
    if (header.empty()) {
      header = *std::move(fields);
      continue;
    }
    if (fields->size() != header.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": ", fields->size(),
                       " fields, header has ", header.size()));
    }
    CsvRow row;
    for (size_t i = 0; i < header.size(); ++i) row[header[i]] = (*fields)[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace skp::reference
