// WorkforceFacts: the in-memory columnar facts workforce queries scan
// (DESIGN.md section 8): employment intervals, validity intervals of
// holdings (credentials, competencies, delegations, completed Care
// Certificates) and demand plans, with the passports, organisations and
// places they name interned as dense ids.
//
// Facts are folded from the set of admitted records, whatever order they
// arrive in: an employment end or a status change that arrives before the
// record it names is kept until that record arrives. A revoked or suspended
// record counts for nothing while it is so.
//
// Queries answer as of a day and return tables that are already suppressed
// (tables.h). Thread-safety: Apply takes the writer lock; queries share a
// reader lock, so they see whole batches.
#ifndef SKP_SERVICES_WORKFORCE_FACTS_H_
#define SKP_SERVICES_WORKFORCE_FACTS_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "ledger/snapshot_file.h"
#include "records/reference/reference_data.h"
#include "services/registry/record_state.h"
#include "services/workforce/record_index.h"
#include "services/workforce/tables.h"
#include "skillspassport/v1/records.pb.h"
#include "skillspassport/v1/workforce.pb.h"
#include "skillspassport/v1/workforce_facts.pb.h"

namespace skp::workforce {

// Days since 1970-01-01.
using DayNumber = int32_t;
inline constexpr DayNumber kNever = std::numeric_limits<DayNumber>::max();
DayNumber ToDayNumber(absl::CivilDay day);
DayNumber ToDayNumber(const skillspassport::v1::Date& date);
absl::CivilDay FromDayNumber(DayNumber day);

// Strings to dense ids and back.
class Dictionary {
 public:
  uint32_t Intern(absl::string_view name);
  // kAbsent if never interned.
  uint32_t Find(absl::string_view name) const;
  const std::string& Name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

  static constexpr uint32_t kAbsent = std::numeric_limits<uint32_t>::max();

 private:
  absl::flat_hash_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

// The record with the fields no query reads cleared, ready to store;
// nullopt for kinds that do not feed workforce facts.
std::optional<skillspassport::v1::WorkforceFact> MakeFact(
    const skillspassport::v1::Record& record, absl::string_view record_id);

inline constexpr size_t kDefaultParallelScanRows = 262144;

class WorkforceFacts {
 public:
  // `reference` must outlive the facts. Tables are published under
  // `disclosure` (tables.h). Scans of at least `parallel_scan_rows`
  // employment rows run on two threads.
  explicit WorkforceFacts(const reference::ReferenceData* reference,
                          Disclosure disclosure = {},
                          size_t parallel_scan_rows = kDefaultParallelScanRows);

  // Folds admitted facts in (a committed batch, or rows loaded at start).
  void Apply(absl::Span<const skillspassport::v1::WorkforceFact> facts);
  void Apply(absl::Span<const skillspassport::v1::WorkforceFact* const> facts);
  // Around the Apply calls that load a store's rows at start: until EndLoad,
  // rows are indexed by one sort at the end rather than a hash insert each,
  // and a status change folded after the row it names takes effect only at
  // EndLoad (queries in between may count that row).
  void BeginLoad();
  void EndLoad();

  // The live facts as rows, for exports (the benchmark's PostgreSQL copy).
  struct EmploymentRow {
    uint32_t passport;
    absl::string_view organisation, role, stated_icb, place;
    int sector, fte;
    DayNumber start, end;
  };
  struct HoldingRow {
    uint32_t passport;
    absl::string_view key;  // as Holders keys them, e.g. "competency:2"
    DayNumber from, until;
    DayNumber due;  // when it falls due, as Expiring reads it
  };
  struct PlanRow {
    absl::string_view stated_icb, place;
    std::string need;  // a role ("ascwds:10") or a holding ("competency:2")
    DayNumber start, end;
    int64_t required_fte, issued_at;
    absl::string_view record_id;
  };
  void Export(absl::FunctionRef<void(const EmploymentRow&)> employment,
              absl::FunctionRef<void(const HoldingRow&)> holding,
              absl::FunctionRef<void(const PlanRow&)> plan) const;

  // The facts as a section of a snapshot (ledger/snapshot_file.h): every
  // member queries and later folds read, in a canonical order, so equal
  // facts save equal bytes (`passportd verify` compares a snapshot with a
  // rebuild). Derived indexes are rebuilt by Restore, not saved.
  void Save(ledger::SnapshotWriter& out) const;
  // Into empty facts; kDataLoss if the section is malformed.
  absl::Status Restore(ledger::SnapshotReader& in);

  const Disclosure& disclosure() const { return disclosure_; }
  size_t passport_count() const;
  size_t employment_count() const;

