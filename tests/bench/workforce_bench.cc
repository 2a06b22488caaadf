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
// distinct-people totals. --export writes the same live facts as CSV, with the
// equivalent SQL, for tests/bench/workforce_vs_postgres.sh.
#include <algorithm>
#include <cstdio>
#include <fstream>

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

absl::Status Export(const WorkforceFacts& facts,
                    const reference::ReferenceData& reference,
                    const std::string& dir, absl::CivilDay as_of,
                    const std::string& icb) {
  std::ofstream employment(dir + "/employment.csv"),
      holdings(dir + "/holdings.csv"), plans(dir + "/plans.csv"),
      geo(dir + "/geo.csv");
  std::set<std::pair<std::string, std::string>> geos;
  facts.Export(
      [&](const WorkforceFacts::EmploymentRow& e) {
        employment << e.passport << ',' << e.organisation << ',' << e.role
                   << ',' << e.sector << ',' << e.stated_icb << ',' << e.place
                   << ',' << e.fte << ',' << e.start << ',' << e.end << '\n';
        geos.emplace(e.stated_icb, e.place);
      },
      [&](const WorkforceFacts::HoldingRow& h) {
        holdings << h.passport << ',' << h.key << ',' << h.from << ','
                 << h.until << '\n';
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
  const DayNumber day = ToDayNumber(as_of);
  std::ofstream(dir + "/supply.sql")
      << "SELECT place, role, count(DISTINCT passport), sum(fte)\n"
      << "FROM employment WHERE start_day <= " << day
      << " AND end_day >= " << day << "\nGROUP BY place, role;\n";
  std::ofstream(dir + "/coverage.sql")
      << "WITH p AS (\n"
      << "  SELECT DISTINCT ON (pl.place, pl.need) pl.place, pl.need, "
         "pl.required_fte\n"
      << "  FROM plans pl JOIN geo g USING (stated_icb, place)\n"
      << "  WHERE g.icb_on = '" << icb << "' AND pl.start_day <= " << day
      << " AND pl.end_day >= " << day << "\n"
      << "  ORDER BY pl.place, pl.need, pl.issued_at DESC, pl.record_id "
         "DESC),\n"
      << "e AS (\n"
      << "  SELECT e.passport, e.place, e.role, e.fte FROM employment e\n"
      << "  JOIN geo g USING (stated_icb, place)\n"
      << "  WHERE g.icb_on = '" << icb << "' AND e.start_day <= " << day
      << " AND e.end_day >= " << day << ")\n"
      << "SELECT p.place, p.need, count(DISTINCT e.passport), "
         "coalesce(sum(e.fte), 0), p.required_fte\n"
      << "FROM p LEFT JOIN e ON e.place = p.place AND (e.role = p.need OR "
         "EXISTS (\n"
      << "  SELECT 1 FROM holdings h WHERE h.passport = e.passport AND h.key "
         "= p.need\n"
      << "  AND h.from_day <= " << day << " AND h.until_day >= " << day
      << "))\n"
      << "GROUP BY p.place, p.need, p.required_fte;\n";
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

  const DayNumber day = ToDayNumber(as_of);
  SKP_ASSIGN_OR_RETURN(
      Latency supply, Measure(runs, [&] {
        return facts.Supply({}, {v1::DIMENSION_PLACE, v1::DIMENSION_ROLE}, day);
      }));
  // The dashboard's queries for one ICS, with distinct-people totals.
  v1::WorkforceFilter ics;
  ics.set_icb_code(icb);
  SKP_ASSIGN_OR_RETURN(Latency coverage,
                       Measure(runs, [&] { return facts.Coverage(ics, day); }));
  SKP_ASSIGN_OR_RETURN(
      Latency ics_supply, Measure(runs, [&] {
        return facts.Supply(ics, {v1::DIMENSION_PLACE, v1::DIMENSION_ROLE},
                            day);
      }));
  SKP_ASSIGN_OR_RETURN(Latency expiring, Measure(runs, [&] {
                         return facts.Expiring(icb, "", 90,
                                               {v1::DIMENSION_PLACE}, day);
                       }));
  SKP_ASSIGN_OR_RETURN(Latency flows, Measure(runs, [&] {
                         return facts.Flows(v1::DIMENSION_SECTOR, icb,
                                            day - 364, day);
                       }));
  std::printf(
      "RESULT supply %.3f %.3f\nRESULT coverage %.3f %.3f\n"
      "RESULT ics_supply %.3f %.3f\nRESULT expiring %.3f %.3f\n"
      "RESULT flows %.3f %.3f\n",
      supply.p50_ms, supply.p99_ms, coverage.p50_ms, coverage.p99_ms,
      ics_supply.p50_ms, ics_supply.p99_ms, expiring.p50_ms, expiring.p99_ms,
      flows.p50_ms, flows.p99_ms);
  if (!options.export_dir.empty()) {
    SKP_RETURN_IF_ERROR(
        Export(facts, reference, options.export_dir, as_of, icb));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace skp::workforce

int main(int argc, char** argv) {
  CLI::App app{
      "workforce_bench: supply and coverage latency over a workforce_load "
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
                 "also write the facts as CSV and SQL here (for "
                 "workforce_vs_postgres.sh)");
  CLI11_PARSE(app, argc, argv);
  absl::Status status = skp::workforce::Run(options);
  if (status.ok()) return 0;
  std::fprintf(stderr, "workforce_bench: %s\n", status.ToString().c_str());
  return 1;
}
