// ledger_load: measures the ledger against this machine's own limits, in one
// run, and prints Markdown tables (copied into tests/bench/RESULTS.md).
//
//   1. Limits: Ed25519 verifies/s on 2 threads; empty unary gRPC calls/s
//      (grpc.health.v1.Health/Check on the same server) at each concurrency.
//   2. Durable appends/s through gRPC at 1, 8 and 64 concurrent clients, with
//      p50/p99 latency, and the ratio to 0.7 x min(the two limits).
//   3. Inclusion-proof serving p50/p99 on a log of --proof-entries entries,
//      and the bytes on disk per entry.
//
// Server and clients share this process (and the machine's 2 cores) and talk
// over loopback TCP; appends and the baseline use the same client path.
//
//   ledger_load [--seconds 3] [--proof-entries 1000000] [--payload-bytes 200]
//               [--mutex-deadlock-detection]   (as a Debian Abseil defaults to)
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "ledger/entry.h"
#include "ledger/log.h"
#include "ledger/rocksdb_store.h"
#include "records/signing.h"
#include "services/common/server.h"
#include "services/ledger/ledger_service.h"
#include "services/passport/passport_service.h"
#include "services/passportd/intake.h"
#include "skillspassport/v1/ledger.pb.h"
#include "tests/bench/load_driver.h"
#include "tests/testing/raw_call.h"
#include "tests/testing/temp_dir.h"

namespace skp::bench {
namespace {

double Ed25519VerifiesPerSecond(double seconds) {
  ledger::Signer signer = *ledger::Signer::Generate("bench");
  std::string message(300, 'm');
  std::string signature = signer.Sign(message);
  return RunLoad(2, seconds,
                 [&](int) -> std::optional<bool> {
                   return signer.verifier().Verify(message, signature);
                 })
      .rate();
}

// One node: RocksDB store, log, Ledger service and server.
struct BenchNode {
  BenchNode(const std::string& dir, const ledger::Signer& author)
      : node_key(*ledger::Signer::Generate("bench.example/log")),
        validator(std::vector<ledger::Verifier>{author.verifier()}) {
    store = *ledger::RocksDbStore::Open(dir);
    log = *ledger::Log::Open(store.get(), &node_key, &validator,
                             {"bench.example/log"});
    service = std::make_unique<services::LedgerService>(log.get());
    auto running = *services::StartServer("127.0.0.1:0", {service.get()});
    server = std::move(running.server);
    address = absl::StrCat("127.0.0.1:", running.port);
  }
  ~BenchNode() {
    server->Shutdown(std::chrono::system_clock::now());
    server.reset();
    service.reset();
    log.reset();
  }

  ledger::Signer node_key;
  ledger::TrustAnchorValidator validator;
  std::unique_ptr<ledger::LogStore> store;
  std::unique_ptr<ledger::Log> log;
  std::unique_ptr<services::LedgerService> service;
  std::unique_ptr<grpc::Server> server;
  std::string address;
};

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (f.is_regular_file()) total += f.file_size();
  }
  return total;
}

