#include "ledger/entry.h"

#include "gtest/gtest.h"
#include "ledger/hash.h"

namespace skp::ledger {
namespace {

Entry Sample() {
  return Entry{std::string(kRecordPayloadType),
               "record bytes",
               {{std::string(32, 'a'), std::string(64, 's')}}};
}

TEST(EntryTest, PreAuthEncodingIsDsse) {
  // The DSSE specification's own example.
  EXPECT_EQ(PreAuthEncoding("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
}

TEST(EntryTest, GoldenEncoding) {
  Entry entry{"t", "pq", {{"k", "s"}}};
  auto bytes = EncodeEntry(entry);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(HexEncode(*bytes),
            "01"
            "0001"
            "74"
            "00000002"
            "7071"
            "01"
            "01"
            "6b"
            "0001"
            "73");
  auto decoded = DecodeEntry(*bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, entry);
}

TEST(EntryTest, EncodeSortsSignaturesAndRejectsDuplicates) {
  Entry entry = Sample();
  entry.signatures.insert(entry.signatures.begin(),
                          {std::string(32, 'b'), std::string(64, 't')});
  auto bytes = EncodeEntry(entry);
  ASSERT_TRUE(bytes.ok());
  auto decoded = DecodeEntry(*bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->signatures[0].key_id, std::string(32, 'a'));
  entry.signatures[1].key_id = entry.signatures[0].key_id;
  EXPECT_EQ(EncodeEntry(entry).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EntryTest, EveryTruncationIsRejected) {
  std::string bytes = *EncodeEntry(Sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(DecodeEntry(bytes.substr(0, n)).status().code(),
              absl::StatusCode::kInvalidArgument)
        << n;
  }
  EXPECT_EQ(DecodeEntry(bytes + "x").status().message(),
            "malformed entry: 1 trailing bytes");
}

TEST(EntryTest, LengthsBeyondTheBufferAreRejected) {
  std::string bytes = *EncodeEntry(Sample());
  std::string huge_payload = bytes;
  // Payload length field sits after version (1), type length (2) and type.
  size_t at = 3 + kRecordPayloadType.size();
  huge_payload[at] = '\x7f';
  auto status = DecodeEntry(huge_payload).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("payload length"), std::string::npos)
      << status;
}

TEST(EntryTest, LimitsAreEnforced) {
  Entry entry = Sample();
  entry.payload = std::string(kMaxPayloadSize + 1, 'x');
  EXPECT_EQ(EncodeEntry(entry).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      DecodeEntry(std::string(kMaxEntrySize + 1, '\x01')).status().message(),
      "entry is 65536 bytes; the limit is 65535");
  entry = Sample();
  entry.signatures.clear();
  EXPECT_FALSE(EncodeEntry(entry).ok());
  entry = Sample();
  entry.payload_type = "has space";
  EXPECT_FALSE(EncodeEntry(entry).ok());
  std::string bytes = *EncodeEntry(Sample());
  bytes[0] = 2;
  EXPECT_EQ(DecodeEntry(bytes).status().message(),
            "malformed entry: unknown version 2");
}

TEST(EntryTest, SignEntryProducesVerifiableSignatures) {
  auto a = Signer::Generate("a"), b = Signer::Generate("b");
  const Signer* signers[] = {&*a, &*b};
  auto bytes = SignEntry(kRecordPayloadType, "payload", signers);
  ASSERT_TRUE(bytes.ok());
  auto entry = DecodeEntry(*bytes);
  ASSERT_TRUE(entry.ok());
  ASSERT_EQ(entry->signatures.size(), 2u);
  std::string pae = PreAuthEncoding(kRecordPayloadType, "payload");
  for (const auto& sig : entry->signatures) {
    const Signer* s = sig.key_id == a->verifier().entry_key_id() ? &*a : &*b;
    EXPECT_TRUE(s->verifier().Verify(pae, sig.signature));
  }
}

}  // namespace
}  // namespace skp::ledger
