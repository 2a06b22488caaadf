#include "services/common/metrics.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace skp::services {
namespace {

const std::vector<double> kLatencyBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                            0.025,  0.05,  0.1,    0.25,  0.5,
                                            1,      2.5,   5,      10};

std::vector<double> PowersOfTwo(int up_to) {
  std::vector<double> bounds;
  for (int b = 1; b <= up_to; b *= 2) bounds.push_back(b);
  return bounds;
}

std::string Number(double v) { return absl::StrFormat("%.9g", v); }

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  std::lock_guard lock(mu_);
  ++counts_[i];
  sum_ += value;
}

void Histogram::Render(absl::string_view name, absl::string_view labels,
                       std::string& out) const {
  std::lock_guard lock(mu_);
  std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i];
    absl::StrAppend(&out, name, "_bucket{", labels, sep, "le=\"",
                    i < bounds_.size() ? Number(bounds_[i]) : "+Inf", "\"} ",
                    cumulative, "\n");
  }
  std::string braces = labels.empty() ? "" : absl::StrCat("{", labels, "}");
  absl::StrAppend(&out, name, "_sum", braces, " ", Number(sum_), "\n", name,
                  "_count", braces, " ", cumulative, "\n");
}

Metrics::Metrics()
    : batch_entries_(PowersOfTwo(8192)), commit_seconds_(kLatencyBounds) {}

void Metrics::ObserveRpc(absl::string_view method, int code, double seconds) {
  Histogram* histogram = nullptr;
  {
    std::lock_guard lock(mu_);
    auto& slot = rpcs_[{std::string(method), code}];
    if (slot == nullptr) slot = std::make_unique<Histogram>(kLatencyBounds);
    histogram = slot.get();
  }
  histogram->Observe(seconds);
}

void Metrics::ObserveCommit(size_t entries, double seconds) {
  batch_entries_.Observe(static_cast<double>(entries));
  commit_seconds_.Observe(seconds);
}

void Metrics::AddGaugeSource(GaugeSource source) {
  std::lock_guard lock(mu_);
  gauges_.push_back(std::move(source));
}

std::string Metrics::Render() const {
  std::string out =
      "# HELP skp_grpc_server_handling_seconds gRPC calls by method and "
      "status code, with their latency.\n"
      "# TYPE skp_grpc_server_handling_seconds histogram\n";
  std::vector<GaugeSource> sources;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, histogram] : rpcs_) {
      histogram->Render(
          "skp_grpc_server_handling_seconds",
          absl::StrCat("method=\"", key.first, "\",code=\"", key.second, "\""),
          out);
    }
    sources = gauges_;
  }
  absl::StrAppend(&out,
                  "# HELP skp_log_batch_entries Entries per group commit.\n"
                  "# TYPE skp_log_batch_entries histogram\n");
  batch_entries_.Render("skp_log_batch_entries", "", out);
  absl::StrAppend(&out,
                  "# HELP skp_log_commit_seconds Duration of a group commit's "
                  "synced write (fsync).\n"
                  "# TYPE skp_log_commit_seconds histogram\n");
  commit_seconds_.Render("skp_log_commit_seconds", "", out);
  // Samples of one metric must be contiguous, under one HELP and TYPE.
  std::vector<Gauge> gauges;
  for (const GaugeSource& source : sources) {
    std::vector<Gauge> more = source();
    gauges.insert(gauges.end(), more.begin(), more.end());
  }
  std::stable_sort(
      gauges.begin(), gauges.end(),
      [](const Gauge& a, const Gauge& b) { return a.name < b.name; });
  std::string last;
  for (const Gauge& g : gauges) {
    if (g.name != last) {
      absl::StrAppend(&out, "# HELP ", g.name, " ", g.help, "\n# TYPE ", g.name,
                      " gauge\n");
      last = g.name;
    }
    absl::StrAppend(&out, g.name,
                    g.labels.empty() ? "" : absl::StrCat("{", g.labels, "}"),
                    " ", Number(g.value), "\n");
  }
  return out;
}

}  // namespace skp::services