  // Each validates its request (kInvalidArgument naming the field). Every
  // total counts distinct people (a worker in two cells counts once in
  // their total) and sums FTE.
  absl::StatusOr<skillspassport::v1::Table> Supply(
      const skillspassport::v1::WorkforceFilter& filter,
      const std::vector<skillspassport::v1::Dimension>& group_by,
      DayNumber as_of) const;
  // Supply against the plans of filter.icb_code (required), counting the
  // employments `filter` selects, as Supply does.
  absl::StatusOr<skillspassport::v1::Table> Coverage(
      const skillspassport::v1::WorkforceFilter& filter, DayNumber as_of) const;
  absl::StatusOr<skillspassport::v1::Table> Expiring(
      absl::string_view icb, absl::string_view place, int within_days,
      const std::vector<skillspassport::v1::Dimension>& group_by,
      DayNumber as_of) const;
  // The live demand plans of an ICS (as in force on `as_of`), of any period.
  absl::StatusOr<skillspassport::v1::Table> Plans(absl::string_view icb,
                                                  DayNumber as_of) const;
  // Movements whose earlier employment ended in [from, to].
  absl::StatusOr<skillspassport::v1::Table> Flows(
      skillspassport::v1::Dimension between, absl::string_view icb,
      DayNumber from, DayNumber to) const;

 private:
  // The employment and holding columns in the order a snapshot holds them,
  // one list for Save and Restore (facts_snapshot.cc): visit(column).
  template <typename Self, typename Visit>
  static void ForEachEmploymentColumn(Self& self, Visit visit);
  template <typename Rows, typename Visit>
  static void ForEachHoldingColumn(Rows& rows, Visit visit);

  // Which table and row a record id names (for status changes).
  enum class Table : uint8_t { kEmployment, kHolding, kStandard, kPlan };
  struct RowRef {
    Table table;
    uint32_t group;  // the holding group of a kHolding row
    uint32_t row;
  };
  // As rows_by_record_ holds it: later rows give larger values.
  static uint64_t Pack(RowRef ref);
  static RowRef Unpack(uint64_t packed);
  // A holding row: what is held, by whom, from when, until when (inclusive),
  // and when it falls due (expiry, reassessment or delegation review).
  struct HoldingRows {
    std::vector<uint32_t> passport;
    std::vector<DayNumber> from, until, due;
    std::vector<uint8_t> live;
  };
  // 16 bytes: a Care Certificate holder has 8 or 16 of these. Version and
  // standard are checked against the reference table at intake.
  struct StandardMet {
    uint32_t passport;
    DayNumber met_on;
    uint32_t next;  // the passport's next standard row, or kAbsent
    uint16_t version;
    uint8_t standard;
    bool live = true;
  };
  // A delegation's holding row, and its latest review and withdrawal (which
  // may arrive before the delegation itself).
  struct Delegation {
    uint32_t holding = 0;  // index into holdings_
    uint32_t row = 0;
    bool started = false;
    DayNumber last_review = std::numeric_limits<DayNumber>::min();
    DayNumber review_by = kNever;
    DayNumber withdrawn = kNever;
  };
  struct Plan {
    uint32_t geo;   // stated ICB and place
    uint32_t need;  // roles_ id, or activity category
    bool activity;
    DayNumber start, end;
    int64_t required_fte;
    int64_t issued_at;
    std::string record_id;
    bool live = true;
  };

  void ApplyLocked(const skillspassport::v1::WorkforceFact& fact)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // `record_id` empty for a row no record names (a Care Certificate).
  void AddHolding(absl::string_view key, uint32_t passport, DayNumber from,
                  DayNumber until, DayNumber due, absl::string_view record_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Indexes a new row under its record id, and applies any status changes
  // that named it first.
  void AddRowRef(absl::string_view record_id, RowRef ref)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetLive(RowRef ref, bool live) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sets the row's liveness from the status changes that name it.
  void ApplyStatus(IdPrefix target, RowRef ref)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RecomputeCareCertificate(uint32_t passport)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint32_t PassportId(absl::string_view passport)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The row an end names, or kAbsent if its employment has not arrived.
  uint32_t FindEmployment(const skillspassport::v1::EmploymentEnded& e) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  // Per query: the ICB in force on a day of every (stated ICB, place), as
  // ids of a dictionary of its own (successor codes may be in no record).
  struct IcbsOnDay {
    Dictionary icbs;
    std::vector<uint32_t> of_geo;
  };
  IcbsOnDay IcbsOn(DayNumber day) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Per query: the values of `group_by` for an employment row, as dense ids,
  // and their names.
  uint32_t DimensionId(skillspassport::v1::Dimension dimension, uint32_t row,
                       const IcbsOnDay& icbs) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  size_t DimensionSize(skillspassport::v1::Dimension dimension,
                       const IcbsOnDay& icbs) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  std::string DimensionValue(skillspassport::v1::Dimension dimension,
                             uint32_t id, const IcbsOnDay& icbs) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Per query: 1 for each passport holding every one of `keys` on `as_of`.
  std::vector<uint8_t> Holders(const std::vector<std::string>& keys,
                               DayNumber as_of) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Per query: 1 for each (stated ICB, place) in `icb` (as in force that
  // day) and `place`; empty strings match all. kInvalidArgument naming
  // `field` for a place no record names in that ICB.
  absl::StatusOr<std::vector<uint8_t>> GeoFilter(absl::string_view icb,
                                                 absl::string_view place,
                                                 absl::string_view field,
                                                 const IcbsOnDay& icbs) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  const HoldingRows* FindHolding(absl::string_view key) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Per query: the employment rows a WorkforceFilter selects, so that every
  // query taking one filters alike. `holders` is empty when no holding is
  // asked for.
  struct EmploymentFilter {
    std::vector<uint8_t> geo_ok;
    uint8_t sector = 0, pathway = 0;
    std::optional<uint32_t> role;
    std::vector<uint8_t> holders;
  };
  absl::StatusOr<EmploymentFilter> SelectEmployments(
      const skillspassport::v1::WorkforceFilter& filter, DayNumber as_of,
      const IcbsOnDay& icbs) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Whether `row` passes the filter's sector, pathway and role, and (with
  // `holdings`) its holdings; its geography is for ForEachEmploymentIn.
  bool Selects(const EmploymentFilter& filter, uint32_t row,
               bool holdings) const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return (filter.sector == 0 || emp_sector_[row] == filter.sector) &&
           (filter.pathway == 0 || emp_pathway_[row] == filter.pathway) &&
           (!filter.role.has_value() || emp_role_[row] == *filter.role) &&
           (!holdings || filter.holders.empty() ||
            filter.holders[emp_passport_[row]] != 0);
  }
  // Calls visit(row) for every employment row whose geo passes `geo_ok`:
  // a scan of all rows, or of the selected geos' rows when they are few.
  template <typename Visit>
  void ForEachEmploymentIn(const std::vector<uint8_t>& geo_ok,
                           Visit visit) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  bool EmploymentActive(uint32_t row, DayNumber day) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return emp_live_[row] && emp_start_[row] <= day && day <= emp_end_[row];
  }

