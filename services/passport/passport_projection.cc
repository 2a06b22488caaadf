#include "services/passport/passport_projection.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/dependency.h"
#include "ledger/entry.h"
#include "ledger/hash.h"
#include "ledger/log.h"
#include "ledger/status_macros.h"
#include "records/record_checks.h"
#include "services/registry/record_state.h"

namespace skp::passport {
namespace {

namespace v1 = skillspassport::v1;
using Kind = v1::Record::KindCase;
using Stored = PassportProjection::Stored;

constexpr absl::string_view kPassportPrefix = "passport/";
constexpr absl::string_view kDelegationPrefix = "delegation/";
constexpr absl::string_view kStatusPrefix = "status/";
constexpr absl::string_view kSignerRevokedPrefix = "signer-revoked/";
constexpr size_t kRecordIdSize = 32;

std::string RowValue(uint64_t index, absl::string_view issuer) {
  return absl::StrCat(ledger::BigEndian64(index), issuer);
}

uint64_t RowIndex(absl::string_view value) {
  return ledger::ReadBigEndian(value.substr(0, 8));
}

std::string DelegationPrefix(absl::string_view delegation_id) {
  return absl::StrCat(kDelegationPrefix, delegation_id, std::string(1, '\0'));
}

std::string StatusPrefix(absl::string_view record_id) {
  return absl::StrCat(kStatusPrefix, record_id);
}

absl::CivilDay Day(const v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

std::string Hex(absl::string_view bytes) { return ledger::HexEncode(bytes); }

// Deterministic order over signed fields: issued_at, then record id.
bool Earlier(const Stored& a, const Stored& b) {
  if (a.record.issued_at() != b.record.issued_at()) {
    return a.record.issued_at() < b.record.issued_at();
  }
  return a.record_id < b.record_id;
}

v1::RecordState StateFrom(const std::vector<Stored>& changes) {
  std::vector<registry::StatusEvent> events;
  for (const Stored& c : changes) {
    events.push_back({c.record.issued_at(), c.record_id,
                      c.record.record_status_changed().change()});
  }
  return registry::FoldStatus(std::move(events));
}

bool ActiveOn(const v1::EmploymentStarted& started,
              const v1::EmploymentEnded* ended, absl::CivilDay day) {
  return Day(started.start_date()) <= day &&
         (ended == nullptr || Day(ended->end_date()) >= day);
}

}  // namespace

std::string PassportPrefix(absl::string_view passport_id) {
  return absl::StrCat(kPassportPrefix, passport_id);
}

PassportProjection::PassportProjection(
    const ledger::LogStore* store, const registry::TrustRegistry* registry,
    const reference::ReferenceData* reference)
    : store_(store), registry_(registry), reference_(reference) {}

absl::StatusOr<std::vector<Stored>> PassportProjection::Scan(
    absl::string_view prefix, bool include_staged) const {
  std::vector<std::pair<std::string, std::string>> rows;
  SKP_RETURN_IF_ERROR(store_->ScanProjections(
      prefix, [&](absl::string_view key, absl::string_view value) {
        rows.emplace_back(std::string(key), std::string(value));
        return true;
      }));
  std::vector<Stored> out;
  for (const auto& [key, value] : rows) {
    Stored stored;
    stored.index = RowIndex(value);
    stored.issuer = value.substr(8);
    stored.record_id = key.substr(key.size() - kRecordIdSize);
    SKP_ASSIGN_OR_RETURN(std::string entry_bytes,
                         store_->GetRecordEntry(stored.index));
    SKP_ASSIGN_OR_RETURN(ledger::Entry entry, ledger::DecodeEntry(entry_bytes));
    if (!stored.record.ParseFromString(entry.payload)) {
      return absl::DataLossError(
          absl::StrCat("record at index ", stored.index, " does not parse"));
    }
    out.push_back(std::move(stored));
  }
  if (include_staged) {
    for (auto it = staged_rows_.lower_bound(std::string(prefix));
         it != staged_rows_.end() && absl::StartsWith(it->first, prefix);
         ++it) {
      out.push_back(staged_records_.at(
          it->first.substr(it->first.size() - kRecordIdSize)));
    }
  }
  return out;
}

absl::StatusOr<std::optional<Stored>> PassportProjection::FindRecord(
    absl::string_view record_id) const {
  if (auto it = staged_records_.find(std::string(record_id));
      it != staged_records_.end()) {
    return it->second;
  }
  SKP_ASSIGN_OR_RETURN(ledger::Hash leaf, ledger::HashFromBytes(record_id));
  SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> index,
                       ledger::LocateRecord(*store_, leaf));
  if (!index.has_value()) return std::nullopt;
  Stored stored;
  stored.index = *index;
  stored.record_id = std::string(record_id);
  SKP_ASSIGN_OR_RETURN(std::string entry_bytes, store_->GetRecordEntry(*index));
  SKP_ASSIGN_OR_RETURN(ledger::Entry entry, ledger::DecodeEntry(entry_bytes));
  if (!stored.record.ParseFromString(entry.payload)) {
    return absl::DataLossError(
        absl::StrCat("record at index ", *index, " does not parse"));
  }
  return stored;
}

absl::Status PassportProjection::Check(const v1::Record& record) const {
  std::optional<std::string> passport = records::PassportOf(record);
  bool enrols =
      record.has_passport_enrolled() || record.has_passport_key_rebound();
  if (passport.has_value() && !enrols && !registry_->HasPassport(*passport)) {
    return ledger::AwaitingDependency(absl::FailedPreconditionError(
        absl::StrCat("passport ", Hex(*passport), " is not enrolled")));
  }
  switch (record.kind_case()) {
    case Kind::kEmploymentStarted: {
      const auto& e = record.employment_started();
      SKP_ASSIGN_OR_RETURN(auto records, Scan(PassportPrefix(*passport), true));
      for (const Stored& s : records) {
        if (s.record.has_employment_started() &&
            s.record.employment_started().organisation_id() ==
                e.organisation_id() &&
            s.record.employment_started().employment_id() ==
                e.employment_id()) {
          return absl::AlreadyExistsError(
              absl::StrCat("employment ", e.employment_id(), " at ",
                           e.organisation_id(), " already started"));
        }
      }
      return absl::OkStatus();
    }
    case Kind::kEmploymentEnded:
      return CheckEmploymentEnded(record.employment_ended());
    case Kind::kActivityDelegated:
      return CheckDelegation(record.activity_delegated());
    case Kind::kDelegationReviewed: {
      const auto& r = record.delegation_reviewed();
      return CheckDelegationChange(r.delegation_id(), r.professional_id());
    }
    case Kind::kDelegationWithdrawn: {
      const auto& r = record.delegation_withdrawn();
      return CheckDelegationChange(r.delegation_id(), r.professional_id());
    }
    case Kind::kConsentWithdrawn: {
      SKP_ASSIGN_OR_RETURN(auto records, Scan(PassportPrefix(*passport), true));
      for (const Stored& s : records) {
        if (s.record.has_consent_granted() &&
            s.record.consent_granted().consent_id() ==
                record.consent_withdrawn().consent_id()) {
          return absl::OkStatus();
        }
      }
      return absl::FailedPreconditionError(
          absl::StrCat("consent ", record.consent_withdrawn().consent_id(),
                       " was never granted"));
    }
    default:
      return absl::OkStatus();
  }
}

absl::Status PassportProjection::CheckEmploymentEnded(
    const v1::EmploymentEnded& e) const {
  SKP_ASSIGN_OR_RETURN(auto records,
                       Scan(PassportPrefix(e.passport_id()), true));
  const v1::EmploymentStarted* started = nullptr;
  for (const Stored& s : records) {
    if (s.record.has_employment_ended() &&
        s.record.employment_ended().organisation_id() == e.organisation_id() &&
        s.record.employment_ended().employment_id() == e.employment_id()) {
      return absl::FailedPreconditionError(
          absl::StrCat("employment ", e.employment_id(), " has already ended"));
    }
    if (s.record.has_employment_started() &&
        s.record.employment_started().organisation_id() ==
            e.organisation_id() &&
        s.record.employment_started().employment_id() == e.employment_id()) {
      started = &s.record.employment_started();
    }
  }
  if (started == nullptr) {
    return ledger::AwaitingDependency(absl::FailedPreconditionError(
        absl::StrCat("employment ", e.employment_id(), " at ",
                     e.organisation_id(), " never started")));
  }
  if (Day(e.end_date()) < Day(started->start_date())) {
    return absl::InvalidArgumentError(
        "employment_ended.end_date: is before the employment's start_date");
  }
  return absl::OkStatus();
}

absl::Status PassportProjection::CheckDelegation(
    const v1::ActivityDelegated& d) const {
  SKP_ASSIGN_OR_RETURN(auto existing,
                       Scan(DelegationPrefix(d.delegation_id()), true));
  if (!existing.empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat("delegation ", d.delegation_id(), " exists"));
  }
  SKP_ASSIGN_OR_RETURN(std::optional<Stored> competency,
                       FindRecord(d.competency_record()));
  if (!competency.has_value()) {
    return ledger::AwaitingDependency(absl::FailedPreconditionError(
        absl::StrCat("competency record ", Hex(d.competency_record()),
                     " is not in the log")));
  }
  if (!competency->record.has_competency_assessed()) {
    return absl::FailedPreconditionError(
        "competency_record is not a competency assessment");
  }
  const v1::CompetencyAssessed& c = competency->record.competency_assessed();
  absl::CivilDay on = Day(d.delegated_on());
  if (c.passport_id() != d.passport_id() ||
      c.activity_category() != d.activity_category()) {
    return absl::FailedPreconditionError(
        "the competency assessment is for another passport or activity");
  }
  if (!c.competent()) {
    return absl::FailedPreconditionError(
        "the competency assessment did not find the worker competent");
  }
  if (Day(c.assessed_on()) > on || Day(c.reassess_by()) < on) {
    return absl::FailedPreconditionError(
        "the competency assessment is not valid on the delegation date");
  }
  SKP_ASSIGN_OR_RETURN(v1::RecordState competency_state,
                       StateOf(d.competency_record(), competency->record,
                               /*include_staged=*/true));
  if (competency_state != v1::RECORD_STATE_VALID) {
    return absl::FailedPreconditionError(
        "the competency assessment is revoked or suspended");
  }
  SKP_ASSIGN_OR_RETURN(auto records,
                       Scan(PassportPrefix(d.passport_id()), true));
  for (const Stored& s : records) {
    if (!s.record.has_employment_started()) continue;
    const v1::EmploymentStarted& started = s.record.employment_started();
    const v1::EmploymentEnded* ended = nullptr;
    for (const Stored& t : records) {
      if (t.record.has_employment_ended() &&
          t.record.employment_ended().organisation_id() ==
              started.organisation_id() &&
          t.record.employment_ended().employment_id() ==
              started.employment_id()) {
        ended = &t.record.employment_ended();
      }
    }
    if (ActiveOn(started, ended, on)) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the worker has no active employment on ", absl::FormatCivilTime(on)));
}

absl::Status PassportProjection::CheckDelegationChange(
    absl::string_view delegation_id, absl::string_view professional_id) const {
  SKP_ASSIGN_OR_RETURN(auto records,
                       Scan(DelegationPrefix(delegation_id), true));
  const v1::ActivityDelegated* delegation = nullptr;
  for (const Stored& s : records) {
    if (s.record.has_activity_delegated())
      delegation = &s.record.activity_delegated();
    if (s.record.has_delegation_withdrawn()) {
      return absl::FailedPreconditionError(
          absl::StrCat("delegation ", delegation_id, " is already withdrawn"));
    }
  }
  if (delegation == nullptr) {
    return ledger::AwaitingDependency(absl::FailedPreconditionError(
        absl::StrCat("delegation ", delegation_id, " is not in the log")));
  }
  if (delegation->professional_id() != professional_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("only ", delegation->professional_id(),
                     " may review or withdraw delegation ", delegation_id));
  }
  return absl::OkStatus();
}

