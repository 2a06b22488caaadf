#include "clients/cli_ledger.h"

#include <grpcpp/generic/generic_stub.h>

#include <cstdio>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/cli_support.h"
#include "clients/ledger_client.h"
#include "clients/proofs.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/status_macros.h"
#include "records/grpc_status.h"
#include "records/raw_call.h"

namespace skp::clients::cli {
namespace {

LedgerClient Client(const Args& args) { return LedgerClient(Channel(args)); }

absl::Status Keygen(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer signer,
                       ledger::Signer::Generate(args.Get("name")));
  SKP_RETURN_IF_ERROR(ledger::WriteKeyFile(args.Get("out"), signer));
  std::printf("%s\n", signer.verifier().ToString().c_str());
  return absl::OkStatus();
}

absl::Status Root(const Args& args) {
  std::vector<ledger::Hash> leaves;
  std::string line;
  for (int line_number = 1; std::getline(std::cin, line); ++line_number) {
    absl::string_view hex = absl::StripAsciiWhitespace(line);
    if (hex.empty()) continue;
    auto entry = ledger::HexDecode(hex);
    if (!entry.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": ", entry.status().message()));
    }
    leaves.push_back(ledger::HashLeaf(*entry));
  }
  std::printf(
      "%s\n",
      ledger::HexEncode(ledger::AsBytes(ledger::RootOfLeaves(leaves))).c_str());
  return absl::OkStatus();
}

absl::Status Checkpoint(const Args& args) {
  SKP_ASSIGN_OR_RETURN(std::string note, Client(args).Checkpoint());
  std::fwrite(note.data(), 1, note.size(), stdout);
  return absl::OkStatus();
}

// The node's state at a glance: health, and its latest checkpoint (verified
// when --vkey is given).
absl::Status Status(const Args& args) {
  const std::string server = args.Get("server");
  grpc::GenericStub generic(Channel(args));
  auto [health, response] = records::RawUnaryCall(
      generic, "/grpc.health.v1.Health/Check", std::string());
  if (!health.ok()) return records::FromGrpcStatus(health);
  // HealthCheckResponse: field 1 (varint) is the serving status.
  const char* state = response == std::string("\x08\x01", 2)   ? "SERVING"
                      : response == std::string("\x08\x02", 2) ? "NOT_SERVING"
                                                               : "UNKNOWN";
  std::printf("node        %s\nhealth      %s\n", server.c_str(), state);
  absl::StatusOr<std::string> note = Client(args).Checkpoint();
  if (absl::IsNotFound(note.status())) {
    std::printf("log         empty\n");
    return absl::OkStatus();
  }
  SKP_RETURN_IF_ERROR(note.status());
  SKP_ASSIGN_OR_RETURN(ledger::Checkpoint checkpoint,
                       ledger::PeekCheckpoint(*note));
  std::printf("origin      %s\nsize        %llu\nroot        %s\n",
              checkpoint.origin.c_str(),
              static_cast<unsigned long long>(checkpoint.size),
              ledger::Base64Encode(ledger::AsBytes(checkpoint.root)).c_str());
  if (args.Has("vkey")) {
    SKP_ASSIGN_OR_RETURN(ledger::Verifier vkey,
                         VerifierArgument(args.Get("vkey"), "vkey"));
    SKP_RETURN_IF_ERROR(ledger::OpenCheckpoint(*note, vkey).status());
    std::printf("checkpoint  signed by %s\n", vkey.name().c_str());
  }
  SKP_ASSIGN_OR_RETURN(skillspassport::v1::GetReplicationResponse replication,
                       Client(args).Replication());
  if (replication.peers_size() == 0) return absl::OkStatus();
  std::printf("cosigned    %s\nparked      %llu\n",
              replication.cosigned_checkpoint().empty() ? "none yet" : "yes",
              static_cast<unsigned long long>(replication.parked()));
  std::printf("refused     %llu%s%s\n",
              static_cast<unsigned long long>(replication.refused()),
              replication.latest_refusal().empty() ? "" : ", latest at ",
              replication.latest_refusal().c_str());
  std::printf("%-36s %-22s %10s %10s %10s  %s\n", "peer", "address", "mirrored",
              "peer size", "cosigned", "state");
  for (const auto& peer : replication.peers()) {
    std::printf("%-36s %-22s %10llu %10llu %10llu  %s\n", peer.origin().c_str(),
                peer.address().c_str(),
                static_cast<unsigned long long>(peer.mirrored_size()),
                static_cast<unsigned long long>(peer.peer_size()),
                static_cast<unsigned long long>(peer.cosigned_size()),
                peer.forked()               ? "FORKED (evidence kept)"
                : peer.last_error().empty() ? "ok"
                                            : peer.last_error().c_str());
  }
  return absl::OkStatus();
}

