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
  // rows. `store` and `reference` must outlive the Intake.
  static absl::StatusOr<std::unique_ptr<Intake>> Load(
      ledger::LogStore* store, const std::vector<ledger::Verifier>& governance,
      const reference::ReferenceData* reference,
      registry::RecordValidator::Clock clock,
      workforce::Disclosure disclosure = {});

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

  std::unique_ptr<registry::TrustRegistry> registry_;
  std::unique_ptr<passport::PassportProjection> passports_;
  std::unique_ptr<workforce::WorkforceFacts> workforce_facts_;
  std::unique_ptr<workforce::WorkforceProjection> workforce_;
  std::unique_ptr<registry::RecordValidator> validator_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_PASSPORTD_INTAKE_H_
