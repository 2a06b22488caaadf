// passportd: one node of the skills passport network (DESIGN.md section 2).
//
// `passportd --help` and `passportd COMMAND --help` describe every command
// and flag: serve (the default), keys, rebuild, verify, backup, restore.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "records/access_token.h"
#include "records/grpc_status.h"
#include "services/common/log_event.h"
#include "services/passportd/backup.h"
#include "services/passportd/node.h"
#include "services/passportd/verify.h"

namespace {

using skp::services::LogEvent;

int Serve(const skp::services::NodeOptions& options) {
  // Block the stop signals before any thread starts, then wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto node = skp::services::Node::Start(options);
  if (!node.ok()) {
    LogEvent("start_failed",
             absl::StrFormat("error=\"%s\"", node.status().ToString()));
    return 1;
  }
  std::string host = options.listen.substr(0, options.listen.rfind(':'));
  LogEvent("listening",
           absl::StrFormat("addr=%s:%d origin=%s size=%d trust_anchors=%s",
                           host, (*node)->port(), (*node)->verifier().name(),
                           (*node)->log().Head().size,
                           (*node)->trust_anchor_path()));
  // Machine-readable line on stdout for scripts that start the node on :0.
  std::printf("listening %s:%d\n", host.c_str(), (*node)->port());
  if ((*node)->http_port() != 0) {
    std::string http_host =
        options.http_listen.substr(0, options.http_listen.rfind(':'));
    std::printf("web %s://%s:%d/verify\n",
                options.tls.cert.empty() ? "http" : "https", http_host.c_str(),
                (*node)->http_port());
  }
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  LogEvent("stopping", absl::StrFormat("signal=%d", signal));
  node->reset();
  LogEvent("stopped", "");
  return 0;
}

// The node's log key, or with --witness its witness (cosigner) key.
int PrintKeys(const skp::services::NodeOptions& options, bool witness) {
  auto key =
      skp::services::LoadOrCreateNodeKey(options.data_dir, options.origin);
  if (key.ok() && witness)
    key = skp::services::LoadOrCreateWitnessKey(options.data_dir, *key);
  if (!key.ok()) {
    std::fprintf(stderr, "passportd keys: %s\n",
                 std::string(key.status().message()).c_str());
    return 1;
  }
  std::printf("%s\n", key->verifier().ToString().c_str());
  return 0;
}

// Asks the node listening at options.listen for an online backup, as its
// operator (`operator_key`, default <data_dir>/operator.key; TLS trusting
// --peer-ca); with no node there, backs the stopped data directory up
// directly.
absl::StatusOr<std::string> Backup(const skp::services::NodeOptions& options,
                                   const std::string& to,
                                   std::string operator_key) {
  if (to.empty()) return absl::InvalidArgumentError("--to DIR is required");
  if (operator_key.empty()) {
    operator_key = skp::services::DataDir(options.data_dir).OperatorKey();
  }
  auto key = skp::ledger::ReadKeyFile(operator_key);
  if (!key.ok()) return key.status();
  const skp::services::DataDir dir(options.data_dir);
  auto node_key = skp::ledger::ReadKeyFile(dir.NodeKey());
  if (!node_key.ok()) return node_key.status();
  auto credentials = skp::records::ChannelCredentialsFor(options.peer_tls);
  if (!credentials.ok()) return credentials.status();
  auto stub = skillspassport::v1::Admin::NewStub(
      grpc::CreateChannel(options.listen, *credentials));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::minutes(10));
  context.AddMetadata("authorization",
                      "Bearer " + skp::records::SignAccessToken(
                                      *key, node_key->name(), absl::Now()));
  skillspassport::v1::BackupRequest request;
  request.set_to_dir(std::filesystem::absolute(to).string());
  skillspassport::v1::BackupResponse response;
  grpc::Status status = stub->Backup(&context, request, &response);
  std::string how = "online, through the node at " + options.listen;
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    how = "offline";
    auto store = skp::ledger::RocksDbStore::Open(dir.Ledger());
    if (!store.ok()) return store.status();
    auto copied = skp::services::BackupDataDir(**store, options.data_dir, to);
    if (!copied.ok()) return copied.status();
    response = *copied;
  } else if (!status.ok()) {
    return skp::records::FromGrpcStatus(status);
  }
  return absl::StrFormat("backed up %d entries to %s (%s)", response.size(), to,
                         how);
}

