// passport: the command-line client. Output formats are public interface
// (README.md, "CLI reference"): keep them stable.
//
//   passport keygen --name NAME --out FILE
//   passport ledger root                      (hex entries on stdin)
//   passport ledger checkpoint  [--server ADDR]
//   passport ledger entries     [--server ADDR] --from I --to J
//   passport ledger inclusion   [--server ADDR] (--index I | --leaf-hash HEX)
//   [--size N] passport ledger consistency [--server ADDR] --old M [--new N]
//   passport ledger verify --proof FILE --checkpoint FILE --vkey KEY|FILE
//                          [--old-checkpoint FILE]
//   passport ledger append      [--server ADDR] --key FILE --record-file FILE
//   passport org register       [--server ADDR] --key GOVERNANCE_KEY --id ID
//   --name NAME
//                               --sector S --icb CODE --place PLACE --roles R,R
//                               --org-vkey KEY|FILE
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "clients/cli_roles.h"
#include "clients/cli_support.h"
#include "clients/cli_workforce.h"
#include "clients/ledger_client.h"
#include "clients/proofs.h"
#include "records/raw_call.h"
#include "records/signing.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/status_macros.h"
#include "clients/command_line.h"
#include "records/grpc_status.h"

namespace {

using skp::clients::LedgerClient;
using skp::clients::CommandLine;
namespace cli = skp::clients::cli;
using cli::AppendAndPrint;
using cli::ReadFile;
using cli::Usage;
using cli::VerifierArgument;
namespace ledger = skp::ledger;

LedgerClient Client(const CommandLine& cl) {
  return LedgerClient(cli::Channel(cl));
}

absl::Status Keygen(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"name", "out"}));
  std::string name = cl.Get("name"), out = cl.Get("out");
  if (name.empty() || out.empty())
    return Usage("passport keygen --name NAME --out FILE");
  SKP_ASSIGN_OR_RETURN(ledger::Signer signer, ledger::Signer::Generate(name));
  SKP_RETURN_IF_ERROR(ledger::WriteKeyFile(out, signer));
  std::printf("%s\n", signer.verifier().ToString().c_str());
  return absl::OkStatus();
}

absl::Status Root(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({}));
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

absl::Status Checkpoint(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"server"}));
  SKP_ASSIGN_OR_RETURN(std::string note, Client(cl).Checkpoint());
  std::fwrite(note.data(), 1, note.size(), stdout);
  return absl::OkStatus();
}

// The node's state at a glance: health, and its latest checkpoint (verified
// when --vkey is given).
absl::Status Status(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"server", "vkey"}));
  const std::string server = cl.Get("server", cli::kDefaultServer);
  grpc::GenericStub generic(cli::Channel(cl));
  auto [health, response] = skp::records::RawUnaryCall(
      generic, "/grpc.health.v1.Health/Check", std::string());
  if (!health.ok()) return skp::records::FromGrpcStatus(health);
  // HealthCheckResponse: field 1 (varint) is the serving status.
  const char* state = response == std::string("\x08\x01", 2)   ? "SERVING"
                      : response == std::string("\x08\x02", 2) ? "NOT_SERVING"
                                                               : "UNKNOWN";
  std::printf("node        %s\nhealth      %s\n", server.c_str(), state);
  absl::StatusOr<std::string> note = Client(cl).Checkpoint();
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
  if (cl.Has("vkey")) {
    SKP_ASSIGN_OR_RETURN(ledger::Verifier vkey,
                         VerifierArgument(cl.Get("vkey"), "vkey"));
    SKP_RETURN_IF_ERROR(ledger::OpenCheckpoint(*note, vkey).status());
    std::printf("checkpoint  signed by %s\n", vkey.name().c_str());
  }
  SKP_ASSIGN_OR_RETURN(skillspassport::v1::GetReplicationResponse replication,
                       Client(cl).Replication());
  if (replication.peers_size() == 0) return absl::OkStatus();
  std::printf("cosigned    %s\nparked      %llu\n",
              replication.cosigned_checkpoint().empty() ? "none yet" : "yes",
              static_cast<unsigned long long>(replication.parked()));
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

absl::Status Entries(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"server", "from", "to"}));
  SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> from, cl.GetUint("from"));
  SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> to, cl.GetUint("to"));
  if (!from || !to) return Usage("passport ledger entries --from I --to J");
  return Client(cl).Entries(*from, *to, [](uint64_t, const std::string& entry) {
    std::printf("%s\n", ledger::HexEncode(entry).c_str());
    return absl::OkStatus();
  });
}

