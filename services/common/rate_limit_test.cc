#include "services/common/rate_limit.h"

#include "gtest/gtest.h"

namespace skp::services {
namespace {

TEST(RateLimiterTest, BurstThenRefillPerCallerAndMethod) {
  absl::Time now = absl::FromUnixSeconds(1000);
  RateLimiter limiter(2, [&] { return now; });
  absl::Duration wait;
  EXPECT_TRUE(limiter.Admit("10.0.0.1", "Submit", &wait).ok());
  EXPECT_TRUE(limiter.Admit("10.0.0.1", "Submit", &wait).ok());
  absl::Status refused = limiter.Admit("10.0.0.1", "Submit", &wait);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(wait, absl::Milliseconds(500));
  EXPECT_NE(refused.message().find("retry in 500 ms"), std::string::npos)
      << refused;
  // Other callers and other methods have their own buckets.
  EXPECT_TRUE(limiter.Admit("10.0.0.2", "Submit", &wait).ok());
  EXPECT_TRUE(limiter.Admit("10.0.0.1", "Supply", &wait).ok());
  now += absl::Milliseconds(500);
  EXPECT_TRUE(limiter.Admit("10.0.0.1", "Submit", &wait).ok());
  EXPECT_FALSE(limiter.Admit("10.0.0.1", "Submit", &wait).ok());
}

TEST(RateLimiterTest, CallerHostDropsSchemeAndPort) {
  EXPECT_EQ(CallerHost("ipv4:127.0.0.1:5678"), "127.0.0.1");
  EXPECT_EQ(CallerHost("ipv6:[::1]:5678"), "[::1]");
  EXPECT_EQ(CallerHost("unix:/tmp/socket"), "/tmp/socket");
}

}  // namespace
}  // namespace skp::services
