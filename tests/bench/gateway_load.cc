// The HTTP gateway against gRPC, in one run on one node (issue 14): Connect
// JSON and Connect binary calls/s of Ledger.GetCheckpoint and
// Passport.Submit at 8 clients, as ratios of the same calls over gRPC.
//
//   gateway_load [--seconds=3] [--clients=8]
//
// The node is a full passportd Node in this process (gRPC and HTTP on
// loopback); clients are threads with their own connections.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ledger/crypto.h"
#include "records/authorization.h"
#include "records/signing.h"
#include "services/passportd/node.h"
#include "skillspassport/v1/passport.pb.h"
#include "tests/bench/load_driver.h"
#include "tests/bench/loopback_node.h"
#include "tests/testing/raw_call.h"
#include "tests/testing/temp_dir.h"

namespace skp::bench {
namespace {

namespace v1 = skillspassport::v1;

// One HTTP/1.1 connection per client thread, kept alive like a browser's:
// the request goes out in one send and the response is read by its
// Content-Length. cpp-httplib's client took about a third of the CPU of a
// Connect phase on the two cores the server also runs on (RESULTS.md), a
// handicap the gRPC phase's client does not carry.
class ConnectClient {
 public:
  explicit ConnectClient(int port) : port_(port) {}
  ConnectClient(const ConnectClient&) = delete;
  ConnectClient& operator=(const ConnectClient&) = delete;
  ~ConnectClient() { Close(); }

  // True when the call was answered 200.
  bool Call(const std::string& path, const std::string& body,
            const char* content_type) {
    const std::string request = absl::StrCat(
        "POST ", path,
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ", content_type,
        "\r\nContent-Length: ", body.size(), "\r\n\r\n", body);
    // A kept-alive connection the server closed while idle fails at once;
    // like a browser, try once more on a new one.
    bool reused = fd_ >= 0;
    if (fd_ < 0 && !Connect()) return false;
    std::optional<int> status = Exchange(request);
    if (!status && reused && Connect()) status = Exchange(request);
    if (!status) Close();
    return status == 200;
  }

 private:
  bool Connect() {
    Close();
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    if (fd_ < 0 ||
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
        connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
            0) {
      Close();
      return false;
    }
    return true;
  }

  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  // The response's status, or nullopt when the connection failed.
  std::optional<int> Exchange(const std::string& request) {
    for (size_t sent = 0; sent < request.size();) {
      ssize_t n =
          send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return std::nullopt;
      sent += n;
    }
    in_.clear();
    size_t head_end;
    while ((head_end = in_.find("\r\n\r\n")) == std::string::npos) {
      if (!Receive()) return std::nullopt;
    }
    const std::string head = absl::AsciiStrToLower(in_.substr(0, head_end));
    int status = 0;
    size_t length = 0;
    size_t field = head.find("\r\ncontent-length:");
    if (!absl::StartsWith(head, "http/1.1 ") ||
        !absl::SimpleAtoi(head.substr(9, 3), &status) ||
        field == std::string::npos ||
        !absl::SimpleAtoi(
            head.substr(field + 17, head.find('\r', field + 2) - field - 17),
            &length)) {
      return std::nullopt;
    }
    while (in_.size() < head_end + 4 + length) {
      if (!Receive()) return std::nullopt;
    }
    if (absl::StrContains(head, "\r\nconnection: close")) Close();
    return status;
  }

  bool Receive() {
    char chunk[16384];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    in_.append(chunk, n);
    return true;
  }

  int port_;
  int fd_ = -1;
  std::string in_;
};

struct Row {
  std::string what;
  LoadResult result;
};

void PrintRows(const char* title, std::vector<Row>& rows) {
  std::printf(
      "## %s\n\n| over | calls/s | p50 ms | p99 ms | errors | ratio to gRPC "
      "| CPU µs/call |\n|---|---|---|---|---|---|---|\n",
      title);
  double grpc_rate = rows.front().result.rate();
  for (Row& row : rows) {
    std::printf("| %s | %.0f | %.2f | %.2f | %llu | %.2f | %.0f |\n",
                row.what.c_str(), row.result.rate(),
                row.result.percentile(0.5) / 1000,
                row.result.percentile(0.99) / 1000,
                static_cast<unsigned long long>(row.result.errors),
                row.result.rate() / grpc_rate, row.result.cpu_us_per_call());
  }
  std::printf("\n");
}

int Run(double seconds, int clients) {
  testing::TempDir dir;
  std::unique_ptr<testing::LoopbackNode> loopback =
      testing::StartLoopbackNode(dir.File("data"));
  if (loopback == nullptr) return 1;
  const services::NodeOptions& options = loopback->options;
  const std::unique_ptr<services::Node>& node = loopback->node;
  const std::string& grpc_address = loopback->grpc_address;
  auto stubs = Stubs(grpc_address, 4);
  std::vector<std::unique_ptr<ConnectClient>> http;
  for (int i = 0; i < clients; ++i) {
    http.push_back(std::make_unique<ConnectClient>(node->http_port()));
  }

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
                                 return http[t]->Call(get_checkpoint, "{}",
                                                      "application/json");
                               })},
      {"Connect binary",
       RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
         return http[t]->Call(get_checkpoint, "", "application/proto");
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
         return http[t]->Call(submit_method, requests[*i], "application/proto");
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
         return http[t]->Call(submit_method, json, "application/json");
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
