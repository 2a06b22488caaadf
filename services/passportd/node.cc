#include "services/passportd/node.h"

#include <malloc.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "ledger/rocksdb_store.h"
#include "ledger/status_macros.h"
#include "services/common/log_event.h"

namespace skp::services {
namespace {

absl::Status EnsureDirectory(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create directory ", path, ": ", error.message()));
  }
  ::chmod(path.c_str(), 0700);
  return absl::OkStatus();
}

// A file of trusted verifier keys a data directory gets on first start,
// listing one fresh local key, so the node runs with no further setup.
struct LocalKeyList {
  std::string list_file;  // in the data directory
  std::string key_file;   // the local key's private key file (0600)
  const char* key_name;
  const char* what;  // for the file's header comment
};

LocalKeyList GovernanceKeyList(const DataDir& dir) {
  return {dir.TrustAnchors(), dir.GovernanceKey(), "local-governance",
          "Trust anchors"};
}
LocalKeyList OperatorKeyList(const DataDir& dir) {
  return {dir.OperatorKeys(), dir.OperatorKey(), "local-operator",
          "Operator keys"};
}

absl::Status CreateLocalKey(const LocalKeyList& local) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer key,
                       ledger::Signer::Generate(local.key_name));
  SKP_RETURN_IF_ERROR(ledger::WriteKeyFile(local.key_file, key));
  const std::string& list_path = local.list_file;
  std::ofstream out(list_path);
  out << "# " << local.what << ": one verifier key per line. Created on first "
      << "start with\n# the local key in "
      << std::filesystem::path(local.key_file).filename().string() << ".\n"
      << key.verifier().ToString() << "\n";
  out.close();
  if (!out)
    return absl::InternalError(absl::StrCat("cannot write ", list_path));
  return absl::OkStatus();
}

// The verifier keys listed in `given`, or in the data directory's own list,
// created on first start; `path` is set to the file read.
absl::StatusOr<std::vector<ledger::Verifier>> KeyList(const std::string& given,
                                                      const LocalKeyList& local,
                                                      std::string& path) {
  path = given;
  if (path.empty()) {
    path = local.list_file;
    if (!std::filesystem::exists(path)) {
      SKP_RETURN_IF_ERROR(CreateLocalKey(local));
    }
  }
  return ledger::ReadTrustAnchors(path);
}

}  // namespace

absl::StatusOr<ledger::Signer> LoadOrCreateNodeKey(const std::string& data_dir,
                                                   const std::string& origin) {
  SKP_RETURN_IF_ERROR(EnsureDirectory(data_dir));
  std::string path = DataDir(data_dir).NodeKey();
  if (std::filesystem::exists(path)) {
    SKP_ASSIGN_OR_RETURN(ledger::Signer key, ledger::ReadKeyFile(path));
    if (!origin.empty() && origin != key.name()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the data directory belongs to origin ", key.name(),
                       ", not ", origin));
    }
    return key;
  }
  SKP_ASSIGN_OR_RETURN(
      ledger::Signer key,
      ledger::Signer::Generate(origin.empty() ? kDefaultOrigin : origin));
  SKP_RETURN_IF_ERROR(ledger::WriteKeyFile(path, key));
  return key;
}

absl::StatusOr<ledger::Signer> LoadOrCreateWitnessKey(
    const std::string& data_dir, const ledger::Signer& node_key) {
  std::string path = DataDir(data_dir).WitnessKey();
  if (std::filesystem::exists(path)) return ledger::ReadKeyFile(path);
  SKP_ASSIGN_OR_RETURN(ledger::Signer key,
                       ledger::Signer::Generate(node_key.name() + "/witness",
                                                ledger::kAlgCosignatureV1));
  SKP_RETURN_IF_ERROR(ledger::WriteKeyFile(path, key));
  return key;
}

namespace {

// The governance keys: from --trust-anchor, or from the data directory's own
// file, created with a local governance key on first start.
absl::StatusOr<std::vector<ledger::Verifier>> GovernanceKeys(
    const NodeOptions& options, std::string& path) {
  return KeyList(options.trust_anchor,
                 GovernanceKeyList(DataDir(options.data_dir)), path);
}

// The keys that may sign administrative calls: from --operator-keys, or the
// data directory's own file, created with a local operator key on first
// start (`passportd backup` signs with it).
absl::StatusOr<std::vector<ledger::Verifier>> OperatorKeys(
    const NodeOptions& options) {
  std::string path;
  return KeyList(options.operator_keys,
                 OperatorKeyList(DataDir(options.data_dir)), path);
}

}  // namespace

