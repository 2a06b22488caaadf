// PassportService: the gRPC adapter for submitting records and reading
// passports (proto/skillspassport/v1/passport.proto). Raw callback methods,
// decoded here for precise errors (services/common/raw_unary.h).
//
// Reads name their caller with an access token (services/access): GetPassport
// and RequiredCredentials are allowed to the passport's holder (their current
// key) and to an organisation holding a live consent grant from them;
// Present and IssueCredentials to the holder only; GetStatusList to anyone.
// Thread-safe.
#ifndef SKP_SERVICES_PASSPORT_PASSPORT_SERVICE_H_
#define SKP_SERVICES_PASSPORT_PASSPORT_SERVICE_H_

#include <functional>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ledger/log.h"
#include "records/credentials.h"
#include "records/reference/reference_data.h"
#include "services/access/authenticator.h"
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
                    v1::Passport::WithRawCallbackMethod_IssueCredentials<
                        v1::Passport::WithRawCallbackMethod_GetStatusList<
                            v1::Passport::Service>>>>>>>;
}  // namespace internal

// What W3C credentials need beyond the service's own parts.
struct CredentialOptions {
  const reference::ReferenceData* reference = nullptr;  // null: none issued
  // Where the HTTP gateway serves status lists, e.g.
  // "http://127.0.0.1:8080/credentials/status" (asked at each issuance: the
  // gateway's port may be chosen after the service is made).
  std::function<std::string()> status_base_url;
};

class PassportService final : public internal::RawPassportService {
 public:
  using Clock = std::function<absl::Time()>;

  // All pointers must outlive the service. `node_key` attests bundles.
  // `replication` (nullptr: no peers) serves MIRRORED submissions.
  PassportService(ledger::Log* log, services::PeerReplication* replication,
                  const PassportProjection* passports,
                  const registry::TrustRegistry* registry,
                  services::Authenticator* authenticator,
                  const ledger::Signer* node_key, Clock clock,
                  services::RateLimiter* limiter = nullptr,
                  CredentialOptions credentials = {});

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
  grpc::ServerUnaryReactor* IssueCredentials(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetStatusList(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;

  // The status list credential (vc+jwt) `list` of `purpose`, as of now.
  absl::StatusOr<std::string> StatusList(absl::string_view purpose,
                                         uint64_t list) const;

 private:
  // The caller, if their access token lets them read `passport_id` now: the
  // holder, or (unless holder_only) an organisation with a live consent.
  absl::StatusOr<services::Caller> CheckReader(
      const grpc::ServerContextBase& context, absl::string_view passport_id,
      int64_t now, bool holder_only);
  // The view the caller may read, as of `as_of` (unset: today).
  absl::StatusOr<skillspassport::v1::PassportView> AuthorisedView(
      const grpc::ServerContextBase& context, absl::string_view passport_id,
      const skillspassport::v1::Date* as_of);
  records::CredentialIssuer Issuer() const;
  absl::StatusOr<skillspassport::v1::Bundle> MakeBundle(
      const skillspassport::v1::PresentRequest& request,
      const std::string& holder_key_id, int64_t now) const;

  ledger::Log* const log_;
  services::PeerReplication* const replication_;
  services::RateLimiter* const limiter_;
  const PassportProjection* const passports_;
  const registry::TrustRegistry* const registry_;
  services::Authenticator* const authenticator_;
  const ledger::Signer* const node_key_;
  const Clock clock_;
  const CredentialOptions credentials_;
  // The locations of records not valid now, by state, computed again only
  // once the projection has admitted more records.
  struct Withdrawn {
    uint64_t generation = 0;
    std::vector<uint64_t> revoked, suspended;
  };
  mutable absl::Mutex withdrawn_mu_;
  mutable std::optional<Withdrawn> withdrawn_ ABSL_GUARDED_BY(withdrawn_mu_);
};

}  // namespace skp::passport

#endif  // SKP_SERVICES_PASSPORT_PASSPORT_SERVICE_H_
