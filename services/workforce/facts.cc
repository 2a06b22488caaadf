#include "services/workforce/facts.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "ledger/hash.h"
#include "services/registry/record_state.h"

namespace skp::workforce {

namespace v1 = skillspassport::v1;

namespace {

constexpr uint32_t kNone = Dictionary::kAbsent;
constexpr char kCareCertificateKey[] = "care-certificate";

std::string Sep() { return std::string(1, '\0'); }

std::string EmploymentKey(absl::string_view passport,
                          absl::string_view organisation,
                          absl::string_view employment_id) {
  return absl::StrCat(passport, Sep(), organisation, Sep(), employment_id);
}

uint64_t EmploymentIdHash(absl::string_view employment_id) {
  ledger::Hash hash = ledger::Sha256(employment_id);
  uint64_t head;
  std::memcpy(&head, hash.data(), sizeof head);
  return head;
}

std::string RoleName(const v1::EmploymentStarted& e) {
  return e.has_nhs_role_code() ? absl::StrCat("nhs:", e.nhs_role_code())
                               : absl::StrCat("ascwds:", e.ascwds_job_role());
}

std::string CredentialKey(const v1::CredentialIssued& c) {
  switch (c.subject_case()) {
    case v1::CredentialIssued::kCstfSubject:
      return absl::StrCat("cstf:", c.cstf_subject());
    case v1::CredentialIssued::kQualification:
      return absl::StrCat("qualification:", c.qualification());
    default:
      return absl::StrCat("training:", c.ascwds_training_category());
  }
}

}  // namespace

DayNumber ToDayNumber(absl::CivilDay day) {
  return static_cast<DayNumber>(day - absl::CivilDay(1970, 1, 1));
}

DayNumber ToDayNumber(const v1::Date& date) {
  return ToDayNumber(absl::CivilDay(date.year(), date.month(), date.day()));
}

absl::CivilDay FromDayNumber(DayNumber day) {
  return absl::CivilDay(1970, 1, 1) + day;
}

uint32_t Dictionary::Intern(absl::string_view name) {
  auto [it, inserted] =
      ids_.try_emplace(name, static_cast<uint32_t>(names_.size()));
  if (inserted) names_.emplace_back(name);
  return it->second;
}

uint32_t Dictionary::Find(absl::string_view name) const {
  auto it = ids_.find(name);
  return it == ids_.end() ? kAbsent : it->second;
}

std::optional<v1::WorkforceFact> MakeFact(const v1::Record& record,
                                          absl::string_view record_id) {
  v1::WorkforceFact fact;
  fact.set_record_id(std::string(record_id));
  v1::Record& r = *fact.mutable_record();
  r = record;
  switch (r.kind_case()) {
    case v1::Record::kEmploymentEnded:
      r.mutable_employment_ended()->clear_reason();
      break;
    case v1::Record::kCredentialIssued:
      r.mutable_credential_issued()->clear_evidence_digest();
      break;
    case v1::Record::kCareCertificateStandardMet:
      r.mutable_care_certificate_standard_met()->clear_assessor();
      r.mutable_care_certificate_standard_met()->clear_method();
      break;
    case v1::Record::kCompetencyAssessed:
      r.mutable_competency_assessed()->clear_procedure();
      break;
    case v1::Record::kActivityDelegated: {
      // Only what workforce queries read; person references never leave
      // the passport rows.
      const v1::ActivityDelegated& d = record.activity_delegated();
      v1::ActivityDelegated kept;
      kept.set_delegation_id(d.delegation_id());
      kept.set_passport_id(d.passport_id());
      kept.set_activity_category(d.activity_category());
      *kept.mutable_delegated_on() = d.delegated_on();
      *kept.mutable_review_by() = d.review_by();
      *r.mutable_activity_delegated() = std::move(kept);
      break;
    }
    case v1::Record::kDelegationReviewed:
      r.mutable_delegation_reviewed()->clear_notes();
      break;
    case v1::Record::kEmploymentStarted:
    case v1::Record::kDelegationWithdrawn:
    case v1::Record::kRecordStatusChanged:
    case v1::Record::kDemandPlan:
      break;  // kept whole
    default:
      return std::nullopt;  // not a workforce record
  }
  return fact;
}

WorkforceFacts::WorkforceFacts(const reference::ReferenceData* reference,
                               Disclosure disclosure, size_t parallel_scan_rows)
    : reference_(reference),
      disclosure_(disclosure),
      parallel_scan_rows_(parallel_scan_rows) {}

// The table in the top 2 bits, the group (a holding key id, never near
// 2^30) in the 30 below them, the row in the low 32.
uint64_t WorkforceFacts::Pack(RowRef ref) {
  return static_cast<uint64_t>(ref.table) << 62 |
         static_cast<uint64_t>(ref.group) << 32 | ref.row;
}

WorkforceFacts::RowRef WorkforceFacts::Unpack(uint64_t packed) {
  return {static_cast<Table>(packed >> 62),
          static_cast<uint32_t>(packed >> 32) & ((1u << 30) - 1),
          static_cast<uint32_t>(packed)};
}

void WorkforceFacts::Apply(absl::Span<const v1::WorkforceFact> facts) {
  absl::MutexLock lock(&mu_);
  for (const v1::WorkforceFact& fact : facts) ApplyLocked(fact);
}

void WorkforceFacts::Apply(absl::Span<const v1::WorkforceFact* const> facts) {
  absl::MutexLock lock(&mu_);
  for (const v1::WorkforceFact* fact : facts) ApplyLocked(*fact);
}

void WorkforceFacts::BeginLoad() {
  absl::MutexLock lock(&mu_);
  rows_by_record_.StartBulk();
}

void WorkforceFacts::EndLoad() {
  absl::MutexLock lock(&mu_);
  rows_by_record_.Seal();
  // Again for targets folded before their changes: folding is idempotent.
  for (const auto& [target, events] : status_) {
    if (std::optional<uint64_t> ref = rows_by_record_.Find(target)) {
      ApplyStatus(target, Unpack(*ref));
    }
  }
}

void WorkforceFacts::Export(
    absl::FunctionRef<void(const EmploymentRow&)> employment,
    absl::FunctionRef<void(const HoldingRow&)> holding,
    absl::FunctionRef<void(const PlanRow&)> plan) const {
  absl::ReaderMutexLock lock(&mu_);
  for (uint32_t row = 0; row < emp_passport_.size(); ++row) {
    if (!emp_live_[row]) continue;
    const uint32_t geo = emp_geo_[row];
    employment({emp_passport_[row], organisations_.Name(emp_organisation_[row]),
                roles_.Name(emp_role_[row]), icbs_.Name(geo_icb_[geo]),
                places_.Name(geo_place_[geo]), emp_sector_[row], emp_fte_[row],
                emp_start_[row], emp_end_[row]});
  }
  for (uint32_t group = 0; group < holdings_.size(); ++group) {
    const HoldingRows& rows = holdings_[group];
    for (size_t i = 0; i < rows.passport.size(); ++i) {
      // A Care Certificate no longer complete is held from kNever.
      if (!rows.live[i] || rows.from[i] > rows.until[i] ||
          rows.from[i] == kNever) {
        continue;
      }
      holding({rows.passport[i], holding_keys_.Name(group), rows.from[i],
               rows.until[i], rows.due[i]});
    }
  }
  for (const Plan& p : plans_) {
    if (!p.live) continue;
    plan(
        {icbs_.Name(geo_icb_[p.geo]), places_.Name(geo_place_[p.geo]),
         p.activity ? absl::StrCat("competency:", p.need) : roles_.Name(p.need),
         p.start, p.end, p.required_fte, p.issued_at, p.record_id});
  }
}

size_t WorkforceFacts::passport_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return passports_.size();
}

