// LedgerService: the thin gRPC adapter over ledger::Log (callback API).
// Append never blocks a gRPC thread on disk: the reactor finishes from the
// log's writer once the entry's batch is durable.
#ifndef SKP_SERVICES_LEDGER_LEDGER_SERVICE_H_
#define SKP_SERVICES_LEDGER_LEDGER_SERVICE_H_

#include "ledger/log.h"
#include "skillspassport/v1/ledger.grpc.pb.h"

namespace skp::services {

// Most entries one GetEntries call streams.
inline constexpr uint64_t kMaxEntriesPerCall = 10000;

class LedgerService final : public skillspassport::v1::Ledger::CallbackService {
 public:
  // `log` must outlive the service.
  explicit LedgerService(ledger::Log* log) : log_(log) {}

  grpc::ServerUnaryReactor* Append(grpc::CallbackServerContext* context,
                                   const skillspassport::v1::AppendRequest* request,
                                   skillspassport::v1::AppendResponse* response) override;
  grpc::ServerUnaryReactor* GetCheckpoint(
      grpc::CallbackServerContext* context,
      const skillspassport::v1::GetCheckpointRequest* request,
      skillspassport::v1::GetCheckpointResponse* response) override;
  grpc::ServerUnaryReactor* GetInclusionProof(
      grpc::CallbackServerContext* context,
      const skillspassport::v1::GetInclusionProofRequest* request,
      skillspassport::v1::GetInclusionProofResponse* response) override;
  grpc::ServerUnaryReactor* GetConsistencyProof(
      grpc::CallbackServerContext* context,
      const skillspassport::v1::GetConsistencyProofRequest* request,
      skillspassport::v1::GetConsistencyProofResponse* response) override;
  grpc::ServerWriteReactor<skillspassport::v1::LogEntry>* GetEntries(
      grpc::CallbackServerContext* context,
      const skillspassport::v1::GetEntriesRequest* request) override;

 private:
  ledger::Log* const log_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_LEDGER_LEDGER_SERVICE_H_