// Prints a command's summary (exit 0) or its error (exit 1).
int Report(const char* command, const absl::StatusOr<std::string>& outcome) {
  if (!outcome.ok()) {
    std::fprintf(stderr, "passportd %s: %s\n", command,
                 outcome.status().ToString().c_str());
    return 1;
  }
  std::printf("%s\n", outcome->c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  skp::services::ConfigureServingProcess();
  skp::services::NodeOptions options;
  CLI::App app{
      "passportd: one node of the skills passport network. With no command "
      "it serves."};
  app.option_defaults()->always_capture_default();
  app.require_subcommand(0, 1);
  // Flags are the node's: every command takes them, before or after its
  // name (serving needs them all; the others use the data directory's).
  app.add_option("--data-dir", options.data_dir, "the node's data directory");
  app.add_option("--listen", options.listen,
                 "gRPC address (HOST:PORT; port 0 picks a free one)");
  app.add_option("--origin", options.origin,
                 "the log's name (fixed by the node key after first start)");
  app.add_option("--trust-anchor", options.trust_anchor,
                 "governance verifier keys, one per line (default: "
                 "DATA/trust-anchors.txt, made on first start)");
  app.add_option("--peer-ca", options.peer_tls.ca,
                 "CA certificate (PEM) that peers' and the node's TLS "
                 "certificates chain to");

  CLI::App* serve = app.add_subcommand("serve", "run the node (the default)");
  app.add_option("--suppression-threshold", options.disclosure.threshold,
                 "workforce counts below this are suppressed")
      ->check(CLI::Range(2, 1000000));
  app.add_option("--rounding-base", options.disclosure.rounding_base,
                 "published workforce counts are rounded to multiples of "
                 "this (FTE to this many whole-time equivalents); 0: exact")
      ->check(CLI::Range(0, 1000));
  app.add_option("--peers", options.peers_file,
                 "peers to mirror and witness: ADDRESS LOG_VKEY "
                 "WITNESS_VKEY per line");
  app.add_option("--max-wal-mb", options.max_wal_mb,
                 "write-ahead log kept before memtables are flushed: bounds "
                 "what a start after a crash replays")
      ->check(CLI::Range(16, 65536));
  app.add_option("--snapshot-rows", options.snapshot_rows,
                 "projection rows added before the registry and workforce "
                 "facts are snapshotted again in the background (one is "
                 "always written at a clean stop); 0: only then")
      ->capture_default_str();
  int snapshot_check_ms = absl::ToInt64Milliseconds(options.snapshot_check);
  app.add_option("--snapshot-check-ms", snapshot_check_ms,
                 "how often the rows added since the last snapshot are "
                 "counted")
      ->check(CLI::Range(1, 3600000))
      ->capture_default_str();
  app.add_option("--mirrored-copies", options.mirrored_copies,
                 "peers that must hold a MIRRORED write")
      ->check(CLI::Range(0, 255));
  app.add_option("--cosign-quorum", options.cosign_quorum,
                 "witness cosignatures a checkpoint needs to be served")
      ->check(CLI::Range(0, 255));
  int mirrored_timeout_ms = absl::ToInt64Milliseconds(options.mirrored_timeout);
  app.add_option("--mirrored-timeout-ms", mirrored_timeout_ms,
                 "how long a MIRRORED write waits for its copies")
      ->check(CLI::Range(1, 3600000));
  app.add_option("--tls-cert", options.tls.cert, "TLS certificate (PEM)");
  app.add_option("--tls-key", options.tls.key, "TLS private key (PEM)");
  app.add_option("--tls-client-ca", options.tls.ca,
                 "CA (PEM) clients' certificates must chain to");
  app.add_flag("--allow-plaintext", options.allow_plaintext,
               "serve without TLS beyond loopback");
  app.add_option("--http-listen", options.http_listen,
                 "the web pages and the Connect API (HOST:PORT; HTTPS with "
                 "--tls-cert and --tls-key)");
  app.add_option("--http-allow-origin", options.http_allow_origin,
                 "one other origin whose pages may call the API (CORS)");
  app.add_option("--public-url", options.public_url,
                 "how others reach --http-listen, e.g. https://node.example "
                 "(status lists in W3C credentials name it); default: its "
                 "own address");
  options.web_root = SKP_WEB_ROOT;
  app.add_option("--web-root", options.web_root,
                 "the built web app the HTTP listener serves");
  app.add_option("--metrics-listen", options.metrics_listen,
                 "Prometheus text endpoint (HOST:PORT)");
  app.add_option("--rate-limit", options.rate_limit,
                 "calls per second per caller (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  bool require_auth = false;
  app.add_flag("--require-auth", require_auth,
               "every read names its caller (implied off loopback)");
  app.add_option("--operator-keys", options.operator_keys,
                 "verifier keys that may make administrative calls "
                 "(default: DATA/operator-keys.txt, made on first start)");
  bool no_request_log = false;
  app.add_flag("--no-request-log", no_request_log, "no log line per call");

  CLI::App* keys = app.add_subcommand("keys", "print the node's verifier key");
  bool witness = false;
  keys->add_flag("--witness", witness,
                 "the witness (cosigner) key instead of the log key");
  CLI::App* rebuild = app.add_subcommand(
      "rebuild", "recompute every projection from the ledger (node stopped)");
  CLI::App* verify = app.add_subcommand(
      "verify", "check a stopped node's data: signatures, tree, projections");
  CLI::App* backup = app.add_subcommand(
      "backup",
      "back the node up: through the node at --listen if it runs, else "
      "offline");
  std::string backup_to, operator_key;
  backup->add_option("--to", backup_to, "the new backup directory")->required();
  backup->add_option("--operator-key", operator_key,
                     "operator key to sign the request with (default: "
                     "DATA/operator.key)");
  CLI::App* restore = app.add_subcommand(
      "restore", "verify a backup, then copy it into a new data directory");
  std::string restore_from;
  restore->add_option("--from", restore_from, "the backup directory")
      ->required();
  for (CLI::App* command : {serve, keys, rebuild, verify, backup, restore}) {
    command->fallthrough();
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  options.peer_tls.cert = options.tls.cert;
  options.peer_tls.key = options.tls.key;
  options.request_log = !no_request_log;
  options.mirrored_timeout = absl::Milliseconds(mirrored_timeout_ms);
  options.snapshot_check = absl::Milliseconds(snapshot_check_ms);
  // Off loopback, every read names its caller.
  options.require_auth =
      require_auth || !skp::records::IsLoopback(options.listen);

  if (*keys) return PrintKeys(options, witness);
  if (*backup)
    return Report("backup", Backup(options, backup_to, operator_key));
  if (*verify) return Report("verify", skp::services::VerifyDataDir(options));
  if (*restore) {
    absl::StatusOr<std::string> restored =
        skp::services::RestoreDataDir(options, restore_from);
    if (restored.ok()) *restored += ", restored into " + options.data_dir;
    return Report("restore", restored);
  }
  if (*rebuild) {
    absl::Status rebuilt = skp::services::RebuildProjections(options);
    if (!rebuilt.ok()) {
      std::fprintf(stderr, "passportd rebuild: %s\n",
                   rebuilt.ToString().c_str());
      return 1;
    }
    LogEvent("rebuilt", "projections=all");
    return 0;
  }
  return Serve(options);
}