absl::Status Inclusion(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"server", "index", "leaf-hash", "size"}));
  SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> index, cl.GetUint("index"));
  SKP_ASSIGN_OR_RETURN(uint64_t size, cl.GetUint("size", 0));
  std::string leaf_hex = cl.Get("leaf-hash");
  if (index.has_value() == !leaf_hex.empty()) {
    return Usage(
        "passport ledger inclusion (--index I | --leaf-hash HEX) [--size N]");
  }
  LedgerClient client = Client(cl);
  absl::StatusOr<skp::clients::InclusionProofData> proof;
  if (index.has_value()) {
    proof = client.Inclusion(*index, size);
  } else {
    SKP_ASSIGN_OR_RETURN(std::string bytes, ledger::HexDecode(leaf_hex));
    SKP_ASSIGN_OR_RETURN(ledger::Hash leaf, ledger::HashFromBytes(bytes));
    proof = client.InclusionByLeafHash(leaf, size);
  }
  SKP_RETURN_IF_ERROR(proof.status());
  std::printf("%s\n", skp::clients::ToJson(*proof).c_str());
  return absl::OkStatus();
}

absl::Status Consistency(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"server", "old", "new"}));
  SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> old_size, cl.GetUint("old"));
  SKP_ASSIGN_OR_RETURN(uint64_t new_size, cl.GetUint("new", 0));
  if (!old_size.has_value())
    return Usage("passport ledger consistency --old M [--new N]");
  SKP_ASSIGN_OR_RETURN(auto proof, Client(cl).Consistency(*old_size, new_size));
  std::printf("%s\n", skp::clients::ToJson(proof).c_str());
  return absl::OkStatus();
}

absl::Status RegisterOrganisation(const CommandLine& cl) {
  namespace v1 = skillspassport::v1;
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"server", "key", "id", "name", "sector",
                                    "icb", "place", "roles", "org-vkey"}));
  for (const char* flag :
       {"key", "id", "name", "sector", "icb", "place", "roles"}) {
    if (!cl.Has(flag))
      return Usage(absl::StrCat("passport org register needs --", flag));
  }
  SKP_ASSIGN_OR_RETURN(ledger::Signer governance,
                       ledger::ReadKeyFile(cl.Get("key")));
  SKP_ASSIGN_OR_RETURN(ledger::Verifier org_key,
                       VerifierArgument(cl.Get("org-vkey"), "org-vkey"));
  v1::Record record;
  record.set_issued_at(absl::ToUnixSeconds(absl::Now()));
  auto* org = record.mutable_organisation_registered();
  org->set_organisation_id(cl.Get("id"));
  org->set_id_scheme(absl::StartsWith(cl.Get("id"), "CQC:")
                         ? v1::ID_SCHEME_CQC
                         : v1::ID_SCHEME_ODS);
  org->set_name(cl.Get("name"));
  SKP_ASSIGN_OR_RETURN(
      int sector,
      skp::records::ParseEnumName(v1::Sector_descriptor(), cl.Get("sector")));
  org->set_sector(static_cast<v1::Sector>(sector));
  org->set_icb_code(cl.Get("icb"));
  org->set_place(cl.Get("place"));
  for (absl::string_view role :
       absl::StrSplit(cl.Get("roles"), ',', absl::SkipEmpty())) {
    SKP_ASSIGN_OR_RETURN(
        int value,
        skp::records::ParseEnumName(v1::OrganisationRole_descriptor(), role));
    org->add_roles(static_cast<v1::OrganisationRole>(value));
  }
  org->set_public_key(skp::records::PublicKeyBytes(org_key));
  const ledger::Signer* signers[] = {&governance};
  SKP_ASSIGN_OR_RETURN(std::string entry,
                       skp::records::SignRecord(record, signers));
  return AppendAndPrint(cl, entry);
}

