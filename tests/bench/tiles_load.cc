// Serving a log as C2SP tlog-tiles over HTTP against Ledger.GetEntries over
// gRPC, in one run on one node (issue 18): tiles/s and MB/s at 8 clients of
// random full hash tiles, random full entry bundles, and GetEntries calls
// streaming the same 256 entries a bundle holds.
//
//   tiles_load [--seconds=3] [--clients=8] [--tiles=40]
//
// The node is a full passportd Node in this process (gRPC and HTTP on
// loopback), its log filled with --tiles * 256 Care Certificate records
// through Passport.Submit; clients are threads with their own connections.
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ledger/crypto.h"
#include "ledger/tiles.h"
#include "records/signing.h"
#include "services/passportd/node.h"
#include "skillspassport/v1/ledger.grpc.pb.h"
#include "skillspassport/v1/passport.pb.h"
#include "tests/bench/load_driver.h"
#include "tests/bench/loopback_node.h"
#include "tests/testing/raw_call.h"
#include "tests/testing/temp_dir.h"

namespace skp::bench {
namespace {

namespace v1 = skillspassport::v1;

struct Row {
  std::string what;
  LoadResult result;
  uint64_t bytes;
};

// Fills the log with `count` records (and the employer and workers they
// need), from 8 threads.
bool FillLog(const services::NodeOptions& options, const std::string& address,
             size_t count) {
  auto stubs = Stubs(address, 4);
  ledger::Signer governance =
      *ledger::ReadKeyFile(services::DataDir(options.data_dir).GovernanceKey());
  ledger::Signer employer = *ledger::Signer::Generate("employer");
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  const std::string submit_method = "/skillspassport.v1.Passport/Submit";
  auto submit = [&](int stub, const v1::Record& record,
                    std::vector<const ledger::Signer*> by) {
    v1::SubmitRequest request;
    request.set_entry(*records::SignRecord(record, by));
    return testing::RawUnaryCall(*stubs[stub], submit_method,
                                 request.SerializeAsString())
        .first.ok();
  };
  if (!submit(0, BenchEmployer(employer.verifier(), now), {&governance}))
    return false;
  std::vector<std::string> passports;
  for (int w = 0; w < 16; ++w) {
    ledger::Signer worker = *ledger::Signer::Generate("worker");
    v1::Record enrol;
    enrol.set_issued_at(now);
    auto* e = enrol.mutable_passport_enrolled();
    e->set_public_key(records::PublicKeyBytes(worker.verifier()));
    e->set_identity_commitment(std::string(32, 'c'));
    e->set_organisation_id("CQC:1-101");
    if (!submit(0, enrol, {&worker, &employer})) return false;
    passports.push_back(
        records::PassportIdOf(records::PublicKeyBytes(worker.verifier())));
  }
  size_t logged = 1 + passports.size();
  std::atomic<size_t> next{0};
  std::atomic<bool> ok{true};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = next++; i + logged < count && ok; i = next++) {
        if (!submit(t % 4,
                    BenchStandardMet(passports[i % passports.size()], i, now),
                    {&employer})) {
          ok = false;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return ok;
}

void PrintRows(std::vector<Row>& rows) {
  std::printf(
      "| what | per s | MB/s | p50 ms | p99 ms | errors |\n"
      "|---|---|---|---|---|---|\n");
  for (Row& row : rows) {
    std::printf("| %s | %.0f | %.1f | %.2f | %.2f | %llu |\n", row.what.c_str(),
                row.result.rate(), row.bytes / row.result.seconds / 1e6,
                row.result.percentile(0.5) / 1000,
                row.result.percentile(0.99) / 1000,
                static_cast<unsigned long long>(row.result.errors));
  }
  std::printf("\n");
}

int Run(double seconds, int clients, int tiles) {
  testing::TempDir dir;
  std::unique_ptr<testing::LoopbackNode> loopback =
      testing::StartLoopbackNode(dir.File("data"));
  if (loopback == nullptr) return 1;
  const services::NodeOptions& options = loopback->options;
  const std::unique_ptr<services::Node>& node = loopback->node;
  const std::string& grpc_address = loopback->grpc_address;
  const size_t size = static_cast<size_t>(tiles) * ledger::kFullTileWidth;
  absl::Time fill_start = absl::Now();
  if (!FillLog(options, grpc_address, size)) {
    std::fprintf(stderr, "cannot fill the log\n");
    return 1;
  }
  std::printf(
      "# tlog-tiles against GetEntries: %d clients, %.0f s a run, "
      "%zu entries logged in %.1f s\n\n",
      clients, seconds, size, absl::ToDoubleSeconds(absl::Now() - fill_start));

  const std::string prefix = absl::StrCat("/tlog/", node->log().origin(), "/");
  std::vector<std::unique_ptr<httplib::Client>> http;
  std::vector<std::mt19937_64> random;
  for (int t = 0; t < clients; ++t) {
    http.push_back(std::make_unique<httplib::Client>(
        absl::StrCat("127.0.0.1:", node->http_port())));
    http.back()->set_keep_alive(true);
    http.back()->set_tcp_nodelay(true);
    random.emplace_back(t);
  }
  auto random_tile = [&](int t) {
    return std::uniform_int_distribution<int>(0, tiles - 1)(random[t]);
  };
  auto get_tiles = [&](bool entries) {
    std::atomic<uint64_t> bytes{0};
    LoadResult result =
        RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
          ledger::TileId tile{.entries = entries,
                              .index = static_cast<uint64_t>(random_tile(t))};
          httplib::Result got =
              http[t]->Get((prefix + ledger::TilePath(tile)).c_str());
          if (!got || got->status != 200) return false;
          bytes += got->body.size();
          return true;
        });
    return std::make_pair(result, bytes.load());
  };

