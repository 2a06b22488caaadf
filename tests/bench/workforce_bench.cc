// workforce_bench: workforce query latency over a data directory written by
// workforce_load (tests/workforce), the facts loaded from the projection rows
// as a restarting node loads them.
//
//   workforce_bench --data-dir DIR [--as-of 2025-06-01] [--icb E54000008]
//                   [--runs 200] [--export DIR]
//
// Prints the load time and p50/p99 of Supply grouped by place x role, and of
// the dashboard's queries for one ICS: Coverage, Supply (place x role),
// Expiring (90 days, by place) and Flows (sectors, a year), all with
// distinct-people totals. --export writes the same live facts as CSV, and
// Supply, Coverage, Expiring and Flows published exactly, for
// tests/bench/workforce_vs_duckdb.mjs.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <set>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ledger/rocksdb_store.h"
#include "ledger/status_macros.h"
#include "services/workforce/facts.h"
#include "services/workforce/workforce_projection.h"

namespace skp::workforce {
namespace {

namespace v1 = skillspassport::v1;

struct Latency {
  double p50_ms, p99_ms;
};

template <typename Query>
absl::StatusOr<Latency> Measure(int runs, Query query) {
  for (int i = 0; i < 3; ++i) SKP_RETURN_IF_ERROR(query().status());
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    absl::Time start = absl::Now();
    SKP_RETURN_IF_ERROR(query().status());
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  std::sort(ms.begin(), ms.end());
  return Latency{ms[ms.size() / 2],
                 ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
}

// One line per row of a table, "query|key...|measure...", a suppressed
// measure as "S": the driver compares these with the SQL engines' answers.
void WriteRows(std::ostream& out, absl::string_view query,
               const v1::Table& table) {
  for (const v1::TableRow& row : table.rows()) {
    out << query;
    for (const std::string& key : row.keys()) out << '|' << key;
    for (const v1::Measure& m : row.measures()) {
      out << '|';
      if (m.suppressed()) {
        out << 'S';
      } else {
        out << m.value();
      }
    }
    out << '\n';
  }
}

// The four compared queries, as the timings ran them.
struct Queries {
  v1::WorkforceFilter ics;
  std::string icb;
  DayNumber day;
  auto Supply(const WorkforceFacts& facts) const {
    return facts.Supply({}, {v1::DIMENSION_PLACE, v1::DIMENSION_ROLE}, day);
  }
  auto Coverage(const WorkforceFacts& facts) const {
    return facts.Coverage(ics, day);
  }
  auto Expiring(const WorkforceFacts& facts) const {
    return facts.Expiring(icb, "", 90, {v1::DIMENSION_PLACE}, day);
  }
  auto Flows(const WorkforceFacts& facts) const {
    return facts.Flows(v1::DIMENSION_SECTOR, icb, day - 364, day);
  }
};

// Writes the live facts as CSV (strings as they are: the engines map them to
// integers as they load), the geography in force on the day, the sectors'
// names, and in ours.txt the four queries' tables from `exact` (the same
// facts published exactly), for workforce_vs_duckdb.mjs.
absl::Status Export(const WorkforceFacts& facts, const WorkforceFacts& exact,
                    const reference::ReferenceData& reference,
                    const std::string& dir, absl::CivilDay as_of,
                    const Queries& queries) {
  std::ofstream employment(dir + "/employment.csv"),
      holdings(dir + "/holdings.csv"), plans(dir + "/plans.csv"),
      geo(dir + "/geo.csv"), sectors(dir + "/sectors.csv");
  std::set<std::pair<std::string, std::string>> geos;
  // Row numbers in the facts' order: Flows breaks a tie of start days by it.
  uint64_t employment_id = 0, holding_id = 0;
  facts.Export(
      [&](const WorkforceFacts::EmploymentRow& e) {
        employment << employment_id++ << ',' << e.passport << ','
                   << e.organisation << ',' << e.role << ',' << e.sector << ','
                   << e.stated_icb << ',' << e.place << ',' << e.fte << ','
                   << e.start << ',' << e.end << '\n';
        geos.emplace(e.stated_icb, e.place);
      },
      [&](const WorkforceFacts::HoldingRow& h) {
        holdings << holding_id++ << ',' << h.passport << ',' << h.key << ','
                 << h.from << ',' << h.until << ',' << h.due << '\n';
      },
      [&](const WorkforceFacts::PlanRow& p) {
        plans << p.stated_icb << ',' << p.place << ',' << p.need << ','
              << p.start << ',' << p.end << ',' << p.required_fte << ','
              << p.issued_at << ',' << ledger::HexEncode(p.record_id) << '\n';
        geos.emplace(p.stated_icb, p.place);
      });
  // The effective-dated geography for the query day, as the engine applies it.
  for (const auto& [stated, place] : geos) {
    geo << stated << ',' << place << ','
        << reference.IcbOn(stated, place, as_of) << '\n';
  }
  for (int s = v1::Sector_MIN; s <= v1::Sector_MAX; ++s) {
    if (!v1::Sector_IsValid(s)) continue;
    std::string name = v1::Sector_Name(static_cast<v1::Sector>(s));
    sectors << s << ',' << name.substr(std::string("SECTOR_").size()) << '\n';
  }
  std::ofstream ours(dir + "/ours.txt");
  SKP_ASSIGN_OR_RETURN(v1::Table supply, queries.Supply(exact));
  WriteRows(ours, "supply", supply);
  SKP_ASSIGN_OR_RETURN(v1::Table coverage, queries.Coverage(exact));
  WriteRows(ours, "coverage", coverage);
  SKP_ASSIGN_OR_RETURN(v1::Table expiring, queries.Expiring(exact));
  WriteRows(ours, "expiring", expiring);
  SKP_ASSIGN_OR_RETURN(v1::Table flows, queries.Flows(exact));
  WriteRows(ours, "flows", flows);
  for (std::ofstream* out :
       {&employment, &holdings, &plans, &geo, &sectors, &ours}) {
    out->flush();
    if (!*out) return absl::InternalError("could not write the export");
  }
  return absl::OkStatus();
}

struct Options {
  std::string data_dir;
  std::string as_of = "2025-06-01";
  std::string icb = "E54000008";
  int runs = 200;
  std::string export_dir;  // empty: no export
};

absl::Status Run(const Options& options) {
  absl::CivilDay as_of;
  if (!absl::ParseCivilTime(options.as_of, &as_of)) {
    return absl::InvalidArgumentError("--as-of must be a date YYYY-MM-DD");
  }
  const int runs = options.runs;
  const std::string& icb = options.icb;
  SKP_ASSIGN_OR_RETURN(reference::ReferenceData reference,
                       reference::ReferenceData::Embedded());
  SKP_ASSIGN_OR_RETURN(
      auto store, ledger::RocksDbStore::Open(options.data_dir + "/ledger"));
  WorkforceFacts facts(&reference);
  absl::Time start = absl::Now();
  SKP_RETURN_IF_ERROR(WorkforceProjection::Load(*store, facts).status());
  const double load_s = absl::ToDoubleSeconds(absl::Now() - start);
  SKP_ASSIGN_OR_RETURN(uint64_t records, store->Size());
  std::printf(
      "facts: %zu passports, %zu employments, from %llu records; "
      "loaded from the projection rows in %.1f s\n",
      facts.passport_count(), facts.employment_count(),
      static_cast<unsigned long long>(records), load_s);

  Queries queries;
  queries.icb = icb;
  queries.ics.set_icb_code(icb);
  queries.day = ToDayNumber(as_of);
  SKP_ASSIGN_OR_RETURN(Latency supply,
                       Measure(runs, [&] { return queries.Supply(facts); }));
  // The dashboard's queries for one ICS, with distinct-people totals.
  SKP_ASSIGN_OR_RETURN(Latency coverage,
                       Measure(runs, [&] { return queries.Coverage(facts); }));
  SKP_ASSIGN_OR_RETURN(
      Latency ics_supply, Measure(runs, [&] {
        return facts.Supply(queries.ics,
                            {v1::DIMENSION_PLACE, v1::DIMENSION_ROLE},
                            queries.day);
      }));
  SKP_ASSIGN_OR_RETURN(Latency expiring,
                       Measure(runs, [&] { return queries.Expiring(facts); }));
  SKP_ASSIGN_OR_RETURN(Latency flows,
                       Measure(runs, [&] { return queries.Flows(facts); }));
  std::printf(
      "RESULT supply %.3f %.3f\nRESULT coverage %.3f %.3f\n"
      "RESULT ics_supply %.3f %.3f\nRESULT expiring %.3f %.3f\n"
      "RESULT flows %.3f %.3f\n",
      supply.p50_ms, supply.p99_ms, coverage.p50_ms, coverage.p99_ms,
      ics_supply.p50_ms, ics_supply.p99_ms, expiring.p50_ms, expiring.p99_ms,
      flows.p50_ms, flows.p99_ms);
  std::fflush(stdout);
  if (!options.export_dir.empty()) {
    // The same facts published exactly, so the engines' numbers can be
    // compared with ours cell by cell (the timings above used the rule).
    WorkforceFacts exact(&reference, Disclosure{0, 0});
    SKP_RETURN_IF_ERROR(WorkforceProjection::Load(*store, exact).status());
    SKP_RETURN_IF_ERROR(
        Export(facts, exact, reference, options.export_dir, as_of, queries));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace skp::workforce

int main(int argc, char** argv) {
  CLI::App app{
      "workforce_bench: workforce query latency over a workforce_load "
      "data directory"};
  app.option_defaults()->always_capture_default();
  skp::workforce::Options options;
  app.add_option("--data-dir", options.data_dir, "written by workforce_load")
      ->required();
  app.add_option("--as-of", options.as_of, "the day queried (YYYY-MM-DD)");
  app.add_option("--icb", options.icb, "the ICB coverage is for");
  app.add_option("--runs", options.runs, "runs of each query")
      ->check(CLI::PositiveNumber);
  app.add_option("--export", options.export_dir,
                 "also write the facts as CSV and the four queries' exact "
                 "tables here (for workforce_vs_duckdb.mjs)");
  CLI11_PARSE(app, argc, argv);
  absl::Status status = skp::workforce::Run(options);
  if (status.ok()) return 0;
  std::fprintf(stderr, "workforce_bench: %s\n", status.ToString().c_str());
  return 1;
}
