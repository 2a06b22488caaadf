#include "services/passportd/intake.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"
#include "ledger/status_macros.h"

namespace skp::services {

absl::StatusOr<std::unique_ptr<Intake>> Intake::Load(
    ledger::LogStore* store, const std::vector<ledger::Verifier>& governance,
    const reference::ReferenceData* reference,
    registry::RecordValidator::Clock clock, int suppression_threshold) {
  std::unique_ptr<Intake> intake(new Intake());
  intake->registry_ = std::make_unique<registry::TrustRegistry>(governance);
  SKP_RETURN_IF_ERROR(
      registry::RecordValidator::LoadRegistry(*store, *intake->registry_));
  intake->passports_ = std::make_unique<passport::PassportProjection>(
      store, intake->registry_.get(), reference);
  intake->validator_ = std::make_unique<registry::RecordValidator>(
      intake->registry_.get(), reference, store, std::move(clock));
  intake->workforce_facts_ = std::make_unique<workforce::WorkforceFacts>(
      reference, suppression_threshold);
  SKP_RETURN_IF_ERROR(
      workforce::WorkforceProjection::Load(*store, *intake->workforce_facts_));
  intake->workforce_ = std::make_unique<workforce::WorkforceProjection>(
      intake->workforce_facts_.get());
  intake->validator_->AddAdmission(intake->passports_.get());
  intake->validator_->AddAdmission(intake->workforce_.get());
  return intake;
}

absl::Status Intake::Rebuild(ledger::LogStore* store,
                             const std::vector<ledger::Verifier>& governance,
                             const reference::ReferenceData* reference) {
  SKP_RETURN_IF_ERROR(store->ClearProjections());
  // Admission never reads the clock (only Validate does), so replay is
  // deterministic.
  SKP_ASSIGN_OR_RETURN(
      std::unique_ptr<Intake> intake,
      Load(store, governance, reference, [] { return absl::Now(); }));
  SKP_ASSIGN_OR_RETURN(uint64_t size, store->Size());
  SKP_ASSIGN_OR_RETURN(std::string checkpoint, store->LatestCheckpoint());
  constexpr uint64_t kChunk = 4096;
  for (uint64_t from = 0; from < size; from += kChunk) {
    ledger::LogBatch batch;
    batch.first_index = size;  // no entries: projection rows only
    batch.checkpoint = checkpoint;
    absl::Status replay;
    SKP_RETURN_IF_ERROR(store->ScanEntries(
        from, std::min(size, from + kChunk),
        [&](uint64_t index, absl::string_view bytes) {
          absl::StatusOr<ledger::Entry> entry = ledger::DecodeEntry(bytes);
          replay = entry.status();
          if (replay.ok()) {
            replay = intake->validator_->Admit(*entry, ledger::HashLeaf(bytes),
                                               index, batch.projection_rows);
          }
          if (!replay.ok()) {
            replay = absl::DataLossError(absl::StrCat(
                "entry ", index,
                " is not admissible on replay: ", replay.message()));
          }
          return replay.ok();
        }));
    if (!replay.ok()) {
      intake->validator_->Aborted();
      return replay;
    }
    SKP_RETURN_IF_ERROR(store->Commit(batch));
    intake->validator_->Committed();
  }
  return absl::OkStatus();
}

}  // namespace skp::services