size_t WorkforceFacts::employment_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return emp_passport_.size();
}

uint32_t WorkforceFacts::PassportId(absl::string_view passport) {
  auto [it, inserted] = passports_.try_emplace(
      PrefixOf(passport), static_cast<uint32_t>(passports_.size()));
  if (inserted) {
    first_employment_.push_back(kNone);
    first_standard_.push_back(kNone);
    care_certificate_row_.push_back(kNone);
  }
  return it->second;
}

uint32_t WorkforceFacts::FindEmployment(const v1::EmploymentEnded& e) const {
  auto passport = passports_.find(PrefixOf(e.passport_id()));
  const uint32_t organisation = organisations_.Find(e.organisation_id());
  if (passport == passports_.end() || organisation == kNone) return kNone;
  const uint64_t id_hash = EmploymentIdHash(e.employment_id());
  // Newest first: an employment started again is its latest row.
  for (uint32_t row = first_employment_[passport->second]; row != kNone;
       row = next_employment_[row]) {
    if (emp_organisation_[row] == organisation &&
        emp_id_hash_[row] == id_hash) {
      return row;
    }
  }
  return kNone;
}

void WorkforceFacts::AddRowRef(absl::string_view record_id, RowRef ref) {
  const IdPrefix id = PrefixOf(record_id);
  rows_by_record_.Add(id, Pack(ref));
  ApplyStatus(id, ref);
}

