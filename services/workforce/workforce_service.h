// WorkforceService: the gRPC adapter for workforce queries
// (proto/skillspassport/v1/workforce.proto) over WorkforceFacts. Raw callback
// methods, decoded here for precise errors (services/common/raw_unary.h).
// Answers aggregates only, already suppressed. Thread-safe.
#ifndef SKP_SERVICES_WORKFORCE_WORKFORCE_SERVICE_H_
#define SKP_SERVICES_WORKFORCE_WORKFORCE_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "services/access/authenticator.h"
#include "services/common/rate_limit.h"
#include "services/workforce/facts.h"
#include "skillspassport/v1/workforce.grpc.pb.h"

namespace skp::workforce {

namespace internal {
namespace v1 = skillspassport::v1;
using RawWorkforceService = v1::Workforce::WithRawCallbackMethod_Supply<
    v1::Workforce::WithRawCallbackMethod_Coverage<
        v1::Workforce::WithRawCallbackMethod_Expiring<
            v1::Workforce::WithRawCallbackMethod_Flows<
                v1::Workforce::WithRawCallbackMethod_Plans<
                    v1::Workforce::Service>>>>>;
}  // namespace internal

// A time series has at most this many monthly points.
inline constexpr int kMaxSeriesPoints = 120;

class WorkforceService final : public internal::RawWorkforceService {
 public:
  using Clock = std::function<absl::Time()>;

  // `facts` (and `limiter`, `authenticator` and `registry`, if given) must
  // outlive the service; `clock` decides "today" when a request gives no
  // date. With an authenticator, every call needs an access token: a
  // governance key sees every ICS, an organisation with the workforce
  // planner role its own ICS only (the one it registered under), anyone
  // else nothing.
  WorkforceService(const WorkforceFacts* facts, Clock clock,
                   services::RateLimiter* limiter = nullptr,
                   services::Authenticator* authenticator = nullptr,
                   const registry::TrustRegistry* registry = nullptr)
      : facts_(facts),
        clock_(std::move(clock)),
        limiter_(limiter),
        authenticator_(authenticator),
        registry_(registry) {}

  grpc::ServerUnaryReactor* Supply(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Coverage(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Expiring(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Flows(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request,
                                  grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Plans(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request,
                                  grpc::ByteBuffer* response) override;

 private:
  // The ICB a call may query: `requested` (empty: all) without an
  // authenticator or for governance; the caller's own ICS for a workforce
  // planner (kPermissionDenied for another); else kPermissionDenied, or
  // kUnauthenticated without a valid token.
  absl::StatusOr<std::string> ScopeIcb(grpc::CallbackServerContext* context,
                                       absl::string_view requested) const;
  // The points in time a request asks for.
  absl::StatusOr<std::vector<DayNumber>> Points(
      const skillspassport::v1::When& when) const;
  // Runs `query(day)` at each point of `when` and collects the tables.
  template <typename Query>
  absl::Status Answer(const skillspassport::v1::When& when,
                      skillspassport::v1::Tables& response, Query query) const;

  const WorkforceFacts* const facts_;
  const Clock clock_;
  services::RateLimiter* const limiter_;
  services::Authenticator* const authenticator_;
  const registry::TrustRegistry* const registry_;
};

}  // namespace skp::workforce

#endif  // SKP_SERVICES_WORKFORCE_WORKFORCE_SERVICE_H_