// Passport.Submit of Care Certificate records through the whole intake path
// (signature checks, registry resolution and authorisation, content checks,
// passport projection rows), against the ledger-core append rate measured
// above in this run.
void SubmitPhase(const std::string& dir, double seconds, uint64_t payload_bytes,
                 const std::map<int, double>& append_rate) {
  namespace v1 = skillspassport::v1;
  ledger::Signer governance = *ledger::Signer::Generate("governance");
  ledger::Signer node_key = *ledger::Signer::Generate("bench.example/records");
  ledger::Signer employer = *ledger::Signer::Generate("employer");
  reference::ReferenceData reference = *reference::ReferenceData::Embedded();
  auto store = *ledger::RocksDbStore::Open(dir);
  auto intake = *services::Intake::Load(store.get(), {governance.verifier()},
                                        &reference, [] { return absl::Now(); });
  auto log = *ledger::Log::Open(store.get(), &node_key, &intake->validator(),
                                {"bench.example/records"});
  // Submissions only: no reads to authenticate.
  services::Authenticator authenticator(
      &intake->registry(), {}, node_key.name(), [] { return absl::Now(); });
  passport::PassportService service(log.get(), nullptr, &intake->passports(),
                                    &intake->registry(), &authenticator,
                                    &node_key, [] { return absl::Now(); });
  auto running = *services::StartServer("127.0.0.1:0", {&service});
  int64_t now = absl::ToUnixSeconds(absl::Now());

  // Setup through the log: the employer and 1,000 enrolled workers.
  const ledger::Signer* gov[] = {&governance};
  (void)log->AppendAndWait(
      *records::SignRecord(BenchEmployer(employer.verifier(), now), gov));
  std::vector<std::string> passports;
  for (int w = 0; w < 1000; ++w) {
    ledger::Signer worker = *ledger::Signer::Generate("worker");
    v1::Record enrol;
    enrol.set_issued_at(now);
    enrol.mutable_passport_enrolled()->set_public_key(
        records::PublicKeyBytes(worker.verifier()));
    enrol.mutable_passport_enrolled()->set_identity_commitment(
        std::string(32, 'c'));
    enrol.mutable_passport_enrolled()->set_organisation_id("CQC:1-101");
    const ledger::Signer* both[] = {&worker, &employer};
    (void)log->AppendAndWait(*records::SignRecord(enrol, both));
    passports.push_back(
        records::PassportIdOf(records::PublicKeyBytes(worker.verifier())));
  }

  // Distinct Care Certificate records, signed before the clock starts.
  size_t count = static_cast<size_t>(std::max(20000.0, 15000 * seconds * 1.5));
  std::vector<std::string> requests(count);
  std::vector<std::thread> signers;
  for (int t = 0; t < 2; ++t) {
    signers.emplace_back([&, t] {
      const ledger::Signer* by[] = {&employer};
      for (size_t i = t; i < count; i += 2) {
        v1::SubmitRequest request;
        request.set_entry(*records::SignRecord(
            BenchStandardMet(passports[i % passports.size()], i, now), by));
        requests[i] = request.SerializeAsString();
      }
    });
  }
  for (auto& t : signers) t.join();

  auto stubs = Stubs(absl::StrCat("127.0.0.1:", running.port), 4);
  std::atomic<size_t> next{0};
  std::printf(
      "## Passport.Submit with registry checks\n\n"
      "| clients | submits/s | p50 ms | p99 ms | ledger-core appends/s (above) "
      "| ratio |\n"
      "|---|---|---|---|---|---|\n");
  for (int clients : {8, 64}) {
    LoadResult submits =
        RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
          size_t i = next++;
          if (i >= requests.size()) return std::nullopt;
          return testing::RawUnaryCall(*stubs[t % stubs.size()],
                                       "/skillspassport.v1.Passport/Submit",
                                       requests[i])
              .first.ok();
        });
    double baseline = append_rate.at(clients);
    std::printf("| %d | %.0f | %.2f | %.2f | %.0f | %.2f |\n", clients,
                submits.rate(), submits.percentile(0.5) / 1000,
                submits.percentile(0.99) / 1000, baseline,
                submits.rate() / baseline);
    if (submits.errors > 0) {
      std::printf("(errors: %llu)\n",
                  static_cast<unsigned long long>(submits.errors));
    }
  }
  std::printf("\n");
  running.server->Shutdown(std::chrono::system_clock::now());
}

