// Per-caller, per-method rate limits (token buckets). A caller is the peer
// address without its port until requests carry authenticated identities.
// Refusals are RESOURCE_EXHAUSTED with the wait in the message and in the
// trailing metadata "retry-after-ms".
#ifndef SKP_SERVICES_COMMON_RATE_LIMIT_H_
#define SKP_SERVICES_COMMON_RATE_LIMIT_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace skp::services {

class RateLimiter {
 public:
  using Clock = std::function<absl::Time()>;
  // `per_second` calls per caller per method on average, in bursts of up to
  // max(1, per_second).
  explicit RateLimiter(
      double per_second, Clock clock = [] { return absl::Now(); });

  // OK, or kResourceExhausted with *retry_after set to the wait.
  absl::Status Admit(absl::string_view caller, absl::string_view method,
                     absl::Duration* retry_after);

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  const double per_second_;
  const double burst_;
  const Clock clock_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Bucket> buckets_;  // mu_
};

// The host part of a gRPC peer string ("ipv4:1.2.3.4:5678" -> "1.2.3.4").
std::string CallerHost(absl::string_view peer);

// The metadata key with which the HTTP gateway's in-process calls name the
// HTTP client, so limits count per caller there too. Only trusted on
// in-process calls, which no one outside the node can make.
inline constexpr char kHttpClientMetadata[] = "x-skp-http-client";

}  // namespace skp::services

#endif  // SKP_SERVICES_COMMON_RATE_LIMIT_H_
