#include "clients/proofs.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/status_macros.h"

namespace skp::clients {
namespace {

using Json = nlohmann::ordered_json;

std::string B64(const ledger::Hash& h) {
  return ledger::Base64Encode(ledger::AsBytes(h));
}

Json HashList(const std::vector<ledger::Hash>& hashes) {
  Json list = Json::array();
  for (const auto& h : hashes) list.push_back(B64(h));
  return list;
}

absl::Status BadJson(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("proof JSON: ", what));
}

absl::StatusOr<uint64_t> GetSize(const Json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_number_unsigned()) {
    return BadJson(
        absl::StrCat("\"", key, "\" must be a non-negative integer"));
  }
  return it->get<uint64_t>();
}

absl::StatusOr<ledger::Hash> GetHash(const Json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_string())
    return BadJson(absl::StrCat("\"", key, "\" is missing"));
  auto bytes = ledger::Base64Decode(it->get<std::string>());
  if (!bytes.ok() || bytes->size() != 32) {
    return BadJson(absl::StrCat("\"", key, "\" is not base64 of 32 bytes"));
  }
  return *ledger::HashFromBytes(*bytes);
}

absl::StatusOr<std::vector<ledger::Hash>> GetProof(const Json& json) {
  auto it = json.find("proof");
  if (it == json.end() || !it->is_array())
    return BadJson("\"proof\" must be a list");
  if (it->size() > ledger::kMaxProofHashes)
    return BadJson("\"proof\" is too long");
  std::vector<ledger::Hash> out;
  for (const Json& item : *it) {
    if (!item.is_string()) return BadJson("proof hashes must be strings");
    auto bytes = ledger::Base64Decode(item.get<std::string>());
    if (!bytes.ok() || bytes->size() != 32)
      return BadJson("a proof hash is not base64 of 32 bytes");
    out.push_back(*ledger::HashFromBytes(*bytes));
  }
  return out;
}

}  // namespace

std::string ToJson(const InclusionProofData& p) {
  Json json = {{"index", p.index},
               {"tree_size", p.tree_size},
               {"leaf_hash", B64(p.leaf_hash)},
               {"root", B64(p.root)},
               {"proof", HashList(p.proof)}};
  return json.dump();
}

std::string ToJson(const ConsistencyProofData& p) {
  Json json = {{"old_size", p.old_size},
               {"new_size", p.new_size},
               {"old_root", B64(p.old_root)},
               {"new_root", B64(p.new_root)},
               {"proof", HashList(p.proof)}};
  return json.dump();
}

absl::StatusOr<std::variant<InclusionProofData, ConsistencyProofData>>
ParseProofJson(absl::string_view text) {
  Json json = Json::parse(text.begin(), text.end(), nullptr,
                          /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object())
    return BadJson("not a JSON object");
  if (json.contains("leaf_hash")) {
    InclusionProofData p;
    SKP_ASSIGN_OR_RETURN(p.index, GetSize(json, "index"));
    SKP_ASSIGN_OR_RETURN(p.tree_size, GetSize(json, "tree_size"));
    SKP_ASSIGN_OR_RETURN(p.leaf_hash, GetHash(json, "leaf_hash"));
    SKP_ASSIGN_OR_RETURN(p.root, GetHash(json, "root"));
    SKP_ASSIGN_OR_RETURN(p.proof, GetProof(json));
    return p;
  }
  ConsistencyProofData p;
  SKP_ASSIGN_OR_RETURN(p.old_size, GetSize(json, "old_size"));
  SKP_ASSIGN_OR_RETURN(p.new_size, GetSize(json, "new_size"));
  SKP_ASSIGN_OR_RETURN(p.old_root, GetHash(json, "old_root"));
  SKP_ASSIGN_OR_RETURN(p.new_root, GetHash(json, "new_root"));
  SKP_ASSIGN_OR_RETURN(p.proof, GetProof(json));
  return p;
}

namespace {
absl::StatusOr<ledger::Checkpoint> OpenSized(absl::string_view note,
                                             uint64_t size,
                                             const ledger::Verifier& log_key) {
  SKP_ASSIGN_OR_RETURN(ledger::Checkpoint cp,
                       ledger::OpenCheckpoint(note, log_key));
  if (cp.size != size) {
    return absl::FailedPreconditionError(absl::StrCat(
        "checkpoint is for tree size ", cp.size, ", the proof for ", size));
  }
  return cp;
}
}  // namespace

absl::Status VerifyInclusionProof(const InclusionProofData& proof,
                                  absl::string_view checkpoint,
                                  const ledger::Verifier& log_key) {
  SKP_ASSIGN_OR_RETURN(ledger::Checkpoint cp,
                       OpenSized(checkpoint, proof.tree_size, log_key));
  return ledger::VerifyInclusion(proof.index, proof.tree_size, proof.leaf_hash,
                                 proof.proof, cp.root);
}

absl::Status VerifyConsistencyProof(
    const ConsistencyProofData& proof, absl::string_view new_checkpoint,
    std::optional<absl::string_view> old_checkpoint,
    const ledger::Verifier& log_key) {
  SKP_ASSIGN_OR_RETURN(ledger::Checkpoint new_cp,
                       OpenSized(new_checkpoint, proof.new_size, log_key));
  ledger::Hash old_root = proof.old_root;
  if (old_checkpoint.has_value()) {
    SKP_ASSIGN_OR_RETURN(ledger::Checkpoint old_cp,
                         OpenSized(*old_checkpoint, proof.old_size, log_key));
    old_root = old_cp.root;
  }
  return ledger::VerifyConsistency(proof.old_size, proof.new_size, proof.proof,
                                   old_root, new_cp.root);
}

}  // namespace skp::clients