int Run(double seconds, uint64_t proof_entries, uint64_t payload_bytes) {
  ledger::Signer author = *ledger::Signer::Generate("author");
  testing::TempDir dir;

  std::printf("## Limits and durable appends\n\n");
  double verify_limit = Ed25519VerifiesPerSecond(seconds);
  std::printf("Ed25519 verifies/s on 2 threads: %.0f\n\n", verify_limit);

  std::vector<std::string> entries = SignEntries(
      author, static_cast<size_t>(std::max(20000.0, 30000 * seconds * 2.5)),
      payload_bytes, "append");
  std::atomic<size_t> next_entry{0};
  std::map<int, double>
      append_rate;  // by client count, for the Submit comparison
  BenchNode node(dir.File("appends"), author);
  auto stubs = Stubs(node.address, 4);

  // `bound` is what an append could reach if it cost exactly one verify plus
  // one empty call on the same cores and nothing else.
  std::printf(
      "| clients | empty unary calls/s | appends/s | append p50 ms | append "
      "p99 ms | "
      "target 0.7 x min(limits) | appends / target | bound "
      "1/(1/verify+1/empty) | "
      "appends / bound |\n|---|---|---|---|---|---|---|---|---|\n");
  for (int clients : {1, 8, 64}) {
    LoadResult empty =
        RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
          return testing::RawUnaryCall(*stubs[t % stubs.size()],
                                       "/grpc.health.v1.Health/Check", "")
              .first.ok();
        });
    LoadResult appends =
        RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
          size_t i = next_entry++;
          if (i >= entries.size()) return std::nullopt;
          skillspassport::v1::AppendRequest request;
          request.set_entry(entries[i]);
          return testing::RawUnaryCall(*stubs[t % stubs.size()],
                                       "/skillspassport.v1.Ledger/Append",
                                       request.SerializeAsString())
              .first.ok();
        });
    double target = 0.7 * std::min(verify_limit, empty.rate());
    double bound = 1 / (1 / verify_limit + 1 / empty.rate());
    append_rate[clients] = appends.rate();
    std::printf(
        "| %d | %.0f | %.0f | %.2f | %.2f | %.0f | %.2f | %.0f | %.2f |\n",
        clients, empty.rate(), appends.rate(), appends.percentile(0.5) / 1000,
        appends.percentile(0.99) / 1000, target, appends.rate() / target, bound,
        appends.rate() / bound);
    if (appends.errors + empty.errors > 0) {
      std::printf("(errors: %llu appends, %llu empty calls)\n",
                  static_cast<unsigned long long>(appends.errors),
                  static_cast<unsigned long long>(empty.errors));
    }
    std::fflush(stdout);
  }
  std::printf(
      "\nEntries appended: %llu (payload %llu bytes, entry %zu bytes)\n\n",
      static_cast<unsigned long long>(node.log->Head().size),
      static_cast<unsigned long long>(payload_bytes), entries[0].size());
  entries.clear();
  SubmitPhase(dir.File("records"), seconds, payload_bytes, append_rate);

  std::printf("## Inclusion proofs at %llu entries\n\n",
              static_cast<unsigned long long>(proof_entries));
  BenchNode big(dir.File("proofs"), author);
  {
    std::vector<std::string> bulk =
        SignEntries(author, proof_entries, payload_bytes, "bulk");
    auto fill_start = Clock::now();
    std::atomic<uint64_t> done{0}, failed{0};
    for (std::string& e : bulk) {
      big.log->Append(std::move(e),
                      [&](absl::StatusOr<ledger::AppendResult> r) {
                        if (!r.ok()) ++failed;
                        ++done;
                      });
    }
    while (done.load() < proof_entries)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    double fill_s =
        std::chrono::duration<double>(Clock::now() - fill_start).count();
    std::printf(
        "Filled through ledger::Log (no gRPC) in %.1f s: %.0f appends/s, %llu "
        "failed\n\n",
        fill_s, proof_entries / fill_s,
        static_cast<unsigned long long>(failed.load()));
  }
  uint64_t size = big.log->Head().size;
  auto proof_stubs = Stubs(big.address, 4);
  std::printf("| clients | proofs/s | p50 ms | p99 ms |\n|---|---|---|---|\n");
  for (int clients : {1, 8}) {
    std::vector<std::mt19937_64> rngs;
    for (int t = 0; t < clients; ++t) rngs.emplace_back(t + 1);
    LoadResult proofs =
        RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
          skillspassport::v1::GetInclusionProofRequest request;
          request.set_index(rngs[t]() % size);
          request.set_tree_size(size);
          return testing::RawUnaryCall(
                     *proof_stubs[t % proof_stubs.size()],
                     "/skillspassport.v1.Ledger/GetInclusionProof",
                     request.SerializeAsString())
              .first.ok();
        });
    std::printf("| %d | %.0f | %.3f | %.3f |\n", clients, proofs.rate(),
                proofs.percentile(0.5) / 1000, proofs.percentile(0.99) / 1000);
  }
  uint64_t bytes = DirectoryBytes(dir.File("proofs"));
  std::printf(
      "\nOn disk: %llu bytes for %llu entries = %.0f bytes/entry (RocksDB "
      "files "
      "including WAL, uncompacted)\n",
      static_cast<unsigned long long>(bytes),
      static_cast<unsigned long long>(size), static_cast<double>(bytes) / size);
  return 0;
}

}  // namespace
}  // namespace skp::bench

int main(int argc, char** argv) {
  CLI::App app{"ledger_load: limits, durable appends, Submit and proof load"};
  app.option_defaults()->always_capture_default();
  double seconds = 3;
  uint64_t proof_entries = 1000000, payload_bytes = 200;
  bool deadlock_detection = false;
  app.add_option("--seconds", seconds, "each phase's length");
  app.add_option("--proof-entries", proof_entries,
                 "the log size proofs are served from");
  app.add_option("--payload-bytes", payload_bytes, "each entry's payload");
  app.add_flag("--mutex-deadlock-detection", deadlock_detection,
               "Abseil's deadlock detection back on, to measure what "
               "ConfigureServingProcess saves");
  CLI11_PARSE(app, argc, argv);
  skp::services::ConfigureServingProcess();
  if (deadlock_detection)
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kAbort);
  return skp::bench::Run(seconds, proof_entries, payload_bytes);
}
