// snapshot_bench: what a snapshot (FORMAT.md section 12) costs and saves on a
// data directory written by workforce_load, in one run:
//
//   snapshot_bench --data-dir DIR [--runs 100] [--as-of 2026-12-01]
//                  [--icb E54000008]
//
// Loads the registry and workforce facts by folding every projection row (as
// a start without a snapshot does), saves them as a snapshot (time, size),
// loads them again from it (as a start with one does), checks that both
// states save equal bytes, and times the dashboard's queries on both states,
// alternating. Prints Markdown tables for tests/bench/RESULTS.md. The
// snapshot is written to DIR/snapshot.bench and removed after.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "ledger/rocksdb_store.h"
#include "ledger/status_macros.h"
#include "services/passportd/data_dir.h"
#include "services/passportd/intake.h"

namespace skp::services {
namespace {

namespace v1 = skillspassport::v1;

struct Options {
  std::string data_dir;
  std::string as_of = "2026-12-01";
  std::string icb = "E54000008";
  int runs = 100;
};

double Seconds(absl::Time since) {
  return absl::ToDoubleSeconds(absl::Now() - since);
}

// Peak resident memory so far, in MB.
double PeakRssMb() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

// The median of `runs` timings of `query`, in ms.
template <typename Query>
absl::StatusOr<double> MedianMs(int runs, Query query) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    absl::Time start = absl::Now();
    SKP_RETURN_IF_ERROR(query());
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

absl::Status Run(const Options& options) {
  absl::CivilDay as_of;
  if (!absl::ParseCivilTime(options.as_of, &as_of)) {
    return absl::InvalidArgumentError("--as-of must be a date YYYY-MM-DD");
  }
  const DataDir dir(options.data_dir);
  SKP_ASSIGN_OR_RETURN(reference::ReferenceData reference,
                       reference::ReferenceData::Embedded());
  SKP_ASSIGN_OR_RETURN(std::vector<ledger::Verifier> governance,
                       ledger::ReadTrustAnchors(dir.TrustAnchors()));
  SKP_ASSIGN_OR_RETURN(auto store, ledger::RocksDbStore::Open(dir.Ledger()));
  SKP_ASSIGN_OR_RETURN(uint64_t records, store->Size());
  auto now = [] { return absl::Now(); };
  const double rss_open = PeakRssMb();

  absl::Time start = absl::Now();
  SKP_ASSIGN_OR_RETURN(std::unique_ptr<Intake> folded,
                       Intake::Load(store.get(), governance, &reference, now));
  const double fold_s = Seconds(start);
  const double rss_folded = PeakRssMb();

  const std::string path = dir.File("snapshot.bench");
  start = absl::Now();
  SKP_RETURN_IF_ERROR(folded->SaveSnapshot(path));
  const double save_s = Seconds(start);
  const uintmax_t bytes = std::filesystem::file_size(path);

  start = absl::Now();
  SKP_ASSIGN_OR_RETURN(
      std::unique_ptr<Intake> restored,
      Intake::Load(store.get(), governance, &reference, now, {}, path));
  const double restore_s = Seconds(start);
  if (!absl::StartsWith(restored->snapshot_note(), "used=1")) {
    return absl::InternalError(
        absl::StrCat("the snapshot was not used: ", restored->snapshot_note()));
  }
  const std::string again = path + ".again";
  SKP_RETURN_IF_ERROR(restored->SaveSnapshot(again));
  const bool equal = Contents(path) == Contents(again);
  std::filesystem::remove(again);
  std::filesystem::remove(path);
  if (!equal) {
    return absl::InternalError("the restored state saves other bytes");
  }

  const size_t workers = folded->workforce().passport_count();
  std::printf(
      "%zu workers, %zu employments, %llu records, %llu projection rows\n\n",
      workers, folded->workforce().employment_count(),
      static_cast<unsigned long long>(records),
      static_cast<unsigned long long>(folded->rows()));
  std::printf(
      "| load | seconds | snapshot bytes | bytes per worker |\n"
      "|---|---|---|---|\n"
      "| every row folded (no snapshot) | %.2f | | |\n"
      "| saved as a snapshot | %.2f | %ju | %.0f |\n"
      "| loaded from the snapshot | %.2f | | |\n\n"
      "folded from rows: %.2fx the snapshot's load; the two states save "
      "equal bytes. Peak RSS: %.0f MB with the store open, %.0f MB after "
      "folding (%.0f bytes per worker for the registry and facts and the "
      "garbage folding left)\n\n",
      fold_s, save_s, bytes, static_cast<double>(bytes) / workers, restore_s,
      fold_s / restore_s, rss_open, rss_folded,
      (rss_folded - rss_open) * 1024 * 1024 / workers);

  const workforce::DayNumber day = workforce::ToDayNumber(as_of);
  v1::WorkforceFilter ics;
  ics.set_icb_code(options.icb);
  using Facts = workforce::WorkforceFacts;
  struct Query {
    const char* name;
    std::function<absl::Status(const Facts&)> run;
  };
  const std::vector<Query> queries = {
      {"Supply, every ICB, place x role",
       [&](const Facts& f) {
         return f.Supply({}, {v1::DIMENSION_PLACE, v1::DIMENSION_ROLE}, day)
             .status();
       }},
      {"Supply, one ICS, place x role",
       [&](const Facts& f) {
         return f.Supply(ics, {v1::DIMENSION_PLACE, v1::DIMENSION_ROLE}, day)
             .status();
       }},
      {"Coverage, one ICS",
       [&](const Facts& f) { return f.Coverage(ics, day).status(); }},
      {"Expiring, one ICS, 90 days",
       [&](const Facts& f) {
         return f.Expiring(options.icb, "", 90, {v1::DIMENSION_PLACE}, day)
             .status();
       }},
      {"Flows, one ICS, a year",
       [&](const Facts& f) {
         return f.Flows(v1::DIMENSION_SECTOR, options.icb, day - 364, day)
             .status();
       }},
  };
  std::printf(
      "| query (p50 ms, %d runs) | folded, round 1 | snapshot, round 1 | "
      "folded, round 2 | snapshot, round 2 | folded / snapshot |\n"
      "|---|---|---|---|---|---|\n",
      options.runs);
  for (const Query& query : queries) {
    double ms[4];
    for (int round = 0; round < 2; ++round) {
      for (int which = 0; which < 2; ++which) {
        const Facts& facts =
            which == 0 ? folded->workforce() : restored->workforce();
        SKP_ASSIGN_OR_RETURN(
            ms[round * 2 + which],
            MedianMs(options.runs, [&] { return query.run(facts); }));
      }
    }
    std::printf("| %s | %.3f | %.3f | %.3f | %.3f | %.2f |\n", query.name,
                ms[0], ms[1], ms[2], ms[3], (ms[0] + ms[2]) / (ms[1] + ms[3]));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace skp::services

int main(int argc, char** argv) {
  CLI::App app{
      "snapshot_bench: folding rows against loading a snapshot, and queries "
      "on both states"};
  app.option_defaults()->always_capture_default();
  skp::services::Options options;
  app.add_option("--data-dir", options.data_dir, "written by workforce_load")
      ->required();
  app.add_option("--as-of", options.as_of, "the day queried (YYYY-MM-DD)");
  app.add_option("--icb", options.icb, "the ICS of the one-ICS queries");
  app.add_option("--runs", options.runs, "runs of each query per round")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  absl::Status status = skp::services::Run(options);
  if (status.ok()) return 0;
  std::fprintf(stderr, "snapshot_bench: %s\n", status.ToString().c_str());
  return 1;
}
