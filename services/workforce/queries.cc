// WorkforceFacts queries: scans over the columns of facts.h.
#include <algorithm>
#include <map>
#include <optional>
#include <thread>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "ledger/status_macros.h"
#include "services/workforce/facts.h"

namespace skp::workforce {

namespace v1 = skillspassport::v1;

namespace {

constexpr uint32_t kNone = Dictionary::kAbsent;
// A later employment is the next step of a career if it starts after the
// earlier one started, at most a month before it ends (a handover) and at
// most a year after.
constexpr DayNumber kFlowOverlapDays = 31;
constexpr DayNumber kFlowGapDays = 365;
constexpr int kMaxExpiringWindowDays = 730;

std::string SectorName(int sector) {
  std::string name = v1::Sector_Name(static_cast<v1::Sector>(sector));
  return name.empty() ? absl::StrCat(sector)
                      : name.substr(std::string("SECTOR_").size());
}

std::string DimensionName(v1::Dimension d) {
  // An open enum: a number this build does not know has no name.
  std::string name = v1::Dimension_Name(d);
  return name.empty() ? absl::StrCat(static_cast<int>(d))
                      : absl::AsciiStrToLower(
                            name.substr(std::string("DIMENSION_").size()));
}

absl::Status CheckGroupBy(const std::vector<v1::Dimension>& group_by,
                          const std::vector<v1::Dimension>& allowed,
                          size_t max) {
  if (group_by.size() > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("group_by: at most ", max, " dimensions"));
  }
  for (size_t i = 0; i < group_by.size(); ++i) {
    if (std::find(allowed.begin(), allowed.end(), group_by[i]) ==
        allowed.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "group_by: ", v1::Dimension_Name(group_by[i]), " is not allowed"));
    }
    if (std::find(group_by.begin(), group_by.begin() + i, group_by[i]) !=
        group_by.begin() + i) {
      return absl::InvalidArgumentError(absl::StrCat(
          "group_by: ", v1::Dimension_Name(group_by[i]), " is repeated"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HoldingKey(const v1::Holding& h) {
  switch (h.what_case()) {
    case v1::Holding::kAscwdsTrainingCategory:
      return absl::StrCat("training:", h.ascwds_training_category());
    case v1::Holding::kCstfSubject:
      return absl::StrCat("cstf:", h.cstf_subject());
    case v1::Holding::kQualification:
      return absl::StrCat("qualification:", h.qualification());
    case v1::Holding::kCareCertificate:
      return std::string("care-certificate");
    case v1::Holding::kLevel2AdultSocialCareCertificate:
      return absl::StrCat("qualification:",
                          reference::kLevel2AdultSocialCareCertificate);
    case v1::Holding::kCompetencyActivity:
      return absl::StrCat("competency:", h.competency_activity());
    case v1::Holding::kDelegatedActivity:
      return absl::StrCat("delegation:", h.delegated_activity());
    default:
      return absl::InvalidArgumentError("filter.holds: a holding is empty");
  }
}

// Counts each key (a passport, an item) once per cell, and remembers the
// keys in several cells, so that totals can count them once too (joint and
// rotational roles). The first cell of a key is kept in an array (when the
// counter is made for `keys` keys) or a hash map (keys = 0: for scans of few
// rows); further cells, rare, in a set. A counter may serve every
// `stride`-th key only (key % stride the same for all it sees), so its
// array is that much smaller. With an array, cells must be below kNoCell.
class DistinctCounter {
 public:
  static constexpr uint64_t kNoCell = ~uint32_t{0};

  explicit DistinctCounter(size_t keys, uint32_t stride = 1)
      : stride_(stride), first_cell_((keys + stride - 1) / stride, kNoCell) {}
  // True the first time (key, cell) is seen.
  bool Add(uint32_t key, uint64_t cell) {
    uint64_t first;
    if (!first_cell_.empty()) {
      uint32_t& slot = first_cell_[key / stride_];
      if (slot == kNoCell) {
        slot = static_cast<uint32_t>(cell);
        return true;
      }
      first = slot;
    } else {
      auto [it, inserted] = first_cell_of_.try_emplace(key, cell);
      if (inserted) return true;
      first = it->second;
    }
    return first != cell && more_.insert({key, cell}).second;
  }
  // Calls visit(cells) for each key seen in two or more cells.
  template <typename Visit>
  void ForEachInSeveralCells(Visit visit) const {
    absl::flat_hash_map<uint32_t, std::vector<uint64_t>> several;
    for (const auto& [key, cell] : more_) {
      std::vector<uint64_t>& cells = several[key];
      if (cells.empty()) {
        cells.push_back(first_cell_.empty() ? first_cell_of_.at(key)
                                            : first_cell_[key / stride_]);
      }
      cells.push_back(cell);
    }
    for (const auto& [key, cells] : several) visit(cells);
  }

 private:
  const uint32_t stride_;
  std::vector<uint32_t> first_cell_;
  absl::flat_hash_map<uint32_t, uint64_t> first_cell_of_;
  absl::flat_hash_set<std::pair<uint32_t, uint64_t>> more_;
};

// Measures per cell, cells numbered in mixed radix over the dimensions'
// sizes: dense arrays when the grid is small enough, a hash map otherwise.
class Cells {
 public:
  Cells(std::vector<size_t> radices, size_t measures)
      : radices_(std::move(radices)), measures_(measures) {
    for (size_t& r : radices_) r = std::max<size_t>(r, 1);
    size_ = 1;
    for (size_t r : radices_) {
      size_ = size_ > (uint64_t{1} << 40) / r ? (uint64_t{1} << 40) : size_ * r;
    }
    dense_mode_ = size_ <= kMaxDense;
    if (dense_mode_) dense_.assign(size_ * measures_, 0);
  }
  // How many cells the grid has (capped at 2^40).
  uint64_t size() const { return size_; }
  size_t measures() const { return measures_; }
  size_t dimensions() const { return radices_.size(); }
  uint64_t Encode(const std::vector<uint32_t>& ids) const {
    uint64_t cell = 0;
    for (size_t i = 0; i < ids.size(); ++i) cell = cell * radices_[i] + ids[i];
    return cell;
  }
  std::vector<uint32_t> Decode(uint64_t cell) const {
    std::vector<uint32_t> ids(radices_.size());
    for (size_t i = radices_.size(); i-- > 0;) {
      ids[i] = static_cast<uint32_t>(cell % radices_[i]);
      cell /= radices_[i];
    }
    return ids;
  }
  // Adds another grid of the same shape into this one.
  void Add(const Cells& other) {
    for (size_t i = 0; i < dense_.size(); ++i) dense_[i] += other.dense_[i];
    for (const auto& [cell, m] : other.sparse_) {
      int64_t* mine = At(cell);
      for (size_t i = 0; i < measures_; ++i) mine[i] += m[i];
    }
  }
  int64_t* At(uint64_t cell) {
    if (dense_mode_) return &dense_[cell * measures_];
    auto [it, inserted] = sparse_.try_emplace(cell);
    if (inserted) it->second.assign(measures_, 0);
    return it->second.data();
  }
  // Visits every cell with a measure that is not zero, with its ids.
  template <typename Visit>
  void ForEach(Visit visit) const {
    auto nonzero = [&](const int64_t* m) {
      return std::any_of(m, m + measures_, [](int64_t v) { return v != 0; });
    };
    if (dense_mode_) {
      for (size_t cell = 0; cell * measures_ < dense_.size(); ++cell) {
        const int64_t* m = &dense_[cell * measures_];
        if (nonzero(m)) visit(Decode(cell), m);
      }
    } else {
      for (const auto& [cell, m] : sparse_) {
        if (nonzero(m.data())) visit(Decode(cell), m.data());
      }
    }
  }

 private:
  static constexpr uint64_t kMaxDense = uint64_t{1} << 22;
  std::vector<size_t> radices_;
  size_t measures_;
  uint64_t size_;
  bool dense_mode_;
  std::vector<int64_t> dense_;
  absl::flat_hash_map<uint64_t, std::vector<int64_t>> sparse_;
};

// A counter of distinct keys over the cells of `cells`: by array for
// `keys` keys when the grid allows it.
DistinctCounter CounterFor(const Cells& cells, size_t keys,
                           uint32_t stride = 1) {
  return DistinctCounter(cells.size() < DistinctCounter::kNoCell ? keys : 0,
                         stride);
}

// A measure counted as distinct keys by these counters (which saw disjoint
// keys).
struct DistinctMeasure {
  size_t measure;
  std::vector<const DistinctCounter*> counters;
};

enum class Totals {
  kGrid,       // the grand total, and with two or more dimensions each
               // row's (every dimension but the last) and column's (the last)
  kPerColumn,  // each column's only (the other totals would add up unlike
               // things, such as the plans of different roles)
};

// The published cells of a grid with their totals (tables.h). Totals sum
// the cells, except distinct measures: a key in several cells of one total
// counts once in it.
std::vector<TableCell> CellsAndTotals(
    const Cells& cells, const std::vector<DistinctMeasure>& distinct,
    absl::FunctionRef<std::string(size_t dimension, uint32_t id)> name,
    Totals kind = Totals::kGrid) {
  constexpr uint32_t kStar = ~uint32_t{0};
  const size_t n = cells.dimensions();
  // Which dimensions each kind of total sums over.
  std::vector<std::vector<bool>> shapes;
  if (n >= 1 && kind == Totals::kGrid) {
    shapes.push_back(std::vector<bool>(n, true));
  }
  if (n >= 2) {
    std::vector<bool> row(n, false), column(n, true);
    row.back() = true;
    column.back() = false;
    if (kind == Totals::kGrid) shapes.push_back(row);
    shapes.push_back(column);
  }
  auto total_of = [&](std::vector<uint32_t> ids, const std::vector<bool>& s) {
    for (size_t d = 0; d < n; ++d) {
      if (s[d]) ids[d] = kStar;
    }
    return ids;
  };
  std::vector<TableCell> out;
  std::map<std::vector<uint32_t>, std::vector<int64_t>> totals;
  const size_t measures = cells.measures();
  cells.ForEach([&](const std::vector<uint32_t>& ids, const int64_t* m) {
    TableCell cell{{}, std::vector<int64_t>(m, m + measures)};
    for (size_t d = 0; d < n; ++d) cell.keys.push_back(name(d, ids[d]));
    out.push_back(std::move(cell));
    for (const std::vector<bool>& shape : shapes) {
      std::vector<int64_t>& total = totals[total_of(ids, shape)];
      total.resize(measures, 0);
      for (size_t i = 0; i < measures; ++i) total[i] += m[i];
    }
  });
  // A key in k cells of one total was added k times: take k - 1 off.
  for (const DistinctMeasure& dm : distinct) {
    for (const DistinctCounter* counter : dm.counters) {
      counter->ForEachInSeveralCells([&](const std::vector<uint64_t>& in) {
        for (const std::vector<bool>& shape : shapes) {
          std::map<std::vector<uint32_t>, int64_t> times;
          for (uint64_t cell : in) ++times[total_of(cells.Decode(cell), shape)];
          for (const auto& [total, k] : times)
            totals[total][dm.measure] -= k - 1;
        }
      });
    }
  }
  for (const auto& [ids, m] : totals) {
    TableCell total{{}, m};
    for (size_t d = 0; d < n; ++d) {
      total.keys.push_back(ids[d] == kStar ? kTotalKey : name(d, ids[d]));
    }
    out.push_back(std::move(total));
  }
  return out;
}
}  // namespace

WorkforceFacts::IcbsOnDay WorkforceFacts::IcbsOn(DayNumber day) const {
  IcbsOnDay out;
  out.of_geo.resize(geos_.size());
  absl::CivilDay civil = FromDayNumber(day);
  for (uint32_t g = 0; g < geos_.size(); ++g) {
    out.of_geo[g] = out.icbs.Intern(reference_->IcbOn(
        icbs_.Name(geo_icb_[g]), places_.Name(geo_place_[g]), civil));
  }
  return out;
}

absl::StatusOr<std::vector<uint8_t>> WorkforceFacts::GeoFilter(
    absl::string_view icb, absl::string_view place, absl::string_view field,
    const IcbsOnDay& icbs) const {
  std::vector<uint8_t> ok(geos_.size(), 0);
  const uint32_t want_icb = icb.empty() ? kNone : icbs.icbs.Find(icb);
  const uint32_t want_place = place.empty() ? kNone : places_.Find(place);
  if (!icb.empty() && want_icb == kNone) return ok;  // nobody there yet
  bool any = false;
  for (uint32_t g = 0; g < geos_.size(); ++g) {
    const bool in_icb = want_icb == kNone || icbs.of_geo[g] == want_icb;
    ok[g] = in_icb && (place.empty() || geo_place_[g] == want_place);
    any = any || ok[g];
  }
  if (!place.empty() && !any) {
    return absl::InvalidArgumentError(
        icb.empty()
            ? absl::StrCat(field, ": no record names the place \"", place, "\"")
            : absl::StrCat(field, ": \"", place,
                           "\" is not a place of the ICS ", icb));
  }
  return ok;
}

template <typename Visit>
void WorkforceFacts::ForEachEmploymentIn(const std::vector<uint8_t>& geo_ok,
                                         Visit visit) const {
  size_t selected_rows = 0;
  for (uint32_t g = 0; g < geo_rows_.size(); ++g) {
    if (geo_ok[g]) selected_rows += geo_rows_[g].size();
  }
  // Reading rows through the index costs random accesses: worth it only
  // when it skips most of the table.
  if (selected_rows * 4 > emp_passport_.size()) {
    for (uint32_t row = 0; row < emp_passport_.size(); ++row) {
      if (geo_ok[emp_geo_[row]]) visit(row);
    }
    return;
  }
  for (uint32_t g = 0; g < geo_rows_.size(); ++g) {
    if (!geo_ok[g]) continue;
    for (uint32_t row : geo_rows_[g]) visit(row);
  }
}

const WorkforceFacts::HoldingRows* WorkforceFacts::FindHolding(
    absl::string_view key) const {
  uint32_t group = holding_keys_.Find(key);
  return group == kNone ? nullptr : &holdings_[group];
}

std::vector<uint8_t> WorkforceFacts::Holders(
    const std::vector<std::string>& keys, DayNumber as_of) const {
  // count[p] = how many of keys[0..j) passport p holds, in order.
  std::vector<uint8_t> count(passports_.size(), 0);
  for (size_t j = 0; j < keys.size(); ++j) {
    const HoldingRows* rows = FindHolding(keys[j]);
    if (rows == nullptr) return std::vector<uint8_t>(passports_.size(), 0);
    for (size_t i = 0; i < rows->passport.size(); ++i) {
      uint8_t& c = count[rows->passport[i]];
      if (c == j && rows->live[i] && rows->from[i] <= as_of &&
          as_of <= rows->until[i]) {
        c = static_cast<uint8_t>(j + 1);
      }
    }
  }
  for (uint8_t& c : count) c = c == keys.size() ? 1 : 0;
  return count;
}

uint32_t WorkforceFacts::DimensionId(v1::Dimension dimension, uint32_t row,
                                     const IcbsOnDay& icbs) const {
  switch (dimension) {
    case v1::DIMENSION_ICB:
      return icbs.of_geo[emp_geo_[row]];
    case v1::DIMENSION_PLACE:
      return geo_place_[emp_geo_[row]];
    case v1::DIMENSION_SECTOR:
      return emp_sector_[row];
    case v1::DIMENSION_ROLE:
      return emp_role_[row];
    case v1::DIMENSION_PATHWAY:
      return emp_pathway_[row];
    default:
      return emp_organisation_[row];
  }
}

size_t WorkforceFacts::DimensionSize(v1::Dimension dimension,
                                     const IcbsOnDay& icbs) const {
  switch (dimension) {
    case v1::DIMENSION_ICB:
      return icbs.icbs.size();
    case v1::DIMENSION_PLACE:
      return places_.size();
    case v1::DIMENSION_SECTOR:
      return 256;
    case v1::DIMENSION_ROLE:
      return roles_.size();
    case v1::DIMENSION_HOLDS:
      return 2;
    case v1::DIMENSION_PATHWAY:
      return 256;
    default:
      return organisations_.size();
  }
}

std::string WorkforceFacts::DimensionValue(v1::Dimension dimension, uint32_t id,
                                           const IcbsOnDay& icbs) const {
  switch (dimension) {
    case v1::DIMENSION_ICB:
      return icbs.icbs.Name(id);
    case v1::DIMENSION_PLACE:
      return places_.Name(id);
    case v1::DIMENSION_SECTOR:
      return SectorName(static_cast<int>(id));
    case v1::DIMENSION_ROLE:
      return roles_.Name(id);
    case v1::DIMENSION_HOLDS:
      return id != 0 ? "yes" : "no";
    case v1::DIMENSION_PATHWAY:
      return id != 0 ? absl::StrCat("cwp:", id) : "none";
    default:
      return organisations_.Name(id);
  }
}

absl::StatusOr<WorkforceFacts::EmploymentFilter>
WorkforceFacts::SelectEmployments(const v1::WorkforceFilter& filter,
                                  DayNumber as_of,
                                  const IcbsOnDay& icbs) const {
  if (filter.ascwds_job_role() != 0 && !filter.nhs_role_code().empty()) {
    return absl::InvalidArgumentError(
        "filter: give ascwds_job_role or nhs_role_code, not both");
  }
  if (filter.pathway_category() < 0 || filter.pathway_category() > 255) {
    return absl::InvalidArgumentError(
        "filter.pathway_category: not a Care Workforce Pathway category");
  }
  std::vector<std::string> holding_keys;
  for (const v1::Holding& h : filter.holds()) {
    SKP_ASSIGN_OR_RETURN(std::string key, HoldingKey(h));
    holding_keys.push_back(std::move(key));
  }
  if (holding_keys.size() > 8) {
    return absl::InvalidArgumentError("filter.holds: at most 8 holdings");
  }
  EmploymentFilter out;
  SKP_ASSIGN_OR_RETURN(out.geo_ok, GeoFilter(filter.icb_code(), filter.place(),
                                             "filter.place", icbs));
  if (filter.ascwds_job_role() != 0) {
    out.role = roles_.Find(absl::StrCat("ascwds:", filter.ascwds_job_role()));
  } else if (!filter.nhs_role_code().empty()) {
    // NHS occupation codes have no reference list here: a code no
    // employment names is more likely a typing error than an empty cell.
    out.role = roles_.Find(absl::StrCat("nhs:", filter.nhs_role_code()));
    if (*out.role == kNone) {
      return absl::InvalidArgumentError(
          absl::StrCat("filter.nhs_role_code: no employment names the NHS "
                       "role \"",
                       filter.nhs_role_code(), "\""));
    }
  }
  out.sector = static_cast<uint8_t>(filter.sector());
  out.pathway = static_cast<uint8_t>(filter.pathway_category());
  if (!holding_keys.empty()) out.holders = Holders(holding_keys, as_of);
  return out;
}

absl::StatusOr<v1::Table> WorkforceFacts::Supply(
    const v1::WorkforceFilter& filter,
    const std::vector<v1::Dimension>& group_by, DayNumber as_of) const {
  SKP_RETURN_IF_ERROR(CheckGroupBy(
      group_by,
      {v1::DIMENSION_ICB, v1::DIMENSION_PLACE, v1::DIMENSION_SECTOR,
       v1::DIMENSION_ROLE, v1::DIMENSION_ORGANISATION, v1::DIMENSION_HOLDS,
       v1::DIMENSION_PATHWAY},
      3));
  const bool group_by_holds = std::find(group_by.begin(), group_by.end(),
                                        v1::DIMENSION_HOLDS) != group_by.end();
  if (group_by_holds && filter.holds().empty()) {
    return absl::InvalidArgumentError(
        "group_by: DIMENSION_HOLDS needs filter.holds");
  }
  absl::ReaderMutexLock lock(&mu_);
  const IcbsOnDay icbs = IcbsOn(as_of);
  SKP_ASSIGN_OR_RETURN(const EmploymentFilter selected,
                       SelectEmployments(filter, as_of, icbs));
  const std::vector<uint8_t>& holders = selected.holders;

  std::vector<size_t> radices;
  for (v1::Dimension d : group_by) radices.push_back(DimensionSize(d, icbs));
  // Large scans split over two threads by passport parity: each counts
  // distinct passports of its own, so their cells simply add up.
  const uint32_t parts = emp_passport_.size() >= parallel_scan_rows_ ? 2 : 1;
  std::vector<Cells> part_cells(parts, Cells(radices, 2));
  std::vector<DistinctCounter> headcounts;
  for (uint32_t part = 0; part < parts; ++part) {
    headcounts.push_back(CounterFor(part_cells[0], passports_.size(), parts));
  }
  auto scan = [&](uint32_t part) {
    Cells& cells = part_cells[part];
    DistinctCounter& headcount = headcounts[part];
    std::vector<uint32_t> ids(group_by.size());
    ForEachEmploymentIn(selected.geo_ok, [&](uint32_t row) {
      const uint32_t passport = emp_passport_[row];
      if (passport % parts != part || !EmploymentActive(row, as_of) ||
          !Selects(selected, row, !group_by_holds)) {
        return;
      }
      for (size_t i = 0; i < group_by.size(); ++i) {
        ids[i] = group_by[i] == v1::DIMENSION_HOLDS
                     ? holders[passport]
                     : DimensionId(group_by[i], row, icbs);
      }
      const uint64_t cell = cells.Encode(ids);
      int64_t* m = cells.At(cell);
      if (headcount.Add(passport, cell)) ++m[0];
      m[1] += emp_fte_[row];
    });
  };
  std::optional<std::thread> helper;
  if (parts == 2) helper.emplace(scan, 1);
  scan(0);
  if (helper) helper->join();
  Cells& cells = part_cells[0];
  for (uint32_t part = 1; part < parts; ++part) cells.Add(part_cells[part]);

  TableSpec spec{{},
                 {"headcount", "fte_thousandths"},
                 {MeasureKind::kPeople, MeasureKind::kFte},
                 true,
                 disclosure_};
  for (v1::Dimension d : group_by) spec.key_columns.push_back(DimensionName(d));
  DistinctMeasure headcount{0, {}};
  for (const DistinctCounter& c : headcounts) headcount.counters.push_back(&c);
  return BuildTable(
      spec, CellsAndTotals(cells, {headcount}, [&](size_t d, uint32_t id) {
        return DimensionValue(group_by[d], id, icbs);
      }));
}

absl::StatusOr<v1::Table> WorkforceFacts::Coverage(
    const v1::WorkforceFilter& filter, DayNumber as_of) const {
  if (filter.icb_code().empty()) {
    return absl::InvalidArgumentError("icb_code is required");
  }
  absl::ReaderMutexLock lock(&mu_);
  const IcbsOnDay icbs = IcbsOn(as_of);
  SKP_ASSIGN_OR_RETURN(const EmploymentFilter selected,
                       SelectEmployments(filter, as_of, icbs));
  const std::vector<uint8_t>& geo_ok = selected.geo_ok;

  // The plan in force for each (place, need): the latest issued.
  std::map<std::tuple<uint32_t, bool, uint32_t>, const Plan*> in_force;
  for (const Plan& plan : plans_) {
    if (!plan.live || plan.start > as_of || as_of > plan.end ||
        !geo_ok[plan.geo]) {
      continue;
    }
    const Plan*& chosen =
        in_force[{geo_place_[plan.geo], plan.activity, plan.need}];
    if (chosen == nullptr ||
        std::tie(plan.issued_at, plan.record_id) >
            std::tie(chosen->issued_at, chosen->record_id)) {
      chosen = &plan;
    }
  }
  // Needs numbered densely: the grid is place x need.
  std::map<std::pair<bool, uint32_t>, uint32_t> need_ids;
  std::vector<const Plan*> need_plan;  // a plan naming each need
  absl::flat_hash_map<uint32_t, std::vector<const Plan*>> plans_of_place;
  absl::flat_hash_map<uint32_t, std::vector<uint8_t>> holders_of_activity;
  for (const auto& [key, plan] : in_force) {
    auto [it, inserted] = need_ids.try_emplace(
        {plan->activity, plan->need}, static_cast<uint32_t>(need_plan.size()));
    if (inserted) need_plan.push_back(plan);
    plans_of_place[std::get<0>(key)].push_back(plan);
    if (plan->activity && !holders_of_activity.contains(plan->need)) {
      holders_of_activity[plan->need] =
          Holders({absl::StrCat("competency:", plan->need)}, as_of);
    }
  }
  Cells cells({places_.size(), need_plan.size()}, 3);
  for (const auto& [key, plan] : in_force) {
    cells.At(cells.Encode(
        {std::get<0>(key), need_ids[{plan->activity, plan->need}]}))[2] =
        plan->required_fte;
  }
  DistinctCounter headcount = CounterFor(cells, 0);  // one ICS: few rows
  ForEachEmploymentIn(geo_ok, [&](uint32_t row) {
    if (in_force.empty() || !EmploymentActive(row, as_of) ||
        !Selects(selected, row, /*holdings=*/true)) {
      return;
    }
    const uint32_t place = geo_place_[emp_geo_[row]];
    auto it = plans_of_place.find(place);
    if (it == plans_of_place.end()) return;
    const uint32_t passport = emp_passport_[row];
    for (const Plan* plan : it->second) {
      bool supplies = plan->activity
                          ? holders_of_activity[plan->need][passport] != 0
                          : emp_role_[row] == plan->need;
      if (!supplies) continue;
      const uint64_t cell =
          cells.Encode({place, need_ids[{plan->activity, plan->need}]});
      int64_t* m = cells.At(cell);
      if (headcount.Add(passport, cell)) ++m[0];
      m[1] += emp_fte_[row];
    }
  });

  TableSpec spec{
      {"place", "need"},
      {"supplied_headcount", "supplied_fte_thousandths",
       "required_fte_thousandths"},
      {MeasureKind::kPeople, MeasureKind::kFte, MeasureKind::kPublic},
      true,
      disclosure_};
  v1::Table table = BuildTable(
      spec, CellsAndTotals(
                cells, {{0, {&headcount}}},
                [&](size_t d, uint32_t id) {
                  if (d == 0) return places_.Name(id);
                  const Plan& plan = *need_plan[id];
                  return plan.activity ? absl::StrCat("activity:", plan.need)
                                       : roles_.Name(plan.need);
                },
                Totals::kPerColumn));
  // The gap is the required FTE less the supplied FTE as published, so the
  // published numbers agree with each other and reveal nothing more.
  table.add_measure_columns("gap_fte_thousandths");
  for (v1::TableRow& row : *table.mutable_rows()) {
    v1::Measure* gap = row.add_measures();
    if (row.measures(1).suppressed()) {
      gap->set_suppressed(true);
    } else {
      gap->set_value(row.measures(2).value() - row.measures(1).value());
    }
  }
  return table;
}

absl::StatusOr<v1::Table> WorkforceFacts::Plans(absl::string_view icb,
                                                DayNumber as_of) const {
  if (icb.empty()) return absl::InvalidArgumentError("icb_code is required");
  absl::ReaderMutexLock lock(&mu_);
  const IcbsOnDay icbs = IcbsOn(as_of);
  SKP_ASSIGN_OR_RETURN(const std::vector<uint8_t> geo_ok,
                       GeoFilter(icb, "", "icb_code", icbs));
  // A later plan for the same place, need and period replaces an earlier.
  std::map<std::vector<std::string>, const Plan*> latest;
  for (const Plan& plan : plans_) {
    if (!plan.live || !geo_ok[plan.geo]) continue;
    const Plan*& chosen =
        latest[{places_.Name(geo_place_[plan.geo]),
                plan.activity ? absl::StrCat("activity:", plan.need)
                              : roles_.Name(plan.need),
                absl::FormatCivilTime(FromDayNumber(plan.start)),
                absl::FormatCivilTime(FromDayNumber(plan.end))}];
    if (chosen == nullptr ||
        std::tie(plan.issued_at, plan.record_id) >
            std::tie(chosen->issued_at, chosen->record_id)) {
      chosen = &plan;
    }
  }
  std::vector<TableCell> out;
  for (const auto& [keys, plan] : latest) {
    out.push_back({keys, {plan->required_fte}});
  }
  return BuildTable({{"place", "need", "period_start", "period_end"},
                     {"required_fte_thousandths"},
                     {MeasureKind::kPublic},
                     false,
                     disclosure_},
                    std::move(out));
}

absl::StatusOr<v1::Table> WorkforceFacts::Expiring(
    absl::string_view icb, absl::string_view place, int within_days,
    const std::vector<v1::Dimension>& group_by, DayNumber as_of) const {
  if (within_days < 1 || within_days > kMaxExpiringWindowDays) {
    return absl::InvalidArgumentError(absl::StrCat("within_days must be 1..",
                                                   kMaxExpiringWindowDays,
                                                   ", got ", within_days));
  }
  SKP_RETURN_IF_ERROR(CheckGroupBy(
      group_by,
      {v1::DIMENSION_ICB, v1::DIMENSION_PLACE, v1::DIMENSION_ORGANISATION}, 2));
  absl::ReaderMutexLock lock(&mu_);
  const IcbsOnDay icbs = IcbsOn(as_of);
  SKP_ASSIGN_OR_RETURN(const std::vector<uint8_t> geo_ok,
                       GeoFilter(icb, place, "place", icbs));
  const std::vector<std::string> kinds = {"credential", "competency",
                                          "delegation-review"};

  std::vector<size_t> radices;
  for (v1::Dimension d : group_by) radices.push_back(DimensionSize(d, icbs));
  radices.push_back(kinds.size());
  Cells cells(radices, 2);
  // Workers and their items falling due, each counted once per cell however
  // many employments put it there, and once in each total.
  DistinctCounter workers = CounterFor(cells, 0), items = CounterFor(cells, 0);
  std::vector<uint32_t> ids(radices.size());
  // The people working in the place or ICS that day, one bit each (it stays
  // in cache): an ICS holds about a fortieth of the workforce, so most items
  // fall due to someone outside it and are dropped before their holder's
  // employments are walked.
  std::vector<uint64_t> working_here((passports_.size() + 63) / 64, 0);
  ForEachEmploymentIn(geo_ok, [&](uint32_t row) {
    if (!EmploymentActive(row, as_of)) return;
    const uint32_t p = emp_passport_[row];
    working_here[p / 64] |= uint64_t{1} << (p % 64);
  });
  // Each holding row is an item, numbered over all groups in order.
  std::vector<uint32_t> group_kind(holdings_.size());
  std::vector<uint32_t> first_item(holdings_.size() + 1, 0);
  for (uint32_t group = 0; group < holdings_.size(); ++group) {
    const std::string& key = holding_keys_.Name(group);
    group_kind[group] = absl::StartsWith(key, "competency:")   ? 1
                        : absl::StartsWith(key, "delegation:") ? 2
                        : key == "care-certificate"            ? kNone
                                                               : 0;
    first_item[group + 1] =
        first_item[group] +
        static_cast<uint32_t>(holdings_[group].passport.size());
  }
  // The items due to people working here: a filter over every holding row,
  // split over two threads when there are many (each takes half the items).
  struct Due {
    uint32_t item, passport, kind;
  };
  const uint32_t total_items = first_item.back();
  const uint32_t parts = total_items >= parallel_scan_rows_ ? 2 : 1;
  std::vector<std::vector<Due>> due(parts);
  auto scan = [&](uint32_t part) {
    const uint32_t begin = total_items / parts * part;
    const uint32_t end =
        part + 1 == parts ? total_items : total_items / parts * (part + 1);
    for (uint32_t group = 0; group < holdings_.size(); ++group) {
      if (group_kind[group] == kNone || first_item[group + 1] <= begin ||
          first_item[group] >= end) {
        continue;
      }
      const HoldingRows& rows = holdings_[group];
      const uint32_t lo = std::max(begin, first_item[group]) - first_item[group];
      const uint32_t hi =
          std::min(end, first_item[group + 1]) - first_item[group];
      // The window first, one column without a branch, a block at a time:
      // it rejects most rows, and a branch on it would be mispredicted.
      constexpr uint32_t kBlock = 4096;
      uint32_t in_window[kBlock];
      for (uint32_t block = lo; block < hi; block += kBlock) {
        const uint32_t block_end = std::min(hi, block + kBlock);
        uint32_t found = 0;
        for (uint32_t i = block; i < block_end; ++i) {
          in_window[found] = i;
          found += static_cast<uint32_t>(rows.due[i]) -
                       static_cast<uint32_t>(as_of) <=
                   static_cast<uint32_t>(within_days);
        }
        for (uint32_t k = 0; k < found; ++k) {
          const uint32_t i = in_window[k];
          const uint32_t p = rows.passport[i];
          if (!((working_here[p / 64] >> (p % 64)) & 1) || !rows.live[i] ||
              rows.from[i] > as_of || as_of > rows.until[i]) {
            continue;
          }
          due[part].push_back({first_item[group] + i, p, group_kind[group]});
        }
      }
    }
  };
  std::optional<std::thread> helper;
  if (parts == 2) helper.emplace(scan, 1);
  scan(0);
  if (helper) helper->join();
  for (const std::vector<Due>& part : due) {
    for (const auto& [item, passport, kind] : part) {
      for (uint32_t e = first_employment_[passport]; e != kNone;
           e = next_employment_[e]) {
        if (!EmploymentActive(e, as_of) || !geo_ok[emp_geo_[e]]) continue;
        for (size_t d = 0; d < group_by.size(); ++d) {
          ids[d] = DimensionId(group_by[d], e, icbs);
        }
        ids.back() = kind;
        const uint64_t cell = cells.Encode(ids);
        int64_t* m = cells.At(cell);
        if (workers.Add(passport, cell)) ++m[0];
        if (items.Add(item, cell)) ++m[1];
      }
    }
  }

  TableSpec spec{{},
                 {"workers", "due"},
                 {MeasureKind::kPeople, MeasureKind::kCount},
                 true,
                 disclosure_};
  for (v1::Dimension d : group_by) spec.key_columns.push_back(DimensionName(d));
  spec.key_columns.push_back("kind");
  return BuildTable(
      spec, CellsAndTotals(cells, {{0, {&workers}}, {1, {&items}}},
                           [&](size_t d, uint32_t id) {
                             return d == group_by.size()
                                        ? kinds[id]
                                        : DimensionValue(group_by[d], id, icbs);
                           }));
}

absl::StatusOr<v1::Table> WorkforceFacts::Flows(v1::Dimension between,
                                                absl::string_view icb,
                                                DayNumber from,
                                                DayNumber to) const {
  if (between != v1::DIMENSION_SECTOR && between != v1::DIMENSION_PLACE &&
      between != v1::DIMENSION_ROLE && between != v1::DIMENSION_ICB &&
      between != v1::DIMENSION_PATHWAY) {
    return absl::InvalidArgumentError(
        "between must be SECTOR, PLACE, ROLE, ICB or PATHWAY");
  }
  if (from > to) {
    return absl::InvalidArgumentError("the period ends before it starts");
  }
  absl::ReaderMutexLock lock(&mu_);
  // One geography for both ends, the one in force at the period's end, so a
  // merger of ICBs is not a movement.
  const IcbsOnDay icbs = IcbsOn(to);
  const uint32_t want = icb.empty() ? kNone : icbs.icbs.Find(icb);
  const size_t size = DimensionSize(between, icbs);
  Cells cells({size, size}, 2);
  DistinctCounter people = CounterFor(cells, passports_.size());
  // Counts the movement out of employment `e`, if it ended in the period
  // and led to another.
  auto count = [&](uint32_t e) {
    const DayNumber end = emp_end_[e];
    if (!emp_live_[e] || end < from || end > to) return;
    std::optional<uint32_t> next;
    for (uint32_t f = first_employment_[emp_passport_[e]]; f != kNone;
         f = next_employment_[f]) {
      const DayNumber start = emp_start_[f];
      if (f == e || !emp_live_[f] || start <= emp_start_[e] ||
          start < end - kFlowOverlapDays || start > end + kFlowGapDays) {
        continue;
      }
      if (!next || std::tie(start, f) < std::tie(emp_start_[*next], *next)) {
        next = f;
      }
    }
    if (!next) return;
    if (want != kNone && icbs.of_geo[emp_geo_[e]] != want &&
        icbs.of_geo[emp_geo_[*next]] != want) {
      return;
    }
    const uint64_t cell = cells.Encode(
        {DimensionId(between, e, icbs), DimensionId(between, *next, icbs)});
    int64_t* m = cells.At(cell);
    ++m[0];
    if (people.Add(emp_passport_[e], cell)) ++m[1];
  };
  if (icb.empty()) {
    for (uint32_t e = 0; e < emp_passport_.size(); ++e) count(e);
  } else if (want != kNone) {
    // A movement leaving or entering the ICS is made by someone with an
    // employment there: walk only their employments, each person once.
    std::vector<uint8_t> geo_ok(geos_.size(), 0);
    for (uint32_t g = 0; g < geos_.size(); ++g) {
      geo_ok[g] = icbs.of_geo[g] == want;
    }
    std::vector<uint8_t> walked(passports_.size(), 0);
    ForEachEmploymentIn(geo_ok, [&](uint32_t row) {
      const uint32_t passport = emp_passport_[row];
      if (walked[passport]) return;
      walked[passport] = 1;
      for (uint32_t e = first_employment_[passport]; e != kNone;
           e = next_employment_[e]) {
        count(e);
      }
    });
  }
  const std::string name = DimensionName(between);
  TableSpec spec{{absl::StrCat("from_", name), absl::StrCat("to_", name)},
                 {"movements", "people"},
                 {MeasureKind::kCount, MeasureKind::kPeople},
                 true,
                 disclosure_};
  return BuildTable(
      spec, CellsAndTotals(cells, {{1, {&people}}}, [&](size_t, uint32_t id) {
        return DimensionValue(between, id, icbs);
      }));
}

}  // namespace skp::workforce
