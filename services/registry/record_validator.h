// RecordValidator: the node's intake rules for signed records (DESIGN.md
// section 4), as a ledger::EntryValidator.
//
// Validate (any thread, parallel): the payload is a Record of the record
// payload type; its content passes CheckRecordContent; issued_at is within
// the allowed skew of the node's clock; every signature is by a key the
// registry knows (or by the new key the record itself introduces) and
// verifies over the DSSE pre-image.
// Admit (writer thread, log order): every signer is resolved again as of the
// record's issued_at (revocations earlier in the log or the same batch
// apply), the authorisation table allows them, the record fits the registry
// (no duplicate ids or keys); then the registry is updated and the rows below
// staged in the same batch:
//   "registry/" u64 sequence -> record bytes, for registry kinds, numbered in
//                               admission order (replayed in it at start)
//   "issuer/" leaf hash      -> the signer's owner id (who may revoke the
//                               record)
// `index` in Admit is the record's ledger::RecordLocation on this node.
#ifndef SKP_SERVICES_REGISTRY_RECORD_VALIDATOR_H_
#define SKP_SERVICES_REGISTRY_RECORD_VALIDATOR_H_

#include <functional>

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

  // Rebuilds `registry` from the registry rows of `store`, in log order.
  static absl::Status LoadRegistry(const ledger::LogStore& store,
                                   TrustRegistry& registry);

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

  TrustRegistry* const registry_;
  const reference::ReferenceData* const reference_;
  const ledger::LogStore* const store_;
  const Clock clock_;
  const RecordValidatorOptions options_;
  // Issuers of records admitted in the batch being written (writer thread).
  absl::flat_hash_map<std::string, std::string> staged_issuers_;
  // Registry rows committed (counted on first use) and staged.
  std::optional<uint64_t> registry_rows_;
  uint64_t registry_rows_staged_ = 0;
  std::vector<RecordAdmission*> admissions_;
};

}  // namespace skp::registry

#endif  // SKP_SERVICES_REGISTRY_RECORD_VALIDATOR_H_
