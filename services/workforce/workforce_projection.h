// WorkforceProjection: follows admitted records into the workforce facts
// (DESIGN.md section 8). Each record a workforce query needs is staged as a
// row in the same batch as its entry:
//   "facts/" u64 admission number (big-endian) -> WorkforceFact
// and folded into the in-memory WorkforceFacts once the batch commits. At
// start, Load rebuilds the facts from these rows alone: no entry is read or
// verified again. Rows are numbered in admission order, so the rows a
// snapshot of the facts does not hold are those from its count on.
// Directories written before that keyed rows by location under
// "workforce/"; they are still folded (first), and never written again.
//
// Thread-safety: Check/Stage/Committed/Aborted on the log's writer thread.
#ifndef SKP_SERVICES_WORKFORCE_WORKFORCE_PROJECTION_H_
#define SKP_SERVICES_WORKFORCE_WORKFORCE_PROJECTION_H_

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "ledger/store.h"
#include "services/registry/record_validator.h"
#include "services/workforce/facts.h"

namespace skp::workforce {

class WorkforceProjection : public registry::RecordAdmission {
 public:
  // `facts` must outlive the projection; `rows` is the number of "facts/"
  // rows stored (Load's answer).
  WorkforceProjection(WorkforceFacts* facts, uint64_t rows)
      : facts_(facts), rows_(rows) {}

  // Folds the rows of `store` into `facts`: every row (the old layout's
  // first) into empty facts, or, with `snapshot_rows`, only the "facts/"
  // rows numbered from it into facts restored from a snapshot of the rows
  // before (which holds every old-layout row), calling `progress(rows
  // folded)` after each chunk. Returns the number of "facts/" rows stored.
  static absl::StatusOr<uint64_t> Load(
      const ledger::LogStore& store, WorkforceFacts& facts,
      std::optional<uint64_t> snapshot_rows = std::nullopt,
      absl::FunctionRef<void(uint64_t)> progress = [](uint64_t) {});
  // The key of "facts/" row `number`.
  static std::string RowKey(uint64_t number);
  // Rows stored, as of the last committed batch.
  uint64_t rows() const { return rows_.load(); }

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
  void StageRow(skillspassport::v1::WorkforceFact fact,
                ledger::ProjectionRows& rows);

  WorkforceFacts* const facts_;
  std::atomic<uint64_t> rows_;  // written on the writer thread only
  std::vector<skillspassport::v1::WorkforceFact> staged_;
};

}  // namespace skp::workforce

#endif  // SKP_SERVICES_WORKFORCE_WORKFORCE_PROJECTION_H_
