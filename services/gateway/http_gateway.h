// The HTTP front door (DESIGN.md section 11): one cpp-httplib server that
// serves the web app's static files, /node.vkey, /metrics, the logs the
// node holds as C2SP tlog-tiles (tiles.h), and every unary
// method of the public services over the Connect protocol
// (connectrpc.com/docs/protocol): `POST /skillspassport.v1.Ledger/
// GetCheckpoint` with `application/json` (proto3 JSON) or `application/proto`.
//
// The gateway holds no service logic. It finds the method by its path in the
// generated descriptor pool, turns the body into the request's bytes, and
// calls the node's own gRPC server in process, so authentication, rate
// limits (by the HTTP client's address), request ids, metrics, validation
// and statuses are exactly the gRPC ones; a new RPC appears here with no
// change. Statuses become Connect error bodies with Connect's HTTP codes.
//
// Thread-safe; its own threads serve requests until it is destroyed.
#ifndef SKP_SERVICES_GATEWAY_HTTP_GATEWAY_H_
#define SKP_SERVICES_GATEWAY_HTTP_GATEWAY_H_

#include <grpcpp/server.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "records/tls.h"
#include "services/common/metrics.h"
#include "services/gateway/tiles.h"

namespace skp::services {

struct HttpGatewayOptions {
  std::string listen;  // HOST:PORT; port 0 picks a free one
  // With cert and key: HTTPS. Without, plain HTTP on loopback only, unless
  // allow_plaintext (the gRPC listener's rule).
  records::TlsFiles tls;
  bool allow_plaintext = false;
  // The one other origin allowed to call the API from a browser (CORS);
  // empty: none.
  std::string allow_origin;
  // The built web app (pages, bundles, service worker); empty: no pages.
  std::string web_root;
  std::string node_vkey;  // served as text at /node.vkey
  // Services whose unary methods the gateway serves (full names).
  std::vector<std::string> services = {"skillspassport.v1.Ledger",
                                       "skillspassport.v1.Passport",
                                       "skillspassport.v1.Workforce"};
  // false: /metrics only (the --metrics-listen port).
  bool serve_api = true;
  // The logs served as C2SP tlog-tiles under /tlog/ (tiles.h); empty: none.
  TlogFinder tlogs;
  // The node's Bitstring Status List credentials (vc+jwt), served at
  // GET /credentials/status/PURPOSE/LIST; empty: none.
  std::function<absl::StatusOr<std::string>(absl::string_view purpose,
                                            uint64_t list)>
      status_lists;
};

class HttpGateway {
 public:
  // `server` (may be null when !options.serve_api) and `metrics` must
  // outlive the gateway. Returns once the port is bound.
  static absl::StatusOr<std::unique_ptr<HttpGateway>> Start(
      HttpGatewayOptions options, grpc::Server* server, const Metrics* metrics);
  ~HttpGateway();  // stops serving and joins its threads

  int port() const;

  class Impl;

 private:
  explicit HttpGateway(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_GATEWAY_HTTP_GATEWAY_H_
