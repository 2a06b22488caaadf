// LedgerService: the thin gRPC adapter over ledger::Log (callback API).
//
// Every method takes the raw request bytes and decodes them itself, so a
// malformed protobuf gets INVALID_ARGUMENT naming the message type (gRPC's own
// decoding answers a bare UNIMPLEMENTED). Append never blocks a gRPC thread on
// disk: its reactor finishes from the log's writer once the batch is durable.
#ifndef SKP_SERVICES_LEDGER_LEDGER_SERVICE_H_
#define SKP_SERVICES_LEDGER_LEDGER_SERVICE_H_

#include "ledger/log.h"
#include "services/common/raw_unary.h"
#include "skillspassport/v1/ledger.grpc.pb.h"

namespace skp::services {

// Decodes a request carrying an entry in field `entry`, appends it, and
// finishes the call once it is durable with the response `to_response`
// builds from the AppendResult. Shared by every service that appends.
template <typename Request, typename ToResponse>
grpc::ServerUnaryReactor* AppendThenFinish(ledger::Log* log,
                                           grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* raw_request,
                                           grpc::ByteBuffer* raw_response,
                                           ToResponse to_response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Request> request = ParseRequest<Request>(*raw_request);
  if (!request.ok()) {
    reactor->Finish(ToGrpcStatus(request.status()));
    return reactor;
  }
  log->Append(std::move(*request->mutable_entry()),
              [reactor, raw_response, to_response = std::move(to_response)](
                  absl::StatusOr<ledger::AppendResult> result) {
                if (result.ok())
                  SerializeTo(to_response(*std::move(result)), raw_response);
                reactor->Finish(ToGrpcStatus(result.status()));
              });
  return reactor;
}

// Most entries one GetEntries call streams.
inline constexpr uint64_t kMaxEntriesPerCall = 10000;

namespace internal {
using RawLedgerService =
    skillspassport::v1::Ledger::WithRawCallbackMethod_Append<
        skillspassport::v1::Ledger::WithRawCallbackMethod_GetCheckpoint<
            skillspassport::v1::Ledger::WithRawCallbackMethod_GetInclusionProof<
                skillspassport::v1::Ledger::
                    WithRawCallbackMethod_GetConsistencyProof<
                        skillspassport::v1::Ledger::
                            WithRawCallbackMethod_GetEntries<
                                skillspassport::v1::Ledger::Service>>>>>;
}  // namespace internal

class LedgerService final : public internal::RawLedgerService {
 public:
  // `log` must outlive the service.
  explicit LedgerService(ledger::Log* log) : log_(log) {}

  grpc::ServerUnaryReactor* Append(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetCheckpoint(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetInclusionProof(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetConsistencyProof(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* GetEntries(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;

 private:
  ledger::Log* const log_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_LEDGER_LEDGER_SERVICE_H_
