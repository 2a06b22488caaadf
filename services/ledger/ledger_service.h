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
#include "services/ledger/peers.h"
#include "skillspassport/v1/ledger.grpc.pb.h"

namespace skp::services {

// Decodes a request carrying an entry in field `entry` and a durability in
// `durability`, appends it, and finishes the call once it is durable as
// asked (MIRRORED waits for `replication`'s peers; nullptr: no peers) with
// the response `to_response` builds from the AppendResult. Shared by every
// service that appends.
template <typename Request, typename ToResponse>
grpc::ServerUnaryReactor* AppendThenFinish(ledger::Log* log,
                                           PeerReplication* replication,
                                           grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* raw_request,
                                           grpc::ByteBuffer* raw_response,
                                           ToResponse to_response,
                                           const CallLimit& limit = {}) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (absl::Status admitted = AdmitCall(context, limit); !admitted.ok()) {
    reactor->Finish(records::ToGrpcStatus(admitted));
    return reactor;
  }
  absl::StatusOr<Request> request = ParseRequest<Request>(*raw_request);
  if (request.ok() &&
      !skillspassport::v1::Durability_IsValid(request->durability())) {
    request = absl::InvalidArgumentError("unknown durability level");
  }
  if (!request.ok()) {
    reactor->Finish(records::ToGrpcStatus(request.status()));
    return reactor;
  }
  bool mirrored =
      request->durability() == skillspassport::v1::DURABILITY_MIRRORED;
  if (mirrored && replication == nullptr) {
    reactor->Finish(records::ToGrpcStatus(absl::FailedPreconditionError(
        "MIRRORED durability needs peers; this node has none")));
    return reactor;
  }
  log->Append(
      std::move(*request->mutable_entry()),
      [reactor, raw_response, mirrored, replication,
       to_response = std::move(to_response)](
          absl::StatusOr<ledger::AppendResult> result) {
        if (!result.ok())
          return reactor->Finish(records::ToGrpcStatus(result.status()));
        if (result->log_slot != 0) {
          // Already held through a peer's log: the receipt is that
          // log's checkpoint (its origin line names the log), and the
          // record is on two nodes at least.
          auto held = replication == nullptr
                          ? std::nullopt
                          : replication->Locate(result->leaf_hash);
          if (!held.has_value()) {
            return reactor->Finish(records::ToGrpcStatus(absl::UnavailableError(
                "the record is held in the mirror of a log this node "
                "does not follow now; retry at another node")));
          }
          result->index = held->second;
          result->checkpoint = held->first->Head().checkpoint;
          SerializeTo(to_response(*result), raw_response);
          return reactor->Finish(grpc::Status::OK);
        }
        SerializeTo(to_response(*result), raw_response);
        if (!mirrored) return reactor->Finish(grpc::Status::OK);
        replication->WhenMirrored(
            result->index + 1, [reactor](absl::Status held) {
              reactor->Finish(records::ToGrpcStatus(held));
            });
      });
  return reactor;
}

// Most entries one GetEntries call streams.
inline constexpr uint64_t kMaxEntriesPerCall = 10000;

namespace internal {
using RawLedgerService = skillspassport::v1::Ledger::WithRawCallbackMethod_Append<
    skillspassport::v1::Ledger::WithRawCallbackMethod_GetCheckpoint<
        skillspassport::v1::Ledger::WithRawCallbackMethod_GetInclusionProof<
            skillspassport::v1::Ledger::
                WithRawCallbackMethod_GetConsistencyProof<
                    skillspassport::v1::Ledger::WithRawCallbackMethod_GetEntries<
                        skillspassport::v1::Ledger::
                            WithRawCallbackMethod_MirrorEntries<
                                skillspassport::v1::Ledger::
                                    WithRawCallbackMethod_AddCheckpoint<
                                        skillspassport::v1::Ledger::
                                            WithRawCallbackMethod_GetReplication<
                                                skillspassport::v1::Ledger::
                                                    Service>>>>>>>>;
}  // namespace internal

class LedgerService final : public internal::RawLedgerService {
 public:
  // `log`, `replication` (nullptr: a node without peers) and `limiter`
  // (nullptr: no rate limits) must outlive the service.
  explicit LedgerService(ledger::Log* log,
                         PeerReplication* replication = nullptr,
                         RateLimiter* limiter = nullptr)
      : log_(log), replication_(replication), limiter_(limiter) {}

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
  grpc::ServerWriteReactor<grpc::ByteBuffer>* MirrorEntries(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;
  grpc::ServerUnaryReactor* AddCheckpoint(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetReplication(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;

  // The log a read names: this node's own (empty origin or its own), or
  // the mirror of a peer's; kNotFound otherwise.
  absl::StatusOr<const ledger::PublishedTree*> TreeFor(
      absl::string_view origin) const;

 private:
  ledger::Log* const log_;
  PeerReplication* const replication_;
  RateLimiter* const limiter_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_LEDGER_LEDGER_SERVICE_H_