  std::vector<std::unique_ptr<v1::Ledger::Stub>> grpc;
  for (int i = 0; i < 4; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("skp.bench.connection", i);
    grpc.push_back(v1::Ledger::NewStub(grpc::CreateCustomChannel(
        grpc_address, grpc::InsecureChannelCredentials(), args)));
  }
  std::atomic<uint64_t> grpc_bytes{0};
  LoadResult get_entries =
      RunLoad(clients, seconds, [&](int t) -> std::optional<bool> {
        uint64_t from =
            static_cast<uint64_t>(random_tile(t)) * ledger::kFullTileWidth;
        v1::GetEntriesRequest request;
        request.set_from(from);
        request.set_to(from + ledger::kFullTileWidth);
        grpc::ClientContext context;
        auto reader = grpc[t % grpc.size()]->GetEntries(&context, request);
        v1::LogEntry entry;
        uint64_t bytes = 0, count = 0;
        while (reader->Read(&entry)) {
          bytes += entry.entry().size();
          ++count;
        }
        if (!reader->Finish().ok() ||
            count != static_cast<uint64_t>(ledger::kFullTileWidth))
          return false;
        grpc_bytes += bytes;
        return true;
      });
  auto [hash_tiles, hash_bytes] = get_tiles(false);
  auto [bundles, bundle_bytes] = get_tiles(true);
  std::vector<Row> rows = {
      {"GetEntries over gRPC, 256 entries a call", get_entries,
       grpc_bytes.load()},
      {"tile/entries/N over HTTP, 256 entries a bundle", bundles, bundle_bytes},
      {"tile/0/N over HTTP, 256 hashes a tile", hash_tiles, hash_bytes}};
  PrintRows(rows);
  std::printf("Bundles against GetEntries: %.2fx the entries/s.\n",
              bundles.rate() / get_entries.rate());
  return 0;
}

}  // namespace
}  // namespace skp::bench

int main(int argc, char** argv) {
  CLI::App app{"tiles_load: C2SP tlog-tiles against GetEntries, under load"};
  app.option_defaults()->always_capture_default();
  double seconds = 3;
  int clients = 8;
  int tiles = 40;
  app.add_option("--seconds", seconds, "each phase's length");
  app.add_option("--clients", clients, "concurrent callers")
      ->check(CLI::PositiveNumber);
  app.add_option("--tiles", tiles, "full level-0 tiles in the log")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  skp::services::ConfigureServingProcess();
  return skp::bench::Run(seconds, clients, tiles);
}