absl::Status RebuildProjections(const NodeOptions& options) {
  std::string anchors;
  SKP_ASSIGN_OR_RETURN(std::vector<ledger::Verifier> governance,
                       GovernanceKeys(options, anchors));
  SKP_ASSIGN_OR_RETURN(reference::ReferenceData reference,
                       reference::ReferenceData::Embedded());
  SKP_ASSIGN_OR_RETURN(
      ledger::Signer node_key,
      ledger::ReadKeyFile(DataDir(options.data_dir).NodeKey()));
  SKP_ASSIGN_OR_RETURN(
      std::unique_ptr<ledger::RocksDbStore> store,
      ledger::RocksDbStore::Open(DataDir(options.data_dir).Ledger()));
  SKP_ASSIGN_OR_RETURN(std::vector<ledger::RocksDbStore::MirrorInfo> mirrors,
                       store->Mirrors());
  std::vector<std::pair<int, const ledger::LogStore*>> sources;
  for (const auto& m : mirrors) sources.emplace_back(m.slot, m.store);
  // Rebuilt rows are numbered afresh: a snapshot of the old ones is stale.
  std::error_code ignored;
  std::filesystem::remove(DataDir(options.data_dir).Snapshot(), ignored);
  return Intake::Rebuild(store.get(), node_key, governance, &reference,
                         sources);
}