  const reference::ReferenceData* const reference_;
  const Disclosure disclosure_;
  const size_t parallel_scan_rows_;

  mutable absl::Mutex mu_;
  // Passport ids (16 bytes) to dense ids; no query needs them back.
  absl::flat_hash_map<IdPrefix, uint32_t> passports_ ABSL_GUARDED_BY(mu_);
  Dictionary organisations_ ABSL_GUARDED_BY(mu_);
  Dictionary roles_ ABSL_GUARDED_BY(mu_);  // "ascwds:<id>" or "nhs:<code>"
  Dictionary icbs_ ABSL_GUARDED_BY(mu_);
  Dictionary places_ ABSL_GUARDED_BY(mu_);
  // "<stated icb>\0<place>"; geo_icb_/geo_place_ are its parts' ids.
  Dictionary geos_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> geo_icb_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> geo_place_ ABSL_GUARDED_BY(mu_);

  // Employment columns, one row per EmploymentStarted.
  std::vector<uint32_t> emp_passport_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> emp_organisation_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> emp_role_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> emp_geo_ ABSL_GUARDED_BY(mu_);
  std::vector<uint8_t> emp_sector_ ABSL_GUARDED_BY(mu_);
  // Care Workforce Pathway category (ASC-WDS id), 0 when not stated.
  std::vector<uint8_t> emp_pathway_ ABSL_GUARDED_BY(mu_);
  std::vector<uint16_t> emp_fte_ ABSL_GUARDED_BY(mu_);
  std::vector<DayNumber> emp_start_ ABSL_GUARDED_BY(mu_);
  std::vector<DayNumber> emp_end_ ABSL_GUARDED_BY(mu_);
  std::vector<uint8_t> emp_live_ ABSL_GUARDED_BY(mu_);
  // A hash of the employment id (8 bytes of its SHA-256, the same in every
  // process, so snapshots keep it), which with the passport (its chain) and
  // the organisation finds the row an EmploymentEnded names.
  std::vector<uint64_t> emp_id_hash_ ABSL_GUARDED_BY(mu_);
  // Employment rows by (stated ICB, place), so a query about one ICS reads
  // only its rows.
  std::vector<std::vector<uint32_t>> geo_rows_ ABSL_GUARDED_BY(mu_);
  // Each passport's employments as a chain: first row, then next rows.
  std::vector<uint32_t> first_employment_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> next_employment_ ABSL_GUARDED_BY(mu_);
  // Ends that arrived before their employment, by
  // "<passport>\0<organisation>\0<employment id>".
  absl::flat_hash_map<std::string, DayNumber> pending_ends_
      ABSL_GUARDED_BY(mu_);

  Dictionary holding_keys_ ABSL_GUARDED_BY(mu_);
  std::vector<HoldingRows> holdings_ ABSL_GUARDED_BY(mu_);
  // Per passport: its Care Certificate's row of holding "care-certificate"
  // (kAbsent until first complete), and its first standard row.
  std::vector<uint32_t> care_certificate_row_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> first_standard_ ABSL_GUARDED_BY(mu_);
  std::vector<StandardMet> standards_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Delegation> delegations_
      ABSL_GUARDED_BY(mu_);
  std::vector<Plan> plans_ ABSL_GUARDED_BY(mu_);

  RecordIndex rows_by_record_ ABSL_GUARDED_BY(mu_);
  // The status changes of each target, whether or not it has arrived (a few
  // thousand).
  absl::flat_hash_map<IdPrefix, std::vector<registry::StatusEvent>> status_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace skp::workforce

#endif  // SKP_SERVICES_WORKFORCE_FACTS_H_
