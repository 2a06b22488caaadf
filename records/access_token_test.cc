#include "records/access_token.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace skp::records {
namespace {

class AccessTokenTest : public ::testing::Test {
 protected:
  absl::StatusOr<AccessClaims> Open(const std::string& token,
                                    absl::Time at) const {
    return OpenAccessToken(
        token, "node.example/log", at,
        [&](absl::string_view id) -> std::optional<ledger::PublicKey> {
          if (id != key_.verifier().entry_key_id()) return std::nullopt;
          return key_.verifier().public_key();
        });
  }
  void ExpectRefused(const std::string& token, absl::string_view why,
                     absl::Time at) const {
    absl::StatusOr<AccessClaims> claims = Open(token, at);
    EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_TRUE(absl::StrContains(claims.status().message(), why))
        << claims.status();
  }

  ledger::Signer key_ = *ledger::Signer::Generate("ics");
  absl::Time now_ = absl::FromUnixSeconds(1790000000);
};

TEST_F(AccessTokenTest, ASignedTokenOpensWithItsClaims) {
  std::string token = SignAccessToken(key_, "node.example/log", now_);
  EXPECT_TRUE(absl::StartsWith(token, "v4.public."));
  auto claims = Open(token, now_ + absl::Seconds(30));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->key_id, key_.verifier().entry_key_id());
  EXPECT_EQ(claims->expires_at, now_ + absl::Minutes(2));
  EXPECT_EQ(claims->nonce.size(), 32u);
  EXPECT_NE(SignAccessToken(key_, "node.example/log", now_), token);  // nonce
}

TEST_F(AccessTokenTest, EveryFlawIsRefusedByName) {
  std::string token = SignAccessToken(key_, "node.example/log", now_);
  ExpectRefused(token, "expired", now_ + absl::Minutes(3));
  ExpectRefused(token, "issued in the future", now_ - absl::Minutes(2));
  ExpectRefused(SignAccessToken(key_, "other/log", now_), "for other/log",
                now_);
  ExpectRefused(
      SignAccessToken(key_, "node.example/log", now_, absl::Minutes(30)),
      "longer than 5 minutes", now_);
  ledger::Signer stranger = *ledger::Signer::Generate("stranger");
  ExpectRefused(SignAccessToken(stranger, "node.example/log", now_),
                "unknown key", now_);
  ExpectRefused("v2.local.abc", "not v4.public", now_);
  ExpectRefused("v4.public.!!!", "malformed", now_);
  // Any changed character of the signed part fails the signature.
  std::string body = token.substr(0, token.rfind('.'));
  for (size_t i = 10; i < body.size(); i += 7) {
    std::string flipped = token;
    flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(Open(flipped, now_).ok()) << i;
  }
}

}  // namespace
}  // namespace skp::records
