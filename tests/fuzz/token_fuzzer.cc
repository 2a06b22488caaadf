// Access tokens (clients/access_token.h) from untrusted bytes: opening never
// crashes, and nothing but a token signed by the fixed key opens.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/time/time.h"
#include "records/access_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* key = new skp::ledger::Signer(
      *skp::ledger::Signer::FromSeed("fuzz.example/ics", {5}));
  std::string token(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<skp::records::AccessClaims> claims =
      skp::records::OpenAccessToken(
          token, "fuzz.example/log", absl::FromUnixSeconds(1790000030),
          [](absl::string_view id) -> std::optional<skp::ledger::PublicKey> {
            if (id != key->verifier().entry_key_id()) return std::nullopt;
            return key->verifier().public_key();
          });
  if (claims.ok() && claims->key_id != key->verifier().entry_key_id())
    std::abort();
  return 0;
}