void PassportProjection::Stage(const v1::Record& record,
                               const ledger::Hash& record_id, uint64_t index,
                               absl::string_view issuer,
                               ledger::ProjectionRows& rows) {
  std::string id(ledger::AsBytes(record_id));
  std::vector<std::string> keys;
  const records::RecordSubjects subjects = records::SubjectsOf(record);
  if (!subjects.passport_id.empty()) {
    keys.push_back(absl::StrCat(PassportPrefix(subjects.passport_id), id));
  }
  if (!subjects.delegation_id.empty()) {
    keys.push_back(absl::StrCat(DelegationPrefix(subjects.delegation_id), id));
  }
  if (!subjects.target_record.empty()) {
    keys.push_back(absl::StrCat(StatusPrefix(subjects.target_record), id));
  }
  if (keys.empty()) return;
  std::string value = RowValue(index, issuer);
  for (const std::string& key : keys) {
    rows.emplace_back(key, value);
    staged_rows_[key] = value;
  }
  staged_records_[id] = Stored{index, id, std::string(issuer), record};
}

void PassportProjection::StageSignerRevoked(absl::string_view record_id,
                                            ledger::ProjectionRows& rows) {
  rows.emplace_back(absl::StrCat(kSignerRevokedPrefix, record_id), "");
  staged_signer_revoked_.insert(std::string(record_id));
}

