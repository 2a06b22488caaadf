// PassportProjection: each passport's records, indexed in the same batch as
// the entries, and the derived view (DESIGN.md sections 3 and 8).
//
// Rows (values are u64 index || issuer id):
//   "passport/" passport_id(16) record_id(32)   every record about a passport
//   "delegation/" delegation_id "\0" record_id  a delegation and its reviews
//                                               and withdrawals
//   "status/" target_record_id record_id        revocations, suspensions,
//                                               reinstatements
//   "signer-revoked/" record_id -> ""           records signed by a key
//                                               revoked before they were
//
// The view is folded at read time from the set of records found, by rules on
// signed fields only (never arrival order), so two nodes holding the same
// records give the same view. Admission enforces the delegation lifecycle:
// a delegation needs a valid, competent assessment for the same passport and
// activity, a registered professional (the registry's table) and an active
// employment on the delegation date.
//
// Thread-safety: Check/Stage/Committed/Aborted on the log's writer thread
// only; View and HasLiveConsent on any thread (they read committed rows).
#ifndef SKP_SERVICES_PASSPORT_PASSPORT_PROJECTION_H_
#define SKP_SERVICES_PASSPORT_PASSPORT_PROJECTION_H_

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ledger/store.h"
#include "records/reference/reference_data.h"
#include "services/registry/record_validator.h"
#include "services/registry/trust_registry.h"
#include "skillspassport/v1/passport.pb.h"

namespace skp::passport {

class PassportProjection : public registry::RecordAdmission {
 public:
  // All pointers must outlive the projection.
  PassportProjection(const ledger::LogStore* store,
                     const registry::TrustRegistry* registry,
                     const reference::ReferenceData* reference);

  absl::Status Check(const skillspassport::v1::Record& record) const override;
  void Stage(const skillspassport::v1::Record& record,
             const ledger::Hash& record_id, uint64_t index,
             absl::string_view issuer, ledger::ProjectionRows& rows) override;
  void StageSignerRevoked(absl::string_view record_id,
                          ledger::ProjectionRows& rows) override;
  void Committed() override;
  void Aborted() override;

  // The passport's view on `as_of`; `now` (Unix seconds) decides consents.
  absl::StatusOr<skillspassport::v1::PassportView> View(
      absl::string_view passport_id, absl::CivilDay as_of, int64_t now) const;
  // VALID, REVOKED or SUSPENDED, from the record's status changes, a
  // revocation of its signing key (and, for a delegation, its withdrawal).
  absl::StatusOr<skillspassport::v1::RecordState> StateOf(
      absl::string_view record_id,
      const skillspassport::v1::Record& record) const;
  absl::StatusOr<bool> HasLiveConsent(absl::string_view passport_id,
                                      absl::string_view organisation_id,
                                      int64_t now) const;
  // Where this node stores a record (a ledger::RecordLocation); nullopt if
  // it holds no such record.
  absl::StatusOr<std::optional<uint64_t>> LocationOf(
      absl::string_view record_id) const;
  // Every record now REVOKED or SUSPENDED: the targets of status changes,
  // records signed by a revoked key, and withdrawn delegations.
  struct NotValid {
    uint64_t location = 0;
    skillspassport::v1::RecordState state;
  };
  absl::StatusOr<std::vector<NotValid>> NotValidRecords() const;
  // Counts committed batches: what it answers changes only when this does.
  uint64_t generation() const { return generation_.load(); }

  // A stored record with what the rows say about it.
  struct Stored {
    uint64_t index = 0;
    std::string record_id;
    std::string issuer;
    skillspassport::v1::Record record;
  };

 private:
  // StateOf, with (include_staged) the batch being admitted.
  absl::StatusOr<skillspassport::v1::RecordState> StateOf(
      absl::string_view record_id, const skillspassport::v1::Record& record,
      bool include_staged) const;
  // Records under a row prefix: committed rows, plus (include_staged) the
  // batch being admitted.
  absl::StatusOr<std::vector<Stored>> Scan(absl::string_view prefix,
                                           bool include_staged) const;
  absl::StatusOr<std::optional<Stored>> FindRecord(
      absl::string_view record_id) const;
  absl::Status CheckDelegation(
      const skillspassport::v1::ActivityDelegated& d) const;
  absl::Status CheckDelegationChange(absl::string_view delegation_id,
                                     absl::string_view professional_id) const;
  absl::Status CheckEmploymentEnded(
      const skillspassport::v1::EmploymentEnded& e) const;

  const ledger::LogStore* const store_;
  const registry::TrustRegistry* const registry_;
  const reference::ReferenceData* const reference_;
  // The batch being admitted (writer thread): rows and records by id.
  std::map<std::string, std::string> staged_rows_;
  std::map<std::string, Stored> staged_records_;
  std::atomic<uint64_t> generation_{0};
  absl::flat_hash_set<std::string> staged_signer_revoked_;
};

// Which checklist items a passport view satisfies, with the valid records
// that do. A pure function of the view.
skillspassport::v1::RequiredCredentialsResponse MatchChecklist(
    const skillspassport::v1::PassportView& view,
    const google::protobuf::RepeatedPtrField<skillspassport::v1::Requirement>&
        checklist);

// "<passport|delegation|status>/..." row keys, shared with tests.
std::string PassportPrefix(absl::string_view passport_id);

}  // namespace skp::passport

#endif  // SKP_SERVICES_PASSPORT_PASSPORT_PROJECTION_H_
