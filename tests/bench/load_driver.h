// Pieces every load driver in tests/bench shares: a closed-loop load runner
// with latency percentiles, pre-signed entries, and client connections.
// Header-only; benchmark code.
#ifndef SKP_TESTS_BENCH_LOAD_DRIVER_H_
#define SKP_TESTS_BENCH_LOAD_DRIVER_H_

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/crypto.h"
#include "ledger/entry.h"
#include "records/signing.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::bench {

using Clock = std::chrono::steady_clock;

struct LoadResult {
  uint64_t calls = 0;
  uint64_t errors = 0;
  double seconds = 0;
  // CPU time of the whole process (clients and node alike) during the run:
  // per call, it is steadier than calls/s on a shared machine.
  double cpu_seconds = 0;
  std::vector<double> latencies_us;

  double rate() const { return calls / seconds; }
  double cpu_us_per_call() const { return 1e6 * cpu_seconds / calls; }
  double percentile(double p) {
    if (latencies_us.empty()) return 0;
    size_t k = std::min(latencies_us.size() - 1,
                        static_cast<size_t>(p * latencies_us.size()));
    std::nth_element(latencies_us.begin(), latencies_us.begin() + k,
                     latencies_us.end());
    return latencies_us[k];
  }
};

// Runs `call(thread)` from `threads` threads until `seconds` pass or a call
// returns false (work exhausted).
template <typename Call>
LoadResult RunLoad(int threads, double seconds, Call call) {
  std::vector<LoadResult> parts(threads);
  const std::clock_t cpu_start = std::clock();
  auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      while (Clock::now() < deadline) {
        auto begin = Clock::now();
        std::optional<bool> ok = call(t);
        if (!ok.has_value()) break;
        auto us =
            std::chrono::duration<double, std::micro>(Clock::now() - begin)
                .count();
        if (*ok) {
          ++parts[t].calls;
          parts[t].latencies_us.push_back(us);
        } else {
          ++parts[t].errors;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  LoadResult total;
  total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  total.cpu_seconds =
      static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  for (auto& p : parts) {
    total.calls += p.calls;
    total.errors += p.errors;
    total.latencies_us.insert(total.latencies_us.end(), p.latencies_us.begin(),
                              p.latencies_us.end());
  }
  return total;
}

// Signs `count` distinct entries of ~payload_bytes on 2 threads.
inline std::vector<std::string> SignEntries(const ledger::Signer& author,
                                            size_t count, size_t payload_bytes,
                                            const std::string& tag) {
  std::vector<std::string> entries(count);
  std::vector<std::thread> workers;
  for (int t = 0; t < 2; ++t) {
    workers.emplace_back([&, t] {
      const ledger::Signer* signers[] = {&author};
      for (size_t i = t; i < count; i += 2) {
        std::string payload = absl::StrCat(tag, " record ", i, " ");
        payload.resize(std::max(payload.size(), payload_bytes), 'x');
        entries[i] =
            *ledger::SignEntry(ledger::kRecordPayloadType, payload, signers);
      }
    });
  }
  for (auto& w : workers) w.join();
  return entries;
}

// The bench's employer, "CQC:1-101", registered with `employer`'s key.
inline skillspassport::v1::Record BenchEmployer(
    const ledger::Verifier& employer, int64_t issued_at) {
  namespace v1 = skillspassport::v1;
  v1::Record org;
  org.set_issued_at(issued_at);
  auto* o = org.mutable_organisation_registered();
  o->set_organisation_id("CQC:1-101");
  o->set_id_scheme(v1::ID_SCHEME_CQC);
  o->set_name("Bench Care Home");
  o->set_sector(v1::SECTOR_ADULT_SOCIAL_CARE);
  o->set_icb_code("E54000008");
  o->set_place("Liverpool");
  o->add_roles(v1::ORGANISATION_ROLE_EMPLOYER);
  o->set_public_key(records::PublicKeyBytes(employer));
  return org;
}

// The i-th of many distinct Care Certificate records by the bench employer.
inline skillspassport::v1::Record BenchStandardMet(const std::string& passport,
                                                   size_t i,
                                                   int64_t issued_at) {
  skillspassport::v1::Record r;
  r.set_issued_at(issued_at);
  auto* m = r.mutable_care_certificate_standard_met();
  m->set_passport_id(passport);
  m->set_organisation_id("CQC:1-101");
  m->set_version(2025);
  m->set_standard(static_cast<int>(i % 16) + 1);
  m->set_assessor(absl::StrCat("assessor ", i));  // distinct records
  m->set_method("observation");
  m->mutable_met_on()->set_year(2026);
  m->mutable_met_on()->set_month(5);
  m->mutable_met_on()->set_day(1);
  return r;
}

// Several connections, so one HTTP/2 connection is not the bottleneck; the
// argument keeps gRPC from sharing one subchannel between them.
inline std::vector<std::unique_ptr<grpc::GenericStub>> Stubs(
    const std::string& address, int count) {
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("skp.bench.connection", i);
    stubs.push_back(
        std::make_unique<grpc::GenericStub>(grpc::CreateCustomChannel(
            address, grpc::InsecureChannelCredentials(), args)));
  }
  return stubs;
}

}  // namespace skp::bench

#endif  // SKP_TESTS_BENCH_LOAD_DRIVER_H_
