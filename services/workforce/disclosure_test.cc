// An adversary against the disclosure rule (README.md): it reads every
// table a planner may ask for on two days a day apart, grouped every way,
// and tries the obvious subtractions on each row and column of each table,
// filling in what a table hides with what another grouping or the other day
// published. Without rounding it recovers suppressed counts; with the
// rule's rounding it recovers none.
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "services/workforce/facts.h"

namespace skp::workforce {
namespace {

namespace v1 = skillspassport::v1;

v1::Date D(absl::CivilDay day) {
  v1::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

// The same records, published three ways: by the rule, without rounding,
// and in full (the truth the adversary is after).
struct Publishers {
  explicit Publishers(const reference::ReferenceData* reference)
      : rule(reference, Disclosure{5, 5}),
        unrounded(reference, Disclosure{5, 0}),
        truth(reference, Disclosure{1, 0}) {}
  void Apply(const v1::WorkforceFact& fact) {
    for (WorkforceFacts* f : {&rule, &unrounded, &truth}) f->Apply({fact});
  }
  WorkforceFacts rule, unrounded, truth;
};

// A population: which day, which measure, and the non-total keys
// ("place=Halton,sector=NHS"); every grouping that names it gives the same.
using Population = std::tuple<int, int, std::string>;

Population Of(int day, int measure, const v1::Table& table,
              const v1::TableRow& row) {
  std::vector<std::string> parts;
  for (int k = 0; k < row.keys_size(); ++k) {
    if (row.keys(k) != "*") {
      parts.push_back(absl::StrCat(table.key_columns(k), "=", row.keys(k)));
    }
  }
  std::sort(parts.begin(), parts.end());
  return {day, measure, absl::StrJoin(parts, ",")};
}

// The lines of a table (as tables.h defines them): rows, by index.
std::vector<std::vector<int>> Lines(const v1::Table& table) {
  const int n = table.key_columns_size();
  std::map<std::vector<std::string>, int> index;
  for (int i = 0; i < table.rows_size(); ++i) {
    index[{table.rows(i).keys().begin(), table.rows(i).keys().end()}] = i;
  }
  std::map<std::vector<std::string>, std::vector<int>> lines;
  for (int i = 0; i < table.rows_size(); ++i) {
    std::vector<std::string> keys(table.rows(i).keys().begin(),
                                  table.rows(i).keys().end());
    const int stars = static_cast<int>(std::count(keys.begin(), keys.end(), "*"));
    if (stars == n) continue;  // the grand total heads lines, below
    if (n == 1 || stars == 0) {
      std::vector<std::string> row = keys, column(n, "*");
      row.back() = "*";
      column.back() = keys.back();
      lines[row].push_back(i);
      if (n > 1) lines[column].push_back(i);
    } else {
      lines[std::vector<std::string>(n, "*")].push_back(i);  // totals' line
    }
  }
  std::vector<std::vector<int>> out;
  for (auto& [total, members] : lines) {
    auto it = index.find(total);
    if (it == index.end()) continue;
    members.push_back(it->second);
    out.push_back(members);
  }
  return out;
}

struct Attack {
  int tried = 0;      // suppressed values the adversary computed
  int recovered = 0;  // ... that were right, of small cells
};

// Every Supply table of both days and every grouping, from `facts`.
std::vector<std::pair<int, v1::Table>> Tables(const WorkforceFacts& facts,
                                              DayNumber day) {
  const std::vector<std::vector<v1::Dimension>> groupings = {
      {},
      {v1::DIMENSION_PLACE},
      {v1::DIMENSION_SECTOR},
      {v1::DIMENSION_ROLE},
      {v1::DIMENSION_PLACE, v1::DIMENSION_SECTOR},
      {v1::DIMENSION_SECTOR, v1::DIMENSION_PLACE},
      {v1::DIMENSION_PLACE, v1::DIMENSION_ROLE},
      {v1::DIMENSION_ROLE, v1::DIMENSION_SECTOR},
      {v1::DIMENSION_PLACE, v1::DIMENSION_ROLE, v1::DIMENSION_SECTOR}};
  std::vector<std::pair<int, v1::Table>> out;
  for (int d : {0, 1}) {
    for (const auto& group_by : groupings) {
      auto table = facts.Supply({}, group_by, day + d);
      EXPECT_TRUE(table.ok()) << table.status();
      out.push_back({d, *table});
    }
  }
  return out;
}

Attack Subtract(const WorkforceFacts& published, const WorkforceFacts& truth,
           DayNumber day) {
  const auto tables = Tables(published, day);
  std::map<Population, int64_t> known, actual;
  for (const auto& [d, table] : tables) {
    for (const v1::TableRow& row : table.rows()) {
      for (int m = 0; m < 2; ++m) {
        if (!row.measures(m).suppressed()) {
          known[Of(d, m, table, row)] = row.measures(m).value();
        }
      }
    }
  }
  for (const auto& [d, table] : Tables(truth, day)) {
    for (const v1::TableRow& row : table.rows()) {
      for (int m = 0; m < 2; ++m) {
        actual[Of(d, m, table, row)] = row.measures(m).value();
      }
    }
  }
  // What the adversary believes a population is: published that day, or
  // else the other day (assuming a day changes little).
  auto believed = [&](Population p) -> std::optional<int64_t> {
    if (auto it = known.find(p); it != known.end()) return it->second;
    std::get<0>(p) = 1 - std::get<0>(p);
    if (auto it = known.find(p); it != known.end()) return it->second;
    return std::nullopt;
  };
  Attack attack;
  for (const auto& [d, table] : tables) {
    for (const std::vector<int>& line : Lines(table)) {
      for (int m = 0; m < 2; ++m) {
        // Each cell hidden on its day, from the line's total less its other
        // cells, as believed.
        for (size_t target = 0; target + 1 < line.size(); ++target) {
          const Population hidden = Of(d, m, table, table.rows(line[target]));
          if (known.contains(hidden)) continue;
          std::optional<int64_t> estimate =
              believed(Of(d, m, table, table.rows(line.back())));
          for (size_t k = 0; estimate && k + 1 < line.size(); ++k) {
            if (k == target) continue;
            std::optional<int64_t> v =
                believed(Of(d, m, table, table.rows(line[k])));
            estimate = v ? std::optional<int64_t>(*estimate - *v)
                         : std::nullopt;
          }
          if (!estimate) continue;
          ++attack.tried;
          // A small cell (1-4 people) recovered is a disclosure. (A cell
          // suppressed only to protect another may be guessed right by
          // chance; nothing tells the adversary so.)
          Population people = hidden;
          std::get<1>(people) = 0;
          if (*estimate == actual[hidden] && actual[people] < 5) {
            ++attack.recovered;
          }
        }
      }
    }
  }
  return attack;
}

TEST(DisclosureTest, NoSubtractionRecoversASuppressedCell) {
  auto reference = reference::ReferenceData::Embedded();
  ASSERT_TRUE(reference.ok());
  Publishers publishers(&*reference);
  // Dates relative to a day the test picks.
  const absl::CivilDay day(2025, 3, 10);
  int next = 0;
  auto employ = [&](int worker, const std::string& org, int role,
                    const std::string& place, v1::Sector sector,
                    absl::CivilDay start, int fte) {
    v1::Record r;
    auto* e = r.mutable_employment_started();
    e->set_passport_id(absl::StrCat("passport-", worker));
    e->set_organisation_id(org);
    e->set_employment_id(absl::StrCat("e", worker, org));
    e->set_ascwds_job_role(role);
    e->set_sector(sector);
    e->set_icb_code("E54000008");
    e->set_place(place);
    e->set_fte_thousandths(fte);
    *e->mutable_start_date() = D(start);
    r.set_issued_at(1700000000 + next);
    publishers.Apply(*MakeFact(r, absl::StrCat("record-", next++)));
  };
  // A pseudo-random workforce over four places, two sectors and three
  // roles, with joint roles (a second job in the other sector) and people
  // starting on the second day.
  const std::vector<std::string> places = {"Liverpool", "Wirral", "Sefton",
                                           "Knowsley"};
  uint32_t x = 2025;
  auto next_random = [&](uint32_t n) {
    x = x * 1103515245 + 12345;
    return (x >> 16) % n;
  };
  for (int w = 0; w < 400; ++w) {
    const std::string& place = places[next_random(4)];
    const int role = 20 + static_cast<int>(next_random(3));
    const bool nhs = next_random(3) == 0;
    const absl::CivilDay start = next_random(20) == 0 ? day + 1 : day - 100;
    employ(w, nhs ? "ODS:RX1" : absl::StrCat("CQC:", place), role, place,
           nhs ? v1::SECTOR_NHS : v1::SECTOR_ADULT_SOCIAL_CARE, start,
           200 + 100 * static_cast<int>(next_random(9)));
    if (next_random(10) == 0) {
      employ(w, nhs ? absl::StrCat("CQC:", place) : "ODS:RX1", role, place,
             nhs ? v1::SECTOR_ADULT_SOCIAL_CARE : v1::SECTOR_NHS, day - 50,
             200);
    }
  }
  // Halton: ten in the NHS, three in social care, two more from the second
  // day: the small cell is suppressed on the first, published on the second.
  for (int w = 1000; w < 1015; ++w) {
    const bool nhs = w < 1010;
    employ(w, nhs ? "ODS:RX1" : "CQC:Halton", 23, "Halton",
           nhs ? v1::SECTOR_NHS : v1::SECTOR_ADULT_SOCIAL_CARE,
           w >= 1013 ? day + 1 : day - 100, 1000);
  }

  const DayNumber first = ToDayNumber(day);
  const Attack without_rounding =
      Subtract(publishers.unrounded, publishers.truth, first);
  EXPECT_GT(without_rounding.recovered, 0)
      << "the adversary should defeat suppression alone";
  const Attack with_rule = Subtract(publishers.rule, publishers.truth, first);
  EXPECT_GT(with_rule.tried, 0);
  EXPECT_EQ(with_rule.recovered, 0);

  // Why: every published people count is a multiple of 5 and every FTE of
  // 5 FTE, so is every sum and difference of them; a suppressed count (1-4
  // people, at most 4 FTE) never is.
  for (const auto& [d, table] : Tables(publishers.rule, first)) {
    for (const v1::TableRow& row : table.rows()) {
      EXPECT_EQ(row.measures(0).value() % 5, 0);
      EXPECT_EQ(row.measures(1).value() % 5000, 0);
    }
  }
}

}  // namespace
}  // namespace skp::workforce
