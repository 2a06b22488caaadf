#include "records/credentials.h"

#include <zlib.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "nlohmann/json.hpp"
#include "records/signing.h"

namespace skp::records {
namespace {

namespace v1 = skillspassport::v1;
using nlohmann::json;

struct Jwt {
  json header, payload;
  std::string signing_input, signature;
};

Jwt Open(const std::string& jwt) {
  std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  EXPECT_EQ(parts.size(), 3u);
  Jwt out;
  std::string header, payload;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(parts[0], &header));
  EXPECT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  EXPECT_TRUE(absl::WebSafeBase64Unescape(parts[2], &out.signature));
  out.header = json::parse(header);
  out.payload = json::parse(payload);
  out.signing_input = absl::StrCat(parts[0], ".", parts[1]);
  return out;
}

// The bits of an encodedList, gunzipped here with zlib's own inflate.
std::string Gunzip(const std::string& encoded) {
  EXPECT_EQ(encoded[0], 'u');  // multibase base64url
  std::string gzipped, bits(1 << 20, '\0');
  EXPECT_TRUE(absl::WebSafeBase64Unescape(encoded.substr(1), &gzipped));
  z_stream stream{};
  inflateInit2(&stream, 15 + 16);
  stream.next_in = reinterpret_cast<Bytef*>(gzipped.data());
  stream.avail_in = gzipped.size();
  stream.next_out = reinterpret_cast<Bytef*>(bits.data());
  stream.avail_out = bits.size();
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  bits.resize(stream.total_out);
  inflateEnd(&stream);
  return bits;
}

bool BitAt(const std::string& bits, uint64_t index) {
  return (static_cast<uint8_t>(bits[index / 8]) >> (7 - index % 8)) & 1;
}

class CredentialsTest : public ::testing::Test {
 protected:
  CredentialIssuer Issuer() const {
    return {&node_, &reference_, "http://127.0.0.1:8080/credentials/status"};
  }
  // A bundle of one training record about the holder's passport.
  v1::Bundle TrainingBundle() const {
    v1::Record record;
    record.set_issued_at(1790000000);
    v1::CredentialIssued* c = record.mutable_credential_issued();
    c->set_passport_id(passport_id_);
    c->set_organisation_id("sunrise");
    c->set_kind(v1::CREDENTIAL_KIND_TRAINING);
    c->set_ascwds_training_category(10);
    c->mutable_awarded()->set_year(2026);
    c->mutable_awarded()->set_month(3);
    c->mutable_awarded()->set_day(3);
    c->mutable_valid_until()->set_year(2027);
    c->mutable_valid_until()->set_month(3);
    c->mutable_valid_until()->set_day(2);
    const ledger::Signer* signers[] = {&organisation_};
    v1::Bundle bundle;
    bundle.set_passport_id(passport_id_);
    bundle.set_checkpoint("node.example/log\n1\nroot\n");
    v1::PresentedRecord* presented = bundle.add_records();
    presented->set_entry(*SignRecord(record, signers));
    presented->set_index(7);
    presented->set_state(v1::RECORD_STATE_VALID);
    AddKey(bundle, holder_, "worker", ledger::HexEncode(passport_id_));
    AddKey(bundle, organisation_, "organisation", "sunrise")
        ->set_name("Sunrise Care Home");
    return bundle;
  }
  static v1::PresentedKey* AddKey(v1::Bundle& bundle,
                                  const ledger::Signer& key,
                                  const std::string& principal,
                                  const std::string& owner) {
    v1::PresentedKey* presented = bundle.add_keys();
    presented->set_key_id(key.verifier().entry_key_id());
    presented->set_public_key(PublicKeyBytes(key.verifier()));
    presented->set_principal(principal);
    presented->set_owner(owner);
    return presented;
  }

  ledger::Signer node_ = *ledger::Signer::Generate("node.example/log");
  ledger::Signer organisation_ = *ledger::Signer::Generate("sunrise");
  ledger::Signer holder_ = *ledger::Signer::Generate("tom");
  reference::ReferenceData reference_ = *reference::ReferenceData::Embedded();
  std::string passport_id_ = std::string(16, '\x42');
};

TEST(DidKeyTest, MatchesAPublishedEd25519Vector) {
  // From the did:key method's published examples.
  std::string bytes = *ledger::HexDecode(
      "6c2d48b1605684ef94363dc6158eeb6577466e1a36a740f2fc624617edb7712e");
  ledger::PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.begin());
  EXPECT_EQ(DidKeyOf(key),
            "did:key:z6MkmjY8GnV5i9YTDtPETC2uUAW6ejw3nk5mXF5yci5ab7th");
}

