// WorkforceProjection: follows admitted records into the workforce facts
// (DESIGN.md section 8). Each record a workforce query needs is staged as a
// row in the same batch as its entry:
//   "workforce/" u64 index (big-endian) -> WorkforceFact
// and folded into the in-memory WorkforceFacts once the batch commits. At
// start, Load rebuilds the facts from these rows alone, in log order: no
// entry is read or verified again.
//
// Thread-safety: Check/Stage/Committed/Aborted on the log's writer thread.
#ifndef SKP_SERVICES_WORKFORCE_WORKFORCE_PROJECTION_H_
#define SKP_SERVICES_WORKFORCE_WORKFORCE_PROJECTION_H_

#include <vector>

#include "absl/functional/function_ref.h"
#include "ledger/store.h"
#include "services/registry/record_validator.h"
#include "services/workforce/facts.h"

namespace skp::workforce {

class WorkforceProjection : public registry::RecordAdmission {
 public:
  // `facts` must outlive the projection.
  explicit WorkforceProjection(WorkforceFacts* facts) : facts_(facts) {}

  // Folds every "workforce/" row of `store` into `facts`, calling
  // `progress(rows folded)` after each chunk.
  static absl::Status Load(
      const ledger::LogStore& store, WorkforceFacts& facts,
      absl::FunctionRef<void(uint64_t)> progress = [](uint64_t) {});

  absl::Status Check(const skillspassport::v1::Record&) const override {
    return absl::OkStatus();
  }
  void Stage(const skillspassport::v1::Record& record,
             const ledger::Hash& record_id, uint64_t index,
             absl::string_view issuer, ledger::ProjectionRows& rows) override;
  // Stored as a revocation of the record, which the facts fold like any
  // status change.
  void StageSignerRevoked(absl::string_view record_id,
                          ledger::ProjectionRows& rows) override;
  void Committed() override;
  void Aborted() override { staged_.clear(); }

 private:
  WorkforceFacts* const facts_;
  std::vector<skillspassport::v1::WorkforceFact> staged_;
};

}  // namespace skp::workforce

#endif  // SKP_SERVICES_WORKFORCE_WORKFORCE_PROJECTION_H_
