#include "clients/proofs.h"

#include "gtest/gtest.h"
#include "ledger/merkle.h"
#include "ledger/note.h"

namespace skp::clients {
namespace {

using ledger::Hash;

class ProofsTest : public ::testing::Test {
 protected:
  ProofsTest() : key_(*ledger::Signer::Generate("example.org/log")) {
    for (int i = 0; i < 10; ++i)
      leaves_.push_back(ledger::HashLeaf(std::to_string(i)));
  }
  std::string CheckpointFor(uint64_t size) {
    Hash root = ledger::RootOfLeaves(absl::MakeConstSpan(leaves_).first(size));
    return *ledger::SignNote(
        ledger::CheckpointText({"example.org/log", size, root}), key_);
  }
  absl::StatusOr<Hash> Subtree(int level, uint64_t index) {
    return ledger::SubtreeOfLeaves(leaves_, level, index);
  }
  InclusionProofData Inclusion(uint64_t index, uint64_t size) {
    InclusionProofData p{
        index,
        size,
        leaves_[index],
        ledger::RootOfLeaves(absl::MakeConstSpan(leaves_).first(size)),
        {}};
    p.proof = *ledger::InclusionProof(
        index, size, [&](int l, uint64_t i) { return Subtree(l, i); });
    return p;
  }

  ledger::Signer key_;
  std::vector<Hash> leaves_;
};

TEST_F(ProofsTest, InclusionJsonRoundTripsAndVerifies) {
  InclusionProofData proof = Inclusion(3, 7);
  auto parsed = ParseProofJson(ToJson(proof));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto& back = std::get<InclusionProofData>(*parsed);
  EXPECT_EQ(back.proof, proof.proof);
  EXPECT_TRUE(
      VerifyInclusionProof(back, CheckpointFor(7), key_.verifier()).ok());
  // Against a checkpoint of another size, or another log's key: rejected.
  EXPECT_EQ(
      VerifyInclusionProof(back, CheckpointFor(8), key_.verifier()).code(),
      absl::StatusCode::kFailedPrecondition);
  auto stranger = ledger::Signer::Generate("example.org/log");
  EXPECT_EQ(
      VerifyInclusionProof(back, CheckpointFor(7), stranger->verifier()).code(),
      absl::StatusCode::kUnauthenticated);
  back.leaf_hash = leaves_[4];
  EXPECT_FALSE(
      VerifyInclusionProof(back, CheckpointFor(7), key_.verifier()).ok());
}

TEST_F(ProofsTest, ConsistencyVerifiesAgainstCheckpoints) {
  ConsistencyProofData proof{
      3,
      9,
      ledger::RootOfLeaves(absl::MakeConstSpan(leaves_).first(3)),
      ledger::RootOfLeaves(absl::MakeConstSpan(leaves_).first(9)),
      {}};
  proof.proof = *ledger::ConsistencyProof(
      3, 9, [&](int l, uint64_t i) { return Subtree(l, i); });
  auto parsed = ParseProofJson(ToJson(proof));
  ASSERT_TRUE(parsed.ok());
  auto& back = std::get<ConsistencyProofData>(*parsed);
  EXPECT_TRUE(VerifyConsistencyProof(back, CheckpointFor(9), std::nullopt,
                                     key_.verifier())
                  .ok());
  EXPECT_TRUE(VerifyConsistencyProof(back, CheckpointFor(9), CheckpointFor(3),
                                     key_.verifier())
                  .ok());
  back.old_root = leaves_[0];
  EXPECT_FALSE(VerifyConsistencyProof(back, CheckpointFor(9), std::nullopt,
                                      key_.verifier())
                   .ok());
}

TEST_F(ProofsTest, MalformedJsonIsRejected) {
  for (
      const char* bad :
      {"", "[]", "{", R"({"old_size":-1})",
       R"({"index":1,"tree_size":2,"leaf_hash":"AAAA","root":"x","proof":[]})",
       R"({"old_size":1,"new_size":2,"old_root":"","new_root":"","proof":{}})"}) {
    EXPECT_EQ(ParseProofJson(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace skp::clients