absl::StatusOr<std::unique_ptr<Node>> Node::Start(const NodeOptions& options) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer node_key,
                       LoadOrCreateNodeKey(options.data_dir, options.origin));
  std::string anchors;
  SKP_ASSIGN_OR_RETURN(std::vector<ledger::Verifier> governance,
                       GovernanceKeys(options, anchors));
  SKP_ASSIGN_OR_RETURN(reference::ReferenceData reference,
                       reference::ReferenceData::Embedded());

  SKP_ASSIGN_OR_RETURN(ledger::Signer witness_key,
                       LoadOrCreateWitnessKey(options.data_dir, node_key));
  SKP_ASSIGN_OR_RETURN(std::vector<ledger::Verifier> operators,
                       OperatorKeys(options));
  // Credentials first: a node that would serve plain text where it must
  // not stops before it opens anything.
  SKP_ASSIGN_OR_RETURN(
      std::shared_ptr<grpc::ServerCredentials> server_credentials,
      records::ServerCredentialsFor(options.listen, options.tls,
                                    options.allow_plaintext));
  SKP_ASSIGN_OR_RETURN(
      std::shared_ptr<grpc::ChannelCredentials> peer_credentials,
      records::ChannelCredentialsFor(options.peer_tls));
  std::vector<PeerConfig> peers;
  if (!options.peers_file.empty()) {
    SKP_ASSIGN_OR_RETURN(peers, ReadPeersFile(options.peers_file));
  }
  std::unique_ptr<Node> node(new Node(
      std::move(node_key), std::move(witness_key), std::move(reference)));
  node->trust_anchor_path_ = anchors;
  node->snapshot_path_ = DataDir(options.data_dir).Snapshot();
  SKP_ASSIGN_OR_RETURN(
      node->store_,
      ledger::RocksDbStore::Open(DataDir(options.data_dir).Ledger(),
                                 {.max_wal_bytes = options.max_wal_mb << 20}));
  SKP_ASSIGN_OR_RETURN(
      node->intake_,
      Intake::Load(
          node->store_.get(), governance, &node->reference_,
          [] { return absl::Now(); }, options.disclosure,
          node->snapshot_path_));
  LogEvent("snapshot", node->intake_->snapshot_note());
  // The load's freed temporaries (a fold's outgrown vectors, the snapshot's
  // decoding) stay in glibc's arenas unless handed back.
  ::malloc_trim(0);
  if (options.snapshot_rows > 0) {
    node->snapshots_ = std::make_unique<BackgroundSnapshots>(
        node->intake_.get(), node->store_.get(), governance, &node->reference_,
        node->snapshot_path_,
        BackgroundSnapshots::Options{.rows = options.snapshot_rows,
                                     .check = options.snapshot_check});
  }
  Metrics* metrics = &node->metrics_;
  SKP_ASSIGN_OR_RETURN(
      node->log_,
      ledger::Log::Open(
          node->store_.get(), &node->node_key_, &node->intake_->validator(),
          {.origin = node->node_key_.name(),
           .on_commit = [metrics](size_t entries, absl::Duration commit) {
             metrics->ObserveCommit(entries, absl::ToDoubleSeconds(commit));
           }}));
  if (!peers.empty()) {
    Node* raw = node.get();
    SKP_ASSIGN_OR_RETURN(
        node->replication_,
        PeerReplication::Start(node->store_.get(), node->log_.get(),
                               &node->witness_key_, std::move(peers),
                               {.mirrored_copies = options.mirrored_copies,
                                .cosign_quorum = options.cosign_quorum,
                                .mirrored_timeout = options.mirrored_timeout,
                                .channel_credentials = peer_credentials,
                                .on_fork = [raw](const std::string&) {
                                  raw->SetReplicationHealth();
                                }}));
  }
  if (options.rate_limit > 0)
    node->limiter_ = std::make_unique<RateLimiter>(options.rate_limit);
  node->ledger_service_ = std::make_unique<LedgerService>(
      node->log_.get(), node->replication_.get(), node->limiter_.get());
  node->authenticator_ = std::make_unique<Authenticator>(
      &node->intake_->registry(), std::move(operators), node->node_key_.name(),
      [] { return absl::Now(); });
  node->passport_service_ = std::make_unique<passport::PassportService>(
      node->log_.get(), node->replication_.get(), &node->intake_->passports(),
      &node->intake_->registry(), node->authenticator_.get(), &node->node_key_,
      [] { return absl::Now(); }, node->limiter_.get(),
      passport::CredentialOptions{
          .reference = &node->reference_,
          .status_base_url = [raw = node.get(), options] {
            return absl::StrCat(raw->PublicUrl(options),
                                "/credentials/status");
          }});
  node->workforce_service_ = std::make_unique<workforce::WorkforceService>(
      &node->intake_->workforce(), [] { return absl::Now(); },
      node->limiter_.get(),
      options.require_auth ? node->authenticator_.get() : nullptr,
      &node->intake_->registry());
  node->admin_service_ = std::make_unique<AdminService>(
      node->store_.get(), options.data_dir, node->authenticator_.get());
  SKP_ASSIGN_OR_RETURN(
      RunningServer server,
      StartServer(options.listen,
                  {node->ledger_service_.get(), node->passport_service_.get(),
                   node->workforce_service_.get(), node->admin_service_.get()},
                  {.credentials = server_credentials,
                   .metrics = &node->metrics_,
                   .request_log = options.request_log ? RequestLogSink(LogEvent)
                                                      : nullptr}));
  node->AddGauges();
  if (!options.metrics_listen.empty()) {
    SKP_ASSIGN_OR_RETURN(node->metrics_server_,
                         HttpGateway::Start({.listen = options.metrics_listen,
                                             .allow_plaintext = true,
                                             .serve_api = false},
                                            nullptr, &node->metrics_));
  }
  if (!options.http_listen.empty()) {
    SKP_ASSIGN_OR_RETURN(
        node->http_,
        HttpGateway::Start({.listen = options.http_listen,
                            .tls = {options.tls.cert, options.tls.key, ""},
                            .allow_plaintext = options.allow_plaintext,
                            .allow_origin = options.http_allow_origin,
                            .web_root = options.web_root,
                            .node_vkey = node->node_key_.verifier().ToString(),
                            .tlogs = [service = node->ledger_service_.get()](
                                         absl::string_view origin) {
                              return service->TreeFor(origin).value_or(nullptr);
                            },
                            .status_lists =
                                [service = node->passport_service_.get()](
                                    absl::string_view purpose, uint64_t list) {
                                  return service->StatusList(purpose, list);
                                }},
                           server.server.get(), &node->metrics_));
    node->http_bound_port_ = node->http_->port();
  }
  {
    std::lock_guard lock(node->health_mu_);
    node->server_ = std::move(server);
  }
  node->SetReplicationHealth();
  return node;
}

