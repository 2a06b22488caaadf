// Node: one passportd process. Owns the data directory (RocksDB store, node
// key, trust anchors), the reference data, the trust registry, the log and
// the gRPC services, wired together here so that main() only parses flags.
// Records are admitted by the registry's rules; the trust-anchor file lists
// the network's governance keys.
#ifndef SKP_SERVICES_PASSPORTD_NODE_H_
#define SKP_SERVICES_PASSPORTD_NODE_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ledger/crypto.h"
#include "ledger/log.h"
#include "ledger/rocksdb_store.h"
#include "ledger/store.h"
#include "records/reference/reference_data.h"
#include "records/tls.h"
#include "services/access/authenticator.h"
#include "services/common/metrics.h"
#include "services/common/rate_limit.h"
#include "services/common/server.h"
#include "services/gateway/http_gateway.h"
#include "services/ledger/ledger_service.h"
#include "services/ledger/peers.h"
#include "services/passport/passport_service.h"
#include "services/passportd/background_snapshots.h"
#include "services/passportd/backup.h"
#include "services/passportd/data_dir.h"
#include "services/passportd/intake.h"
#include "services/workforce/workforce_service.h"

namespace skp::services {

inline constexpr char kDefaultOrigin[] = "localhost/skillspassport";

struct NodeOptions {
  std::string data_dir = "./data";
  std::string listen = "127.0.0.1:7070";
  // The log's name; empty means the node key's name (or kDefaultOrigin on
  // first start).
  std::string origin;
  // Empty means <data_dir>/trust-anchors.txt, created on first start with a
  // fresh local governance key (<data_dir>/governance.key).
  std::string trust_anchor;
  // How workforce aggregates are published (suppression and rounding).
  workforce::Disclosure disclosure;
  // Peers to mirror and witness (ReadPeersFile); empty: a single node.
  std::string peers_file;
  int mirrored_copies = 1;  // peers holding an entry for MIRRORED
  // The store's write-ahead log cap (RocksDbStoreOptions::max_wal_bytes).
  uint64_t max_wal_mb = 256;
  // A snapshot of the registry and workforce facts is written at a clean
  // stop, and in the background once this many projection rows were added
  // since the last one (0: only at a clean stop), checked every
  // snapshot_check.
  uint64_t snapshot_rows = 500000;
  absl::Duration snapshot_check = absl::Seconds(10);
  int cosign_quorum = 1;  // cosignatures a "cosigned" checkpoint needs
  absl::Duration mirrored_timeout = absl::Seconds(10);
  // TLS for the listener (cert, key; ca: require client certificates it
  // signs) and for channels to peers (peer_tls.ca: the roots their
  // certificates chain to; cert and key: this node's, for mutual TLS).
  records::TlsFiles tls;
  records::TlsFiles peer_tls;
  bool allow_plaintext = false;
  // Workforce calls need an access token (clients/access_token.h); ICS
  // workforce planners see their own ICS only. Passport reads always need
  // one.
  bool require_auth = false;
  // Verifier keys whose access tokens may make administrative calls; empty
  // means <data_dir>/operator-keys.txt, created on first start with a fresh
  // local operator key (<data_dir>/operator.key).
  std::string operator_keys;
  // Calls per second per caller per method (RESOURCE_EXHAUSTED beyond);
  // 0: unlimited.
  double rate_limit = 0;
  // A log line per call (call_observer.h) on stderr.
  bool request_log = true;
  // Prometheus text at GET /metrics on this HOST:PORT; empty: none.
  std::string metrics_listen;
  // The HTTP front door (services/gateway): pages, Connect API, /metrics;
  // empty: none. TLS with `tls`'s certificate and key.
  std::string http_listen;
  std::string http_allow_origin;  // CORS for one other origin
  // How others reach the HTTP front door (status lists named in W3C
  // credentials); empty: http(s)://<http_listen host>:<its bound port>.
  std::string public_url;
  std::string web_root;           // the built web app
};

// Health service name that turns NOT_SERVING when a peer is caught forking.
inline constexpr char kReplicationHealthName[] =
    "skillspassport.v1.Replication";

// Recomputes every projection in <data_dir> from the ledger alone
// (`passportd rebuild`); the node must not be running.
absl::Status RebuildProjections(const NodeOptions& options);

// Loads <data_dir>/node.key, creating it (mode 0600) on first start. The key's
// name is the log's origin; a different non-empty `origin` is an error.
absl::StatusOr<ledger::Signer> LoadOrCreateNodeKey(const std::string& data_dir,
                                                   const std::string& origin);
// Loads <data_dir>/witness.key (a cosignature/v1 key named after the node's
// origin), creating it on first start.
absl::StatusOr<ledger::Signer> LoadOrCreateWitnessKey(
    const std::string& data_dir, const ledger::Signer& node_key);

class Node {
 public:
  static absl::StatusOr<std::unique_ptr<Node>> Start(
      const NodeOptions& options);
  // Stops accepting calls, lets in-flight appends become durable, closes.
  ~Node();

  int port() const { return server_.port; }
  // 0 without --metrics-listen.
  int metrics_port() const {
    return metrics_server_ ? metrics_server_->port() : 0;
  }
  // 0 without --http-listen.
  int http_port() const { return http_ ? http_->port() : 0; }
  const ledger::Verifier& verifier() const { return node_key_.verifier(); }
  const std::string& trust_anchor_path() const { return trust_anchor_path_; }
  ledger::Log& log() { return *log_; }
  const registry::TrustRegistry& registry() const {
    return intake_->registry();
  }
  // nullptr without peers.
  PeerReplication* replication() { return replication_.get(); }
  void Wait() { server_.server->Wait(); }
  void Shutdown();

 private:
  Node(ledger::Signer node_key, ledger::Signer witness_key,
       reference::ReferenceData reference)
      : node_key_(std::move(node_key)),
        witness_key_(std::move(witness_key)),
        reference_(std::move(reference)) {}
  void SetReplicationHealth();
  void AddGauges();

  // The front door's address as credentials name it.
  std::string PublicUrl(const NodeOptions& options) const;

  ledger::Signer node_key_;
  ledger::Signer witness_key_;
  reference::ReferenceData reference_;
  std::string trust_anchor_path_;
  std::string snapshot_path_;
  std::unique_ptr<BackgroundSnapshots> snapshots_;
  std::unique_ptr<ledger::RocksDbStore> store_;
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<ledger::Log> log_;
  std::unique_ptr<PeerReplication> replication_;
  std::unique_ptr<LedgerService> ledger_service_;
  std::unique_ptr<passport::PassportService> passport_service_;
  std::unique_ptr<workforce::WorkforceService> workforce_service_;
  std::unique_ptr<AdminService> admin_service_;
  Metrics metrics_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<HttpGateway> metrics_server_;  // /metrics only
  std::unique_ptr<HttpGateway> http_;
  std::atomic<int> http_bound_port_{0};  // read by calls on other threads
  std::mutex health_mu_;  // orders the fork callback with server start
  RunningServer server_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_PASSPORTD_NODE_H_
