// replication_load: measures replication between three nodes on this
// machine against the single-node append rate measured in the same run
// (issue 5), and prints Markdown tables (copied into RESULTS.md).
//
//   1. One node with no peers: durable appends/s through gRPC at --clients.
//   2. Three nodes, each mirroring and witnessing the other two. Replication
//      throughput: node 0 takes the load of (1) while its peers are down,
//      then they start and catch up: entries each verified and stored per
//      second. Then the same load with all three up: node 0's append rate,
//      and how long after the last append each peer holds everything.
//   3. Half load: appends paced at half the rate of (1) for --seconds; the
//      lag of each acknowledged entry = the time from its acknowledgement
//      until each peer's mirror accepted a checkpoint containing it.
//   4. Idle: the process's CPU time while the three nodes have nothing to
//      do; then a light load (50 appends/s) and its lag, as in (3).
//
// Nodes, clients and the lag sampler share this process and the 2 cores;
// nodes talk over loopback TCP with the real replication code (mirror
// streams, witnesses, cosignatures). Records need no registry here
// (trust-anchor validation), so replication itself is what is measured.
//
//   replication_load [--seconds 5] [--clients 32] [--payload-bytes 200]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "ledger/log.h"
#include "ledger/rocksdb_store.h"
#include "services/common/server.h"
#include "services/ledger/ledger_service.h"
#include "services/ledger/peers.h"
#include "skillspassport/v1/ledger.pb.h"
#include "tests/bench/load_driver.h"
#include "tests/testing/free_port.h"
#include "tests/testing/raw_call.h"
#include "tests/testing/temp_dir.h"

namespace skp::bench {
namespace {

using testing::FreePort;

struct Node {
  Node(const std::string& dir, int i, const ledger::Signer& author)
      : key(*ledger::Signer::Generate(absl::StrCat("node", i, ".bench/log"))),
        witness_key(
            *ledger::Signer::Generate(absl::StrCat("node", i, ".bench/witness"),
                                      ledger::kAlgCosignatureV1)),
        validator(std::vector<ledger::Verifier>{author.verifier()}),
        address(absl::StrCat("127.0.0.1:", FreePort())) {
    store = *ledger::RocksDbStore::Open(dir);
    log = *ledger::Log::Open(store.get(), &key, &validator, {key.name()});
  }
  // Starts replication with `peers` (none: a single node) and the server.
  void Start(std::vector<services::PeerConfig> peers) {
    if (!peers.empty()) {
      replication = *services::PeerReplication::Start(
          store.get(), log.get(), &witness_key, std::move(peers), {});
    }
    service =
        std::make_unique<services::LedgerService>(log.get(), replication.get());
    auto running = services::StartServer(address, {service.get()});
    if (!running.ok()) {
      std::fprintf(stderr, "cannot listen: %s\n",
                   running.status().ToString().c_str());
      std::exit(1);
    }
    server = std::move(running->server);
  }
  ~Node() {
    if (server) server->Shutdown(std::chrono::system_clock::now());
    server.reset();
    replication.reset();
    service.reset();
    log.reset();
  }
  services::PeerConfig AsPeer() const {
    return {address, key.verifier(), witness_key.verifier()};
  }

  ledger::Signer key, witness_key;
  ledger::TrustAnchorValidator validator;
  std::string address;
  std::unique_ptr<ledger::RocksDbStore> store;
  std::unique_ptr<ledger::Log> log;
  std::unique_ptr<services::PeerReplication> replication;
  std::unique_ptr<services::LedgerService> service;
  std::unique_ptr<grpc::Server> server;
};

bool Append(grpc::GenericStub& stub, const std::string& entry,
            uint64_t* index = nullptr) {
  skillspassport::v1::AppendRequest request;
  request.set_entry(entry);
  auto [status, body] = testing::RawUnaryCall(
      stub, "/skillspassport.v1.Ledger/Append", request.SerializeAsString());
  if (!status.ok()) return false;
  skillspassport::v1::AppendResponse response;
  response.ParseFromString(body);
  if (index != nullptr) *index = response.index();
  return true;
}

// Appends `entries` from `clients` closed-loop clients for `seconds`.
LoadResult AppendLoad(
    const std::vector<std::unique_ptr<grpc::GenericStub>>& stubs,
    const std::vector<std::string>& entries, int clients, double seconds) {
  std::atomic<size_t> next{0};
  return RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
    size_t i = next++;
    if (i >= entries.size()) return std::nullopt;
    return Append(*stubs[t % stubs.size()], entries[i]);
  });
}