absl::Status Entries(const Args& args) {
  SKP_ASSIGN_OR_RETURN(uint64_t from, args.Uint("from"));
  SKP_ASSIGN_OR_RETURN(uint64_t to, args.Uint("to"));
  return Client(args).Entries(from, to, [](uint64_t, const std::string& entry) {
    std::printf("%s\n", ledger::HexEncode(entry).c_str());
    return absl::OkStatus();
  });
}

absl::Status Inclusion(const Args& args) {
  SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> index, args.GetUint("index"));
  SKP_ASSIGN_OR_RETURN(uint64_t size, args.Uint("size"));
  std::string leaf_hex = args.Get("leaf-hash");
  if (index.has_value() == !leaf_hex.empty()) {
    return Usage(
        "passport ledger inclusion (--index I | --leaf-hash HEX) [--size N]");
  }
  LedgerClient client = Client(args);
  absl::StatusOr<clients::InclusionProofData> proof;
  if (index.has_value()) {
    proof = client.Inclusion(*index, size);
  } else {
    SKP_ASSIGN_OR_RETURN(std::string bytes, ledger::HexDecode(leaf_hex));
    SKP_ASSIGN_OR_RETURN(ledger::Hash leaf, ledger::HashFromBytes(bytes));
    proof = client.InclusionByLeafHash(leaf, size);
  }
  SKP_RETURN_IF_ERROR(proof.status());
  std::printf("%s\n", clients::ToJson(*proof).c_str());
  return absl::OkStatus();
}

absl::Status Consistency(const Args& args) {
  SKP_ASSIGN_OR_RETURN(uint64_t old_size, args.Uint("old"));
  SKP_ASSIGN_OR_RETURN(uint64_t new_size, args.Uint("new"));
  SKP_ASSIGN_OR_RETURN(auto proof,
                       Client(args).Consistency(old_size, new_size));
  std::printf("%s\n", clients::ToJson(proof).c_str());
  return absl::OkStatus();
}

absl::Status Verify(const Args& args) {
  SKP_ASSIGN_OR_RETURN(std::string json, ReadFile(args.Get("proof"), "proof"));
  SKP_ASSIGN_OR_RETURN(std::string checkpoint,
                       ReadFile(args.Get("checkpoint"), "checkpoint"));
  SKP_ASSIGN_OR_RETURN(ledger::Verifier log_key,
                       VerifierArgument(args.Get("vkey"), "vkey"));
  SKP_ASSIGN_OR_RETURN(auto proof, clients::ParseProofJson(json));
  if (auto* inclusion = std::get_if<clients::InclusionProofData>(&proof)) {
    SKP_RETURN_IF_ERROR(
        clients::VerifyInclusionProof(*inclusion, checkpoint, log_key));
    std::printf("OK inclusion index=%llu tree_size=%llu\n",
                static_cast<unsigned long long>(inclusion->index),
                static_cast<unsigned long long>(inclusion->tree_size));
    return absl::OkStatus();
  }
  auto& consistency = std::get<clients::ConsistencyProofData>(proof);
  std::optional<std::string> old_checkpoint;
  if (args.Has("old-checkpoint")) {
    SKP_ASSIGN_OR_RETURN(
        old_checkpoint, ReadFile(args.Get("old-checkpoint"), "old-checkpoint"));
  }
  SKP_RETURN_IF_ERROR(clients::VerifyConsistencyProof(consistency, checkpoint,
                                                      old_checkpoint, log_key));
  std::printf(
      "OK consistency old_size=%llu new_size=%llu old_root=%s\n",
      static_cast<unsigned long long>(consistency.old_size),
      static_cast<unsigned long long>(consistency.new_size),
      ledger::Base64Encode(ledger::AsBytes(consistency.old_root)).c_str());
  return absl::OkStatus();
}

