// passportd: one node of the skills passport network (DESIGN.md section 2).
//
//   passportd [serve] [--data-dir=./data] [--listen=127.0.0.1:7070]
//             [--origin=NAME] [--trust-anchor=FILE]
//             [--suppression-threshold=5]
//   passportd keys [--data-dir=./data]    print the node's verifier key
//   passportd rebuild [--data-dir=./data] recompute projections from the ledger
//   passportd verify [--data-dir=./data]  check a stopped node's data (fsck)
//   passportd backup --to=DIR [--data-dir=./data] [--listen=ADDR]
//       through the running node at ADDR if there is one, else offline
//   passportd restore --from=BACKUP [--data-dir=./data]
//       verify a backup, then copy it into a new data directory
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/access_token.h"
#include "services/common/command_line.h"
#include "services/common/grpc_status.h"
#include "services/common/log_event.h"
#include "services/passportd/backup.h"
#include "services/passportd/node.h"
#include "services/passportd/verify.h"

namespace {

using skp::services::CommandLine;

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
  auto credentials = skp::services::ChannelCredentialsFor(options.peer_tls);
  if (!credentials.ok()) return credentials.status();
  auto stub = skillspassport::v1::Admin::NewStub(
      grpc::CreateChannel(options.listen, *credentials));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::minutes(10));
  context.AddMetadata("authorization",
                      "Bearer " + skp::clients::SignAccessToken(
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
    return skp::services::FromGrpcStatus(status);
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

constexpr char kUsage[] =
    "usage: passportd [serve] [--data-dir DIR] [--listen HOST:PORT] [--origin "
    "NAME]\n"
    "                 [--trust-anchor FILE] [--suppression-threshold N]\n"
    "                 [--peers FILE] [--mirrored-copies K] [--cosign-quorum "
    "Q]\n"
    "                 [--mirrored-timeout-ms MS]\n"
    "                 [--tls-cert PEM --tls-key PEM [--tls-client-ca PEM]]\n"
    "                 [--peer-ca PEM] [--allow-plaintext]\n"
    "                 [--metrics-listen HOST:PORT] [--rate-limit CALLS_PER_S]\n"
    "                 [--require-auth] [--operator-keys FILE] "
    "[--no-request-log]\n"
    "       passportd keys [--data-dir DIR] [--witness]\n"
    "       passportd rebuild [--data-dir DIR] [--trust-anchor FILE]\n"
    "       passportd verify [--data-dir DIR] [--trust-anchor FILE]\n"
    "       passportd backup --to DIR [--data-dir DIR] [--listen HOST:PORT]\n"
    "                 [--operator-key FILE] [--peer-ca PEM]\n"
    "       passportd restore --from BACKUP [--data-dir DIR] [--trust-anchor "
    "FILE]\n";

}  // namespace

int main(int argc, char** argv) {
  skp::services::ConfigureServingProcess();
  auto cl = CommandLine::Parse(
      std::vector<std::string>(argv + 1, argv + argc),
      {"witness", "allow-plaintext", "require-auth", "no-request-log"});
  absl::Status flags = cl.ok() ? cl->AllowOnly({"data-dir",
                                                "listen",
                                                "origin",
                                                "trust-anchor",
                                                "suppression-threshold",
                                                "to",
                                                "peers",
                                                "mirrored-copies",
                                                "cosign-quorum",
                                                "witness",
                                                "mirrored-timeout-ms",
                                                "tls-cert",
                                                "tls-key",
                                                "tls-client-ca",
                                                "peer-ca",
                                                "allow-plaintext",
                                                "metrics-listen",
                                                "rate-limit",
                                                "require-auth",
                                                "no-request-log",
                                                "operator-keys",
                                                "operator-key",
                                                "from"})
                               : cl.status();
  if (!flags.ok() || cl->words().size() > 1) {
    std::fprintf(
        stderr, "passportd: %s\n%s",
        flags.ok() ? "too many commands" : std::string(flags.message()).c_str(),
        kUsage);
    return 2;
  }
  skp::services::NodeOptions options;
  options.data_dir = cl->Get("data-dir", options.data_dir);
  options.listen = cl->Get("listen", options.listen);
  options.origin = cl->Get("origin");
  options.trust_anchor = cl->Get("trust-anchor");
  if (cl->Has("suppression-threshold") &&
      (!absl::SimpleAtoi(cl->Get("suppression-threshold"),
                         &options.suppression_threshold) ||
       options.suppression_threshold < 2)) {
    std::fprintf(stderr,
                 "passportd: --suppression-threshold must be a number >= 2\n%s",
                 kUsage);
    return 2;
  }
  options.peers_file = cl->Get("peers");
  options.tls = {cl->Get("tls-cert"), cl->Get("tls-key"),
                 cl->Get("tls-client-ca")};
  // Towards peers the node presents its own certificate (mutual TLS when
  // they ask for one) and trusts --peer-ca.
  options.peer_tls = {options.tls.cert, options.tls.key, cl->Get("peer-ca")};
  options.allow_plaintext = cl->Has("allow-plaintext");
  options.metrics_listen = cl->Get("metrics-listen");
  // Off loopback, every read names its caller.
  options.require_auth =
      cl->Has("require-auth") || !skp::services::IsLoopback(options.listen);
  options.operator_keys = cl->Get("operator-keys");
  options.request_log = !cl->Has("no-request-log");
  if (cl->Has("rate-limit") &&
      (!absl::SimpleAtod(cl->Get("rate-limit"), &options.rate_limit) ||
       options.rate_limit < 0)) {
    std::fprintf(stderr, "passportd: --rate-limit must be a number >= 0\n%s",
                 kUsage);
    return 2;
  }
  for (auto [flag, value] :
       {std::pair{"mirrored-copies", &options.mirrored_copies},
        std::pair{"cosign-quorum", &options.cosign_quorum}}) {
    if (cl->Has(flag) && (!absl::SimpleAtoi(cl->Get(flag), value) ||
                          *value < 0 || *value > 255)) {
      std::fprintf(stderr, "passportd: --%s must be a number 0..255\n%s", flag,
                   kUsage);
      return 2;
    }
  }
  if (cl->Has("mirrored-timeout-ms")) {
    int ms = 0;
    if (!absl::SimpleAtoi(cl->Get("mirrored-timeout-ms"), &ms) || ms < 1) {
      std::fprintf(stderr, "passportd: --mirrored-timeout-ms must be >= 1\n%s",
                   kUsage);
      return 2;
    }
    options.mirrored_timeout = absl::Milliseconds(ms);
  }
  std::string command = cl->words().empty() ? "serve" : cl->words()[0];
  if (command == "serve") return Serve(options);
  if (command == "keys") return PrintKeys(options, cl->Has("witness"));
  if (command == "backup") {
    return Report("backup",
                  Backup(options, cl->Get("to"), cl->Get("operator-key")));
  }
  if (command == "verify") {
    return Report("verify", skp::services::VerifyDataDir(options));
  }
  if (command == "restore") {
    absl::StatusOr<std::string> restored =
        skp::services::RestoreDataDir(options, cl->Get("from"));
    if (restored.ok()) *restored += ", restored into " + options.data_dir;
    return Report("restore", restored);
  }
  if (command == "rebuild") {
    absl::Status rebuilt = skp::services::RebuildProjections(options);
    if (!rebuilt.ok()) {
      std::fprintf(stderr, "passportd rebuild: %s\n",
                   rebuilt.ToString().c_str());
      return 1;
    }
    LogEvent("rebuilt", "projections=all");
    return 0;
  }
  std::fprintf(stderr, "passportd: unknown command %s\n%s", command.c_str(),
               kUsage);
  return 2;
}
