// workforce_load: writes a generated workforce (workforce_generator.h) into a
// node's data directory through the node's own intake (the trust registry,
// signature checks, authorisation, admission and projections, group-committed
// by the log), with a progress bar. Then `passportd serve --data-dir DIR`
// serves it; the benchmark reads it.
//
//   workforce_load --data-dir DIR --workers N [--seed S]
//                  [--planner-key-out FILE]
//
// --planner-key-out writes the key of the first ICS's workforce planner
// (for the dashboard's tests) and prints "planner ORG ICB".
//
// The directory's trust anchor is the generator's governance key (written on
// first use). Signing runs on this thread, and validation and appending on a
// second, so both cores work.
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "ledger/log.h"
#include "ledger/rocksdb_store.h"
#include "ledger/status_macros.h"
#include "services/passportd/background_snapshots.h"
#include "services/passportd/data_dir.h"
#include "services/passportd/intake.h"
#include "services/passportd/node.h"
#include "tests/workforce/workforce_generator.h"

namespace skp::testing {
namespace {

// Entries handed from the signing thread to the appending thread, bounded so
// memory stays flat.
class EntryQueue {
 public:
  void Push(std::string entry) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](EntryQueue* q) { return q->entries_.size() < kCapacity; }, this));
    entries_.push_back(std::move(entry));
  }
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  // False once closed and drained.
  bool Pop(std::string& entry) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](EntryQueue* q) { return !q->entries_.empty() || q->closed_; },
        this));
    if (entries_.empty()) return false;
    entry = std::move(entries_.front());
    entries_.pop_front();
    return true;
  }

 private:
  static constexpr size_t kCapacity = 16384;
  absl::Mutex mu_;
  std::deque<std::string> entries_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

void ProgressBar(int done, int total, uint64_t records, absl::Time start) {
  const double fraction = total == 0 ? 1 : static_cast<double>(done) / total;
  const int filled = static_cast<int>(fraction * 30);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double rate = seconds > 0 ? records / seconds : 0;
  const double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
  std::fprintf(stderr,
               "\r  [%s%s] %3.0f%%  %d/%d workers  %llu records  "
               "%.1fk records/s  ETA %.0fs   ",
               std::string(filled, '#').c_str(),
               std::string(30 - filled, '-').c_str(), fraction * 100, done,
               total, static_cast<unsigned long long>(records), rate / 1000,
               eta);
  std::fflush(stderr);
}

absl::Status Run(const std::string& dir, int workers, uint64_t seed,
                 const std::string& planner_key_out) {
  SKP_ASSIGN_OR_RETURN(reference::ReferenceData reference,
                       reference::ReferenceData::Embedded());
  SKP_ASSIGN_OR_RETURN(
      WorkforceGenerator generator,
      WorkforceGenerator::Create(
          {.seed = seed, .workers = workers, .keep_truth = false}, &reference));
  if (!planner_key_out.empty()) {
    SKP_ASSIGN_OR_RETURN(ledger::Signer planner, generator.KeyOf("ODS:Q0"));
    SKP_RETURN_IF_ERROR(ledger::WriteKeyFile(planner_key_out, planner));
    std::printf("planner ODS:Q0 %s\n", generator.icbs()[0].c_str());
  }
  SKP_ASSIGN_OR_RETURN(ledger::Signer node_key,
                       services::LoadOrCreateNodeKey(dir, ""));
  const std::string anchors = dir + "/trust-anchors.txt";
  if (!std::filesystem::exists(anchors)) {
    std::ofstream(anchors) << "# The synthetic workforce's governance key.\n"
                           << generator.governance().verifier().ToString()
                           << "\n";
  }
  SKP_ASSIGN_OR_RETURN(std::vector<ledger::Verifier> governance,
                       ledger::ReadTrustAnchors(anchors));
  const services::DataDir data_dir(dir);
  SKP_ASSIGN_OR_RETURN(auto store,
                       ledger::RocksDbStore::Open(data_dir.Ledger()));
  SKP_ASSIGN_OR_RETURN(
      auto intake,
      services::Intake::Load(store.get(), governance, &reference,
                             [] { return absl::Now(); }, {},
                             data_dir.Snapshot()));
  SKP_ASSIGN_OR_RETURN(
      auto log, ledger::Log::Open(store.get(), &node_key, &intake->validator(),
                                  {.origin = node_key.name()}));
  // Snapshots as a node with the default options writes them, so a node
  // started on the directory, or killed during the load, starts as one
  // would.
  auto snapshots = std::make_unique<services::BackgroundSnapshots>(
      intake.get(), store.get(), governance, &reference, data_dir.Snapshot(),
      services::BackgroundSnapshots::Options{});

  absl::Mutex mu;
  absl::Status first_error;
  uint64_t appended = 0, pending = 0;
  EntryQueue queue;
  std::thread appender([&] {
    std::string entry;
    while (queue.Pop(entry)) {
      {
        absl::MutexLock lock(&mu);
        ++pending;
      }
      log->Append(std::move(entry),
                  [&](absl::StatusOr<ledger::AppendResult> result) {
                    absl::MutexLock lock(&mu);
                    --pending;
                    ++appended;
                    if (!result.ok() && first_error.ok()) {
                      first_error = result.status();
                    }
                  });
    }
  });

  const absl::Time start = absl::Now();
  SKP_RETURN_IF_ERROR(generator.Setup([&](const std::string& entry) {
    return log->AppendAndWait(entry).status();
  }));
  absl::Status generated = generator.Workers(
      [&](const std::string& entry) {
        queue.Push(entry);
        absl::MutexLock lock(&mu);
        return first_error;
      },
      [&](int done) {
        ProgressBar(done, workers, generator.entries(), start);
      });
  queue.Close();
  appender.join();
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](uint64_t* p) { return *p == 0; }, &pending));
    if (!first_error.ok()) return first_error;
  }
  SKP_RETURN_IF_ERROR(generated);
  snapshots.reset();
  const uint64_t log_size = log->Head().size;
  log.reset();  // as a node's clean stop: the state is final, then saved
  SKP_RETURN_IF_ERROR(intake->SaveSnapshot(data_dir.Snapshot()));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::fprintf(stderr, "\n");
  std::printf(
      "%d workers, %llu records appended in %.0f s (%.0f records/s); "
      "log size %llu\n",
      workers, static_cast<unsigned long long>(appended), seconds,
      appended / seconds, static_cast<unsigned long long>(log_size));
  return absl::OkStatus();
}

}  // namespace
}  // namespace skp::testing

int main(int argc, char** argv) {
  CLI::App app{
      "workforce_load: a synthetic workforce through the real intake into a "
      "new data directory"};
  app.option_defaults()->always_capture_default();
  std::string dir;
  int workers = 0;
  uint64_t seed = 1;
  app.add_option("--data-dir", dir, "the data directory to write")->required();
  app.add_option("--workers", workers, "workers to generate")
      ->required()
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "the generator's seed");
  std::string planner_key_out;
  app.add_option("--planner-key-out", planner_key_out,
                 "write the first ICS's workforce planner's key file here");
  CLI11_PARSE(app, argc, argv);
  absl::Status status =
      skp::testing::Run(dir, workers, seed, planner_key_out);
  if (status.ok()) return 0;
  std::fprintf(stderr, "workforce_load: %s\n", status.ToString().c_str());
  return 1;
}