void WorkforceFacts::AddHolding(absl::string_view key, uint32_t passport,
                                DayNumber from, DayNumber until, DayNumber due,
                                absl::string_view record_id) {
  uint32_t group = holding_keys_.Intern(key);
  if (group == holdings_.size()) holdings_.emplace_back();
  HoldingRows& rows = holdings_[group];
  uint32_t row = static_cast<uint32_t>(rows.passport.size());
  rows.passport.push_back(passport);
  rows.from.push_back(from);
  rows.until.push_back(until);
  rows.due.push_back(due);
  rows.live.push_back(1);
  if (!record_id.empty()) AddRowRef(record_id, {Table::kHolding, group, row});
}

void WorkforceFacts::ApplyLocked(const v1::WorkforceFact& fact) {
  const v1::Record& r = fact.record();
  const std::string& id = fact.record_id();
  switch (r.kind_case()) {
    case v1::Record::kEmploymentStarted: {
      const v1::EmploymentStarted& e = r.employment_started();
      uint32_t passport = PassportId(e.passport_id());
      uint32_t row = static_cast<uint32_t>(emp_passport_.size());
      uint32_t geo = geos_.Intern(absl::StrCat(e.icb_code(), Sep(), e.place()));
      if (geo == geo_icb_.size()) {
        geo_icb_.push_back(icbs_.Intern(e.icb_code()));
        geo_place_.push_back(places_.Intern(e.place()));
      }
      if (geo >= geo_rows_.size()) geo_rows_.resize(geo + 1);
      geo_rows_[geo].push_back(row);
      DayNumber end = kNever;
      if (!pending_ends_.empty()) {
        auto it = pending_ends_.find(EmploymentKey(
            e.passport_id(), e.organisation_id(), e.employment_id()));
        if (it != pending_ends_.end()) {
          end = it->second;
          pending_ends_.erase(it);
        }
      }
      emp_passport_.push_back(passport);
      emp_organisation_.push_back(organisations_.Intern(e.organisation_id()));
      emp_role_.push_back(roles_.Intern(RoleName(e)));
      emp_geo_.push_back(geo);
      emp_sector_.push_back(static_cast<uint8_t>(e.sector()));
      emp_pathway_.push_back(
          static_cast<uint8_t>(e.care_workforce_pathway_category()));
      emp_fte_.push_back(static_cast<uint16_t>(e.fte_thousandths()));
      emp_start_.push_back(ToDayNumber(e.start_date()));
      emp_end_.push_back(end);
      emp_live_.push_back(1);
      emp_id_hash_.push_back(EmploymentIdHash(e.employment_id()));
      next_employment_.push_back(first_employment_[passport]);
      first_employment_[passport] = row;
      AddRowRef(id, {Table::kEmployment, 0, row});
      break;
    }
    case v1::Record::kEmploymentEnded: {
      const v1::EmploymentEnded& e = r.employment_ended();
      DayNumber end = ToDayNumber(e.end_date());
      // Of several ends for one employment, the earliest stands.
      if (uint32_t row = FindEmployment(e); row != kNone) {
        emp_end_[row] = std::min(emp_end_[row], end);
      } else {
        auto [pending, inserted] = pending_ends_.try_emplace(
            EmploymentKey(e.passport_id(), e.organisation_id(),
                          e.employment_id()),
            end);
        pending->second = std::min(pending->second, end);
      }
      break;
    }
    case v1::Record::kCredentialIssued: {
      const v1::CredentialIssued& c = r.credential_issued();
      DayNumber until =
          c.has_valid_until() ? ToDayNumber(c.valid_until()) : kNever;
      AddHolding(CredentialKey(c), PassportId(c.passport_id()),
                 ToDayNumber(c.awarded()), until, until, id);
      break;
    }
    case v1::Record::kCareCertificateStandardMet: {
      const v1::CareCertificateStandardMet& s =
          r.care_certificate_standard_met();
      uint32_t passport = PassportId(s.passport_id());
      uint32_t row = static_cast<uint32_t>(standards_.size());
      standards_.push_back({passport, ToDayNumber(s.met_on()),
                            first_standard_[passport],
                            static_cast<uint16_t>(s.version()),
                            static_cast<uint8_t>(s.standard())});
      first_standard_[passport] = row;
      RecomputeCareCertificate(passport);
      AddRowRef(id, {Table::kStandard, 0, row});
      break;
    }
    case v1::Record::kCompetencyAssessed: {
      const v1::CompetencyAssessed& c = r.competency_assessed();
      if (!c.competent()) break;
      DayNumber until =
          c.has_reassess_by() ? ToDayNumber(c.reassess_by()) : kNever;
      AddHolding(absl::StrCat("competency:", c.activity_category()),
                 PassportId(c.passport_id()), ToDayNumber(c.assessed_on()),
                 until, until, id);
      break;
    }
    case v1::Record::kActivityDelegated: {
      const v1::ActivityDelegated& d = r.activity_delegated();
      Delegation& state = delegations_[d.delegation_id()];
      DayNumber on = ToDayNumber(d.delegated_on());
      // A review on or after the delegation date supersedes its review-by.
      if (on >= state.last_review) {
        state.last_review = on;
        state.review_by = ToDayNumber(d.review_by());
      }
      state.holding = holding_keys_.Intern(
          absl::StrCat("delegation:", d.activity_category()));
      if (state.holding == holdings_.size()) holdings_.emplace_back();
      state.row =
          static_cast<uint32_t>(holdings_[state.holding].passport.size());
      state.started = true;
      DayNumber until =
          state.withdrawn == kNever ? kNever : state.withdrawn - 1;
      AddHolding(holding_keys_.Name(state.holding), PassportId(d.passport_id()),
                 on, until, state.review_by, id);
      break;
    }
    case v1::Record::kDelegationReviewed: {
      const v1::DelegationReviewed& d = r.delegation_reviewed();
      Delegation& state = delegations_[d.delegation_id()];
      DayNumber on = ToDayNumber(d.reviewed_on());
      DayNumber review_by = ToDayNumber(d.review_by());
      if (std::tie(on, review_by) >
          std::tie(state.last_review, state.review_by)) {
        state.last_review = on;
        state.review_by = review_by;
        if (state.started) holdings_[state.holding].due[state.row] = review_by;
      }
      break;
    }
    case v1::Record::kDelegationWithdrawn: {
      const v1::DelegationWithdrawn& d = r.delegation_withdrawn();
      Delegation& state = delegations_[d.delegation_id()];
      state.withdrawn =
          std::min(state.withdrawn, ToDayNumber(d.withdrawn_on()));
      if (state.started) {
        holdings_[state.holding].until[state.row] = state.withdrawn - 1;
      }
      break;
    }
    case v1::Record::kRecordStatusChanged: {
      const v1::RecordStatusChanged& s = r.record_status_changed();
      const IdPrefix target = PrefixOf(s.target_record());
      status_[target].push_back({r.issued_at(), id, s.change()});
      if (std::optional<uint64_t> ref = rows_by_record_.Find(target)) {
        ApplyStatus(target, Unpack(*ref));
      }
      break;
    }
    case v1::Record::kDemandPlan: {
      const v1::DemandPlan& p = r.demand_plan();
      uint32_t geo = geos_.Intern(absl::StrCat(p.icb_code(), Sep(), p.place()));
      if (geo == geo_icb_.size()) {
        geo_icb_.push_back(icbs_.Intern(p.icb_code()));
        geo_place_.push_back(places_.Intern(p.place()));
      }
      bool activity = p.has_activity_category();
      uint32_t need =
          activity
              ? static_cast<uint32_t>(p.activity_category())
              : roles_.Intern(absl::StrCat("ascwds:", p.ascwds_job_role()));
      uint32_t row = static_cast<uint32_t>(plans_.size());
      plans_.push_back({geo, need, activity, ToDayNumber(p.period_start()),
                        ToDayNumber(p.period_end()),
                        p.required_fte_thousandths(), r.issued_at(), id});
      AddRowRef(id, {Table::kPlan, 0, row});
      break;
    }
    default:
      break;
  }
}

