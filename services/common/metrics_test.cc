#include "services/common/metrics.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace skp::services {
namespace {

TEST(MetricsTest, HistogramsAreCumulativeWithSumAndCount) {
  Histogram histogram({0.1, 1});
  histogram.Observe(0.05);
  histogram.Observe(0.5);
  histogram.Observe(5);
  std::string out;
  histogram.Render("x_seconds", "method=\"M\"", out);
  EXPECT_EQ(out,
            "x_seconds_bucket{method=\"M\",le=\"0.1\"} 1\n"
            "x_seconds_bucket{method=\"M\",le=\"1\"} 2\n"
            "x_seconds_bucket{method=\"M\",le=\"+Inf\"} 3\n"
            "x_seconds_sum{method=\"M\"} 5.55\n"
            "x_seconds_count{method=\"M\"} 3\n");
}

TEST(MetricsTest, RendersCallsCommitsAndGaugesOncePerName) {
  Metrics metrics;
  metrics.ObserveRpc("/skillspassport.v1.Ledger/Append", 0, 0.002);
  metrics.ObserveRpc("/skillspassport.v1.Ledger/Append", 8, 0.0001);
  metrics.ObserveCommit(40, 0.003);
  metrics.AddGaugeSource([] {
    return std::vector<Metrics::Gauge>{{"skp_b", "B.", "peer=\"p1\"", 1},
                                       {"skp_a", "A.", "", 7},
                                       {"skp_b", "B.", "peer=\"p2\"", 2}};
  });
  std::string text = metrics.Render();
  EXPECT_TRUE(absl::StrContains(
      text,
      "skp_grpc_server_handling_seconds_count{method=\"/skillspassport.v1."
      "Ledger/Append\",code=\"8\"} 1\n"));
  EXPECT_TRUE(
      absl::StrContains(text, "skp_log_batch_entries_bucket{le=\"64\"} 1\n"));
  EXPECT_TRUE(absl::StrContains(text, "skp_log_commit_seconds_count 1\n"));
  EXPECT_TRUE(absl::StrContains(
      text,
      "# TYPE skp_b gauge\nskp_b{peer=\"p1\"} 1\nskp_b{peer=\"p2\"} 2\n"));
  EXPECT_TRUE(absl::StrContains(text, "# TYPE skp_a gauge\nskp_a 7\n"));
  size_t first = text.find("# TYPE skp_b");
  EXPECT_EQ(text.find("# TYPE skp_b", first + 1), std::string::npos);
}

}  // namespace
}  // namespace skp::services
