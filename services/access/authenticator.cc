#include "services/access/authenticator.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/access_token.h"
#include "ledger/status_macros.h"

namespace skp::services {

Authenticator::Authenticator(const registry::TrustRegistry* registry,
                             std::string audience, Clock clock)
    : registry_(registry),
      audience_(std::move(audience)),
      clock_(std::move(clock)) {}

absl::StatusOr<registry::SignerInfo> Authenticator::Authenticate(
    const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto header = metadata.find("authorization");
  absl::string_view value =
      header == metadata.end()
          ? absl::string_view()
          : absl::string_view(header->second.data(), header->second.size());
  if (!absl::ConsumePrefix(&value, "Bearer ")) {
    return absl::UnauthenticatedError(
        "this call needs an access token: authorization: Bearer <token>");
  }
  absl::Time now = clock_();
  SKP_ASSIGN_OR_RETURN(
      clients::AccessClaims claims,
      clients::OpenAccessToken(
          value, audience_, now,
          [&](absl::string_view key_id) -> std::optional<ledger::PublicKey> {
            std::optional<registry::KeyEntry> key = registry_->FindKey(key_id);
            if (!key.has_value()) return std::nullopt;
            return key->public_key;
          }));
  absl::StatusOr<registry::SignerInfo> signer =
      registry_->SignerAt(claims.key_id, absl::ToUnixSeconds(now));
  if (!signer.ok()) {
    return absl::UnauthenticatedError(
        absl::StrCat("access token: ", signer.status().message()));
  }
  std::lock_guard lock(mu_);
  std::erase_if(seen_, [&](const auto& entry) { return entry.second <= now; });
  if (!seen_.emplace(claims.nonce, claims.expires_at).second) {
    return absl::UnauthenticatedError("access token: already used");
  }
  return signer;
}

}  // namespace skp::services
