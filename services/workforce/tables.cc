#include "services/workforce/tables.h"

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

// A published line: members that sum to its last member, the total.
using Line = std::vector<size_t>;

// Suppresses one more member of every line with exactly one suppressed
// member, until none is left. A worklist revisits only the lines of entries
// just suppressed.
void SuppressSecondary(const std::vector<Line>& lines,
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
      if (e.suppressed || e.measures[0] == 0) continue;
      if (!smallest || e.measures[0] < entries[*smallest].measures[0]) {
        smallest = line[k];
      }
    }
    size_t pick = smallest.value_or(line.back());
    if (entries[pick].suppressed) continue;  // nothing left to hide behind
    entries[pick].suppressed = true;
    for (size_t l : lines_of[pick]) work.push_back(l);
  }
}

void AddTo(std::vector<int64_t>& sum, const std::vector<int64_t>& add) {
  if (sum.empty()) sum.assign(add.size(), 0);
  for (size_t i = 0; i < add.size(); ++i) sum[i] += add[i];
}

}  // namespace

v1::Table BuildTable(const TableSpec& spec, std::vector<TableCell> cells) {
  std::map<std::vector<std::string>, std::vector<int64_t>> merged;
  for (TableCell& cell : cells) AddTo(merged[cell.keys], cell.measures);

  std::vector<Entry> entries;
  for (auto& [keys, measures] : merged) {
    // Zero cells of a grid are left out; rows of a list (no totals) stay.
    if (measures[0] != 0 || !spec.totals) {
      entries.push_back({keys, std::move(measures)});
    }
  }
  const size_t cell_count = entries.size();
  const size_t key_count = spec.key_columns.size();

  std::vector<Line> lines;
  if (spec.totals && key_count > 0) {
    const std::vector<std::string> all_total(key_count, kTotalKey);
    Line grand_line;
    if (key_count == 1) {
      for (size_t i = 0; i < cell_count; ++i) grand_line.push_back(i);
    } else {
      // Rows: every key but the last; columns: the last key.
      std::map<std::vector<std::string>, Line> rows;
      std::map<std::string, Line> columns;
      for (size_t i = 0; i < cell_count; ++i) {
        std::vector<std::string> row(entries[i].keys.begin(),
                                     entries[i].keys.end() - 1);
        rows[row].push_back(i);
        columns[entries[i].keys.back()].push_back(i);
      }
      Line column_totals_line;
      auto add_total = [&](Line& line, std::vector<std::string> keys) {
        Entry total{std::move(keys), {}};
        for (size_t i : line) AddTo(total.measures, entries[i].measures);
        line.push_back(entries.size());
        entries.push_back(std::move(total));
        lines.push_back(line);
      };
      for (auto& [row, line] : rows) {
        std::vector<std::string> keys = row;
        keys.push_back(kTotalKey);
        add_total(line, keys);
        grand_line.push_back(line.back());
      }
      for (auto& [column, line] : columns) {
        std::vector<std::string> keys(key_count - 1, kTotalKey);
        keys.push_back(column);
        add_total(line, keys);
        column_totals_line.push_back(line.back());
      }
      // The column totals also sum to the grand total.
      if (!column_totals_line.empty()) {
        column_totals_line.push_back(entries.size());
        lines.push_back(column_totals_line);
      }
    }
    Entry grand{all_total, std::vector<int64_t>(spec.measure_columns.size())};
    for (size_t i = 0; i < cell_count; ++i) {
      for (size_t m = 0; m < grand.measures.size(); ++m) {
        grand.measures[m] += entries[i].measures[m];
      }
    }
    grand_line.push_back(entries.size());
    entries.push_back(std::move(grand));
    lines.push_back(grand_line);
  }

  for (Entry& e : entries) {
    e.suppressed = e.measures[0] > 0 && e.measures[0] < spec.threshold;
  }
  SuppressSecondary(lines, entries);

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
      if (e.suppressed && spec.sensitive[m]) {
        measure->set_suppressed(true);
      } else {
        measure->set_value(e.measures[m]);
      }
    }
  }
  return table;
}

}  // namespace skp::workforce
