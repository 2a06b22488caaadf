// A deterministic synthetic workforce across the ICBs in force on
// 2024-01-01 (issue 4): organisations (an ICS planner, an NHS trust and care
// providers per ICB, three places each), a registered nurse per ICB,
// and workers with enrolments, employments in NHS and social care roles
// (social care ones with a Care Workforce Pathway category; 8% of workers
// in a joint role across both sectors), Level 2 Adult Social Care
// Certificates,
// training credentials, Care Certificate standards, competencies,
// delegations with reviews and withdrawals, revocations, and moves between
// organisations, sectors and ICBs; and demand plans. Every record is signed
// by whoever the authorisation table says may vouch for it, so the entries
// pass the node's real intake.
//
// The same seed gives the same entries (keys are derived from the seed). The
// generator also keeps what it decided, plainly, so tests can count query
// answers without the workforce engine.
#ifndef SKP_TESTS_WORKFORCE_WORKFORCE_GENERATOR_H_
#define SKP_TESTS_WORKFORCE_WORKFORCE_GENERATOR_H_

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ledger/crypto.h"
#include "records/reference/reference_data.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::testing {

struct WorkforceGeneratorOptions {
  uint64_t seed = 1;
  int workers = 1000;
  int workers_per_provider = 40;
  // Unix seconds every record carries; 0: the clock when it is signed (for
  // long runs: nodes refuse records far from their clock).
  int64_t issued_at = 0;
  // Keep what was generated (employments(), holdings(), plans()) for tests.
  bool keep_truth = true;
};

struct GeneratedEmployment {
  int worker;
  // icb: as in force on 2024-01-01 (records state the one in force on the
  // start date); role as "ascwds:10".
  std::string organisation, icb, place, role;
  int sector;
  int fte;
  absl::CivilDay start;
  std::optional<absl::CivilDay> end;
  int pathway = 0;     // Care Workforce Pathway category; 0 in the NHS
  bool joint = false;  // held alongside the worker's other job
};

// Something held from `from` to `until` inclusive, keyed as the workforce
// engine keys holdings ("training:4", "competency:2", "delegation:2",
// "care-certificate").
struct GeneratedHolding {
  int worker;
  std::string key;
  absl::CivilDay from, until;
  bool revoked = false;
};

struct GeneratedPlan {
  std::string icb, place, need;  // need: "ascwds:10" or "activity:2"
  absl::CivilDay start, end;
  int64_t required_fte;
};

class WorkforceGenerator {
 public:
  static absl::StatusOr<WorkforceGenerator> Create(
      WorkforceGeneratorOptions options,
      const reference::ReferenceData* reference);

  const ledger::Signer& governance() const { return keys_.at(0); }
  // Worker w's passport key.
  absl::StatusOr<ledger::Signer> WorkerKey(int w) const;
  // The key of the organisation or professional with this id (the ICS
  // planner of icbs()[i] is "ODS:Q<i>", its NHS trust "ODS:R<i>").
  absl::StatusOr<ledger::Signer> KeyOf(const std::string& label) const;

  // Calls `sink` with every signed entry, in an order the node admits: the
  // organisations, professionals and plans first, then each worker's records
  // in causal order. Stops at the first error. `progress(workers done)` is
  // called every 1,000 workers.
  absl::Status Generate(
      absl::FunctionRef<absl::Status(const std::string&)> sink,
      absl::FunctionRef<void(int)> progress = [](int) {});
  // Generate in two steps: the setup's keys must be registered (committed)
  // before records they sign are validated; workers' records only need the
  // setup.
  absl::Status Setup(absl::FunctionRef<absl::Status(const std::string&)> sink);
  absl::Status Workers(
      absl::FunctionRef<absl::Status(const std::string&)> sink,
      absl::FunctionRef<void(int)> progress = [](int) {});

  const std::vector<GeneratedEmployment>& employments() const {
    return employments_;
  }
  const std::vector<GeneratedHolding>& holdings() const { return holdings_; }
  const std::vector<GeneratedPlan>& plans() const { return plans_; }
  const std::vector<std::string>& icbs() const { return icbs_; }
  uint64_t entries() const { return entries_; }

 private:
  struct Organisation {
    std::string id;
    size_t key;  // index into keys_
    int sector;
    std::string icb, place;
  };

  WorkforceGenerator(WorkforceGeneratorOptions options,
                     const reference::ReferenceData* reference)
      : options_(options), reference_(reference) {}

  absl::StatusOr<size_t> AddKey(const std::string& label);
  int64_t IssuedAt() const;
  // Stamps, signs and hands the record to `sink`; returns its record id.
  absl::StatusOr<std::string> Emit(
      skillspassport::v1::Record& record,
      const std::vector<const ledger::Signer*>& signers,
      absl::FunctionRef<absl::Status(const std::string&)> sink);
  absl::Status Worker(int w,
                      absl::FunctionRef<absl::Status(const std::string&)> sink);

  WorkforceGeneratorOptions options_;
  const reference::ReferenceData* reference_;
  std::vector<ledger::Signer> keys_;
  std::vector<std::string> icbs_;
  std::vector<Organisation> planners_, trusts_;
  std::vector<std::vector<Organisation>> providers_;    // per ICB
  std::vector<std::pair<std::string, size_t>> nurses_;  // per ICB: id, key
  std::vector<GeneratedEmployment> employments_;
  std::vector<GeneratedHolding> holdings_;
  std::vector<GeneratedPlan> plans_;
  uint64_t entries_ = 0;
};

}  // namespace skp::testing

#endif  // SKP_TESTS_WORKFORCE_WORKFORCE_GENERATOR_H_