void PassportProjection::Committed() {
  ++generation_;
  staged_rows_.clear();
  staged_records_.clear();
  staged_signer_revoked_.clear();
}

void PassportProjection::Aborted() {
  staged_rows_.clear();
  staged_records_.clear();
  staged_signer_revoked_.clear();
}

absl::StatusOr<v1::PassportView> PassportProjection::View(
    absl::string_view passport_id, absl::CivilDay as_of, int64_t now) const {
  SKP_ASSIGN_OR_RETURN(std::vector<Stored> records,
                       Scan(PassportPrefix(passport_id), false));
  if (records.empty()) {
    return absl::NotFoundError(absl::StrCat("no passport ", Hex(passport_id)));
  }
  std::sort(records.begin(), records.end(), Earlier);
  v1::PassportView view;
  view.set_passport_id(std::string(passport_id));
  *view.mutable_as_of() = records::ToDate(as_of);

  auto ref = [&](const Stored& s) -> absl::StatusOr<v1::RecordRef> {
    v1::RecordRef r;
    r.set_record_id(s.record_id);
    r.set_issuer(s.issuer);
    SKP_ASSIGN_OR_RETURN(v1::RecordState state, StateOf(s.record_id, s.record));
    r.set_state(state);
    return r;
  };
  auto expire = [&](v1::RecordRef& r, const v1::Date& until) {
    if (r.state() == v1::RECORD_STATE_VALID && Day(until) < as_of) {
      r.set_state(v1::RECORD_STATE_EXPIRED);
    }
  };

  std::map<int, std::set<int>> standards_met;
  std::map<int, std::vector<v1::RecordRef>> standard_records;
  for (const Stored& s : records) {
    const v1::Record& r = s.record;
    SKP_ASSIGN_OR_RETURN(v1::RecordRef record_ref, ref(s));
    switch (r.kind_case()) {
      case Kind::kEmploymentStarted: {
        v1::EmploymentView* e = view.add_employments();
        *e->mutable_ref() = record_ref;
        *e->mutable_started() = r.employment_started();
        const v1::EmploymentEnded* ended = nullptr;
        for (const Stored& t : records) {
          if (t.record.has_employment_ended() &&
              t.record.employment_ended().organisation_id() ==
                  r.employment_started().organisation_id() &&
              t.record.employment_ended().employment_id() ==
                  r.employment_started().employment_id() &&
              ended == nullptr) {
            ended = &t.record.employment_ended();
          }
        }
        if (ended != nullptr) *e->mutable_ended() = *ended;
        e->set_active(record_ref.state() == v1::RECORD_STATE_VALID &&
                      ActiveOn(r.employment_started(), ended, as_of));
        break;
      }
      case Kind::kCredentialIssued: {
        v1::CredentialView* c = view.add_credentials();
        if (r.credential_issued().has_valid_until()) {
          expire(record_ref, r.credential_issued().valid_until());
        }
        *c->mutable_ref() = record_ref;
        *c->mutable_credential() = r.credential_issued();
        break;
      }
      case Kind::kCareCertificateStandardMet: {
        const auto& m = r.care_certificate_standard_met();
        if (record_ref.state() == v1::RECORD_STATE_VALID &&
            Day(m.met_on()) <= as_of) {
          standards_met[m.version()].insert(m.standard());
        } else {
          standards_met[m.version()];  // the version still shows, with its gaps
        }
        standard_records[m.version()].push_back(record_ref);
        break;
      }
      case Kind::kCompetencyAssessed: {
        v1::CompetencyView* c = view.add_competencies();
        expire(record_ref, r.competency_assessed().reassess_by());
        *c->mutable_ref() = record_ref;
        *c->mutable_competency() = r.competency_assessed();
        break;
      }
      case Kind::kActivityDelegated: {
        v1::DelegationView* d = view.add_delegations();
        *d->mutable_delegation() = r.activity_delegated();
        v1::Date review_by = r.activity_delegated().review_by();
        SKP_ASSIGN_OR_RETURN(
            auto changes,
            Scan(DelegationPrefix(r.activity_delegated().delegation_id()),
                 false));
        std::sort(changes.begin(), changes.end(), Earlier);
        for (const Stored& c : changes) {
          if (c.record.has_delegation_reviewed() &&
              Day(c.record.delegation_reviewed().review_by()) >
                  Day(review_by)) {
            review_by = c.record.delegation_reviewed().review_by();
          }
          if (c.record.has_delegation_withdrawn() && !d->withdrawn()) {
            d->set_withdrawn(true);
            *d->mutable_withdrawal() = c.record.delegation_withdrawn();
          }
        }
        *d->mutable_review_by() = review_by;
        d->set_review_overdue(!d->withdrawn() && Day(review_by) < as_of);
        *d->mutable_ref() = record_ref;
        break;
      }
      case Kind::kConsentGranted: {
        v1::ConsentView* c = view.add_consents();
        bool withdrawn = false;
        for (const Stored& t : records) {
          withdrawn |= t.record.has_consent_withdrawn() &&
                       t.record.consent_withdrawn().consent_id() ==
                           r.consent_granted().consent_id();
        }
        c->set_live(!withdrawn &&
                    record_ref.state() == v1::RECORD_STATE_VALID &&
                    r.consent_granted().expires_at() > now);
        *c->mutable_ref() = record_ref;
        *c->mutable_consent() = r.consent_granted();
        break;
      }
      case Kind::kPassportEnrolled:
      case Kind::kPassportKeyRebound:
        *view.mutable_enrolment() = record_ref;  // records are in time order
        break;
      default:
        break;
    }
  }
  for (const auto& [version, met] : standards_met) {
    v1::CareCertificateView* cc = view.add_care_certificates();
    cc->set_version(version);
    int count = reference_->CareCertificateStandardCount(version);
    for (int standard = 1; standard <= count; ++standard) {
      if (met.count(standard)) {
        cc->add_standards_met(standard);
      } else {
        cc->add_standards_missing(standard);
      }
    }
    cc->set_complete(count > 0 && cc->standards_missing_size() == 0);
    for (const v1::RecordRef& r : standard_records[version])
      *cc->add_records() = r;
  }
  return view;
}

