#include "services/common/rate_limit.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace skp::services {

RateLimiter::RateLimiter(double per_second, Clock clock)
    : per_second_(per_second),
      burst_(std::max(1.0, per_second)),
      clock_(std::move(clock)) {}

absl::Status RateLimiter::Admit(absl::string_view caller,
                                absl::string_view method,
                                absl::Duration* retry_after) {
  absl::Time now = clock_();
  std::lock_guard lock(mu_);
  // Idle buckets are full again: forget them, so the map stays bounded by
  // the callers of the last few seconds.
  if (buckets_.size() > 100000) {
    std::erase_if(buckets_, [&](const auto& entry) {
      return absl::ToDoubleSeconds(now - entry.second.updated) * per_second_ >=
             burst_;
    });
  }
  auto [it, fresh] = buckets_.try_emplace(
      {std::string(caller), std::string(method)}, Bucket{burst_, now});
  Bucket& bucket = it->second;
  bucket.tokens = std::min(
      burst_, bucket.tokens +
                  absl::ToDoubleSeconds(now - bucket.updated) * per_second_);
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::OkStatus();
  }
  *retry_after = absl::Seconds((1 - bucket.tokens) / per_second_);
  return absl::ResourceExhaustedError(absl::StrCat(
      "rate limit for ", method, " exceeded (", per_second_,
      " calls/s per caller); retry in ",
      static_cast<int64_t>(std::ceil(absl::ToDoubleMilliseconds(*retry_after))),
      " ms"));
}

std::string CallerHost(absl::string_view peer) {
  size_t scheme = peer.find(':');
  absl::string_view rest =
      scheme == absl::string_view::npos ? peer : peer.substr(scheme + 1);
  size_t port = rest.rfind(':');
  return std::string(port == absl::string_view::npos ? rest
                                                     : rest.substr(0, port));
}

}  // namespace skp::services
