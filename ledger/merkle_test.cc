#include "ledger/merkle.h"

#include <map>
#include <random>

#include "gtest/gtest.h"

namespace skp::ledger {
namespace {

Hash H(absl::string_view hex) { return *HashFromBytes(*HexDecode(hex)); }

// The RFC 6962 test corpus used across CT implementations
// (transparency-dev/merkle testonly): eight leaf inputs and the roots of
// the trees of 0..8 of them.
std::vector<std::string> VectorLeaves() {
  std::vector<std::string> out;
  for (const char* hex :
       {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"}) {
    out.push_back(*HexDecode(hex));
  }
  return out;
}

const char* const kVectorRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

std::vector<Hash> LeafHashes(size_t n) {
  std::vector<Hash> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(HashLeaf("leaf " + std::to_string(i)));
  return out;
}

std::vector<Hash> VectorLeafHashes(size_t n) {
  std::vector<Hash> out;
  auto leaves = VectorLeaves();
  for (size_t i = 0; i < n; ++i) out.push_back(HashLeaf(leaves[i]));
  return out;
}

// Every perfect subtree of the leaves, as an incremental tree stores them.
// A subtree of a prefix is the same subtree of the whole list.
class SubtreeTable {
 public:
  explicit SubtreeTable(const std::vector<Hash>& leaves) {
    CompactRange range;
    std::vector<CompactRange::NewNode> nodes;
    for (const Hash& leaf : leaves) range.Append(leaf, nodes);
    for (const auto& n : nodes) table_[{n.level, n.index}] = n.hash;
  }
  absl::StatusOr<Hash> operator()(int level, uint64_t index) const {
    auto it = table_.find({level, index});
    if (it == table_.end()) return absl::NotFoundError("no such subtree");
    return it->second;
  }

 private:
  std::map<std::pair<int, uint64_t>, Hash> table_;
};

absl::StatusOr<std::vector<Hash>> Inclusion(const std::vector<Hash>& leaves,
                                            uint64_t index, uint64_t size) {
  SubtreeTable table(std::vector<Hash>(leaves.begin(), leaves.begin() + size));
  return InclusionProof(index, size, table);
}

absl::StatusOr<std::vector<Hash>> Consistency(const std::vector<Hash>& leaves,
                                              uint64_t m, uint64_t n) {
  SubtreeTable table(std::vector<Hash>(leaves.begin(), leaves.begin() + n));
  return ConsistencyProof(m, n, table);
}

std::vector<Hash> Hashes(std::initializer_list<const char*> hex) {
  std::vector<Hash> out;
  for (const char* h : hex) out.push_back(H(h));
  return out;
}

TEST(MerkleTest, RootsMatchPublishedVectors) {
  auto leaves = VectorLeafHashes(8);
  for (size_t n = 0; n <= 8; ++n) {
    EXPECT_EQ(RootOfLeaves(absl::MakeConstSpan(leaves).first(n)),
              H(kVectorRoots[n]))
        << n;
  }
}

TEST(MerkleTest, IncrementalRootsMatchPublishedVectors) {
  auto leaves = VectorLeafHashes(8);
  CompactRange range;
  std::vector<CompactRange::NewNode> nodes;
  EXPECT_EQ(range.Root(), H(kVectorRoots[0]));
  for (size_t n = 1; n <= 8; ++n) {
    range.Append(leaves[n - 1], nodes);
    EXPECT_EQ(range.Root(), H(kVectorRoots[n])) << n;
  }
  // 8 leaves complete 8 + 4 + 2 + 1 perfect subtrees.
  EXPECT_EQ(nodes.size(), 15u);
  EXPECT_EQ(nodes.back().level, 3);
  EXPECT_EQ(nodes.back().hash, H(kVectorRoots[8]));
}

TEST(MerkleTest, InclusionProofsMatchPublishedVectors) {
  auto leaves = VectorLeafHashes(8);
  struct Case {
    uint64_t index, size;
    std::vector<Hash> proof;
  } cases[] = {
      {0, 1, {}},
      {0, 8,
       Hashes(
           {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e"
            "4"})},
      {5, 8,
       Hashes(
           {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b"
            "7"})},
      {2, 3,
       Hashes({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c12"
               "5"})},
      {1, 5,
       Hashes(
           {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6"
            "b"})},
      {6, 7,
       Hashes(
           {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b"
            "7"})},
  };
  for (const Case& c : cases) {
    auto proof = Inclusion(leaves, c.index, c.size);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(*proof, c.proof) << c.index << "/" << c.size;
    EXPECT_TRUE(VerifyInclusion(c.index, c.size, leaves[c.index], c.proof,
                                H(kVectorRoots[c.size]))
                    .ok());
  }
}

TEST(MerkleTest, ConsistencyProofsMatchPublishedVectors) {
  auto leaves = VectorLeafHashes(8);
  struct Case {
    uint64_t m, n;
    std::vector<Hash> proof;
  } cases[] = {
      {1, 1, {}},
      {1, 8,
       Hashes(
           {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e"
            "4"})},
      {6, 8,
       Hashes(
           {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b"
            "7"})},
      {2, 5,
       Hashes(
           {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6"
            "b"})},
      {6, 7,
       Hashes(
           {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b"
            "7"})},
      {4, 8,
       Hashes({"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e"
               "4"})},
  };
  for (const Case& c : cases) {
    auto proof = Consistency(leaves, c.m, c.n);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(*proof, c.proof) << c.m << "->" << c.n;
    EXPECT_TRUE(VerifyConsistency(c.m, c.n, c.proof, H(kVectorRoots[c.m]),
                                  H(kVectorRoots[c.n]))
                    .ok());
  }
}

// Property: every inclusion proof verifies for every size up to 300, and
// flipping any single bit of it, dropping or adding a hash, or claiming another
// index, breaks it.
TEST(MerkleTest, EveryInclusionProofVerifiesAndEveryBitFlipFails) {
  constexpr uint64_t kMax = 300;
  auto leaves = LeafHashes(kMax);
  std::vector<Hash> roots;
  for (uint64_t n = 0; n <= kMax; ++n)
    roots.push_back(RootOfLeaves(absl::MakeConstSpan(leaves).first(n)));
  SubtreeTable table(leaves);
  std::mt19937_64 rng(7);
  for (uint64_t n = 1; n <= kMax; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      auto proof = InclusionProof(i, n, table);
      ASSERT_TRUE(proof.ok());
      ASSERT_TRUE(VerifyInclusion(i, n, leaves[i], *proof, roots[n]).ok())
          << i << "/" << n;
      if (n > 1) {
        ASSERT_FALSE(
            VerifyInclusion((i + 1) % n, n, leaves[i], *proof, roots[n]).ok());
      }
      // Every bit of small trees' proofs; a random bit per hash beyond that.
      for (size_t h = 0; h < proof->size(); ++h) {
        for (int bit = 0; bit < 256; ++bit) {
          if (n > 40 && bit != static_cast<int>(rng() % 256)) continue;
          std::vector<Hash> bad = *proof;
          bad[h][bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
          ASSERT_FALSE(VerifyInclusion(i, n, leaves[i], bad, roots[n]).ok());
        }
      }
      if (!proof->empty()) {
        std::vector<Hash> shorter(proof->begin(), proof->end() - 1);
        ASSERT_FALSE(VerifyInclusion(i, n, leaves[i], shorter, roots[n]).ok());
      }
      std::vector<Hash> longer = *proof;
      longer.push_back(leaves[0]);
      ASSERT_FALSE(VerifyInclusion(i, n, leaves[i], longer, roots[n]).ok());
    }
  }
}

TEST(MerkleTest, EveryConsistencyProofVerifiesAndEveryBitFlipFails) {
  constexpr uint64_t kMax = 300;
  auto leaves = LeafHashes(kMax);
  std::vector<Hash> roots;
  for (uint64_t n = 0; n <= kMax; ++n)
    roots.push_back(RootOfLeaves(absl::MakeConstSpan(leaves).first(n)));
  SubtreeTable table(leaves);
  std::mt19937_64 rng(11);
  for (uint64_t n = 1; n <= kMax; ++n) {
    for (uint64_t m = 0; m <= n; ++m) {
      auto proof = ConsistencyProof(m, n, table);
      ASSERT_TRUE(proof.ok());
      ASSERT_TRUE(VerifyConsistency(m, n, *proof, roots[m], roots[n]).ok())
          << m << "->" << n;
      if (m == 0) continue;  // any root is consistent from size 0
      if (m < n) {
        ASSERT_FALSE(
            VerifyConsistency(m, n, *proof, roots[m - 1], roots[n]).ok());
      }
      ASSERT_FALSE(
          VerifyConsistency(m, n, *proof, roots[m], roots[n - 1]).ok());
      for (size_t h = 0; h < proof->size(); ++h) {
        for (int bit = 0; bit < 256; ++bit) {
          if (n > 24 && bit != static_cast<int>(rng() % 256)) continue;
          std::vector<Hash> bad = *proof;
          bad[h][bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
          ASSERT_FALSE(VerifyConsistency(m, n, bad, roots[m], roots[n]).ok())
              << m << "->" << n;
        }
      }
    }
  }
}

TEST(MerkleTest, RejectsImpossibleRequests) {
  auto leaves = LeafHashes(4);
  EXPECT_EQ(Inclusion(leaves, 4, 4).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Consistency(leaves, 4, 3).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(VerifyInclusion(4, 4, leaves[0], {}, leaves[0]).ok());
  EXPECT_FALSE(VerifyConsistency(3, 2, {}, leaves[0], leaves[0]).ok());
  EXPECT_FALSE(VerifyConsistency(2, 4, {}, leaves[0], leaves[0]).ok());
  std::vector<Hash> huge(kMaxProofHashes + 1, leaves[0]);
  EXPECT_FALSE(VerifyInclusion(0, 4, leaves[0], huge, leaves[0]).ok());
}

TEST(MerkleTest, CompactRangeReloadsFromStoredSubtrees) {
  auto leaves = LeafHashes(37);
  auto subtree = [&](int l, uint64_t i) {
    return SubtreeOfLeaves(leaves, l, i);
  };
  auto range = CompactRange::Load(37, subtree);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->Root(), RootOfLeaves(leaves));
}

}  // namespace
}  // namespace skp::ledger
