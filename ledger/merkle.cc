#include "ledger/merkle.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "ledger/status_macros.h"

namespace skp::ledger {
namespace {

// Largest power of two strictly below n (n >= 2): the RFC's split point k.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

absl::Status VerificationFailed(absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("proof does not verify: ", what));
}

}  // namespace

Hash HashLeaf(absl::string_view entry) {
  static constexpr char kLeafPrefix = 0x00;
  return Sha256Parts({absl::string_view(&kLeafPrefix, 1), entry});
}

Hash HashChildren(const Hash& left, const Hash& right) {
  static constexpr char kNodePrefix = 0x01;
  return Sha256Parts(
      {absl::string_view(&kNodePrefix, 1), AsBytes(left), AsBytes(right)});
}

Hash EmptyRoot() { return Sha256(""); }

absl::StatusOr<Hash> RangeRoot(uint64_t begin, uint64_t end,
                               SubtreeHashFn subtree) {
  uint64_t n = end - begin;
  if (end <= begin) return EmptyRoot();
  if (std::has_single_bit(n)) {
    int level = std::countr_zero(n);
    return subtree(level, begin >> level);
  }
  uint64_t k = SplitPoint(n);
  SKP_ASSIGN_OR_RETURN(Hash left, RangeRoot(begin, begin + k, subtree));
  SKP_ASSIGN_OR_RETURN(Hash right, RangeRoot(begin + k, end, subtree));
  return HashChildren(left, right);
}

absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size,
                                                 SubtreeHashFn subtree) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("index ", index, " is not below tree size ", size));
  }
  // Walk down from the root, collecting the sibling of each step; PATH lists
  // them leaf-first, so reverse at the end.
  std::vector<Hash> proof;
  uint64_t begin = 0, end = size;
  while (end - begin > 1) {
    uint64_t k = SplitPoint(end - begin);
    if (index < begin + k) {
      SKP_ASSIGN_OR_RETURN(Hash sibling, RangeRoot(begin + k, end, subtree));
      proof.push_back(sibling);
      end = begin + k;
    } else {
      SKP_ASSIGN_OR_RETURN(Hash sibling, RangeRoot(begin, begin + k, subtree));
      proof.push_back(sibling);
      begin += k;
    }
  }
  return std::vector<Hash>(proof.rbegin(), proof.rend());
}

absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t old_size,
                                                   uint64_t new_size,
                                                   SubtreeHashFn subtree) {
  if (old_size > new_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "old size ", old_size, " is greater than new size ", new_size));
  }
  std::vector<Hash> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  // SUBPROOF(m, D[begin:end], b), unrolled.
  uint64_t m = old_size, begin = 0, end = new_size;
  bool whole_old_tree = true;
  while (m != end - begin) {
    uint64_t k = SplitPoint(end - begin);
    if (m <= k) {
      SKP_ASSIGN_OR_RETURN(Hash right, RangeRoot(begin + k, end, subtree));
      proof.push_back(right);
      end = begin + k;
    } else {
      SKP_ASSIGN_OR_RETURN(Hash left, RangeRoot(begin, begin + k, subtree));
      proof.push_back(left);
      m -= k;
      begin += k;
      whole_old_tree = false;
    }
  }
  if (!whole_old_tree) {
    SKP_ASSIGN_OR_RETURN(Hash node, RangeRoot(begin, end, subtree));
    proof.push_back(node);
  }
  return std::vector<Hash>(proof.rbegin(), proof.rend());
}

Hash RootOfLeaves(absl::Span<const Hash> leaf_hashes) {
  auto subtree = [&](int level, uint64_t index) {
    return SubtreeOfLeaves(leaf_hashes, level, index);
  };
  return *RangeRoot(0, leaf_hashes.size(), subtree);
}

absl::StatusOr<Hash> SubtreeOfLeaves(absl::Span<const Hash> leaf_hashes,
                                     int level, uint64_t index) {
  uint64_t width = uint64_t{1} << level;
  uint64_t begin = index * width;
  if (begin + width > leaf_hashes.size()) {
    return absl::OutOfRangeError("subtree beyond the leaves");
  }
  if (level == 0) return leaf_hashes[begin];
  SKP_ASSIGN_OR_RETURN(Hash left,
                       SubtreeOfLeaves(leaf_hashes, level - 1, 2 * index));
  SKP_ASSIGN_OR_RETURN(Hash right,
                       SubtreeOfLeaves(leaf_hashes, level - 1, 2 * index + 1));
  return HashChildren(left, right);
}

absl::Status VerifyInclusion(uint64_t index, uint64_t size,
                             const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root) {
  if (index >= size) {
    return VerificationFailed(
        absl::StrCat("index ", index, " is not below size ", size));
  }
  if (proof.size() > kMaxProofHashes)
    return VerificationFailed("proof too long");
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return VerificationFailed("proof too long");
    if ((fn & 1) || fn == sn) {
      r = HashChildren(p, r);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return VerificationFailed("proof too short");
  if (r != root) return VerificationFailed("root mismatch");
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               absl::Span<const Hash> proof,
                               const Hash& old_root, const Hash& new_root) {
  if (old_size > new_size) {
    return VerificationFailed(absl::StrCat(
        "old size ", old_size, " is greater than new size ", new_size));
  }
  if (old_size == 0) {
    if (!proof.empty())
      return VerificationFailed("proof from size 0 must be empty");
    return absl::OkStatus();
  }
  if (old_size == new_size) {
    if (!proof.empty())
      return VerificationFailed("proof between equal sizes must be empty");
    if (old_root != new_root)
      return VerificationFailed("roots of equal sizes differ");
    return absl::OkStatus();
  }
  if (proof.empty()) return VerificationFailed("empty proof");
  if (proof.size() > kMaxProofHashes)
    return VerificationFailed("proof too long");

  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return VerificationFailed("proof too long");
    if ((fn & 1) || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return VerificationFailed("proof too short");
  if (fr != old_root) return VerificationFailed("old root mismatch");
  if (sr != new_root) return VerificationFailed("new root mismatch");
  return absl::OkStatus();
}

absl::StatusOr<CompactRange> CompactRange::Load(uint64_t size,
                                                SubtreeHashFn subtree) {
  CompactRange range;
  range.size_ = size;
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if (!(size & width)) continue;
    SKP_ASSIGN_OR_RETURN(Hash peak, subtree(level, begin >> level));
    range.peaks_.push_back(peak);
    begin += width;
  }
  return range;
}

Hash CompactRange::Root() const {
  if (peaks_.empty()) return EmptyRoot();
  Hash root = peaks_.back();
  for (size_t i = peaks_.size() - 1; i-- > 0;)
    root = HashChildren(peaks_[i], root);
  return root;
}

void CompactRange::Append(const Hash& leaf_hash, std::vector<NewNode>& out) {
  uint64_t index = size_++;
  Hash node = leaf_hash;
  int level = 0;
  out.push_back({level, index, node});
  // Each trailing one bit of the old index closes a perfect subtree.
  while (index & 1) {
    node = HashChildren(peaks_.back(), node);
    peaks_.pop_back();
    index >>= 1;
    ++level;
    out.push_back({level, index, node});
  }
  peaks_.push_back(node);
}

}  // namespace skp::ledger
