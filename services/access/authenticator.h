// Authenticator: who is calling, from the access token a read call carries
// (clients/access_token.h), resolved against the trust registry: the key
// must be registered and unrevoked now, the token for this node's log
// origin, fresh, and not seen before (each token is single-use).
#ifndef SKP_SERVICES_ACCESS_AUTHENTICATOR_H_
#define SKP_SERVICES_ACCESS_AUTHENTICATOR_H_

#include <grpcpp/server_context.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/registry/authorization.h"
#include "services/registry/trust_registry.h"

namespace skp::services {

class Authenticator {
 public:
  using Clock = std::function<absl::Time()>;
  // `registry` must outlive the authenticator; `audience` is the node's
  // log origin.
  Authenticator(const registry::TrustRegistry* registry, std::string audience,
                Clock clock);

  // The caller, from the "authorization: Bearer <token>" metadata;
  // kUnauthenticated (naming why) without a valid, unused token.
  absl::StatusOr<registry::SignerInfo> Authenticate(
      const grpc::ServerContextBase& context);

 private:
  const registry::TrustRegistry* const registry_;
  const std::string audience_;
  const Clock clock_;
  std::mutex mu_;
  std::map<std::string, absl::Time> seen_;  // nonce -> expiry; guarded by mu_
};

}  // namespace skp::services

#endif  // SKP_SERVICES_ACCESS_AUTHENTICATOR_H_
