// Starts a gRPC server hosting the given services, with health checking and
// server reflection on and the message size limit every node uses.
#ifndef SKP_SERVICES_COMMON_SERVER_H_
#define SKP_SERVICES_COMMON_SERVER_H_

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/call_observer.h"
#include "services/common/metrics.h"

namespace skp::services {

// Requests above this are refused by gRPC itself (RESOURCE_EXHAUSTED); the
// largest legitimate request is one entry of 65,535 bytes.
inline constexpr int kMaxRequestBytes = 256 * 1024;

struct RunningServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;  // the bound port, useful with ":0"
};

struct ServerOptions {
  // null: plain text (tls.h decides when that is allowed).
  std::shared_ptr<grpc::ServerCredentials> credentials;
  Metrics* metrics = nullptr;  // times every call when given
  RequestLogSink request_log;  // a line per call when given
};

// Process-wide settings for a process that serves gRPC, made once at the
// start of main. Debian builds Abseil without NDEBUG, which leaves
// absl::Mutex's deadlock detection on: a lock-order graph updated on every
// lock gRPC takes. Turning it off raised empty calls/s by 10-20 % and
// appends/s by 2-10 % on this machine (tests/bench/RESULTS.md).
void ConfigureServingProcess();

// `listen` is host:port; port 0 picks a free one. Services (and
// options.metrics) must outlive the server. Every call gets a request id
// (call_observer.h).
absl::StatusOr<RunningServer> StartServer(
    const std::string& listen, const std::vector<grpc::Service*>& services,
    ServerOptions options = {});

}  // namespace skp::services

#endif  // SKP_SERVICES_COMMON_SERVER_H_
