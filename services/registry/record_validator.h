// RecordValidator: the node's intake rules for signed records (DESIGN.md
// section 4), as a ledger::EntryValidator.
//
// Validate (any thread, parallel): the payload is a Record of the record
// payload type; its content passes CheckRecordContent; issued_at is within
// the allowed skew of the node's clock; every signature is by a key the
// registry knows and has not revoked as of issued_at (or by the new key the
// record itself introduces) and verifies over the DSSE pre-image.
// ValidateLogged: the same but for the clock and the revocation.
// Admit (writer thread, log order): every signer is resolved again, the
// authorisation table allows them, the record fits the registry (no
// duplicate ids or keys); then the registry is updated and the rows below
// staged in the same batch:
//   "registry/" u64 sequence -> record bytes, for registry kinds, numbered in
//                               admission order (replayed in it at start)
//   "issuer/" leaf hash      -> the signer's owner id (who may revoke the
//                               record)
//   "signed/" key id, u64 issued_at, leaf hash -> "" for each key vouching
//                               for the record (found again if it is revoked)
// `index` in Admit is the record's ledger::RecordLocation on this node.
//
// Revoked signing keys (DESIGN.md section 4): Validate refuses a record
// submitted here whose key was revoked at or before its issued_at. One that
// a log already holds (another node logged it before it heard of the
// revocation, or a revocation overtook it on its way in) is in that log for
// good: Admit takes it and every projection holds it revoked, whichever of
// the record and the revocation arrived first, so nodes holding the same
// records agree.
#ifndef SKP_SERVICES_REGISTRY_RECORD_VALIDATOR_H_
#define SKP_SERVICES_REGISTRY_RECORD_VALIDATOR_H_

#include <atomic>
#include <functional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "ledger/store.h"
#include "ledger/validator.h"
#include "records/reference/reference_data.h"
#include "services/registry/trust_registry.h"

namespace skp::registry {

// A projection that follows admitted records (passports, workforce facts).
// Called on the writer thread only, in log order: Check for every
// projection once the registry's checks pass (any may refuse the record),
// then Stage for every projection once none did (it stages its rows in the
// same batch as the entry).
class RecordAdmission {
 public:
  virtual ~RecordAdmission() = default;
  virtual absl::Status Check(
      const skillspassport::v1::Record& record) const = 0;
  // `issuer` is the owner id of the signer vouching for the record.
  virtual void Stage(const skillspassport::v1::Record& record,
                     const ledger::Hash& record_id, uint64_t index,
                     absl::string_view issuer,
                     ledger::ProjectionRows& rows) = 0;
  // `record_id`, admitted earlier or in this batch, was signed by a key
  // revoked at or before its issued_at: from now on it counts as revoked.
  // The rows it stages depend on the record alone, never on what arrived
  // first, so `passportd verify` finds them again on a rebuild.
  virtual void StageSignerRevoked(absl::string_view record_id,
                                  ledger::ProjectionRows& rows) = 0;
  virtual void Committed() = 0;
  virtual void Aborted() = 0;
};

struct RecordValidatorOptions {
  // How far a record's issued_at may be from the node's clock.
  absl::Duration max_clock_skew = absl::Minutes(10);
};

class RecordValidator : public ledger::EntryValidator {
 public:
  using Clock = std::function<absl::Time()>;

  // All pointers must outlive the validator. `store` is read for issuer rows.
  RecordValidator(TrustRegistry* registry,
                  const reference::ReferenceData* reference,
                  const ledger::LogStore* store, Clock clock,
                  RecordValidatorOptions options = {});

  // Adds a projection that admits records after the registry; it must
  // outlive the validator. Call before the log opens.
  void AddAdmission(RecordAdmission* admission) {
    admissions_.push_back(admission);
  }

  // Folds the registry rows of `store` numbered from `from` into `registry`
  // (all of them, or those after a snapshot of the first `from`), in
  // admission order. Returns the number of registry rows stored.
  static absl::StatusOr<uint64_t> LoadRegistry(const ledger::LogStore& store,
                                               TrustRegistry& registry,
                                               uint64_t from = 0);
  // The key of registry row `number`.
  static std::string RegistryRowKey(uint64_t number);
  // Spares the first admission counting the registry rows (LoadRegistry's
  // answer).
  void SetRegistryRows(uint64_t rows) {
    registry_rows_ = registry_rows_staged_ = rows;
    committed_registry_rows_ = rows;
  }
  // Registry rows stored as of the last committed batch, as last set or
  // counted (any thread).
  uint64_t registry_rows() const { return committed_registry_rows_.load(); }

  // The record, parsed once: Validate and Admit read it from here.
  absl::StatusOr<std::unique_ptr<const ledger::ParsedPayload>> Parse(
      const ledger::Entry& entry) const override;
  absl::Status Validate(const ledger::IncomingEntry& entry) const override;
  // Validate without the clock check: a mirrored record was checked against
  // its logging node's clock.
  absl::Status ValidateLogged(
      const ledger::IncomingEntry& entry) const override;
  absl::Status Admit(const ledger::IncomingEntry& entry, uint64_t index,
                     ledger::ProjectionRows& rows) override;
  void Committed() override;
  void Aborted() override;

 private:
  absl::Status CheckEntry(const ledger::IncomingEntry& entry,
                          bool check_clock) const;
  absl::StatusOr<std::string> IssuerOf(absl::string_view record_id) const;
  // Ids of the records `revocation` withdraws (committed and staged).
  absl::StatusOr<std::vector<std::string>> SignedDuring(
      const KeyRevocation& revocation) const;

  TrustRegistry* const registry_;
  const reference::ReferenceData* const reference_;
  const ledger::LogStore* const store_;
  const Clock clock_;
  const RecordValidatorOptions options_;
  // Issuers of records admitted in the batch being written (writer thread).
  absl::flat_hash_map<std::string, std::string> staged_issuers_;
  // "signed/" rows of that batch: scanned only by a key revocation in it.
  std::vector<std::string> staged_signed_;
  // Registry rows committed (counted on first use) and staged.
  std::optional<uint64_t> registry_rows_;
  uint64_t registry_rows_staged_ = 0;
  std::atomic<uint64_t> committed_registry_rows_{0};
  std::vector<RecordAdmission*> admissions_;
};

}  // namespace skp::registry

#endif  // SKP_SERVICES_REGISTRY_RECORD_VALIDATOR_H_
