#include "services/passportd/intake.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ledger/entry.h"
#include "ledger/log.h"
#include "ledger/merkle.h"
#include "ledger/status_macros.h"
#include "services/common/log_event.h"

namespace skp::services {
namespace {

// One "progress" log line a second at most, for starts, rebuilds and
// verifications that take long.
class ProgressLine {
 public:
  explicit ProgressLine(absl::string_view what) : what_(what) {}
  void Report(uint64_t done, std::optional<uint64_t> of = std::nullopt) {
    absl::Time now = absl::Now();
    if (now - last_ < absl::Seconds(1)) return;
    last_ = now;
    LogEvent("progress",
             absl::StrCat("what=", what_, " done=", done,
                          of.has_value() ? absl::StrCat(" of=", *of) : ""));
  }

 private:
  std::string what_;
  absl::Time last_ = absl::Now();
};

}  // namespace

absl::StatusOr<std::unique_ptr<Intake>> Intake::Load(
    ledger::LogStore* store, const std::vector<ledger::Verifier>& governance,
    const reference::ReferenceData* reference,
    registry::RecordValidator::Clock clock, workforce::Disclosure disclosure) {
  std::unique_ptr<Intake> intake(new Intake());
  intake->registry_ = std::make_unique<registry::TrustRegistry>(governance);
  SKP_RETURN_IF_ERROR(
      registry::RecordValidator::LoadRegistry(*store, *intake->registry_));
  intake->passports_ = std::make_unique<passport::PassportProjection>(
      store, intake->registry_.get(), reference);
  intake->validator_ = std::make_unique<registry::RecordValidator>(
      intake->registry_.get(), reference, store, std::move(clock));
  intake->workforce_facts_ =
      std::make_unique<workforce::WorkforceFacts>(reference, disclosure);
  ProgressLine facts_progress("workforce_facts_rows");
  SKP_RETURN_IF_ERROR(workforce::WorkforceProjection::Load(
      *store, *intake->workforce_facts_,
      [&](uint64_t rows) { facts_progress.Report(rows); }));
  intake->workforce_ = std::make_unique<workforce::WorkforceProjection>(
      intake->workforce_facts_.get());
  intake->validator_->AddAdmission(intake->passports_.get());
  intake->validator_->AddAdmission(intake->workforce_.get());
  return intake;
}

absl::Status Intake::Rebuild(
    ledger::LogStore* store, const ledger::Signer& node_key,
    const std::vector<ledger::Verifier>& governance,
    const reference::ReferenceData* reference,
    const std::vector<std::pair<int, const ledger::LogStore*>>& mirrors) {
  SKP_RETURN_IF_ERROR(store->ClearProjections());
  // Admission never reads the clock (only Validate does), so replay is
  // deterministic.
  SKP_ASSIGN_OR_RETURN(
      std::unique_ptr<Intake> intake,
      Load(store, governance, reference, [] { return absl::Now(); }));
  SKP_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Log> log,
                       ledger::Log::Open(store, &node_key, &intake->validator(),
                                         {.origin = node_key.name()}));
  std::vector<std::pair<int, const ledger::LogStore*>> logs = {{0, store}};
  logs.insert(logs.end(), mirrors.begin(), mirrors.end());
  constexpr uint64_t kChunk = 4096;
  for (const auto& [slot, source] : logs) {
    SKP_ASSIGN_OR_RETURN(uint64_t size, source->Size());
    ProgressLine progress(absl::StrCat("readmit_log_slot_", slot));
    for (uint64_t from = 0; from < size; from += kChunk) {
      progress.Report(from, size);
      std::vector<std::string> chunk;
      SKP_RETURN_IF_ERROR(
          source->ScanEntries(from, std::min(size, from + kChunk),
                              [&](uint64_t, absl::string_view bytes) {
                                chunk.emplace_back(bytes);
                                return true;
                              }));
      SKP_ASSIGN_OR_RETURN(ledger::MirroredResult result,
                           log->Readmit(slot, from, std::move(chunk)));
      if (slot == 0 && result.refused > 0) {
        return absl::DataLossError(
            absl::StrCat(result.refused, " entries of the log from index ",
                         from, " no longer validate"));
      }
    }
  }
  // Mirrored records may wait for records no log holds yet; the own log's
  // were all admitted once, so each must be again.
  SKP_ASSIGN_OR_RETURN(std::vector<uint64_t> parked, log->ParkedLocations());
  for (uint64_t location : parked) {
    if (ledger::LocationSlot(location) == 0) {
      return absl::DataLossError(
          absl::StrCat("entry ", location, " is not admissible on replay"));
    }
  }
  return absl::OkStatus();
}

}  // namespace skp::services