std::string Node::PublicUrl(const NodeOptions& options) const {
  if (!options.public_url.empty()) return options.public_url;
  return absl::StrCat(options.tls.cert.empty() ? "http://" : "https://",
                      options.http_listen.substr(
                          0, options.http_listen.rfind(':')),
                      ":", http_bound_port_.load());
}

void Node::AddGauges() {
  metrics_.AddGaugeSource([this] {
    ledger::LogHead head = log_->Head();
    std::string origin = absl::StrCat("origin=\"", log_->origin(), "\"");
    std::vector<Metrics::Gauge> gauges = {
        {"skp_log_size", "Entries in this node's log.", origin,
         static_cast<double>(head.size)},
        {"skp_log_parked_records",
         "Mirrored records waiting for records they depend on.", "",
         static_cast<double>(log_->parked())},
        {"skp_log_refused_records",
         "Mirrored records refused for good: stored, never admitted.", "",
         static_cast<double>(log_->refused())},
        {"skp_replication_forked",
         "1 once a peer was caught signing inconsistent checkpoints.", "",
         replication_ != nullptr && replication_->forked() ? 1.0 : 0.0}};
    if (replication_ == nullptr) return gauges;
    for (const PeerReplication::PeerState& peer : replication_->State()) {
      std::string label = absl::StrCat("peer=\"", peer.origin, "\"");
      gauges.push_back({"skp_replication_mirrored_size",
                        "Entries of the peer's log this node holds, verified.",
                        label, static_cast<double>(peer.mirrored_size)});
      gauges.push_back(
          {"skp_replication_lag_entries",
           "The peer's latest size seen minus the entries mirrored.", label,
           static_cast<double>(peer.peer_size > peer.mirrored_size
                                   ? peer.peer_size - peer.mirrored_size
                                   : 0)});
      gauges.push_back(
          {"skp_replication_cosigned_size",
           "The largest size of this node's log the peer cosigned.", label,
           static_cast<double>(peer.cosigned_size)});
      gauges.push_back({"skp_replication_peer_forked",
                        "1 if the peer signed inconsistent checkpoints.", label,
                        peer.fork_evidence.has_value() ? 1.0 : 0.0});
    }
    return gauges;
  });
}

void Node::SetReplicationHealth() {
  std::lock_guard lock(health_mu_);
  if (!server_.server) return;  // set once the server is up
  server_.server->GetHealthCheckService()->SetServingStatus(
      kReplicationHealthName,
      replication_ == nullptr || !replication_->forked());
}

void Node::Shutdown() {
  // gRPC 1.51 waits out the whole grace period while any client keeps an idle
  // channel open, so keep it short. Appends already queued are still made
  // durable when the log drains; a cancelled caller's retry is idempotent.
  if (server_.server) {
    server_.server->Shutdown(std::chrono::system_clock::now() +
                             std::chrono::seconds(2));
  }
}

Node::~Node() {
  metrics_server_.reset();
  http_.reset();
  Shutdown();
  snapshots_.reset();
  // Destruction order matters: server, then the log (drains its queue), then
  // the store.
  {
    std::lock_guard lock(health_mu_);
    server_.server.reset();
  }
  replication_.reset();
  ledger_service_.reset();
  passport_service_.reset();
  workforce_service_.reset();
  admin_service_.reset();
  log_.reset();
  // The log is closed: the state is final. The next start maps it instead
  // of folding every row.
  if (intake_) {
    absl::Time began = absl::Now();
    absl::Status saved = intake_->SaveSnapshot(snapshot_path_);
    LogEvent(saved.ok() ? "snapshot_written" : "snapshot_failed",
             saved.ok() ? absl::StrFormat(
                              "rows=%d ms=%d", intake_->rows(),
                              absl::ToInt64Milliseconds(absl::Now() - began))
                        : absl::StrCat("error=\"", saved.message(), "\""));
  }
  intake_.reset();
  // Everything is durable already; flushing the memtables now spares the
  // next start replaying the write-ahead log.
  if (store_) {
    absl::Status flushed = store_->Flush();
    if (!flushed.ok()) {
      LogEvent("flush_failed",
               absl::StrFormat("error=\"%s\"", flushed.ToString()));
    }
  }
  store_.reset();
}

}  // namespace skp::services
