#include "records/access_token.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/hash.h"

namespace skp::records {
namespace {

constexpr absl::string_view kHeader = "v4.public.";

// PASETO's PAE: the piece count, then each piece's length and bytes, lengths
// as 64-bit little-endian with the top bit clear.
std::string Pae(std::initializer_list<absl::string_view> pieces) {
  auto le64 = [](uint64_t n) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i)
      out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    out[7] = static_cast<char>(out[7] & 0x7f);
    return out;
  };
  std::string out = le64(pieces.size());
  for (absl::string_view p : pieces) absl::StrAppend(&out, le64(p.size()), p);
  return out;
}

std::string Base64Url(absl::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);  // no padding
  return out;
}

absl::Status Refuse(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("access token: ", why));
}

}  // namespace

std::string SignAccessToken(const ledger::Signer& key,
                            absl::string_view audience, absl::Time now,
                            absl::Duration lifetime) {
  std::string nonce(16, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  nlohmann::json claims = {{"aud", std::string(audience)},
                           {"iat", absl::ToUnixSeconds(now)},
                           {"exp", absl::ToUnixSeconds(now + lifetime)},
                           {"jti", ledger::HexEncode(nonce)}};
  std::string message = claims.dump();
  std::string footer =
      nlohmann::json{{"kid", ledger::HexEncode(key.verifier().entry_key_id())}}
          .dump();
  std::string signature = key.Sign(Pae({kHeader, message, footer, ""}));
  return absl::StrCat(kHeader, Base64Url(message + signature), ".",
                      Base64Url(footer));
}

absl::StatusOr<AccessClaims> OpenAccessToken(
    absl::string_view token, absl::string_view audience, absl::Time now,
    const std::function<std::optional<ledger::PublicKey>(absl::string_view)>&
        public_key_of) {
  if (token.size() > 2048) return Refuse("longer than 2048 bytes");
  if (!absl::ConsumePrefix(&token, kHeader)) return Refuse("not v4.public");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  std::string body, footer;
  if (parts.size() != 2 || !absl::WebSafeBase64Unescape(parts[0], &body) ||
      !absl::WebSafeBase64Unescape(parts[1], &footer) ||
      body.size() < ledger::kSignatureSize) {
    return Refuse("malformed");
  }
  nlohmann::json footer_json = nlohmann::json::parse(footer, nullptr, false);
  absl::StatusOr<std::string> key_id =
      footer_json.is_object() && footer_json.contains("kid") &&
              footer_json["kid"].is_string()
          ? ledger::HexDecode(footer_json["kid"].get<std::string>())
          : absl::InvalidArgumentError("no kid");
  if (!key_id.ok() || key_id->size() != 32) {
    return Refuse("the footer names no key id");
  }
  std::optional<ledger::PublicKey> key = public_key_of(*key_id);
  if (!key.has_value()) return Refuse("signed by an unknown key");
  absl::string_view message =
      absl::string_view(body).substr(0, body.size() - ledger::kSignatureSize);
  absl::string_view signature =
      absl::string_view(body).substr(body.size() - ledger::kSignatureSize);
  if (!ledger::Verifier("token", *key)
           .Verify(Pae({kHeader, message, footer, ""}), signature)) {
    return Refuse("the signature does not verify");
  }
  nlohmann::json claims = nlohmann::json::parse(message, nullptr, false);
  if (!claims.is_object() || !claims.contains("aud") ||
      !claims["aud"].is_string() || !claims.contains("iat") ||
      !claims["iat"].is_number_integer() || !claims.contains("exp") ||
      !claims["exp"].is_number_integer() || !claims.contains("jti") ||
      !claims["jti"].is_string()) {
    return Refuse("claims aud, iat, exp and jti are required");
  }
  AccessClaims out{*key_id, claims["aud"].get<std::string>(),
                   absl::FromUnixSeconds(claims["iat"].get<int64_t>()),
                   absl::FromUnixSeconds(claims["exp"].get<int64_t>()),
                   claims["jti"].get<std::string>()};
  if (out.audience != audience)
    return Refuse(absl::StrCat("for ", out.audience, ", not ", audience));
  if (out.issued_at > now + absl::Minutes(1))
    return Refuse("issued in the future");
  if (now >= out.expires_at) return Refuse("expired");
  if (out.expires_at - out.issued_at > kMaxTokenLifetime)
    return Refuse("lives longer than 5 minutes");
  if (out.nonce.size() < 16) return Refuse("jti is too short");
  return out;
}

}  // namespace skp::records