absl::Status Append(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer signer,
                       ledger::ReadKeyFile(args.Get("key")));
  SKP_ASSIGN_OR_RETURN(std::string record,
                       ReadFile(args.Get("record-file"), "record-file"));
  const ledger::Signer* signers[] = {&signer};
  SKP_ASSIGN_OR_RETURN(
      std::string entry,
      ledger::SignEntry(args.Get("payload-type"), record, signers));
  return AppendAndPrint(args, entry);
}

}  // namespace

std::vector<Command> LedgerCommands() {
  const std::string proof_json = "proof JSON (ledger/FORMAT.md section 5)";
  return {
      {{"keygen"},
       "make a new key",
       "the key's verifier key string; writes the private key file (0600, "
       "never overwrites)",
       {Required("name", "NAME", "the key's name (in its verifier key)"),
        Required("out", "FILE", "the private key file to write")},
       Keygen},
      {{"status"},
       "the node's state at a glance",
       "\"name  value\" lines: node, health (SERVING, NOT_SERVING), then "
       "\"log empty\" or the latest checkpoint's origin, size and root "
       "(base64), \"checkpoint signed by NAME\" once --vkey verifies it, and "
       "with peers: cosigned, parked, refused (with the latest refusal's "
       "location and reason) and a table of peers",
       {Optional("vkey", "KEY|FILE",
                 "the node's verifier key: check the checkpoint's signature"),
        ServerFlag()},
       Status},
      {{"ledger", "root"},
       "the RFC 9162 root of entries given as hex, one per line, on stdin",
       "the root in hex",
       {},
       Root},
      {{"ledger", "checkpoint"},
       "the latest signed checkpoint",
       "the signed checkpoint note, exactly as signed",
       {ServerFlag()},
       Checkpoint},
      {{"ledger", "entries"},
       "a range of entries",
       "entries I..J-1 as hex, one per line",
       {Required("from", "I", "the first index"),
        Required("to", "J", "one past the last index"), ServerFlag()},
       Entries},
      {{"ledger", "inclusion"},
       "an entry's inclusion proof",
       proof_json,
       {Optional("index", "I", "the entry's index (or --leaf-hash)"),
        Optional("leaf-hash", "HEX", "the entry's leaf hash (or --index)"),
        Optional("size", "N", "the tree size (0: the latest)", "0"),
        ServerFlag()},
       Inclusion},
      {{"ledger", "consistency"},
       "a consistency proof between two tree sizes",
       proof_json,
       {Required("old", "M", "the old tree size"),
        Optional("new", "N", "the new tree size (0: the latest)", "0"),
        ServerFlag()},
       Consistency},
      {{"ledger", "verify"},
       "verify a proof offline against a signed checkpoint",
       "\"OK inclusion index=I tree_size=N\" or \"OK consistency old_size=M "
       "new_size=N old_root=B64\"",
       {Required("proof", "FILE", "the proof JSON"),
        Required("checkpoint", "FILE",
                 "a signed checkpoint of the proof's "
                 "tree size"),
        Required("vkey", "KEY|FILE", "the log's verifier key"),
        Optional("old-checkpoint", "FILE",
                 "for consistency: the signed checkpoint holding the old "
                 "root (else the JSON's old_root is echoed)")},
       Verify},
      {{"ledger", "append"},
       "sign a file's bytes (a serialised Record) and append them",
       "INDEX LEAF_HASH_HEX; an identical entry returns its existing index",
       WriteFlags({Required("key", "FILE", "the signing key"),
                   Required("record-file", "FILE", "the payload"),
                   Optional("payload-type", "TYPE", "the entry's payload type",
                            std::string(ledger::kRecordPayloadType))}),
       Append},
  };
}

}  // namespace skp::clients::cli
