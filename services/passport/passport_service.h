// PassportService: the gRPC adapter for submitting records and reading
// passports (proto/skillspassport/v1/passport.proto). Raw callback methods,
// decoded here for precise errors (services/common/raw_unary.h).
//
// GetPassport is allowed to the passport's holder (their current key) and to
// an organisation holding a live consent grant from them; the request's
// signature and freshness are checked first. Thread-safe.
#ifndef SKP_SERVICES_PASSPORT_PASSPORT_SERVICE_H_
#define SKP_SERVICES_PASSPORT_PASSPORT_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "ledger/log.h"
#include "services/common/rate_limit.h"
#include "services/ledger/peers.h"
#include "services/passport/passport_projection.h"
#include "services/registry/trust_registry.h"
#include "skillspassport/v1/passport.grpc.pb.h"

namespace skp::passport {

namespace internal {
namespace v1 = skillspassport::v1;
using RawPassportService = v1::Passport::WithRawCallbackMethod_Submit<
    v1::Passport::WithRawCallbackMethod_GetPassport<
        v1::Passport::WithRawCallbackMethod_Present<
            v1::Passport::WithRawCallbackMethod_VerifyPresentation<
                v1::Passport::WithRawCallbackMethod_RequiredCredentials<
                    v1::Passport::Service>>>>>;
}  // namespace internal

class PassportService final : public internal::RawPassportService {
 public:
  using Clock = std::function<absl::Time()>;

  // All pointers must outlive the service. `node_key` attests bundles.
  // `replication` (nullptr: no peers) serves MIRRORED submissions.
  PassportService(ledger::Log* log, services::PeerReplication* replication,
                  const PassportProjection* passports,
                  const registry::TrustRegistry* registry,
                  const ledger::Signer* node_key, Clock clock,
                  absl::Duration max_clock_skew = absl::Minutes(10),
                  services::RateLimiter* limiter = nullptr);

  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetPassport(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Present(grpc::CallbackServerContext* context,
                                    const grpc::ByteBuffer* request,
                                    grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* VerifyPresentation(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* RequiredCredentials(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;

 private:
  // OK if the authorisation lets its signer read its passport now: the holder,
  // or (unless holder_only) an organisation with a live consent.
  absl::Status CheckReader(const skillspassport::v1::ReadAuthorisation& auth,
                           int64_t now, bool holder_only) const;
  // The view the authorisation may read, as of `as_of` (unset: today).
  absl::StatusOr<skillspassport::v1::PassportView> AuthorisedView(
      const skillspassport::v1::ReadAuthorisation& auth,
      const skillspassport::v1::Date* as_of);
  absl::StatusOr<skillspassport::v1::Bundle> MakeBundle(
      const skillspassport::v1::PresentRequest& request, int64_t now) const;

  ledger::Log* const log_;
  services::PeerReplication* const replication_;
  services::RateLimiter* const limiter_;
  const PassportProjection* const passports_;
  const registry::TrustRegistry* const registry_;
  const ledger::Signer* const node_key_;
  const Clock clock_;
  const absl::Duration max_clock_skew_;
};

}  // namespace skp::passport

#endif  // SKP_SERVICES_PASSPORT_PASSPORT_SERVICE_H_
