// PeerReplication: this node's side of replication with its peers (DESIGN.md
// section 6), over gRPC. For each configured peer it runs two threads:
// - a mirror, which streams the peer's log (Ledger.MirrorEntries) into a
//   verified ledger::Mirror, asks for the peer's own consistency proof when
//   a chunk does not check out, and stops for good on fork evidence;
// - a witness client, which offers every new checkpoint of this node's log
//   to the peer's witness (Ledger.AddCheckpoint) and collects the
//   cosignatures that MIRRORED appends wait for.
// This node's own witness answers peers' AddCheckpoint calls (witness()).
#ifndef SKP_SERVICES_LEDGER_PEERS_H_
#define SKP_SERVICES_LEDGER_PEERS_H_

#include <grpcpp/security/credentials.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ledger/crypto.h"
#include "ledger/log.h"
#include "ledger/replication.h"
#include "ledger/rocksdb_store.h"

namespace skp::services {

struct PeerConfig {
  std::string address;       // host:port
  ledger::Verifier log_key;  // its name is the peer's origin
  ledger::Verifier witness_key;
};

// A peers file: one peer per line, "ADDRESS LOG_VKEY WITNESS_VKEY"; blank
// lines and lines starting with '#' are ignored.
absl::StatusOr<std::vector<PeerConfig>> ParsePeers(absl::string_view text);
absl::StatusOr<std::vector<PeerConfig>> ReadPeersFile(const std::string& path);

struct ReplicationOptions {
  // Peers that must hold an entry before a MIRRORED append is acknowledged.
  int mirrored_copies = 1;
  // Cosignatures a checkpoint needs to be "cosigned" (GetCheckpoint,
  // presentations).
  int cosign_quorum = 1;
  // How long a MIRRORED append waits for its copies.
  absl::Duration mirrored_timeout = absl::Seconds(10);
  // For channels to peers; null: plain text.
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials;
  // Called (from a replication thread) when a peer is caught forking.
  std::function<void(const std::string& origin)> on_fork;
};

class PeerReplication {
 public:
  // Opens a mirror per peer in `store` and starts the threads. Pointers must
  // outlive the object.
  static absl::StatusOr<std::unique_ptr<PeerReplication>> Start(
      ledger::RocksDbStore* store, ledger::Log* log,
      const ledger::Signer* witness_key, std::vector<PeerConfig> peers,
      ReplicationOptions options);
  // Stops and joins every thread.
  ~PeerReplication();

  // The mirror of the log named `origin`; nullptr if it is not a peer's.
  const ledger::Mirror* MirrorOf(absl::string_view origin) const;
  // The mirror holding the entry with this leaf hash, and its index there.
  std::optional<std::pair<const ledger::Mirror*, uint64_t>> Locate(
      const ledger::Hash& leaf_hash) const;
  ledger::Witness& witness() { return witness_; }
  ledger::Cosignatures& cosignatures() { return cosignatures_; }
  const ReplicationOptions& options() const { return options_; }
  // The peers' log keys.
  std::vector<ledger::Verifier> log_keys() const;
  size_t peer_count() const { return peers_.size(); }
  // True once any peer was caught forking.
  bool forked() const;

  // Runs `done(OK)` once `options().mirrored_copies` peers hold the first
  // `size` entries of this node's log, or `done(kUnavailable)` at the
  // timeout. kFailedPrecondition at once if there are too few peers.
  void WhenMirrored(uint64_t size, std::function<void(absl::Status)> done);

  struct PeerState {
    std::string origin, address;
    uint64_t mirrored_size = 0, peer_size = 0, cosigned_size = 0;
    std::optional<std::string> fork_evidence;
    std::string last_error;
  };
  std::vector<PeerState> State() const;

 private:
  struct Peer;
  PeerReplication(ledger::RocksDbStore* store, ledger::Log* log,
                  const ledger::Signer* witness_key,
                  std::vector<ledger::Verifier> witness_keys,
                  ReplicationOptions options);
  void MirrorLoop(Peer& peer);
  void WitnessClientLoop(size_t index);
  void TimerLoop();
  // Sleeps up to `d`; false once stopping.
  bool Pause(absl::Duration d);

  ledger::Log* const log_;
  ledger::Witness witness_;
  ledger::Cosignatures cosignatures_;
  const ReplicationOptions options_;
  std::vector<std::unique_ptr<Peer>> peers_;

  mutable std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  std::vector<std::thread> threads_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_LEDGER_PEERS_H_
