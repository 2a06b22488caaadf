#include "services/access/authenticator.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "ledger/status_macros.h"

namespace skp::services {

Authenticator::Authenticator(const registry::TrustRegistry* registry,
                             std::vector<ledger::Verifier> operators,
                             std::string audience, Clock clock)
    : registry_(registry),
      operators_(std::move(operators)),
      audience_(std::move(audience)),
      clock_(std::move(clock)) {}

absl::StatusOr<records::AccessClaims> Authenticator::Open(
    const grpc::ServerContextBase& context, const KeyLookup& lookup,
    absl::Time now) const {
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
  return records::OpenAccessToken(value, audience_, now, lookup);
}

absl::Status Authenticator::Spend(const records::AccessClaims& claims,
                                  absl::Time now) {
  std::lock_guard lock(mu_);
  while (!seen_by_expiry_.empty() && seen_by_expiry_.begin()->first <= now) {
    seen_.erase(seen_by_expiry_.begin()->second);
    seen_by_expiry_.erase(seen_by_expiry_.begin());
  }
  if (!seen_.insert(claims.nonce).second) {
    return absl::UnauthenticatedError("access token: already used");
  }
  seen_by_expiry_.emplace(claims.expires_at, claims.nonce);
  return absl::OkStatus();
}

absl::StatusOr<Caller> Authenticator::Authenticate(
    const grpc::ServerContextBase& context) {
  absl::Time now = clock_();
  SKP_ASSIGN_OR_RETURN(
      records::AccessClaims claims,
      Open(
          context,
          [&](absl::string_view key_id) -> std::optional<ledger::PublicKey> {
            std::optional<registry::KeyEntry> key = registry_->FindKey(key_id);
            if (!key.has_value()) return std::nullopt;
            return key->public_key;
          },
          now));
  absl::StatusOr<records::SignerInfo> signer =
      registry_->SignerAt(claims.key_id, absl::ToUnixSeconds(now));
  if (!signer.ok()) {
    return absl::UnauthenticatedError(
        absl::StrCat("access token: ", signer.status().message()));
  }
  SKP_RETURN_IF_ERROR(Spend(claims, now));
  return Caller{*std::move(signer), claims.key_id};
}

absl::StatusOr<std::string> Authenticator::AuthenticateOperator(
    const grpc::ServerContextBase& context) {
  absl::Time now = clock_();
  const ledger::Verifier* signer = nullptr;
  bool unknown_key = false;
  absl::StatusOr<records::AccessClaims> claims = Open(
      context,
      [&](absl::string_view key_id) -> std::optional<ledger::PublicKey> {
        for (const ledger::Verifier& key : operators_) {
          if (ledger::EntryKeyId(key.public_key()) == key_id) {
            signer = &key;
            return key.public_key();
          }
        }
        unknown_key = true;
        return std::nullopt;
      },
      now);
  if (unknown_key) {
    return absl::UnauthenticatedError(
        "administrative calls need an access token signed by one of this "
        "node's operator keys");
  }
  if (!claims.ok()) return claims.status();
  SKP_RETURN_IF_ERROR(Spend(*claims, now));
  return signer->name();
}

}  // namespace skp::services
