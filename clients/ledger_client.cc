#include "clients/ledger_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/str_cat.h"
#include "ledger/status_macros.h"
#include "records/grpc_status.h"

namespace skp::clients {
namespace {

using records::FromGrpcStatus;

absl::StatusOr<std::vector<ledger::Hash>> ToHashes(
    const google::protobuf::RepeatedPtrField<std::string>& list) {
  std::vector<ledger::Hash> out;
  for (const std::string& bytes : list) {
    SKP_ASSIGN_OR_RETURN(ledger::Hash h, ledger::HashFromBytes(bytes));
    out.push_back(h);
  }
  return out;
}

constexpr uint64_t kEntriesPerCall = 10000;

}  // namespace

LedgerClient::LedgerClient(std::shared_ptr<grpc::ChannelInterface> channel)
    : stub_(skillspassport::v1::Ledger::NewStub(std::move(channel))) {}

std::shared_ptr<grpc::Channel> LedgerClient::Connect(
    const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

absl::StatusOr<skillspassport::v1::AppendResponse> LedgerClient::Append(
    const std::string& entry, skillspassport::v1::Durability durability) {
  grpc::ClientContext context;
  skillspassport::v1::AppendRequest request;
  request.set_entry(entry);
  request.set_durability(durability);
  skillspassport::v1::AppendResponse response;
  SKP_RETURN_IF_ERROR(
      FromGrpcStatus(stub_->Append(&context, request, &response)));
  return response;
}

absl::StatusOr<std::string> LedgerClient::Checkpoint() {
  grpc::ClientContext context;
  skillspassport::v1::GetCheckpointResponse response;
  SKP_RETURN_IF_ERROR(
      FromGrpcStatus(stub_->GetCheckpoint(&context, {}, &response)));
  return response.checkpoint();
}

absl::StatusOr<skillspassport::v1::GetReplicationResponse>
LedgerClient::Replication() {
  grpc::ClientContext context;
  skillspassport::v1::GetReplicationResponse response;
  SKP_RETURN_IF_ERROR(
      FromGrpcStatus(stub_->GetReplication(&context, {}, &response)));
  return response;
}

absl::Status LedgerClient::Entries(
    uint64_t from, uint64_t to,
    absl::FunctionRef<absl::Status(uint64_t, const std::string&)> visit) {
  while (from < to) {
    uint64_t end = std::min(to, from + kEntriesPerCall);
    grpc::ClientContext context;
    skillspassport::v1::GetEntriesRequest request;
    request.set_from(from);
    request.set_to(end);
    auto reader = stub_->GetEntries(&context, request);
    skillspassport::v1::LogEntry entry;
    uint64_t expected = from;
    absl::Status visited;
    while (visited.ok() && reader->Read(&entry)) {
      if (entry.index() != expected) {
        visited = absl::DataLossError(absl::StrCat(
            "server sent entry ", entry.index(), ", expected ", expected));
        break;
      }
      visited = visit(entry.index(), entry.entry());
      ++expected;
    }
    if (!visited.ok()) {
      context.TryCancel();
      reader->Finish();
      return visited;
    }
    SKP_RETURN_IF_ERROR(FromGrpcStatus(reader->Finish()));
    if (expected != end)
      return absl::DataLossError("server ended the stream early");
    from = end;
  }
  return absl::OkStatus();
}

absl::StatusOr<InclusionProofData> LedgerClient::Inclusion(
    const skillspassport::v1::GetInclusionProofRequest& request) {
  grpc::ClientContext context;
  skillspassport::v1::GetInclusionProofResponse response;
  SKP_RETURN_IF_ERROR(
      FromGrpcStatus(stub_->GetInclusionProof(&context, request, &response)));
  InclusionProofData out;
  out.index = response.index();
  out.tree_size = response.tree_size();
  SKP_ASSIGN_OR_RETURN(out.leaf_hash,
                       ledger::HashFromBytes(response.leaf_hash()));
  SKP_ASSIGN_OR_RETURN(out.root, ledger::HashFromBytes(response.root()));
  SKP_ASSIGN_OR_RETURN(out.proof, ToHashes(response.proof()));
  return out;
}

absl::StatusOr<InclusionProofData> LedgerClient::Inclusion(uint64_t index,
                                                           uint64_t tree_size) {
  skillspassport::v1::GetInclusionProofRequest request;
  request.set_index(index);
  request.set_tree_size(tree_size);
  return Inclusion(request);
}

absl::StatusOr<InclusionProofData> LedgerClient::InclusionByLeafHash(
    const ledger::Hash& leaf_hash, uint64_t tree_size) {
  skillspassport::v1::GetInclusionProofRequest request;
  request.set_leaf_hash(std::string(ledger::AsBytes(leaf_hash)));
  request.set_tree_size(tree_size);
  return Inclusion(request);
}

absl::StatusOr<ConsistencyProofData> LedgerClient::Consistency(
    uint64_t old_size, uint64_t new_size) {
  grpc::ClientContext context;
  skillspassport::v1::GetConsistencyProofRequest request;
  request.set_old_size(old_size);
  request.set_new_size(new_size);
  skillspassport::v1::GetConsistencyProofResponse response;
  SKP_RETURN_IF_ERROR(
      FromGrpcStatus(stub_->GetConsistencyProof(&context, request, &response)));
  ConsistencyProofData out;
  out.old_size = response.old_size();
  out.new_size = response.new_size();
  SKP_ASSIGN_OR_RETURN(out.old_root,
                       ledger::HashFromBytes(response.old_root()));
  SKP_ASSIGN_OR_RETURN(out.new_root,
                       ledger::HashFromBytes(response.new_root()));
  SKP_ASSIGN_OR_RETURN(out.proof, ToHashes(response.proof()));
  return out;
}

}  // namespace skp::clients
