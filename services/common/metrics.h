// Prometheus metrics (text exposition format 0.0.4) for one node: gRPC
// request counts and latency histograms per method and status (observed by
// call_observer.h), log group-commit sizes and fsync latency, and gauges read
// at scrape time (log size, replication lag per peer, the fork alarm). Served
// at GET /metrics by the HTTP gateway (--http-listen, --metrics-listen).
// Labels carry method names, status codes and log origins only.
#ifndef SKP_SERVICES_COMMON_METRICS_H_
#define SKP_SERVICES_COMMON_METRICS_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace skp::services {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  // Appends the _bucket, _sum and _count lines of `name` with `labels`
  // ("" or `a="b",c="d"`).
  void Render(absl::string_view name, absl::string_view labels,
              std::string& out) const;

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // per bound, then +Inf; guarded by mu_
  double sum_ = 0;                // guarded by mu_
};

class Metrics {
 public:
  struct Gauge {
    std::string name, help, labels;
    double value;
  };
  using GaugeSource = std::function<std::vector<Gauge>()>;

  Metrics();

  void ObserveRpc(absl::string_view method, int code, double seconds);
  void ObserveCommit(size_t entries, double seconds);
  // Gauges computed when scraped (call before serving).
  void AddGaugeSource(GaugeSource source);
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  // (method, code) -> latency histogram; guarded by mu_.
  std::map<std::pair<std::string, int>, std::unique_ptr<Histogram>> rpcs_;
  Histogram batch_entries_;
  Histogram commit_seconds_;
  std::vector<GaugeSource> gauges_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_COMMON_METRICS_H_