int Main(int argc, char** argv) {
  CLI::App app{
      "replication_load: appends to three nodes that mirror each other"};
  app.option_defaults()->always_capture_default();
  double seconds = 5;
  int clients = 32;
  size_t payload_bytes = 200;
  app.add_option("--seconds", seconds, "each phase's length");
  app.add_option("--clients", clients, "concurrent appenders")
      ->check(CLI::PositiveNumber);
  app.add_option("--payload-bytes", payload_bytes, "each entry's payload");
  CLI11_PARSE(app, argc, argv);
  skp::services::ConfigureServingProcess();
  testing::TempDir dir;
  ledger::Signer author = *ledger::Signer::Generate("author");
  size_t count = static_cast<size_t>(std::max(30000.0, 14000 * seconds));

  std::printf("## Replication, three nodes on one machine (issue 5)\n\n");
  std::printf("%d clients, %.0f s phases, entries of %zu-byte payloads\n\n",
              clients, seconds, payload_bytes);

  // 1. The single-node baseline.
  double single_rate = 0;
  {
    Node single(dir.File("single"), 9, author);
    single.Start({});
    auto stubs = Stubs(single.address, 4);
    LoadResult load =
        AppendLoad(stubs, SignEntries(author, count, payload_bytes, "single"),
                   clients, seconds);
    single_rate = load.rate();
    std::printf(
        "One node, no peers: %.0f appends/s, p50 %.2f ms, p99 %.2f ms\n",
        load.rate(), load.percentile(0.5) / 1000, load.percentile(0.99) / 1000);
  }

  // 2 and 3: three nodes.
  std::vector<std::unique_ptr<Node>> nodes;
  for (int i = 0; i < 3; ++i)
    nodes.push_back(
        std::make_unique<Node>(dir.File(absl::StrCat("n", i)), i, author));
  auto start_node = [&](int i) {
    std::vector<services::PeerConfig> peers;
    for (int j = 0; j < 3; ++j)
      if (j != i) peers.push_back(nodes[j]->AsPeer());
    nodes[i]->Start(std::move(peers));
  };
  const std::string origin0 = nodes[0]->key.name();
  auto mirrored = [&](int peer) {
    return nodes[peer]->replication->MirrorOf(origin0)->Head().size;
  };
  start_node(0);
  auto stubs = Stubs(nodes[0]->address, 4);
  {
    AppendLoad(stubs, SignEntries(author, count, payload_bytes, "backlog"),
               clients, seconds);
    uint64_t backlog = nodes[0]->log->Head().size;
    absl::Time start = absl::Now();
    start_node(1);
    start_node(2);
    absl::Time caught_up[2];
    for (int p : {1, 2}) {
      while (mirrored(p) < backlog) absl::SleepFor(absl::Milliseconds(1));
      caught_up[p - 1] = absl::Now();
    }
    std::printf(
        "\nCatching up (both peers at once, on the same 2 cores):\n\n"
        "| peer | entries | seconds | replication entries/s | single-node "
        "appends/s | ratio (target >= 0.8) |\n|---|---|---|---|---|---|\n");
    for (int p : {1, 2}) {
      double took = absl::ToDoubleSeconds(caught_up[p - 1] - start);
      std::printf("| node %d | %llu | %.2f | %.0f | %.0f | %.2f |\n", p,
                  static_cast<unsigned long long>(backlog), took,
                  backlog / took, single_rate, backlog / took / single_rate);
    }
    std::printf("\n");
  }
  {
    LoadResult load =
        AppendLoad(stubs, SignEntries(author, count, payload_bytes, "full"),
                   clients, seconds);
    uint64_t total = nodes[0]->log->Head().size;
    absl::Time end = absl::Now();
    double behind[2];
    for (int p : {1, 2}) {
      while (mirrored(p) < total) absl::SleepFor(absl::Milliseconds(1));
      behind[p - 1] = absl::ToDoubleMilliseconds(absl::Now() - end);
    }
    std::printf(
        "Full load with all three up:\n\n| node 0 appends/s | p50 ms | p99 ms "
        "| node 1 holds all after | node 2 holds all after |\n"
        "|---|---|---|---|---|\n| %.0f | %.2f | %.2f | %.0f ms | %.0f ms |\n\n",
        load.rate(), load.percentile(0.5) / 1000, load.percentile(0.99) / 1000,
        behind[0], behind[1]);
  }

  // 3. Half load; 4. idle CPU and a light load.
  auto paced_lag = [&](double rate, const char* tag) {
    size_t due = static_cast<size_t>(rate * seconds);
    auto entries = SignEntries(author, due, payload_bytes, tag);
    struct Ack {
      uint64_t index;
      absl::Time at;
    };
    std::mutex mu;
    std::vector<Ack> acks;
    std::vector<std::vector<std::pair<absl::Time, uint64_t>>> samples(2);
    std::atomic<bool> sampling{true};
    std::thread sampler([&] {
      while (sampling) {
        absl::Time now = absl::Now();
        for (int p : {1, 2}) samples[p - 1].emplace_back(now, mirrored(p));
        absl::SleepFor(absl::Microseconds(500));
      }
    });
    // Open loop: entry k is due at start + k / rate.
    absl::Time start = absl::Now();
    std::atomic<size_t> next{0};
    std::vector<std::thread> senders;
    for (int t = 0; t < clients; ++t) {
      senders.emplace_back([&, t] {
        for (size_t k = next++; k < due; k = next++) {
          absl::Time when = start + absl::Seconds(k / rate);
          absl::Time now = absl::Now();
          if (when > now) absl::SleepFor(when - now);
          uint64_t index = 0;
          if (Append(*stubs[t % stubs.size()], entries[k], &index)) {
            std::lock_guard lock(mu);
            acks.push_back({index, absl::Now()});
          }
        }
      });
    }
    for (auto& s : senders) s.join();
    double achieved = acks.size() / absl::ToDoubleSeconds(absl::Now() - start);
    uint64_t total = nodes[0]->log->Head().size;
    while (mirrored(1) < total || mirrored(2) < total)
      absl::SleepFor(absl::Milliseconds(1));
    absl::SleepFor(absl::Milliseconds(5));
    sampling = false;
    sampler.join();
    std::printf("%.0f appends/s offered, %.0f acknowledged/s\n\n", rate,
                achieved);
    std::printf(
        "| peer | lag p50 ms | lag p99 ms | lag max ms | p99 / 1 s target |\n"
        "|---|---|---|---|---|\n");
    for (int p : {1, 2}) {
      const auto& s = samples[p - 1];
      std::vector<double> lags;
      for (const Ack& ack : acks) {
        // The first sample at which the mirror held the entry.
        auto it = std::partition_point(
            s.begin(), s.end(),
            [&](const auto& sample) { return sample.second <= ack.index; });
        if (it == s.end()) continue;
        lags.push_back(
            std::max(0.0, absl::ToDoubleMilliseconds(it->first - ack.at)));
      }
      std::sort(lags.begin(), lags.end());
      auto pct = [&](double q) {
        return lags.empty()
                   ? 0.0
                   : lags[std::min(lags.size() - 1,
                                   static_cast<size_t>(q * lags.size()))];
      };
      std::printf("| node %d | %.1f | %.1f | %.1f | %.3f |\n", p, pct(0.5),
                  pct(0.99), lags.empty() ? 0.0 : lags.back(),
                  pct(0.99) / 1000);
    }
    std::printf("\n");
  };
  std::printf("Half load (0.5 x %.0f): ", single_rate);
  paced_lag(single_rate / 2, "half");

  // An idle cluster should cost next to nothing: the process's CPU time
  // (three nodes, their mirror streams and witnesses) while nothing happens.
  {
    auto cpu_seconds = [] {
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
             (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    };
    absl::SleepFor(absl::Seconds(1));  // let the last checkpoints settle
    double before = cpu_seconds();
    absl::Time start = absl::Now();
    absl::SleepFor(absl::Seconds(seconds));
    double used = cpu_seconds() - before;
    double wall = absl::ToDoubleSeconds(absl::Now() - start);
    std::printf(
        "Idle, three nodes: %.3f CPU-s in %.1f s = %.2f %% of one core\n\n",
        used, wall, 100 * used / wall);
  }
  std::printf("Light load: ");
  paced_lag(50, "light");
  return 0;
}

}  // namespace
}  // namespace skp::bench

int main(int argc, char** argv) { return skp::bench::Main(argc, argv); }
