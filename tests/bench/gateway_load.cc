// The HTTP gateway against gRPC, in one run on one node (issue 14): Connect
// JSON and Connect binary calls/s of Ledger.GetCheckpoint and
// Passport.Submit at 8 clients, as ratios of the same calls over gRPC.
//
//   gateway_load [--seconds=3] [--clients=8]
//
// The node is a full passportd Node in this process (gRPC and HTTP on
// loopback); clients are threads with their own connections.
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "ledger/crypto.h"
#include "records/authorization.h"
#include "records/signing.h"
#include "services/passportd/node.h"
#include "skillspassport/v1/passport.pb.h"
#include "tests/bench/load_driver.h"
#include "tests/testing/raw_call.h"
#include "tests/testing/temp_dir.h"

namespace skp::bench {
namespace {

namespace v1 = skillspassport::v1;

// One Connect client per thread, kept alive like a browser's connection.
class ConnectClients {
 public:
  ConnectClients(const std::string& address, int count) {
    for (int i = 0; i < count; ++i) {
      clients_.push_back(std::make_unique<httplib::Client>(address));
      clients_.back()->set_keep_alive(true);
      clients_.back()->set_tcp_nodelay(true);
    }
  }
  bool Call(int thread, const std::string& path, const std::string& body,
            const char* content_type) {
    httplib::Result result =
        clients_[thread]->Post(path.c_str(), body, content_type);
    return result && result->status == 200;
  }

 private:
  std::vector<std::unique_ptr<httplib::Client>> clients_;
};

struct Row {
  std::string what;
  LoadResult result;
};

void PrintRows(const char* title, std::vector<Row>& rows) {
  std::printf(
      "## %s\n\n| over | calls/s | p50 ms | p99 ms | errors | ratio to gRPC |\n"
      "|---|---|---|---|---|---|\n",
      title);
  double grpc_rate = rows.front().result.rate();
  for (Row& row : rows) {
    std::printf("| %s | %.0f | %.2f | %.2f | %llu | %.2f |\n", row.what.c_str(),
                row.result.rate(), row.result.percentile(0.5) / 1000,
                row.result.percentile(0.99) / 1000,
                static_cast<unsigned long long>(row.result.errors),
                row.result.rate() / grpc_rate);
  }
  std::printf("\n");
}

int Run(double seconds, int clients) {
  testing::TempDir dir;
  services::NodeOptions options;
  options.data_dir = dir.File("data");
  options.listen = "127.0.0.1:0";
  options.http_listen = "127.0.0.1:0";
  options.request_log = false;
  auto node = services::Node::Start(options);
  if (!node.ok()) {
    std::fprintf(stderr, "%s\n", node.status().ToString().c_str());
    return 1;
  }
  const std::string grpc_address = absl::StrCat("127.0.0.1:", (*node)->port());
  const std::string http_address =
      absl::StrCat("127.0.0.1:", (*node)->http_port());
  auto stubs = Stubs(grpc_address, 4);
  ConnectClients http(http_address, clients);

  std::printf("# Gateway against gRPC: %d clients, %.0f s a run\n\n", clients,
              seconds);
  const std::string get_checkpoint = "/skillspassport.v1.Ledger/GetCheckpoint";
  std::vector<Row> reads = {
      {"gRPC", RunLoad(clients, seconds,
                       [&](int t) -> std::optional<bool> {
                         return testing::RawUnaryCall(*stubs[t % stubs.size()],
                                                      get_checkpoint, "")
                             .first.ok();
                       })},
      {"Connect JSON", RunLoad(clients, seconds,
                               [&](int t) -> std::optional<bool> {
                                 return http.Call(t, get_checkpoint, "{}",
                                                  "application/json");
                               })},
      {"Connect binary",
       RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
         return http.Call(t, get_checkpoint, "", "application/proto");
       })}};
  PrintRows("Ledger.GetCheckpoint", reads);

  // Submit: an employer registered by the node's local governance key, 200
  // enrolled workers, then distinct Care Certificate records signed before
  // the clock starts, a third for each way in.
  ledger::Signer governance =
      *ledger::ReadKeyFile(services::DataDir(options.data_dir).GovernanceKey());
  ledger::Signer employer = *ledger::Signer::Generate("employer");
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  auto submit = [&](const v1::Record& record,
                    std::vector<const ledger::Signer*> by) {
    v1::SubmitRequest request;
    request.set_entry(*records::SignRecord(record, by));
    return request.SerializeAsString();
  };
  const std::string submit_method = "/skillspassport.v1.Passport/Submit";
  if (!testing::RawUnaryCall(
           *stubs[0], submit_method,
           submit(BenchEmployer(employer.verifier(), now), {&governance}))
           .first.ok()) {
    std::fprintf(stderr, "cannot register the employer\n");
    return 1;
  }
  std::vector<std::string> passports;
  for (int w = 0; w < 200; ++w) {
    ledger::Signer worker = *ledger::Signer::Generate("worker");
    v1::Record enrol;
    enrol.set_issued_at(now);
    auto* e = enrol.mutable_passport_enrolled();
    e->set_public_key(records::PublicKeyBytes(worker.verifier()));
    e->set_identity_commitment(std::string(32, 'c'));
    e->set_organisation_id("CQC:1-101");
    (void)testing::RawUnaryCall(*stubs[0], submit_method,
                                submit(enrol, {&worker, &employer}));
    passports.push_back(
        records::PassportIdOf(records::PublicKeyBytes(worker.verifier())));
  }
  const size_t per_run = static_cast<size_t>(6000 * seconds);
  std::vector<std::string> requests(3 * per_run);
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i] = submit(
        BenchStandardMet(passports[i % passports.size()], i, now), {&employer});
  }
  std::atomic<size_t> next{0};
  auto take = [&](size_t run) -> std::optional<size_t> {
    size_t i = next++;
    if (i >= (run + 1) * per_run) return std::nullopt;
    return i;
  };
  std::vector<Row> writes;
  writes.push_back(
      {"gRPC", RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
         std::optional<size_t> i = take(0);
         if (!i) return std::nullopt;
         return testing::RawUnaryCall(*stubs[t % stubs.size()], submit_method,
                                      requests[*i])
             .first.ok();
       })});
  next = per_run;
  writes.push_back(
      {"Connect binary",
       RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
         std::optional<size_t> i = take(1);
         if (!i) return std::nullopt;
         return http.Call(t, submit_method, requests[*i], "application/proto");
       })});
  next = 2 * per_run;
  writes.push_back(
      {"Connect JSON",
       RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
         std::optional<size_t> i = take(2);
         if (!i) return std::nullopt;
         v1::SubmitRequest request;
         request.ParseFromString(requests[*i]);
         std::string json = absl::StrCat(
             "{\"entry\":\"", absl::Base64Escape(request.entry()), "\"}");
         return http.Call(t, submit_method, json, "application/json");
       })});
  PrintRows("Passport.Submit", writes);
  return 0;
}

}  // namespace
}  // namespace skp::bench

int main(int argc, char** argv) {
  CLI::App app{"gateway_load: the HTTP front door against gRPC, under load"};
  app.option_defaults()->always_capture_default();
  double seconds = 3;
  int clients = 8;
  app.add_option("--seconds", seconds, "each phase's length");
  app.add_option("--clients", clients, "concurrent callers")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  skp::services::ConfigureServingProcess();
  return skp::bench::Run(seconds, clients);
}
