// One server interceptor per gRPC call, installed on every node's server:
// it gives the call a request id, returns it to the client in the initial
// metadata "x-request-id", and when the call ends times it in the metrics
// and writes one log line
//   event=rpc request_id=ID method=/pkg.Service/Method code=NAME ms=MILLIS
// A client's own "x-request-id" is kept when it is 1 to 64 characters of
// [A-Za-z0-9._-], so a request can be followed across services; otherwise
// the id is 16 random bytes in hex. The line never carries the peer's
// address, the caller's identity or the status message: any of them may
// name a person.
#ifndef SKP_SERVICES_COMMON_CALL_OBSERVER_H_
#define SKP_SERVICES_COMMON_CALL_OBSERVER_H_

#include <grpcpp/support/server_interceptor.h>

#include <functional>
#include <memory>

#include "absl/strings/string_view.h"
#include "services/common/metrics.h"

namespace skp::services {

inline constexpr char kRequestIdHeader[] = "x-request-id";

// Receives each line's event name and fields (LogEvent's arguments).
using RequestLogSink =
    std::function<void(absl::string_view event, absl::string_view fields)>;

// `metrics` (optional) must outlive the server; `log` empty: no lines.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
CallObserverFactory(Metrics* metrics, RequestLogSink log);

// True if a client-supplied request id may be used as it is.
bool IsUsableRequestId(absl::string_view id);

}  // namespace skp::services

#endif  // SKP_SERVICES_COMMON_CALL_OBSERVER_H_
