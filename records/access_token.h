// Access tokens for read calls: PASETO v4.public (Ed25519), short-lived,
// for one audience (a node's log origin), single-use (a random nonce).
//
//   token  = "v4.public." base64url(message || signature) "." base64url(footer)
//   message = {"aud":ORIGIN,"iat":UNIX,"exp":UNIX,"jti":HEX16}   (JSON)
//   footer  = {"kid":HEX}   the signing key's entry key id (FORMAT.md §1)
//   signature = Ed25519 over PASETO's PAE("v4.public.", message, footer, "")
//
// Callers sign with their registered key (an organisation's, a passport's);
// the node resolves the key id against its trust registry. gRPC calls carry
// the token in the metadata "authorization: Bearer <token>".
#ifndef SKP_RECORDS_ACCESS_TOKEN_H_
#define SKP_RECORDS_ACCESS_TOKEN_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ledger/crypto.h"

namespace skp::records {

inline constexpr absl::Duration kMaxTokenLifetime = absl::Minutes(5);

std::string SignAccessToken(const ledger::Signer& key,
                            absl::string_view audience, absl::Time now,
                            absl::Duration lifetime = absl::Minutes(2));

struct AccessClaims {
  std::string key_id;  // entry key id (32 bytes)
  std::string audience;
  absl::Time issued_at, expires_at;
  std::string nonce;  // hex
};

// Checks a token's form, signature (under the key `public_key_of` returns
// for its key id; nullopt: unknown key), audience and lifetime (issued at
// most 1 minute ahead of `now`, not expired, at most kMaxTokenLifetime
// long). kUnauthenticated for every failure, naming it.
absl::StatusOr<AccessClaims> OpenAccessToken(
    absl::string_view token, absl::string_view audience, absl::Time now,
    const std::function<std::optional<ledger::PublicKey>(absl::string_view)>&
        public_key_of);

}  // namespace skp::records

#endif  // SKP_RECORDS_ACCESS_TOKEN_H_
