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
//   "registry/" u64 index  -> record bytes, for registry kinds (replayed at
//   start) "issuer/" leaf hash    -> the signer's owner id (who may revoke the
//   record)
#ifndef SKP_SERVICES_REGISTRY_RECORD_VALIDATOR_H_
#define SKP_SERVICES_REGISTRY_RECORD_VALIDATOR_H_

#include <functional>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "ledger/store.h"
#include "ledger/validator.h"
#include "services/reference/reference_data.h"
#include "services/registry/trust_registry.h"

namespace skp::registry {

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

  // Rebuilds `registry` from the registry rows of `store`, in log order.
  static absl::Status LoadRegistry(const ledger::LogStore& store,
                                   TrustRegistry& registry);

  absl::Status Validate(const ledger::Entry& entry) const override;
  absl::Status Admit(const ledger::Entry& entry, const ledger::Hash& leaf_hash,
                     uint64_t index, ledger::ProjectionRows& rows) override;
  void Committed() override;
  void Aborted() override;

 private:
  absl::StatusOr<std::string> IssuerOf(absl::string_view record_id) const;

  TrustRegistry* const registry_;
  const reference::ReferenceData* const reference_;
  const ledger::LogStore* const store_;
  const Clock clock_;
  const RecordValidatorOptions options_;
  // Issuers of records admitted in the batch being written (writer thread).
  absl::flat_hash_map<std::string, std::string> staged_issuers_;
};

}  // namespace skp::registry

#endif  // SKP_SERVICES_REGISTRY_RECORD_VALIDATOR_H_