TEST_F(CredentialsTest, ATrainingRecordBecomesASignedOpenBadge) {
  v1::Bundle bundle = TrainingBundle();
  uint64_t location = 3 * kStatusListSize + 12345;
  auto credentials = IssueRecordCredentials(bundle, {location}, Issuer());
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  ASSERT_EQ(credentials->size(), 1u);
  Jwt jwt = Open((*credentials)[0]);
  EXPECT_EQ(jwt.header["alg"], "EdDSA");
  EXPECT_EQ(jwt.header["typ"], "vc+jwt");
  EXPECT_TRUE(node_.verifier().Verify(jwt.signing_input, jwt.signature));

  const json& vc = jwt.payload;
  EXPECT_EQ(vc["@context"][0], "https://www.w3.org/ns/credentials/v2");
  EXPECT_EQ(vc["type"], json::array({"VerifiableCredential",
                                     "AchievementCredential"}));
  EXPECT_EQ(vc["issuer"]["id"], DidKeyOf(node_.verifier().public_key()));
  EXPECT_EQ(vc["validFrom"], "2026-09-21T14:13:20Z");
  EXPECT_EQ(vc["validUntil"], "2027-03-02T23:59:59Z");
  std::string record_id = ledger::HexEncode(
      ledger::AsBytes(ledger::HashLeaf(bundle.records(0).entry())));
  EXPECT_EQ(vc["id"], "urn:skillspassport:record:" + record_id);

  const json& subject = vc["credentialSubject"];
  EXPECT_EQ(subject["id"], DidKeyOf(holder_.verifier().public_key()));
  EXPECT_EQ(subject["achievement"]["name"],
            reference_.TrainingCategoryTitle(10));
  EXPECT_FALSE(reference_.TrainingCategoryTitle(10).empty());
  EXPECT_EQ(subject["record"]["organisationId"], "sunrise");
  EXPECT_FALSE(subject["record"].contains("passportId"));

  ASSERT_EQ(vc["credentialStatus"].size(), 2u);
  for (const json& status : vc["credentialStatus"]) {
    EXPECT_EQ(status["type"], "BitstringStatusListEntry");
    EXPECT_EQ(status["statusListIndex"], "12345");
    EXPECT_EQ(status["statusListCredential"],
              "http://127.0.0.1:8080/credentials/status/" +
                  status["statusPurpose"].get<std::string>() + "/3");
  }
  const json& evidence = vc["evidence"][0];
  EXPECT_EQ(evidence["entry"], ledger::Base64Encode(bundle.records(0).entry()));
  EXPECT_EQ(evidence["logIndex"], 7);
  EXPECT_EQ(evidence["signatures"][0]["keyId"],
            ledger::HexEncode(organisation_.verifier().entry_key_id()));
  EXPECT_EQ(evidence["signatures"][0]["name"], "Sunrise Care Home");
}

TEST_F(CredentialsTest, APassportWithoutACurrentKeyHasNoSubject) {
  v1::Bundle bundle = TrainingBundle();
  bundle.mutable_keys(0)->set_revoked_from(1790000001);
  EXPECT_EQ(IssueRecordCredentials(bundle, {7}, Issuer()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(CredentialsTest, AStatusListSetsExactlyItsOwnLocationsBits) {
  std::vector<uint64_t> set = {0, 9, kStatusListSize - 1,
                               kStatusListSize + 9};  // the last: list 1
  auto list = IssueStatusList("revocation", 0, set, 1790000000, Issuer());
  ASSERT_TRUE(list.ok()) << list.status();
  Jwt jwt = Open(*list);
  EXPECT_TRUE(node_.verifier().Verify(jwt.signing_input, jwt.signature));
  EXPECT_EQ(jwt.payload["type"][1], "BitstringStatusListCredential");
  EXPECT_EQ(jwt.payload["id"],
            "http://127.0.0.1:8080/credentials/status/revocation/0");
  const json& subject = jwt.payload["credentialSubject"];
  EXPECT_EQ(subject["statusPurpose"], "revocation");
  std::string bits = Gunzip(subject["encodedList"]);
  ASSERT_EQ(bits.size(), kStatusListSize / 8);
  size_t ones = 0;
  for (uint64_t i = 0; i < kStatusListSize; ++i) ones += BitAt(bits, i);
  EXPECT_EQ(ones, 3u);
  EXPECT_TRUE(BitAt(bits, 0));
  EXPECT_TRUE(BitAt(bits, 9));
  EXPECT_TRUE(BitAt(bits, kStatusListSize - 1));
}

TEST_F(CredentialsTest, AnUnknownPurposeIsRefused) {
  auto list = IssueStatusList("expiry", 0, {}, 1790000000, Issuer());
  EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(list.status().message().find("expiry"), std::string::npos);
}

}  // namespace
}  // namespace skp::records
