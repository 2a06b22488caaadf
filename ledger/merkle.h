// RFC 9162 (section 2.1) Merkle tree maths over SHA-256: leaf and node
// hashing, roots, inclusion and consistency proofs and their verification.
// Pure functions: hashes in, hashes out, no I/O. Thread-safe.
//
// Proof generation reads the hashes of perfect subtrees through a callback,
// so the same code serves an in-memory list of leaves and a stored tree.
#ifndef SKP_LEDGER_MERKLE_H_
#define SKP_LEDGER_MERKLE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ledger/hash.h"

namespace skp::ledger {

// Longest proof any tree of up to 2^64 leaves needs; longer ones are rejected
// before any hashing.
inline constexpr size_t kMaxProofHashes = 64;

Hash HashLeaf(absl::string_view entry);  // SHA-256(0x00 || entry)
Hash HashChildren(const Hash& left,
                  const Hash& right);  // SHA-256(0x01 || l || r)
Hash EmptyRoot();                      // SHA-256("")

// The hash of the perfect subtree covering leaves
// [index * 2^level, (index + 1) * 2^level).
using SubtreeHashFn =
    absl::FunctionRef<absl::StatusOr<Hash>(int level, uint64_t index)>;

// MTH(D[begin:end]) for a range the RFC's recursion produces (begin is a
// multiple of the largest power of two not above end - begin, or begin = 0).
// O(log n) subtree reads.
absl::StatusOr<Hash> RangeRoot(uint64_t begin, uint64_t end,
                               SubtreeHashFn subtree);

// PATH(index, D[0:size]); requires index < size.
absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size,
                                                 SubtreeHashFn subtree);
// PROOF(old_size, D[0:new_size]); empty when old_size is 0 or equal to
// new_size. Requires old_size <= new_size.
absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t old_size,
                                                   uint64_t new_size,
                                                   SubtreeHashFn subtree);

// Reference helpers over a full list of leaf hashes (tests, offline audits).
Hash RootOfLeaves(absl::Span<const Hash> leaf_hashes);
absl::StatusOr<Hash> SubtreeOfLeaves(absl::Span<const Hash> leaf_hashes,
                                     int level, uint64_t index);

// RFC 9162 2.1.3.2. OK only if `proof` proves `leaf_hash` is leaf `index` of
// the tree of `size` leaves whose root is `root`.
absl::Status VerifyInclusion(uint64_t index, uint64_t size,
                             const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root);
// RFC 9162 2.1.4.2, extended as C2SP tlog-witness does: from size 0 any root
// is consistent with an empty proof.
absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               absl::Span<const Hash> proof,
                               const Hash& old_root, const Hash& new_root);

// Incremental tree state: the roots of the perfect subtrees that make up a
// tree of `size` leaves (one per set bit of size, largest first). Appending
// a leaf returns the perfect subtrees it completes, for storing.
class CompactRange {
 public:
  struct NewNode {
    int level;
    uint64_t index;
    Hash hash;
  };

  CompactRange() = default;
  // Loads the range of a stored tree of `size` leaves.
  static absl::StatusOr<CompactRange> Load(uint64_t size,
                                           SubtreeHashFn subtree);

  uint64_t size() const { return size_; }
  Hash Root() const;
  // Appends one leaf; adds every completed subtree (the leaf first) to `out`.
  void Append(const Hash& leaf_hash, std::vector<NewNode>& out);

 private:
  uint64_t size_ = 0;
  std::vector<Hash> peaks_;
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_MERKLE_H_