absl::StatusOr<v1::RecordState> PassportProjection::StateOf(
    absl::string_view record_id, const v1::Record& record) const {
  return StateOf(record_id, record, /*include_staged=*/false);
}

absl::StatusOr<v1::RecordState> PassportProjection::StateOf(
    absl::string_view record_id, const v1::Record& record,
    bool include_staged) const {
  // Signed with a key already revoked: revoked for good, like a revocation.
  if (include_staged && staged_signer_revoked_.contains(record_id)) {
    return v1::RECORD_STATE_REVOKED;
  }
  SKP_ASSIGN_OR_RETURN(
      std::optional<std::string> signer_revoked,
      store_->GetProjection(absl::StrCat(kSignerRevokedPrefix, record_id)));
  if (signer_revoked.has_value()) return v1::RECORD_STATE_REVOKED;
  SKP_ASSIGN_OR_RETURN(auto changes,
                       Scan(StatusPrefix(record_id), include_staged));
  v1::RecordState state = StateFrom(std::move(changes));
  // A withdrawn delegation no longer vouches for anything.
  if (state == v1::RECORD_STATE_VALID && record.has_activity_delegated()) {
    SKP_ASSIGN_OR_RETURN(
        auto events,
        Scan(DelegationPrefix(record.activity_delegated().delegation_id()),
             include_staged));
    for (const Stored& e : events) {
      if (e.record.has_delegation_withdrawn()) return v1::RECORD_STATE_REVOKED;
    }
  }
  return state;
}

