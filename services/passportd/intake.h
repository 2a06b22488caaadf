// Intake: the node's record intake stack, wired in one place: the trust
// registry, the record validator (the log's EntryValidator) and the
// projections that follow admitted records (passports, workforce facts). Used
// by the node, by `passportd rebuild` and by tests.
#ifndef SKP_SERVICES_PASSPORTD_INTAKE_H_
#define SKP_SERVICES_PASSPORTD_INTAKE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/crypto.h"
#include "ledger/store.h"
#include "services/passport/passport_projection.h"
#include "records/reference/reference_data.h"
#include "services/registry/record_validator.h"
#include "services/registry/trust_registry.h"
#include "services/workforce/facts.h"
#include "services/workforce/workforce_projection.h"

namespace skp::services {

class Intake {
 public:
  // Loads the registry and the workforce facts from `store`'s projection
  // rows: from the snapshot file `snapshot` and the rows after it, if it is
  // there and fits the store, else from every row (logging why the snapshot
  // was not used). `store` and `reference` must outlive the Intake.
  static absl::StatusOr<std::unique_ptr<Intake>> Load(
      ledger::LogStore* store, const std::vector<ledger::Verifier>& governance,
      const reference::ReferenceData* reference,
      registry::RecordValidator::Clock clock,
      workforce::Disclosure disclosure = {}, const std::string& snapshot = "");

  // Writes the registry and the facts, as of the last committed batch, to
  // the snapshot file `path` (FORMAT.md section 12), replacing it whole.
  // Not while a batch is being admitted: call it on a closed log, or on an
  // Intake no log writes to.
  absl::Status SaveSnapshot(const std::string& path) const;
  // The registry's and the facts' rows the Intake holds (committed).
  uint64_t rows() const;
  // Where the last Load began: the rows its snapshot held (0 without one).
  uint64_t rows_from_snapshot() const { return rows_from_snapshot_; }
  // What Load made of the snapshot, as log fields: "used=1 ..." or
  // "used=0 reason=..."; empty when it was given none.
  const std::string& snapshot_note() const { return snapshot_note_; }

  // Recomputes every projection row of `store` from its entries alone: the
  // own log's, then each mirror's (slot, store), as ledger::Log::Readmit
  // admits them (records wait for their dependencies, whichever log holds
  // them). kDataLoss if an entry of the own log can no longer be admitted
  // (the rules changed under the log). `node_key` signs the log's
  // checkpoint, which does not change.
  static absl::Status Rebuild(
      ledger::LogStore* store, const ledger::Signer& node_key,
      const std::vector<ledger::Verifier>& governance,
      const reference::ReferenceData* reference,
      const std::vector<std::pair<int, const ledger::LogStore*>>& mirrors = {});

  registry::RecordValidator& validator() { return *validator_; }
  const registry::TrustRegistry& registry() const { return *registry_; }
  const passport::PassportProjection& passports() const { return *passports_; }
  const workforce::WorkforceFacts& workforce() const {
    return *workforce_facts_;
  }

 private:
  Intake() = default;
  // Restores the registry and facts from the snapshot at `path`, checking
  // its tag against `store`; sets where each one's rows continue.
  absl::Status Restore(const std::string& path, uint64_t& registry_rows,
                       uint64_t& facts_rows);

  ledger::LogStore* store_ = nullptr;
  uint64_t loaded_log_size_ = 0;
  ledger::Hash governance_digest_{};
  const reference::ReferenceData* reference_ = nullptr;
  uint64_t rows_from_snapshot_ = 0;
  std::string snapshot_note_;

  std::unique_ptr<registry::TrustRegistry> registry_;
  std::unique_ptr<passport::PassportProjection> passports_;
  std::unique_ptr<workforce::WorkforceFacts> workforce_facts_;
  std::unique_ptr<workforce::WorkforceProjection> workforce_;
  std::unique_ptr<registry::RecordValidator> validator_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_PASSPORTD_INTAKE_H_
