#include "services/common/metrics.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

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

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& listen, const Metrics* metrics) {
  size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics-listen wants HOST:PORT, not ", listen));
  }
  addrinfo hints{}, *found = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  std::string host = listen.substr(0, colon);
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(),
                  listen.substr(colon + 1).c_str(), &hints, &found) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("cannot resolve ", listen));
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bool bound = fd >= 0 && bind(fd, found->ai_addr, found->ai_addrlen) == 0 &&
               ::listen(fd, 16) == 0;
  freeaddrinfo(found);
  if (!bound) {
    if (fd >= 0) close(fd);
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for metrics on ", listen, ": ", std::strerror(errno)));
  }
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int bound_port =
      addr.ss_family == AF_INET
          ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
          : ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return std::unique_ptr<MetricsServer>(
      new MetricsServer(fd, bound_port, metrics));
}

MetricsServer::MetricsServer(int fd, int port, const Metrics* metrics)
    : fd_(fd), port_(port), metrics_(metrics) {
  thread_ = std::thread([this] { Serve(); });
}

MetricsServer::~MetricsServer() {
  stopping_ = true;
  thread_.join();
  close(fd_);
}

void MetricsServer::Serve() {
  while (!stopping_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;  // wakes to notice stopping_
    int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    timeval timeout{2, 0};
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char request[2048];
    ssize_t n = recv(client, request, sizeof request - 1, 0);
    std::string head(request, n > 0 ? static_cast<size_t>(n) : 0);
    bool wanted = head.rfind("GET /metrics ", 0) == 0 ||
                  head.rfind("GET /metrics?", 0) == 0;
    std::string body = wanted ? metrics_->Render() : "not found\n";
    std::string response = absl::StrCat(
        "HTTP/1.1 ", wanted ? "200 OK" : "404 Not Found",
        "\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: ",
        body.size(), "\r\nConnection: close\r\n\r\n", body);
    for (size_t sent = 0; sent < response.size();) {
      ssize_t w = send(client, response.data() + sent, response.size() - sent,
                       MSG_NOSIGNAL);
      if (w <= 0) break;
      sent += static_cast<size_t>(w);
    }
    close(client);
  }
}

}  // namespace skp::services