absl::StatusOr<std::optional<uint64_t>> PassportProjection::LocationOf(
    absl::string_view record_id) const {
  SKP_ASSIGN_OR_RETURN(ledger::Hash leaf, ledger::HashFromBytes(record_id));
  return ledger::LocateRecord(*store_, leaf);
}

absl::StatusOr<std::vector<PassportProjection::NotValid>>
PassportProjection::NotValidRecords() const {
  std::set<std::string> candidates;
  auto collect = [&](absl::string_view prefix, size_t id_size) {
    return store_->ScanProjections(
        prefix, [&](absl::string_view key, absl::string_view) {
          candidates.insert(std::string(key.substr(prefix.size(), id_size)));
          return true;
        });
  };
  SKP_RETURN_IF_ERROR(collect(kStatusPrefix, 32));  // the target's id
  SKP_RETURN_IF_ERROR(collect(kSignerRevokedPrefix, 32));
  // A delegation is withdrawn by a record under its own delegation prefix.
  SKP_ASSIGN_OR_RETURN(std::vector<Stored> delegation_events,
                       Scan(kDelegationPrefix, /*include_staged=*/false));
  for (const Stored& event : delegation_events) {
    if (event.record.has_activity_delegated())
      candidates.insert(event.record_id);
  }
  std::vector<NotValid> not_valid;
  for (const std::string& id : candidates) {
    SKP_ASSIGN_OR_RETURN(std::optional<Stored> stored, FindRecord(id));
    if (!stored.has_value()) continue;  // a status change awaiting its target
    SKP_ASSIGN_OR_RETURN(v1::RecordState state,
                         StateOf(id, stored->record, /*include_staged=*/false));
    if (state != v1::RECORD_STATE_VALID)
      not_valid.push_back({stored->index, state});
  }
  return not_valid;
}

