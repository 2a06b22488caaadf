#include "ledger/note.h"

#include "gtest/gtest.h"
#include "ledger/merkle.h"

namespace skp::ledger {
namespace {

// golang.org/x/mod/sumdb/note's documented example: this exact note verifies
// with Go under the PeterNeumann key.
constexpr char kGoSignerKey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+"
    "Y7hfZx09iUvxdXHKDFz";
constexpr char kGoSignedNote[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnA"
    "M=\n";

TEST(NoteTest, SignsByteForByteLikeGo) {
  auto signer = Signer::Parse(kGoSignerKey);
  ASSERT_TRUE(signer.ok());
  auto note = SignNote(
      "If you think cryptography is the answer to your problem,\n"
      "then you don't know what your problem is.\n",
      *signer);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(*note, kGoSignedNote);
  auto parsed = ParseNote(kGoSignedNote);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(VerifyNote(*parsed, signer->verifier()).ok());
}

TEST(NoteTest, CheckpointRoundTrip) {
  auto signer = Signer::Generate("example.org/log");
  Checkpoint cp{"example.org/log", 8, *HashFromBytes(std::string(32, '\x05'))};
  auto note = SignNote(CheckpointText(cp), *signer);
  ASSERT_TRUE(note.ok());
  auto opened = OpenCheckpoint(*note, signer->verifier());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->origin, cp.origin);
  EXPECT_EQ(opened->size, 8u);
  EXPECT_EQ(opened->root, cp.root);
}

TEST(NoteTest, CorruptedNotesAreRejected) {
  auto signer = Signer::Generate("example.org/log");
  auto other = Signer::Generate("example.org/log");
  std::string note =
      *SignNote(CheckpointText({"example.org/log", 3, EmptyRoot()}), *signer);
  EXPECT_EQ(OpenCheckpoint(note, other->verifier()).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Any single changed byte in the text or signature breaks it.
  for (size_t i = 0; i < note.size(); ++i) {
    std::string bad = note;
    bad[i] ^= 0x01;
    EXPECT_FALSE(OpenCheckpoint(bad, signer->verifier()).ok()) << i;
  }
  EXPECT_EQ(ParseNote("no signatures\n").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseCheckpointText("origin\n01\nAAAA\n").ok());
  EXPECT_FALSE(ParseCheckpointText("origin\n1\n").ok());
}

}  // namespace
}  // namespace skp::ledger