absl::Status Verify(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"proof", "checkpoint", "old-checkpoint", "vkey"}));
  SKP_ASSIGN_OR_RETURN(std::string json, ReadFile(cl.Get("proof"), "proof"));
  SKP_ASSIGN_OR_RETURN(std::string checkpoint,
                       ReadFile(cl.Get("checkpoint"), "checkpoint"));
  std::string vkey = cl.Get("vkey");
  if (vkey.empty()) return Usage("--vkey is required");
  if (vkey.find('+') == std::string::npos) {
    SKP_ASSIGN_OR_RETURN(vkey, ReadFile(vkey, "vkey"));
  }
  SKP_ASSIGN_OR_RETURN(
      ledger::Verifier log_key,
      ledger::Verifier::Parse(absl::StripAsciiWhitespace(vkey)));
  SKP_ASSIGN_OR_RETURN(auto proof, skp::clients::ParseProofJson(json));
  if (auto* inclusion = std::get_if<skp::clients::InclusionProofData>(&proof)) {
    SKP_RETURN_IF_ERROR(
        skp::clients::VerifyInclusionProof(*inclusion, checkpoint, log_key));
    std::printf("OK inclusion index=%llu tree_size=%llu\n",
                static_cast<unsigned long long>(inclusion->index),
                static_cast<unsigned long long>(inclusion->tree_size));
    return absl::OkStatus();
  }
  auto& consistency = std::get<skp::clients::ConsistencyProofData>(proof);
  std::optional<std::string> old_checkpoint;
  if (cl.Has("old-checkpoint")) {
    SKP_ASSIGN_OR_RETURN(old_checkpoint,
                         ReadFile(cl.Get("old-checkpoint"), "old-checkpoint"));
  }
  SKP_RETURN_IF_ERROR(skp::clients::VerifyConsistencyProof(
      consistency, checkpoint, old_checkpoint, log_key));
  std::printf(
      "OK consistency old_size=%llu new_size=%llu old_root=%s\n",
      static_cast<unsigned long long>(consistency.old_size),
      static_cast<unsigned long long>(consistency.new_size),
      ledger::Base64Encode(ledger::AsBytes(consistency.old_root)).c_str());
  return absl::OkStatus();
}

absl::Status Append(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "record-file", "payload-type"}));
  std::string key_path = cl.Get("key");
  if (key_path.empty())
    return Usage("passport ledger append --key FILE --record-file FILE");
  SKP_ASSIGN_OR_RETURN(ledger::Signer signer, ledger::ReadKeyFile(key_path));
  SKP_ASSIGN_OR_RETURN(std::string record,
                       ReadFile(cl.Get("record-file"), "record-file"));
  const ledger::Signer* signers[] = {&signer};
  SKP_ASSIGN_OR_RETURN(
      std::string entry,
      ledger::SignEntry(
          cl.Get("payload-type", std::string(ledger::kRecordPayloadType)),
          record, signers));
  return AppendAndPrint(cl, entry);
}

absl::Status Run(const CommandLine& cl) {
  const std::vector<std::string>& words = cl.words();
  SKP_ASSIGN_OR_RETURN(bool ran, cli::RunRoleCommand(cl));
  if (ran) return absl::OkStatus();
  SKP_ASSIGN_OR_RETURN(ran, cli::RunWorkforceCommand(cl));
  if (ran) return absl::OkStatus();
  if (words.size() == 1 && words[0] == "keygen") return Keygen(cl);
  if (words.size() == 1 && words[0] == "status") return Status(cl);
  if (words == std::vector<std::string>{"org", "register"})
    return RegisterOrganisation(cl);
  if (words.size() == 2 && words[0] == "ledger") {
    const std::string& command = words[1];
    if (command == "root") return Root(cl);
    if (command == "checkpoint") return Checkpoint(cl);
    if (command == "entries") return Entries(cl);
    if (command == "inclusion") return Inclusion(cl);
    if (command == "consistency") return Consistency(cl);
    if (command == "verify") return Verify(cl);
    if (command == "append") return Append(cl);
  }
  return Usage(
      "passport keygen | status | org register | professional register | enrol "
      "| hire | "
      "end-employment | standard | assess | delegate | consent | passport-id | "
      "show | "
      "present | verify-presentation | workforce "
      "(supply|coverage|expiring|flows) | ledger "
      "(root|checkpoint|entries|inclusion|consistency|verify|append) [flags]; "
      "see README.md");
}

}  // namespace

int main(int argc, char** argv) {
  absl::StatusOr<CommandLine> cl =
      CommandLine::Parse(std::vector<std::string>(argv + 1, argv + argc),
                         /*switches=*/{"json", "text", "not-competent",
                                       "disclose-identity", "csv"});
  absl::Status status = cl.ok() ? Run(*cl) : Usage(cl.status().message());
  if (status.ok()) return 0;
  std::fprintf(stderr, "passport: %s: %s\n",
               absl::StatusCodeToString(status.code()).c_str(),
               std::string(status.message()).c_str());
  return absl::IsInvalidArgument(status) &&
                 status.message().rfind("usage:", 0) == 0
             ? 2
             : 1;
}
