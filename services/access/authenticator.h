// Authenticator: who is calling, from the access token a read or
// administrative call carries (clients/access_token.h). The token must be
// for this node's log origin, fresh, and not seen before (each token is
// single-use), and signed by a key the node knows:
//   - registered callers (workers, organisations, professionals, governance)
//     by a key the trust registry holds, unrevoked now;
//   - the node's operators by one of the operator keys it was started with
//     (administration is not a ledger role: operators run a node, they do
//     not vouch for records).
#ifndef SKP_SERVICES_ACCESS_AUTHENTICATOR_H_
#define SKP_SERVICES_ACCESS_AUTHENTICATOR_H_

#include <grpcpp/server_context.h>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "records/access_token.h"
#include "ledger/crypto.h"
#include "records/authorization.h"
#include "services/registry/trust_registry.h"

namespace skp::services {

// A registered caller: who they are, and the key their token was signed
// with (entry key id).
struct Caller {
  records::SignerInfo signer;
  std::string key_id;
};

class Authenticator {
 public:
  using Clock = std::function<absl::Time()>;
  // `registry` must outlive the authenticator; `audience` is the node's
  // log origin.
  Authenticator(const registry::TrustRegistry* registry,
                std::vector<ledger::Verifier> operators, std::string audience,
                Clock clock);

  // The registered caller, from the "authorization: Bearer <token>"
  // metadata; kUnauthenticated (naming why) without a valid, unused token.
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& context);

  // OK if the token is an operator's; kUnauthenticated (naming why)
  // otherwise. Returns the operator key's name.
  absl::StatusOr<std::string> AuthenticateOperator(
      const grpc::ServerContextBase& context);

 private:
  using KeyLookup =
      std::function<std::optional<ledger::PublicKey>(absl::string_view)>;
  // The token's claims, checked against the key `lookup` gives for its key
  // id; `now` is the time they were checked at.
  absl::StatusOr<records::AccessClaims> Open(
      const grpc::ServerContextBase& context, const KeyLookup& lookup,
      absl::Time now) const;
  // Records the token's nonce; kUnauthenticated if it was used before.
  absl::Status Spend(const records::AccessClaims& claims, absl::Time now);

  const registry::TrustRegistry* const registry_;
  const std::vector<ledger::Verifier> operators_;
  const std::string audience_;
  const Clock clock_;
  std::mutex mu_;
  // The nonces of tokens accepted and not yet expired, and the same by
  // expiry, so forgetting the expired ones costs only what they number.
  absl::flat_hash_set<std::string> seen_;                  // guarded by mu_
  std::multimap<absl::Time, std::string> seen_by_expiry_;  // guarded by mu_
};

}  // namespace skp::services

#endif  // SKP_SERVICES_ACCESS_AUTHENTICATOR_H_
