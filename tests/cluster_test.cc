// Three passportd processes on loopback that mirror and witness each other
// (issue 5): projections converge when records go to different nodes, a
// MIRRORED acknowledgement survives the loss of the node that gave it, a
// stopped node catches up on restart, and a peer that rewrites its log is
// refused with the evidence kept.
#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "records/access_token.h"
#include "records/presentation.h"
#include "records/raw_call.h"
#include "records/reference/reference_data.h"
#include "records/signing.h"
#include "records/tls.h"
#include "services/registry/trust_registry.h"
#include "skillspassport/v1/ledger.grpc.pb.h"
#include "skillspassport/v1/passport.grpc.pb.h"
#include "skillspassport/v1/workforce.grpc.pb.h"
#include "tests/testing/free_port.h"
#include "tests/testing/node_process.h"
#include "tests/testing/temp_dir.h"
#include "tests/workforce/workforce_generator.h"

namespace skp {
namespace {

namespace v1 = skillspassport::v1;
using testing::WorkforceGenerator;

using testing::FreePort;

int ExitCode(const std::string& command) {
  int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Output(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  pclose(pipe);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// A generated workforce, as the entries each party would submit: the setup
// (organisations, professionals, plans) and each worker's records in order.
struct Workload {
  Workload(uint64_t seed, int worker_count)
      : reference(*reference::ReferenceData::Embedded()),
        generator(*WorkforceGenerator::Create(
            {.seed = seed, .workers = worker_count, .keep_truth = false},
            &reference)) {
    EXPECT_TRUE(generator
                    .Setup([&](const std::string& e) {
                      setup.push_back(e);
                      return absl::OkStatus();
                    })
                    .ok());
    EXPECT_TRUE(generator
                    .Workers([&](const std::string& e) {
                      auto entry = ledger::DecodeEntry(e);
                      v1::Record record;
                      record.ParseFromString(entry->payload);
                      if (record.has_passport_enrolled())
                        workers.emplace_back();
                      workers.back().push_back(e);
                      return absl::OkStatus();
                    })
                    .ok());
  }
  reference::ReferenceData reference;
  WorkforceGenerator generator;
  std::vector<std::string> setup;
  std::vector<std::vector<std::string>> workers;
};

class Cluster {
 public:
  // `anchors`: the governance keys every node trusts.
  // `extra_args` go to every node; `credentials` (null: plain text) are
  // the test's own channels'.
  Cluster(const std::string& root, int nodes,
          const std::vector<const ledger::Signer*>& anchors,
          int mirrored_copies, std::vector<std::string> extra_args = {},
          std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr)
      : root_(root),
        copies_(mirrored_copies),
        extra_args_(std::move(extra_args)),
        credentials_(credentials != nullptr
                         ? credentials
                         : grpc::InsecureChannelCredentials()) {
    std::ofstream out(root + "/anchors.txt");
    for (const ledger::Signer* s : anchors)
      out << s->verifier().ToString() << "\n";
    out.close();
    for (int i = 0; i < nodes; ++i) {
      Member m;
      m.dir = absl::StrCat(root, "/node", i);
      m.origin = absl::StrCat("node", i, ".test/log");
      m.address = absl::StrCat("127.0.0.1:", FreePort());
      m.metrics_port = FreePort();
      std::string keys = absl::StrCat(PASSPORTD_PATH, " keys --data-dir ",
                                      m.dir, " --origin ", m.origin);
      m.log_vkey = Output(keys);
      m.witness_vkey = Output(keys + " --witness");
      members_.push_back(std::move(m));
    }
    for (int i = 0; i < nodes; ++i) {
      std::ofstream peers(members_[i].dir + "/peers.txt");
      for (int j = 0; j < nodes; ++j) {
        if (j == i) continue;
        peers << members_[j].address << " " << members_[j].log_vkey << " "
              << members_[j].witness_vkey << "\n";
      }
    }
    for (int i = 0; i < nodes; ++i) Start(i);
  }

  void Start(int i) {
    Member& m = members_[i];
    std::vector<std::string> args = {
        "--data-dir",
        m.dir,
        "--trust-anchor",
        root_ + "/anchors.txt",
        "--peers",
        m.dir + "/peers.txt",
        "--mirrored-copies",
        absl::StrCat(copies_),
        "--mirrored-timeout-ms",
        "2000",
        "--metrics-listen",
        absl::StrCat("127.0.0.1:", m.metrics_port)};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    m.process =
        std::make_unique<testing::NodeProcess>(PASSPORTD_PATH, args, m.address);
    ASSERT_FALSE(m.process->address().empty()) << "node " << i;
    auto channel = grpc::CreateChannel(m.address, credentials_);
    m.ledger = v1::Ledger::NewStub(channel);
    m.passport = v1::Passport::NewStub(channel);
    m.workforce = v1::Workforce::NewStub(channel);
    m.generic = std::make_unique<grpc::GenericStub>(channel);
  }
  void Stop(int i, int signal) { members_[i].process->Stop(signal); }

  absl::StatusOr<v1::SubmitResponse> Submit(int i, const std::string& entry,
                                            v1::Durability durability) {
    v1::SubmitRequest request;
    request.set_entry(entry);
    request.set_durability(durability);
    v1::SubmitResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(20));
    grpc::Status status =
        members_[i].passport->Submit(&context, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return response;
  }

  v1::GetReplicationResponse Replication(int i) {
    v1::GetReplicationResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    members_[i].ledger->GetReplication(&context, {}, &response);
    return response;
  }

  // Every node in `nodes` holds every other one's log up to its size, with
  // nothing parked.
  bool WaitConverged(const std::vector<int>& nodes,
                     absl::Duration timeout = absl::Seconds(60)) {
    absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      std::map<std::string, uint64_t> sizes;
      std::vector<v1::GetReplicationResponse> states;
      for (int i : nodes) {
        states.push_back(Replication(i));
        sizes[states.back().origin()] = states.back().size();
      }
      bool converged = true;
      for (const auto& state : states) {
        converged &= state.parked() == 0;
        for (const v1::PeerState& peer : state.peers()) {
          if (sizes.contains(peer.origin()))
            converged &= peer.mirrored_size() == sizes[peer.origin()];
        }
      }
      if (converged) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

  // The serialized answers of `i` to a fixed set of workforce queries.
  std::vector<std::string> WorkforceAnswers(int i, const std::string& icb) {
    std::vector<std::string> out;
    auto as_of = [](v1::When* when, int y, int m, int d) {
      v1::Date* date = when->mutable_as_of();
      date->set_year(y);
      date->set_month(m);
      date->set_day(d);
    };
    auto call = [&](auto method, const auto& request) {
      v1::Tables tables;
      grpc::ClientContext context;
      grpc::Status status =
          (members_[i].workforce.get()->*method)(&context, request, &tables);
      EXPECT_TRUE(status.ok()) << status.error_message();
      out.push_back(tables.SerializeAsString());
    };
    v1::SupplyRequest supply;
    as_of(supply.mutable_when(), 2025, 6, 30);
    supply.add_group_by(v1::DIMENSION_PLACE);
    supply.add_group_by(v1::DIMENSION_ROLE);
    call(&v1::Workforce::Stub::Supply, supply);
    v1::SupplyRequest by_sector = supply;
    by_sector.clear_group_by();
    by_sector.add_group_by(v1::DIMENSION_ICB);
    by_sector.add_group_by(v1::DIMENSION_SECTOR);
    call(&v1::Workforce::Stub::Supply, by_sector);
    v1::CoverageRequest coverage;
    as_of(coverage.mutable_when(), 2025, 6, 30);
    coverage.set_icb_code(icb);
    call(&v1::Workforce::Stub::Coverage, coverage);
    v1::ExpiringRequest expiring;
    as_of(expiring.mutable_when(), 2025, 6, 30);
    expiring.set_within_days(365);
    expiring.add_group_by(v1::DIMENSION_PLACE);
    call(&v1::Workforce::Stub::Expiring, expiring);
    v1::FlowsRequest flows;
    as_of(flows.mutable_when(), 2025, 12, 31);
    flows.set_period_days(730);
    flows.set_between(v1::DIMENSION_SECTOR);
    call(&v1::Workforce::Stub::Flows, flows);
    return out;
  }

  std::string PassportView(int i, const ledger::Signer& worker) {
    v1::GetPassportRequest request;
    std::string passport_id =
        records::PassportIdOf(records::PublicKeyBytes(worker.verifier()));
    request.set_passport_id(passport_id);
    request.mutable_as_of()->set_year(2025);
    request.mutable_as_of()->set_month(6);
    request.mutable_as_of()->set_day(30);
    v1::PassportView view;
    grpc::ClientContext context;
    SignIn(context, i, worker);
    grpc::Status status =
        members_[i].passport->GetPassport(&context, request, &view);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return view.SerializeAsString();
  }

  // Names `caller` on a call to node i with an access token.
  void SignIn(grpc::ClientContext& context, int i,
              const ledger::Signer& caller) {
    context.AddMetadata(
        "authorization",
        "Bearer " +
            records::SignAccessToken(caller, members_[i].origin, absl::Now()));
  }

  // GET /metrics of node i: the whole HTTP response.
  std::string Metrics(int i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(members_[i].metrics_port));
    std::string response;
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      std::string request = "GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n";
      send(fd, request.data(), request.size(), 0);
      char buffer[4096];
      for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;)
        response.append(buffer, static_cast<size_t>(n));
    }
    close(fd);
    return response;
  }

  struct Member {
    int metrics_port = 0;
    std::string dir, origin, address, log_vkey, witness_vkey;
    std::unique_ptr<testing::NodeProcess> process;
    std::unique_ptr<v1::Ledger::Stub> ledger;
    std::unique_ptr<v1::Passport::Stub> passport;
    std::unique_ptr<v1::Workforce::Stub> workforce;
    std::unique_ptr<grpc::GenericStub> generic;  // for grpc.health.v1
  };
  Member& member(int i) { return members_[i]; }

 private:
  std::string root_;
  int copies_;
  std::vector<std::string> extra_args_;
  std::shared_ptr<grpc::ChannelCredentials> credentials_;
  std::vector<Member> members_;
};

// The setup goes to node 0; its last record MIRRORED, so every peer holds
// the whole setup before anyone signs with the keys it registers.
void SubmitSetup(Cluster& cluster, const Workload& load, int copies) {
  for (size_t i = 0; i < load.setup.size(); ++i) {
    bool last = i + 1 == load.setup.size();
    auto submitted = cluster.Submit(
        0, load.setup[i],
        last && copies > 0 ? v1::DURABILITY_MIRRORED : v1::DURABILITY_LOCAL);
    ASSERT_TRUE(submitted.ok()) << i << ": " << submitted.status();
  }
}

// Worker w's records go, in order, to node targets[w % targets.size()];
// one thread per node.
void SubmitWorkers(Cluster& cluster, const Workload& load,
                   const std::vector<int>& targets, size_t first,
                   size_t count) {
  std::vector<std::thread> threads;
  for (size_t t = 0; t < targets.size(); ++t) {
    threads.emplace_back([&, t] {
      for (size_t w = first + t; w < first + count; w += targets.size()) {
        for (const std::string& entry : load.workers[w]) {
          auto submitted =
              cluster.Submit(targets[t], entry, v1::DURABILITY_LOCAL);
          EXPECT_TRUE(submitted.ok()) << submitted.status();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
}

TEST(ClusterTest, ProjectionsConvergeWhenRecordsGoToDifferentNodes) {
  testing::TempDir dir;
  Workload load(11, 90);
  Cluster cluster(dir.path(), 3, {&load.generator.governance()}, 2);
  SubmitSetup(cluster, load, 2);
  SubmitWorkers(cluster, load, {0, 1, 2}, 0, load.workers.size());
  ASSERT_TRUE(cluster.WaitConverged({0, 1, 2}));

  // Every node's own log took a share; each holds all records.
  for (int i = 0; i < 3; ++i) {
    auto state = cluster.Replication(i);
    EXPECT_GT(state.size(), 0u);
    EXPECT_EQ(state.peers_size(), 2);
    EXPECT_FALSE(state.cosigned_checkpoint().empty());
    for (const v1::PeerState& peer : state.peers()) EXPECT_FALSE(peer.forked());
  }
  // A client retrying at node 1 a record node 0 logged (worker 0's went to
  // node 0): node 1 holds it already and answers with node 0's log.
  uint64_t node1_size = cluster.Replication(1).size();
  auto first = cluster.Submit(0, load.workers[0][0], v1::DURABILITY_LOCAL);
  auto retried = cluster.Submit(1, load.workers[0][0], v1::DURABILITY_MIRRORED);
  ASSERT_TRUE(first.ok() && retried.ok()) << retried.status();
  EXPECT_TRUE(retried->already_present());
  EXPECT_EQ(retried->index(), first->index());
  EXPECT_EQ(ledger::PeekCheckpoint(retried->checkpoint())->origin,
            cluster.member(0).origin);
  EXPECT_EQ(cluster.Replication(1).size(), node1_size);
  std::string icb = load.generator.icbs()[0];
  std::vector<std::string> answers = cluster.WorkforceAnswers(0, icb);
  v1::Tables supply;
  ASSERT_TRUE(supply.ParseFromString(answers[0]));
  ASSERT_FALSE(supply.tables().empty());
  EXPECT_GT(supply.tables(0).rows_size(), 10);
  for (int i = 1; i < 3; ++i)
    EXPECT_EQ(cluster.WorkforceAnswers(i, icb), answers);
  for (int w : {0, 1, 2, 40, 89}) {
    ledger::Signer worker = *load.generator.WorkerKey(w);
    std::string view = cluster.PassportView(0, worker);
    EXPECT_GT(view.size(), 50u);
    for (int i = 1; i < 3; ++i)
      EXPECT_EQ(cluster.PassportView(i, worker), view);
  }

  // Presentations from node 0: worker 0's records are in its own log (proved
  // against a checkpoint its peers cosigned), worker 1's in node 1's log
  // (proved against node 1's checkpoint, which node 0 mirrors and cosigns).
  records::VerifyOptions options{.audience = "ODS:TEST", .now = absl::Now()};
  for (int i = 0; i < 3; ++i) {
    options.trusted_nodes.push_back(
        *ledger::Verifier::Parse(cluster.member(i).log_vkey));
    options.witnesses.push_back(
        *ledger::Verifier::Parse(cluster.member(i).witness_vkey));
  }
  options.quorum = 1;
  for (int w : {0, 1}) {
    ledger::Signer worker = *load.generator.WorkerKey(w);
    v1::PresentRequest request;
    request.set_passport_id(
        records::PassportIdOf(records::PublicKeyBytes(worker.verifier())));
    for (const std::string& entry : load.workers[w])
      request.add_record_ids(
          std::string(ledger::AsBytes(ledger::HashLeaf(entry))));
    v1::SignedBundle bundle;
    grpc::ClientContext context;
    cluster.SignIn(context, 0, worker);
    grpc::Status presented =
        cluster.member(0).passport->Present(&context, request, &bundle);
    ASSERT_TRUE(presented.ok()) << presented.error_message();
    v1::Bundle attested;
    ASSERT_TRUE(attested.ParseFromString(bundle.bundle()));
    EXPECT_EQ(attested.records(0).checkpoint().empty(), w == 0);
    int64_t now = absl::ToUnixSeconds(absl::Now());
    auto presentation =
        records::MakePresentation(bundle, "ODS:TEST", now, now + 600, worker);
    ASSERT_TRUE(presentation.ok());
    auto report = records::VerifyPresentation(*presentation, options);
    ASSERT_TRUE(report.ok()) << report.status();
    ASSERT_EQ(report->records_size(), request.record_ids_size());
    for (const auto& record : report->records()) {
      EXPECT_NE(record.verdict(), v1::RECORD_VERDICT_NOT_IN_LOG)
          << w << ": " << record.detail();
      EXPECT_NE(record.verdict(), v1::RECORD_VERDICT_TAMPERED)
          << record.detail();
    }
    // A verifier that asks for more cosignatures than there are peers to
    // give them refuses the node's own checkpoint.
    records::VerifyOptions strict = options;
    strict.quorum = 3;
    auto refused = records::VerifyPresentation(*presentation, strict);
    if (w == 0) {
      EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
    }
  }

  // A stopped node with mirrors verifies, rebuilds from its logs alone, and
  // answers the same after.
  cluster.Stop(1, SIGTERM);
  const auto& node = cluster.member(1);
  std::string flags =
      absl::StrCat(" --data-dir ", node.dir, " --trust-anchor ", dir.path(),
                   "/anchors.txt --peers ", node.dir, "/peers.txt");
  std::string verified = Output(absl::StrCat(PASSPORTD_PATH, " verify", flags));
  EXPECT_TRUE(absl::StrContains(verified, "2 mirrors holding")) << verified;
  ASSERT_EQ(ExitCode(absl::StrCat(PASSPORTD_PATH, " rebuild", flags)), 0);
  EXPECT_EQ(ExitCode(absl::StrCat(PASSPORTD_PATH, " verify", flags)), 0);
  cluster.Start(1);
  EXPECT_EQ(cluster.WorkforceAnswers(1, icb), answers);
}

// The verdicts a verifier trusting every node gives worker w's records in a
// presentation node i attests.
std::vector<v1::RecordVerdict> Verdicts(Cluster& cluster, int i, int nodes,
                                        const ledger::Signer& worker,
                                        const std::vector<std::string>& ids) {
  records::VerifyOptions options{.audience = "ODS:TEST", .now = absl::Now()};
  for (int n = 0; n < nodes; ++n) {
    options.trusted_nodes.push_back(
        *ledger::Verifier::Parse(cluster.member(n).log_vkey));
    options.witnesses.push_back(
        *ledger::Verifier::Parse(cluster.member(n).witness_vkey));
  }
  options.quorum = 1;
  v1::PresentRequest request;
  request.set_passport_id(
      records::PassportIdOf(records::PublicKeyBytes(worker.verifier())));
  for (const std::string& id : ids) request.add_record_ids(id);
  v1::SignedBundle bundle;
  grpc::ClientContext context;
  cluster.SignIn(context, i, worker);
  grpc::Status presented =
      cluster.member(i).passport->Present(&context, request, &bundle);
  EXPECT_TRUE(presented.ok()) << presented.error_message();
  int64_t now = absl::ToUnixSeconds(absl::Now());
  auto presentation =
      records::MakePresentation(bundle, "ODS:TEST", now, now + 600, worker);
  EXPECT_TRUE(presentation.ok()) << presentation.status();
  auto report = records::VerifyPresentation(*presentation, options);
  EXPECT_TRUE(report.ok()) << report.status();
  std::vector<v1::RecordVerdict> verdicts;
  if (report.ok()) {
    for (const auto& record : report->records())
      verdicts.push_back(record.verdict());
  }
  return verdicts;
}

// Issue 13 item 7: an employer's key is revoked at node 0 while node 1, not
// yet aware, logs records that key signed after the revocation. Node 0 meets
// the revocation first and the records later; node 1 the other way round.
// Both hold the same records and answer byte for byte the same, with the
// records held revoked.
TEST(ClusterTest, ARevocationRacingRecordsSignedAfterItConvergesEitherWay) {
  testing::TempDir dir;
  Workload load(14, 12);
  Cluster cluster(dir.path(), 2, {&load.generator.governance()}, 0);
  SubmitSetup(cluster, load, 0);
  SubmitWorkers(cluster, load, {0, 1}, 0, load.workers.size());
  ASSERT_TRUE(cluster.WaitConverged({0, 1}));

  // Worker 0's training, and the key of the employer that signed it.
  std::vector<v1::Record> training;
  for (const std::string& entry : load.workers[0]) {
    v1::Record record;
    ASSERT_TRUE(record.ParseFromString(ledger::DecodeEntry(entry)->payload));
    if (record.has_credential_issued()) training.push_back(record);
  }
  ASSERT_FALSE(training.empty());
  ledger::Signer employer =
      *load.generator.KeyOf(training[0].credential_issued().organisation_id());
  // From the next second: everything logged so far stays valid.
  const int64_t revoked_from = absl::ToUnixSeconds(absl::Now()) + 1;

  cluster.Stop(1, SIGTERM);
  v1::Record revocation;
  revocation.set_issued_at(absl::ToUnixSeconds(absl::Now()));
  revocation.mutable_key_revoked()->set_key_id(
      employer.verifier().entry_key_id());
  revocation.mutable_key_revoked()->set_effective_at(revoked_from);
  revocation.mutable_key_revoked()->set_reason("compromised");
  auto revoked = cluster.Submit(
      0, *records::SignRecord(revocation, {&load.generator.governance()}),
      v1::DURABILITY_LOCAL);
  ASSERT_TRUE(revoked.ok()) << revoked.status();

  // Node 1, cut off from node 0, takes new records signed with the key.
  cluster.Stop(0, SIGTERM);
  cluster.Start(1);
  std::vector<std::string> late_ids;
  for (int copy = 0; copy < 3; ++copy) {
    v1::Record late = training[0];
    late.set_issued_at(revoked_from);
    late.mutable_credential_issued()->set_evidence_digest(std::string(
        ledger::AsBytes(ledger::Sha256(absl::StrCat("late ", copy)))));
    std::string entry = *records::SignRecord(late, {&employer});
    auto logged = cluster.Submit(1, entry, v1::DURABILITY_LOCAL);
    ASSERT_TRUE(logged.ok()) << logged.status();
    late_ids.emplace_back(ledger::AsBytes(ledger::HashLeaf(entry)));
  }
  cluster.Start(0);
  ASSERT_TRUE(cluster.WaitConverged({0, 1}));
  // Node 0 now refuses the key for what is submitted to it.
  v1::Record refused = training[0];
  refused.set_issued_at(revoked_from);
  auto submitted = cluster.Submit(0, *records::SignRecord(refused, {&employer}),
                                  v1::DURABILITY_LOCAL);
  EXPECT_EQ(submitted.status().code(), absl::StatusCode::kPermissionDenied)
      << submitted.status();

  ledger::Signer worker = *load.generator.WorkerKey(0);
  std::string view = cluster.PassportView(0, worker);
  EXPECT_EQ(cluster.PassportView(1, worker), view);
  v1::PassportView parsed;
  ASSERT_TRUE(parsed.ParseFromString(view));
  int late_seen = 0;
  for (const v1::CredentialView& credential : parsed.credentials()) {
    std::string id = credential.ref().record_id();
    if (std::find(late_ids.begin(), late_ids.end(), id) == late_ids.end())
      continue;
    ++late_seen;
    EXPECT_EQ(credential.ref().state(), v1::RECORD_STATE_REVOKED);
  }
  EXPECT_EQ(late_seen, 3);

  std::string icb = load.generator.icbs()[0];
  EXPECT_EQ(cluster.WorkforceAnswers(1, icb), cluster.WorkforceAnswers(0, icb));
  std::vector<std::string> presented = late_ids;
  presented.emplace_back(ledger::AsBytes(ledger::HashLeaf(load.workers[0][0])));
  std::vector<v1::RecordVerdict> verdicts =
      Verdicts(cluster, 0, 2, worker, presented);
  EXPECT_EQ(Verdicts(cluster, 1, 2, worker, presented), verdicts);
  ASSERT_EQ(verdicts.size(), 4u);
  for (int r = 0; r < 3; ++r)
    EXPECT_EQ(verdicts[r], v1::RECORD_VERDICT_REVOKED) << r;
  EXPECT_EQ(verdicts[3], v1::RECORD_VERDICT_VALID);

  // A rebuild, which meets the two logs in another order, finds the same.
  for (int i : {0, 1}) {
    cluster.Stop(i, SIGTERM);
    const auto& node = cluster.member(i);
    std::string flags =
        absl::StrCat(" --data-dir ", node.dir, " --trust-anchor ", dir.path(),
                     "/anchors.txt --peers ", node.dir, "/peers.txt");
    EXPECT_EQ(ExitCode(absl::StrCat(PASSPORTD_PATH, " verify", flags)), 0) << i;
    ASSERT_EQ(ExitCode(absl::StrCat(PASSPORTD_PATH, " rebuild", flags)), 0);
    cluster.Start(i);
    EXPECT_EQ(cluster.PassportView(i, worker), view);
  }
}

TEST(ClusterTest, MirroredWritesSurviveTheLossOfTheAcceptingNode) {
  testing::TempDir dir;
  Workload load(12, 40);
  Cluster cluster(dir.path(), 3, {&load.generator.governance()}, 2);
  SubmitSetup(cluster, load, 2);

  struct Ack {
    std::string entry;
    std::string record_id;
  };
  std::mutex mu;
  std::vector<Ack> acks;
  // A write node 0 did not acknowledge (its copies were late) may be held by
  // one survivor only.
  std::string unacknowledged;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (const auto& records : load.workers) {
      for (const std::string& entry : records) {
        if (stop) return;
        auto submitted = cluster.Submit(0, entry, v1::DURABILITY_MIRRORED);
        if (!submitted.ok()) {
          unacknowledged = entry;
          return;
        }
        std::lock_guard lock(mu);
        acks.push_back({entry, submitted->record_id()});
      }
    }
  });
  while (true) {
    absl::SleepFor(absl::Milliseconds(20));
    std::lock_guard lock(mu);
    if (acks.size() >= 60) break;
  }
  // No write in flight when node 0 dies: one it logged but had not
  // acknowledged could reach one survivor's mirror only, and no one could
  // fetch it from node 0 any more, so the survivors would differ by it.
  stop = true;
  writer.join();
  cluster.Stop(0, SIGKILL);
  ASSERT_GE(acks.size(), 60u);

  auto node0_key = ledger::Verifier::Parse(cluster.member(0).log_vkey);
  ASSERT_TRUE(node0_key.ok());
  for (int survivor : {1, 2}) {
    auto& ledger_stub = *cluster.member(survivor).ledger;
    v1::GetCheckpointRequest cp_request;
    cp_request.set_origin(cluster.member(0).origin);
    v1::GetCheckpointResponse cp_response;
    grpc::ClientContext cp_context;
    ASSERT_TRUE(
        ledger_stub.GetCheckpoint(&cp_context, cp_request, &cp_response).ok());
    auto checkpoint =
        ledger::OpenCheckpoint(cp_response.checkpoint(), *node0_key);
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
    for (const Ack& ack : acks) {
      v1::GetInclusionProofRequest request;
      request.set_origin(cluster.member(0).origin);
      request.set_leaf_hash(ack.record_id);
      request.set_tree_size(checkpoint->size);
      v1::GetInclusionProofResponse proof;
      grpc::ClientContext context;
      grpc::Status status =
          ledger_stub.GetInclusionProof(&context, request, &proof);
      ASSERT_TRUE(status.ok())
          << "survivor " << survivor << ": " << status.error_message();
      std::vector<ledger::Hash> path;
      for (const std::string& h : proof.proof())
        path.push_back(*ledger::HashFromBytes(h));
      EXPECT_TRUE(ledger::VerifyInclusion(proof.index(), checkpoint->size,
                                          ledger::HashLeaf(ack.entry), path,
                                          checkpoint->root)
                      .ok());
      v1::GetEntriesRequest entries;
      entries.set_origin(cluster.member(0).origin);
      entries.set_from(proof.index());
      entries.set_to(proof.index() + 1);
      grpc::ClientContext entries_context;
      auto reader = ledger_stub.GetEntries(&entries_context, entries);
      v1::LogEntry entry;
      ASSERT_TRUE(reader->Read(&entry));
      EXPECT_EQ(entry.entry(), ack.entry);
      reader->Finish();
    }
  }
  // Its client retries an unacknowledged write at both survivors (an append
  // is idempotent: the one that holds it answers already_present).
  if (!unacknowledged.empty()) {
    for (int survivor : {1, 2}) {
      auto retried =
          cluster.Submit(survivor, unacknowledged, v1::DURABILITY_LOCAL);
      EXPECT_TRUE(retried.ok()) << survivor << ": " << retried.status();
    }
  }
  // The survivors keep taking writes and agree with each other.
  SubmitWorkers(cluster, load, {1, 2}, load.workers.size() - 4, 4);
  ASSERT_TRUE(cluster.WaitConverged({1, 2}));
  std::string icb = load.generator.icbs()[0];
  EXPECT_EQ(cluster.WorkforceAnswers(1, icb), cluster.WorkforceAnswers(2, icb));
}

TEST(ClusterTest, AStoppedNodeCatchesUpOnRestart) {
  testing::TempDir dir;
  Workload load(13, 45);
  Cluster cluster(dir.path(), 3, {&load.generator.governance()}, 2);
  SubmitSetup(cluster, load, 2);
  SubmitWorkers(cluster, load, {0, 1, 2}, 0, 15);
  cluster.Stop(2, SIGTERM);
  // Writes continue while a node is down (MIRRORED too, with one copy left
  // short: the node says so and the record is still durable locally).
  SubmitWorkers(cluster, load, {0, 1}, 15, 30);
  auto short_of_copies =
      cluster.Submit(0, load.workers[15][0], v1::DURABILITY_MIRRORED);
  EXPECT_EQ(short_of_copies.status().code(), absl::StatusCode::kUnavailable);
  cluster.Start(2);
  ASSERT_TRUE(cluster.WaitConverged({0, 1, 2}));
  // The restarted node's peers cosign its unchanged checkpoint again, so it
  // can attest presentations without taking a new record first.
  std::string cosigned;
  for (absl::Time deadline = absl::Now() + absl::Seconds(10);
       cosigned.empty() && absl::Now() < deadline;
       absl::SleepFor(absl::Milliseconds(50))) {
    cosigned = cluster.Replication(2).cosigned_checkpoint();
  }
  EXPECT_FALSE(cosigned.empty());
  std::string icb = load.generator.icbs()[1];
  std::vector<std::string> answers = cluster.WorkforceAnswers(0, icb);
  EXPECT_EQ(cluster.WorkforceAnswers(1, icb), answers);
  EXPECT_EQ(cluster.WorkforceAnswers(2, icb), answers);
}

TEST(ClusterTest, APeerThatRewritesItsLogIsRefusedWithEvidenceKept) {
  testing::TempDir dir;
  Workload honest(14, 0), rewrite(15, 0);
  Cluster cluster(
      dir.path(), 2,
      {&honest.generator.governance(), &rewrite.generator.governance()}, 1);
  const int kHonest = 12, kRewritten = 30;
  for (int i = 0; i < kHonest; ++i) {
    ASSERT_TRUE(cluster
                    .Submit(0, honest.setup[i],
                            i + 1 == kHonest ? v1::DURABILITY_MIRRORED
                                             : v1::DURABILITY_LOCAL)
                    .ok());
  }
  ASSERT_TRUE(cluster.WaitConverged({0, 1}));

  // Node 0 comes back with the same key and another history.
  cluster.Stop(0, SIGKILL);
  std::string old_dir = cluster.member(0).dir;
  std::filesystem::rename(old_dir, old_dir + ".honest");
  std::filesystem::create_directories(old_dir);
  for (const char* file : {"node.key", "witness.key", "peers.txt"}) {
    std::filesystem::copy_file(old_dir + ".honest/" + file,
                               old_dir + "/" + file);
  }
  cluster.Start(0);
  for (int i = 0; i < kRewritten; ++i) {
    ASSERT_TRUE(cluster.Submit(0, rewrite.setup[i], v1::DURABILITY_LOCAL).ok());
  }

  v1::PeerState peer;
  for (absl::Time deadline = absl::Now() + absl::Seconds(20);
       absl::Now() < deadline; absl::SleepFor(absl::Milliseconds(50))) {
    peer = cluster.Replication(1).peers(0);
    if (peer.forked()) break;
  }
  ASSERT_TRUE(peer.forked()) << peer.last_error();
  EXPECT_EQ(peer.mirrored_size(), static_cast<uint64_t>(kHonest));
  EXPECT_TRUE(absl::StrContains(peer.fork_evidence(), "fork evidence for"));
  EXPECT_TRUE(absl::StrContains(peer.fork_evidence(),
                                absl::StrCat("\n", kHonest, "\n")));

  // HealthCheckRequest{service}; the response's field 1 is 2: NOT_SERVING.
  std::string service = "skillspassport.v1.Replication";
  auto [status, response] = records::RawUnaryCall(
      *cluster.member(1).generic, "/grpc.health.v1.Health/Check",
      absl::StrCat("\x0a", std::string(1, static_cast<char>(service.size())),
                   service));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response, std::string("\x08\x02", 2));
  // And on its metrics.
  std::string metrics = cluster.Metrics(1);
  EXPECT_TRUE(absl::StrContains(metrics, "skp_replication_forked 1"))
      << metrics;
  EXPECT_TRUE(absl::StrContains(
      metrics, "skp_replication_peer_forked{peer=\"node0.test/log\"} 1"));
  EXPECT_TRUE(absl::StrContains(
      metrics,
      "skp_grpc_server_handling_seconds_count{method=\"/skillspassport.v1."
      "Ledger/GetReplication\",code=\"0\"}"));
}

TEST(ClusterTest, NodesTalkMutualTlsAndRefusePlainText) {
  testing::TempDir dir;
  // A CA, and one certificate (for 127.0.0.1) every node and the test use.
  std::string d = dir.path();
  std::ofstream(d + "/san.ext")
      << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  ASSERT_EQ(ExitCode(absl::StrCat(
                "cd ", d,
                " && openssl req -x509 -newkey ec -pkeyopt "
                "ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem "
                "-days 2 -subj /CN=test-ca"
                " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                "-nodes -keyout tls.key -out tls.csr -subj /CN=localhost"
                " && openssl x509 -req -in tls.csr -CA ca.pem -CAkey ca.key "
                "-CAcreateserial -out tls.pem -days 2 -extfile san.ext")),
            0);
  records::TlsFiles files{d + "/tls.pem", d + "/tls.key", d + "/ca.pem"};
  Workload load(16, 6);
  Cluster cluster(d, 2, {&load.generator.governance()}, 1,
                  {"--tls-cert", files.cert, "--tls-key", files.key,
                   "--tls-client-ca", files.ca, "--peer-ca", files.ca},
                  *records::ChannelCredentialsFor(files));
  SubmitSetup(cluster, load, 1);
  SubmitWorkers(cluster, load, {0, 1}, 0, load.workers.size());
  ASSERT_TRUE(cluster.WaitConverged({0, 1}));
  std::string icb = load.generator.icbs()[0];
  EXPECT_EQ(cluster.WorkforceAnswers(0, icb), cluster.WorkforceAnswers(1, icb));

  // Plain text, or TLS without a client certificate, gets nowhere.
  for (auto credentials : {grpc::InsecureChannelCredentials(),
                           *records::ChannelCredentialsFor({.ca = files.ca})}) {
    auto stub = v1::Ledger::NewStub(
        grpc::CreateChannel(cluster.member(0).address, credentials));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(2));
    v1::GetCheckpointResponse response;
    EXPECT_FALSE(stub->GetCheckpoint(&context, {}, &response).ok());
  }
  // A node will not serve plain text beyond loopback unless told to.
  std::string refused = absl::StrCat(PASSPORTD_PATH, " serve --data-dir ", d,
                                     "/exposed --listen 0.0.0.0:0");
  EXPECT_EQ(ExitCode(refused), 1);
}

}  // namespace
}  // namespace skp
