// BackgroundSnapshots: keeps a serving node's snapshot (FORMAT.md section
// 12) close behind its store, so that a start after a crash folds a short
// tail. Once `rows` projection rows were added since the last snapshot, a
// thread loads the last snapshot and the rows after it into an Intake of
// its own and saves that: the serving Intake is only read for its row
// count, so appends and queries never wait, at the cost of memory for a
// second copy of the state while it runs.
#ifndef SKP_SERVICES_PASSPORTD_BACKGROUND_SNAPSHOTS_H_
#define SKP_SERVICES_PASSPORTD_BACKGROUND_SNAPSHOTS_H_

#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "ledger/crypto.h"
#include "ledger/store.h"
#include "records/reference/reference_data.h"
#include "services/passportd/intake.h"

namespace skp::services {

class BackgroundSnapshots {
 public:
  struct Options {
    uint64_t rows = 500000;  // new rows that call for a snapshot
    absl::Duration check = absl::Seconds(10);  // how often they are counted
  };
  // `serving`, `store` and `reference` must outlive this; `path` is the
  // snapshot file `serving` was loaded from.
  BackgroundSnapshots(const Intake* serving, ledger::LogStore* store,
                      std::vector<ledger::Verifier> governance,
                      const reference::ReferenceData* reference,
                      std::string path, Options options);
  // Stops the thread, after the snapshot it may be writing.
  ~BackgroundSnapshots();

 private:
  void Loop();
  // The rows the new snapshot holds.
  absl::StatusOr<uint64_t> SnapshotNow() const;

  const Intake* const serving_;
  ledger::LogStore* const store_;
  const std::vector<ledger::Verifier> governance_;
  const reference::ReferenceData* const reference_;
  const std::string path_;
  const Options options_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_PASSPORTD_BACKGROUND_SNAPSHOTS_H_
