// LedgerClient: typed, absl::Status-returning access to a node's Ledger
// service. Thread-safe (gRPC stubs are).
#ifndef SKP_CLIENTS_LEDGER_CLIENT_H_
#define SKP_CLIENTS_LEDGER_CLIENT_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "clients/proofs.h"
#include "skillspassport/v1/ledger.grpc.pb.h"

namespace skp::clients {

class LedgerClient {
 public:
  explicit LedgerClient(std::shared_ptr<grpc::ChannelInterface> channel);
  // A plain-text channel to host:port.
  static std::shared_ptr<grpc::Channel> Connect(const std::string& address);

  absl::StatusOr<skillspassport::v1::AppendResponse> Append(
      const std::string& entry, skillspassport::v1::Durability durability =
                                    skillspassport::v1::DURABILITY_LOCAL);
  absl::StatusOr<std::string> Checkpoint();
  absl::StatusOr<skillspassport::v1::GetReplicationResponse> Replication();
  // Calls `visit` for entries [from, to) in order, in as many calls as needed.
  absl::Status Entries(
      uint64_t from, uint64_t to,
      absl::FunctionRef<absl::Status(uint64_t, const std::string&)> visit);
  // tree_size 0 means the latest.
  absl::StatusOr<InclusionProofData> Inclusion(uint64_t index,
                                               uint64_t tree_size);
  absl::StatusOr<InclusionProofData> InclusionByLeafHash(
      const ledger::Hash& leaf_hash, uint64_t tree_size);
  absl::StatusOr<ConsistencyProofData> Consistency(uint64_t old_size,
                                                   uint64_t new_size);

 private:
  absl::StatusOr<InclusionProofData> Inclusion(
      const skillspassport::v1::GetInclusionProofRequest& request);

  std::unique_ptr<skillspassport::v1::Ledger::Stub> stub_;
};

}  // namespace skp::clients

#endif  // SKP_CLIENTS_LEDGER_CLIENT_H_