absl::StatusOr<bool> PassportProjection::HasLiveConsent(
    absl::string_view passport_id, absl::string_view organisation_id,
    int64_t now) const {
  absl::StatusOr<v1::PassportView> view = View(
      passport_id,
      absl::ToCivilDay(absl::FromUnixSeconds(now), absl::UTCTimeZone()), now);
  if (absl::IsNotFound(view.status())) return false;
  SKP_RETURN_IF_ERROR(view.status());
  for (const v1::ConsentView& c : view->consents()) {
    if (c.live() && c.consent().grantee_organisation_id() == organisation_id)
      return true;
  }
  return false;
}

v1::RequiredCredentialsResponse MatchChecklist(
    const v1::PassportView& view,
    const google::protobuf::RepeatedPtrField<v1::Requirement>& checklist) {
  v1::RequiredCredentialsResponse response;
  for (const v1::Requirement& requirement : checklist) {
    v1::RequirementResult* result = response.add_results();
    *result->mutable_requirement() = requirement;
    auto satisfied_by = [&](const v1::RecordRef& ref) {
      if (ref.state() == v1::RECORD_STATE_VALID)
        *result->add_record_ids() = ref.record_id();
    };
    switch (requirement.item_case()) {
      case v1::Requirement::kCareCertificateVersion:
        for (const auto& cc : view.care_certificates()) {
          if (cc.version() != requirement.care_certificate_version() ||
              !cc.complete())
            continue;
          for (const auto& ref : cc.records()) satisfied_by(ref);
        }
        break;
      case v1::Requirement::kAscwdsTrainingCategory:
      case v1::Requirement::kCstfSubject:
      case v1::Requirement::kQualification:
        for (const auto& c : view.credentials()) {
          const v1::CredentialIssued& issued = c.credential();
          bool match = (requirement.has_ascwds_training_category() &&
                        issued.has_ascwds_training_category() &&
                        issued.ascwds_training_category() ==
                            requirement.ascwds_training_category()) ||
                       (requirement.has_cstf_subject() &&
                        issued.cstf_subject() == requirement.cstf_subject()) ||
                       (requirement.has_qualification() &&
                        issued.qualification() == requirement.qualification());
          if (match) satisfied_by(c.ref());
        }
        break;
      case v1::Requirement::kCompetencyActivity:
        for (const auto& c : view.competencies()) {
          if (c.competency().competent() &&
              c.competency().activity_category() ==
                  requirement.competency_activity()) {
            satisfied_by(c.ref());
          }
        }
        break;
      case v1::Requirement::ITEM_NOT_SET:
        break;
    }
    result->set_satisfied(result->record_ids_size() > 0);
    if (result->satisfied()) {
      response.set_satisfied(response.satisfied() + 1);
    } else {
      response.set_still_needed(response.still_needed() + 1);
    }
  }
  return response;
}

}  // namespace skp::passport
