// Proofs as auditors see them: plain structs, a stable JSON form (the
// `passport ledger inclusion|consistency` output, documented in README.md),
// and offline verification against a signed checkpoint. No network.
#ifndef SKP_CLIENTS_PROOFS_H_
#define SKP_CLIENTS_PROOFS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ledger/crypto.h"
#include "ledger/hash.h"

namespace skp::clients {

struct InclusionProofData {
  uint64_t index = 0;
  uint64_t tree_size = 0;
  ledger::Hash leaf_hash{};
  ledger::Hash root{};
  std::vector<ledger::Hash> proof;
};

struct ConsistencyProofData {
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  ledger::Hash old_root{};
  ledger::Hash new_root{};
  std::vector<ledger::Hash> proof;
};

// {"index":I,"tree_size":N,"leaf_hash":B64,"root":B64,"proof":[B64,...]}
std::string ToJson(const InclusionProofData& proof);
// {"old_size":M,"new_size":N,"old_root":B64,"new_root":B64,"proof":[B64,...]}
std::string ToJson(const ConsistencyProofData& proof);
// Parses either form; anything malformed is kInvalidArgument.
absl::StatusOr<std::variant<InclusionProofData, ConsistencyProofData>>
ParseProofJson(absl::string_view json);

// OK if `checkpoint` is signed by `log_key`, is for the proof's tree size, and
// the proof shows leaf_hash at index in that tree. The JSON's own root is
// not trusted; the checkpoint's is used.
absl::Status VerifyInclusionProof(const InclusionProofData& proof,
                                  absl::string_view checkpoint,
                                  const ledger::Verifier& log_key);
// OK if `new_checkpoint` (signed by `log_key`, of new_size) extends the tree
// of old_size. The old root is taken from `old_checkpoint` when given (also
// verified), else from the proof itself.
absl::Status VerifyConsistencyProof(
    const ConsistencyProofData& proof, absl::string_view new_checkpoint,
    std::optional<absl::string_view> old_checkpoint,
    const ledger::Verifier& log_key);

}  // namespace skp::clients

#endif  // SKP_CLIENTS_PROOFS_H_