void WorkforceFacts::ApplyStatus(IdPrefix target, RowRef ref) {
  auto changes = status_.find(target);
  if (changes == status_.end()) return;
  SetLive(ref, registry::FoldStatus(changes->second) == v1::RECORD_STATE_VALID);
}

void WorkforceFacts::SetLive(RowRef ref, bool live) {
  switch (ref.table) {
    case Table::kEmployment:
      emp_live_[ref.row] = live;
      break;
    case Table::kHolding:
      holdings_[ref.group].live[ref.row] = live;
      break;
    case Table::kStandard:
      standards_[ref.row].live = live;
      RecomputeCareCertificate(standards_[ref.row].passport);
      break;
    case Table::kPlan:
      plans_[ref.row].live = live;
      break;
  }
}

void WorkforceFacts::RecomputeCareCertificate(uint32_t passport) {
  // Complete when every standard of a version is met: on the day the last
  // of them was first met. The earlier completion of the two versions counts.
  DayNumber complete = kNever;
  for (int version : {2015, 2025}) {
    // By standard number (a byte): the day it was first met, or kNever.
    std::array<DayNumber, 256> first_met;
    first_met.fill(kNever);
    int met = 0;
    for (uint32_t row = first_standard_[passport]; row != kNone;
         row = standards_[row].next) {
      const StandardMet& s = standards_[row];
      if (!s.live || s.version != version) continue;
      DayNumber& day = first_met[s.standard];
      if (day == kNever) ++met;
      day = std::min(day, s.met_on);
    }
    if (met < reference_->CareCertificateStandardCount(version)) continue;
    DayNumber last = 0;
    for (DayNumber day : first_met) {
      if (day != kNever) last = std::max(last, day);
    }
    complete = std::min(complete, last);
  }
  if (care_certificate_row_[passport] == kNone) {
    if (complete == kNever) return;
    uint32_t group = holding_keys_.Intern(kCareCertificateKey);
    if (group == holdings_.size()) holdings_.emplace_back();
    care_certificate_row_[passport] =
        static_cast<uint32_t>(holdings_[group].passport.size());
    AddHolding(kCareCertificateKey, passport, complete, kNever, kNever, "");
    return;
  }
  holdings_[holding_keys_.Find(kCareCertificateKey)]
      .from[care_certificate_row_[passport]] = complete;
}

}  // namespace skp::workforce
