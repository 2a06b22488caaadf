// WorkforceFacts::Save and Restore: the facts as a snapshot section
// (FORMAT.md section 12). Maps are written sorted by key, so that two facts
// folded from the same rows save the same bytes whatever their hash tables'
// layout.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ledger/sorted_map.h"
#include "services/workforce/facts.h"

namespace skp::workforce {
namespace {

void SaveDictionary(const Dictionary& dictionary, ledger::SnapshotWriter& out) {
  out.U64(dictionary.size());
  for (uint32_t id = 0; id < dictionary.size(); ++id)
    out.Bytes(dictionary.Name(id));
}

void RestoreDictionary(ledger::SnapshotReader& in, Dictionary& dictionary) {
  const uint64_t count = in.U64();
  for (uint64_t i = 0; i < count && in.status().ok(); ++i)
    dictionary.Intern(in.Bytes());
}

void SaveId(IdPrefix id, ledger::SnapshotWriter& out) {
  out.U64(id.first);
  out.U64(id.second);
}

IdPrefix RestoreId(ledger::SnapshotReader& in) {
  IdPrefix id;
  id.first = in.U64();
  id.second = in.U64();
  return id;
}

DayNumber Day(ledger::SnapshotReader& in) {
  return static_cast<DayNumber>(in.U32());
}

}  // namespace

template <typename Self, typename Visit>
void WorkforceFacts::ForEachEmploymentColumn(Self& self, Visit visit) {
  visit(self.emp_passport_);
  visit(self.emp_organisation_);
  visit(self.emp_role_);
  visit(self.emp_geo_);
  visit(self.emp_sector_);
  visit(self.emp_pathway_);
  visit(self.emp_fte_);
  visit(self.emp_start_);
  visit(self.emp_end_);
  visit(self.emp_live_);
  visit(self.emp_id_hash_);
  visit(self.first_employment_);
  visit(self.next_employment_);
}

template <typename Rows, typename Visit>
void WorkforceFacts::ForEachHoldingColumn(Rows& rows, Visit visit) {
  visit(rows.passport);
  visit(rows.from);
  visit(rows.until);
  visit(rows.due);
  visit(rows.live);
}

void WorkforceFacts::Save(ledger::SnapshotWriter& out) const {
  absl::ReaderMutexLock lock(&mu_);
  // Passports by dense id.
  std::vector<uint64_t> passport_high(passports_.size()),
      passport_low(passports_.size());
  for (const auto& [id, dense] : passports_) {
    passport_high[dense] = id.first;
    passport_low[dense] = id.second;
  }
  out.Column(passport_high);
  out.Column(passport_low);
  for (const Dictionary* dictionary :
       {&organisations_, &roles_, &icbs_, &places_, &geos_, &holding_keys_}) {
    SaveDictionary(*dictionary, out);
  }
  out.Column(geo_icb_);
  out.Column(geo_place_);

  ForEachEmploymentColumn(*this,
                          [&](const auto& column) { out.Column(column); });
  out.U64(pending_ends_.size());
  for (const auto* entry : ledger::SortedEntries(pending_ends_)) {
    out.Bytes(entry->first);
    out.U32(static_cast<uint32_t>(entry->second));
  }

  out.U64(holdings_.size());
  for (const HoldingRows& rows : holdings_) {
    ForEachHoldingColumn(rows, [&](const auto& column) { out.Column(column); });
  }
  out.Column(care_certificate_row_);
  out.Column(first_standard_);
  out.Column(standards_);
  out.U64(delegations_.size());
  for (const auto* entry : ledger::SortedEntries(delegations_)) {
    const Delegation& d = entry->second;
    out.Bytes(entry->first);
    out.U32(d.holding);
    out.U32(d.row);
    out.U8(d.started);
    out.U32(static_cast<uint32_t>(d.last_review));
    out.U32(static_cast<uint32_t>(d.review_by));
    out.U32(static_cast<uint32_t>(d.withdrawn));
  }
  out.U64(plans_.size());
  for (const Plan& p : plans_) {
    out.U32(p.geo);
    out.U32(p.need);
    out.U8(p.activity);
    out.U32(static_cast<uint32_t>(p.start));
    out.U32(static_cast<uint32_t>(p.end));
    out.I64(p.required_fte);
    out.I64(p.issued_at);
    out.Bytes(p.record_id);
    out.U8(p.live);
  }

  rows_by_record_.Save(out);
  out.U64(status_.size());
  for (const auto* entry : ledger::SortedEntries(status_)) {
    SaveId(entry->first, out);
    out.U64(entry->second.size());
    for (const registry::StatusEvent& event : entry->second) {
      out.I64(event.issued_at);
      out.Bytes(event.record_id);
      out.U32(static_cast<uint32_t>(event.change));
    }
  }
}

absl::Status WorkforceFacts::Restore(ledger::SnapshotReader& in) {
  absl::MutexLock lock(&mu_);
  if (!passports_.empty() || !emp_passport_.empty() || !plans_.empty()) {
    return absl::FailedPreconditionError("facts restored into non-empty facts");
  }
  std::vector<uint64_t> passport_high, passport_low;
  in.Column(passport_high);
  in.Column(passport_low);
  if (passport_high.size() != passport_low.size()) {
    return absl::DataLossError("the snapshot's passport columns differ");
  }
  passports_.reserve(passport_high.size());
  for (size_t i = 0; i < passport_high.size(); ++i) {
    passports_.emplace(IdPrefix{passport_high[i], passport_low[i]},
                       static_cast<uint32_t>(i));
  }
  for (Dictionary* dictionary :
       {&organisations_, &roles_, &icbs_, &places_, &geos_, &holding_keys_}) {
    RestoreDictionary(in, *dictionary);
  }
  in.Column(geo_icb_);
  in.Column(geo_place_);

  ForEachEmploymentColumn(*this, [&](auto& column) { in.Column(column); });
  for (uint64_t i = in.U64(); i > 0 && in.status().ok(); --i) {
    std::string key(in.Bytes());
    pending_ends_[key] = Day(in);
  }

  holdings_.resize(std::min<uint64_t>(in.U64(), in.remaining()));
  for (HoldingRows& rows : holdings_) {
    ForEachHoldingColumn(rows, [&](auto& column) { in.Column(column); });
  }
  in.Column(care_certificate_row_);
  in.Column(first_standard_);
  in.Column(standards_);
  for (uint64_t i = in.U64(); i > 0 && in.status().ok(); --i) {
    Delegation& d = delegations_[std::string(in.Bytes())];
    d.holding = in.U32();
    d.row = in.U32();
    d.started = in.U8() != 0;
    d.last_review = Day(in);
    d.review_by = Day(in);
    d.withdrawn = Day(in);
  }
  for (uint64_t i = in.U64(); i > 0 && in.status().ok(); --i) {
    Plan p;
    p.geo = in.U32();
    p.need = in.U32();
    p.activity = in.U8() != 0;
    p.start = Day(in);
    p.end = Day(in);
    p.required_fte = in.I64();
    p.issued_at = in.I64();
    p.record_id = std::string(in.Bytes());
    p.live = in.U8() != 0;
    plans_.push_back(std::move(p));
  }

  rows_by_record_.Restore(in);
  for (uint64_t i = in.U64(); i > 0 && in.status().ok(); --i) {
    std::vector<registry::StatusEvent>& events = status_[RestoreId(in)];
    for (uint64_t j = in.U64(); j > 0 && in.status().ok(); --j) {
      registry::StatusEvent& event = events.emplace_back();
      event.issued_at = in.I64();
      event.record_id = std::string(in.Bytes());
      event.change = static_cast<skillspassport::v1::StatusChange>(in.U32());
    }
  }
  if (!in.status().ok()) return in.status();

  // Every row reference must point inside its column, or a query would read
  // out of bounds.
  const size_t employments = emp_passport_.size();
  const size_t passports = passports_.size();
  for (const auto* column :
       {&emp_organisation_, &emp_role_, &emp_geo_, &next_employment_}) {
    if (column->size() != employments)
      return absl::DataLossError("the snapshot's employment columns differ");
  }
  if (emp_sector_.size() != employments || emp_pathway_.size() != employments ||
      emp_fte_.size() != employments || emp_start_.size() != employments ||
      emp_end_.size() != employments || emp_live_.size() != employments ||
      emp_id_hash_.size() != employments ||
      first_employment_.size() != passports ||
      first_standard_.size() != passports ||
      care_certificate_row_.size() != passports ||
      geo_icb_.size() != geos_.size() || geo_place_.size() != geos_.size() ||
      holdings_.size() != holding_keys_.size()) {
    return absl::DataLossError("the snapshot's columns differ in length");
  }
  for (uint32_t row = 0; row < employments; ++row) {
    if (emp_passport_[row] >= passports || emp_geo_[row] >= geos_.size() ||
        emp_organisation_[row] >= organisations_.size() ||
        emp_role_[row] >= roles_.size()) {
      return absl::DataLossError(
          absl::StrCat("the snapshot's employment row ", row,
                       " names an id beyond its dictionary"));
    }
  }
  // Employment rows by place: derived, in row order, as folding made them.
  geo_rows_.assign(geos_.size(), {});
  for (uint32_t row = 0; row < employments; ++row)
    geo_rows_[emp_geo_[row]].push_back(row);
  return absl::OkStatus();
}

}  // namespace skp::workforce
