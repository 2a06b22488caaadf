#include "services/passportd/background_snapshots.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "ledger/status_macros.h"
#include "services/common/log_event.h"

namespace skp::services {

BackgroundSnapshots::BackgroundSnapshots(
    const Intake* serving, ledger::LogStore* store,
    std::vector<ledger::Verifier> governance,
    const reference::ReferenceData* reference, std::string path,
    Options options)
    : serving_(serving),
      store_(store),
      governance_(std::move(governance)),
      reference_(reference),
      path_(std::move(path)),
      options_(options),
      thread_([this] { Loop(); }) {}

BackgroundSnapshots::~BackgroundSnapshots() {
  stop_.Notify();
  thread_.join();
}

void BackgroundSnapshots::Loop() {
  uint64_t saved = serving_->rows_from_snapshot();
  while (!stop_.WaitForNotificationWithTimeout(options_.check)) {
    const uint64_t rows = serving_->rows();
    if (rows - std::min(saved, rows) < options_.rows) continue;
    const absl::Time began = absl::Now();
    absl::StatusOr<uint64_t> snapshot = SnapshotNow();
    if (!snapshot.ok()) {
      LogEvent("snapshot_failed",
               absl::StrCat("error=\"", snapshot.status().message(), "\""));
      continue;
    }
    saved = *snapshot;
    LogEvent("snapshot_written",
             absl::StrFormat("rows=%d ms=%d background=1", saved,
                             absl::ToInt64Milliseconds(absl::Now() - began)));
  }
}

absl::StatusOr<uint64_t> BackgroundSnapshots::SnapshotNow() const {
  SKP_ASSIGN_OR_RETURN(
      std::unique_ptr<Intake> copy,
      Intake::Load(store_, governance_, reference_, [] { return absl::Now(); },
                   {}, path_));
  SKP_RETURN_IF_ERROR(copy->SaveSnapshot(path_));
  return copy->rows();
}

}  // namespace skp::services
