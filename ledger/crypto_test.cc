#include "ledger/crypto.h"

#include <sys/stat.h>

#include "gtest/gtest.h"
#include "ledger/hash.h"
#include "tests/testing/temp_dir.h"

namespace skp::ledger {
namespace {

// Known answer from golang.org/x/mod/sumdb/note's documentation example.
constexpr char kGoVerifierKey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kGoSignerKey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+"
    "Y7hfZx09iUvxdXHKDFz";

TEST(CryptoTest, ParsesGoNoteKeysAndRoundTrips) {
  auto verifier = Verifier::Parse(kGoVerifierKey);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_EQ(verifier->name(), "PeterNeumann");
  EXPECT_EQ(verifier->key_hash(), 0xc74f20a3u);
  EXPECT_EQ(verifier->ToString(), kGoVerifierKey);

  auto signer = Signer::Parse(kGoSignerKey);
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_EQ(signer->verifier().ToString(), kGoVerifierKey);
  EXPECT_EQ(signer->ToPrivateKeyString(), kGoSignerKey);
}

TEST(CryptoTest, RejectsMalformedKeys) {
  for (const char* bad :
       {"", "name", "name+c74f20a3", "bad name+c74f20a3+AAAA",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ApHc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+zz4f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"}) {
    EXPECT_EQ(Verifier::Parse(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_FALSE(Signer::Parse(kGoVerifierKey).ok());
}

TEST(CryptoTest, SignsAndVerifies) {
  auto signer = Signer::Generate("node.example");
  ASSERT_TRUE(signer.ok());
  std::string sig = signer->Sign("message");
  EXPECT_EQ(sig.size(), kSignatureSize);
  EXPECT_TRUE(signer->verifier().Verify("message", sig));
  EXPECT_FALSE(signer->verifier().Verify("messagE", sig));
  sig[10] ^= 1;
  EXPECT_FALSE(signer->verifier().Verify("message", sig));
  EXPECT_FALSE(signer->verifier().Verify("message", "short"));
  EXPECT_EQ(signer->verifier().entry_key_id().size(), 32u);
}

TEST(CryptoTest, KeyFilesAreOwnerOnlyAndNeverOverwritten) {
  testing::TempDir dir;
  auto signer = Signer::Generate("worker");
  ASSERT_TRUE(signer.ok());
  std::string path = dir.File("worker.key");
  ASSERT_TRUE(WriteKeyFile(path, *signer).ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(WriteKeyFile(path, *signer).code(),
            absl::StatusCode::kFailedPrecondition);
  auto loaded = ReadKeyFile(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->verifier().ToString(), signer->verifier().ToString());
  EXPECT_EQ(ReadKeyFile(dir.File("missing")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(HashTest, EncodingsAreStrict) {
  EXPECT_EQ(HexEncode("\x01\xab"), "01ab");
  EXPECT_EQ(*HexDecode("01AB"), "\x01\xab");
  EXPECT_FALSE(HexDecode("0").ok());
  EXPECT_FALSE(HexDecode("0g").ok());
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_EQ(*Base64Decode("YWI="), "ab");
  EXPECT_FALSE(Base64Decode("YWI").ok());
  EXPECT_FALSE(Base64Decode("YWJ=").ok());  // non-canonical trailing bits
  EXPECT_FALSE(Base64Decode("YW I=").ok());
}

}  // namespace
}  // namespace skp::ledger
