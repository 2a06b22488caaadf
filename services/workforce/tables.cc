#include "services/workforce/tables.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>

namespace skp::workforce {
namespace {

namespace v1 = skillspassport::v1;

struct Entry {
  std::vector<std::string> keys;
  std::vector<int64_t> measures;
  bool suppressed = false;
};

// A published line: members whose people make up its last member, the total.
using Line = std::vector<size_t>;

// Suppresses one more member of every line with exactly one suppressed
// member, until none is left. A worklist revisits only the lines of entries
// just suppressed.
void SuppressSecondary(const std::vector<Line>& lines, size_t people,
                       std::vector<Entry>& entries) {
  std::vector<std::vector<size_t>> lines_of(entries.size());
  for (size_t l = 0; l < lines.size(); ++l) {
    for (size_t i : lines[l]) lines_of[i].push_back(l);
  }
  // First in, first out: lines in order, then those revisited.
  std::deque<size_t> work;
  for (size_t l = 0; l < lines.size(); ++l) work.push_back(l);
  while (!work.empty()) {
    const Line& line = lines[work.front()];
    work.pop_front();
    int suppressed = 0;
    for (size_t i : line) suppressed += entries[i].suppressed ? 1 : 0;
    if (suppressed != 1) continue;
    std::optional<size_t> smallest;
    for (size_t k = 0; k + 1 < line.size(); ++k) {
      const Entry& e = entries[line[k]];
      if (e.suppressed || e.measures[people] == 0) continue;
      if (!smallest ||
          e.measures[people] < entries[*smallest].measures[people]) {
        smallest = line[k];
      }
    }
    size_t pick = smallest.value_or(line.back());
    if (entries[pick].suppressed) continue;  // nothing left to hide behind
    entries[pick].suppressed = true;
    for (size_t l : lines_of[pick]) work.push_back(l);
  }
}

// The lines of a grid whose totals are among the entries.
std::vector<Line> Lines(const std::vector<Entry>& entries, size_t key_count) {
  std::map<std::vector<std::string>, size_t> index;
  for (size_t i = 0; i < entries.size(); ++i) index[entries[i].keys] = i;
  auto find = [&](const std::vector<std::string>& keys) {
    auto it = index.find(keys);
    return it == index.end() ? std::optional<size_t>() : it->second;
  };
  auto is_total = [](const Entry& e) {
    return std::find(e.keys.begin(), e.keys.end(), kTotalKey) != e.keys.end();
  };
  const std::vector<std::string> all_total(key_count, kTotalKey);
  std::vector<Line> lines;
  if (key_count == 0) return lines;
  std::optional<size_t> grand = find(all_total);
  if (key_count == 1) {
    Line line;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (!is_total(entries[i])) line.push_back(i);
    }
    if (grand) {
      line.push_back(*grand);
      lines.push_back(line);
    }
    return lines;
  }
  std::map<std::vector<std::string>, Line> rows, columns;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (is_total(entries[i])) continue;
    const std::vector<std::string>& keys = entries[i].keys;
    std::vector<std::string> row(keys.begin(), keys.end() - 1);
    row.push_back(kTotalKey);
    std::vector<std::string> column(key_count - 1, kTotalKey);
    column.push_back(keys.back());
    rows[row].push_back(i);
    columns[column].push_back(i);
  }
  for (auto* group : {&rows, &columns}) {
    Line totals_line;
    for (auto& [total_keys, line] : *group) {
      std::optional<size_t> total = find(total_keys);
      if (!total) continue;
      line.push_back(*total);
      lines.push_back(line);
      totals_line.push_back(*total);
    }
    if (grand && !totals_line.empty()) {
      totals_line.push_back(*grand);
      lines.push_back(totals_line);
    }
  }
  return lines;
}

int64_t Round(int64_t value, int64_t base) {
  if (base <= 1) return value;
  const int64_t magnitude = (std::abs(value) + base / 2) / base * base;
  return value < 0 ? -magnitude : magnitude;
}

}  // namespace

v1::Table BuildTable(const TableSpec& spec, std::vector<TableCell> cells) {
  const size_t people = static_cast<size_t>(
      std::find(spec.kinds.begin(), spec.kinds.end(), MeasureKind::kPeople) -
      spec.kinds.begin());
  std::map<std::vector<std::string>, std::vector<int64_t>> merged;
  for (TableCell& cell : cells) {
    std::vector<int64_t>& sum = merged[cell.keys];
    if (sum.empty()) sum.assign(cell.measures.size(), 0);
    for (size_t i = 0; i < cell.measures.size(); ++i) {
      sum[i] += cell.measures[i];
    }
  }
  // Cells first, then totals (keys with "*"), each in key order.
  std::vector<Entry> entries, totals;
  for (auto& [keys, measures] : merged) {
    const bool total =
        std::find(keys.begin(), keys.end(), kTotalKey) != keys.end();
    const bool all_zero = std::all_of(measures.begin(), measures.end(),
                                      [](int64_t m) { return m == 0; });
    if (all_zero && !(total && keys.size() == spec.key_columns.size() &&
                      std::count(keys.begin(), keys.end(), kTotalKey) ==
                          static_cast<long>(keys.size()))) {
      continue;  // an empty cell or line; the grand total always stays
    }
    (total ? totals : entries).push_back({keys, std::move(measures)});
  }
  for (Entry& t : totals) entries.push_back(std::move(t));

  for (Entry& e : entries) {
    e.suppressed = people < spec.kinds.size() && e.measures[people] > 0 &&
                   e.measures[people] < spec.disclosure.threshold;
  }
  if (spec.totals && people < spec.kinds.size()) {
    SuppressSecondary(Lines(entries, spec.key_columns.size()), people,
                      entries);
  }

  const int64_t base = spec.disclosure.rounding_base;
  v1::Table table;
  for (const std::string& k : spec.key_columns) table.add_key_columns(k);
  for (const std::string& m : spec.measure_columns) {
    table.add_measure_columns(m);
  }
  for (const Entry& e : entries) {
    v1::TableRow* row = table.add_rows();
    for (const std::string& k : e.keys) row->add_keys(k);
    for (size_t m = 0; m < e.measures.size(); ++m) {
      v1::Measure* measure = row->add_measures();
      switch (spec.kinds[m]) {
        case MeasureKind::kPublic:
          measure->set_value(e.measures[m]);
          break;
        case MeasureKind::kFte:
          if (e.suppressed) {
            measure->set_suppressed(true);
          } else {
            measure->set_value(Round(e.measures[m], base * 1000));
          }
          break;
        case MeasureKind::kPeople:
        case MeasureKind::kCount:
          if (e.suppressed) {
            measure->set_suppressed(true);
          } else {
            measure->set_value(Round(e.measures[m], base));
          }
          break;
      }
    }
  }
  return table;
}

}  // namespace skp::workforce
