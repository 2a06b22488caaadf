#include "services/ledger/ledger_service.h"

#include <deque>

#include "absl/strings/str_cat.h"
#include "ledger/hash.h"
#include "ledger/status_macros.h"
#include "services/common/grpc_status.h"
#include "services/common/raw_unary.h"

namespace skp::services {
namespace {

namespace v1 = skillspassport::v1;

std::string Bytes(const ledger::Hash& hash) {
  return std::string(ledger::AsBytes(hash));
}

// A tree size of 0 in a request means "the latest".
uint64_t ResolveSize(uint64_t requested, const ledger::Log& log) {
  return requested == 0 ? log.Head().size : requested;
}

// Streams entries [from, to) in chunks, one write in flight at a time.
class EntriesWriter final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  EntriesWriter(const ledger::Log* log, uint64_t from, uint64_t to)
      : log_(log), next_(from), to_(to) {
    WriteNext();
  }
  void OnWriteDone(bool ok) override {
    if (!ok)
      return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed"));
    WriteNext();
  }
  void OnDone() override { delete this; }

 private:
  static constexpr uint64_t kChunk = 256;

  void WriteNext() {
    if (buffer_.empty() && next_ < to_) {
      uint64_t end = std::min(to_, next_ + kChunk);
      absl::Status status = log_->ScanEntries(
          next_, end, [this](uint64_t i, absl::string_view e) {
            v1::LogEntry entry;
            entry.set_index(i);
            entry.set_entry(std::string(e));
            SerializeTo(entry, &buffer_.emplace_back());
            return true;
          });
      if (!status.ok()) return Finish(ToGrpcStatus(status));
      if (buffer_.size() != end - next_) {
        return Finish(
            ToGrpcStatus(absl::DataLossError("stored entries are missing")));
      }
      next_ = end;
    }
    if (buffer_.empty()) return Finish(grpc::Status::OK);
    current_ = std::move(buffer_.front());
    buffer_.pop_front();
    StartWrite(&current_);
  }

  const ledger::Log* const log_;
  uint64_t next_;
  const uint64_t to_;
  std::deque<grpc::ByteBuffer> buffer_;
  grpc::ByteBuffer current_;
};

}  // namespace

grpc::ServerUnaryReactor* LedgerService::Append(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return AppendThenFinish<v1::AppendRequest>(
      log_, context, raw_request, raw_response,
      [](ledger::AppendResult result) {
        v1::AppendResponse response;
        response.set_index(result.index);
        response.set_leaf_hash(Bytes(result.leaf_hash));
        response.set_already_present(result.already_present);
        response.set_checkpoint(std::move(result.checkpoint));
        return response;
      });
}

grpc::ServerUnaryReactor* LedgerService::GetCheckpoint(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return HandleUnary<v1::GetCheckpointRequest, v1::GetCheckpointResponse>(
      context, raw_request, raw_response,
      [this](const v1::GetCheckpointRequest&,
             v1::GetCheckpointResponse& response) {
        response.set_checkpoint(log_->Head().checkpoint);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* LedgerService::GetInclusionProof(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return HandleUnary<v1::GetInclusionProofRequest,
                     v1::GetInclusionProofResponse>(
      context, raw_request, raw_response,
      [this](const v1::GetInclusionProofRequest& request,
             v1::GetInclusionProofResponse& response) -> absl::Status {
        uint64_t index = 0;
        switch (request.leaf_case()) {
          case v1::GetInclusionProofRequest::kIndex:
            index = request.index();
            break;
          case v1::GetInclusionProofRequest::kLeafHash: {
            SKP_ASSIGN_OR_RETURN(ledger::Hash leaf,
                                 ledger::HashFromBytes(request.leaf_hash()));
            SKP_ASSIGN_OR_RETURN(index, log_->FindLeaf(leaf));
            break;
          }
          default:
            return absl::InvalidArgumentError("give either index or leaf_hash");
        }
        uint64_t size = ResolveSize(request.tree_size(), *log_);
        SKP_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof,
                             log_->InclusionProof(index, size));
        SKP_ASSIGN_OR_RETURN(ledger::Hash root, log_->RootAt(size));
        SKP_ASSIGN_OR_RETURN(std::string entry, log_->GetEntry(index));
        response.set_index(index);
        response.set_tree_size(size);
        response.set_leaf_hash(Bytes(ledger::HashLeaf(entry)));
        response.set_root(Bytes(root));
        for (const ledger::Hash& h : proof) response.add_proof(Bytes(h));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* LedgerService::GetConsistencyProof(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return HandleUnary<v1::GetConsistencyProofRequest,
                     v1::GetConsistencyProofResponse>(
      context, raw_request, raw_response,
      [this](const v1::GetConsistencyProofRequest& request,
             v1::GetConsistencyProofResponse& response) -> absl::Status {
        uint64_t new_size = ResolveSize(request.new_size(), *log_);
        SKP_ASSIGN_OR_RETURN(
            std::vector<ledger::Hash> proof,
            log_->ConsistencyProof(request.old_size(), new_size));
        SKP_ASSIGN_OR_RETURN(ledger::Hash old_root,
                             log_->RootAt(request.old_size()));
        SKP_ASSIGN_OR_RETURN(ledger::Hash new_root, log_->RootAt(new_size));
        response.set_old_size(request.old_size());
        response.set_new_size(new_size);
        response.set_old_root(Bytes(old_root));
        response.set_new_root(Bytes(new_root));
        for (const ledger::Hash& h : proof) response.add_proof(Bytes(h));
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* LedgerService::GetEntries(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request) {
  absl::StatusOr<v1::GetEntriesRequest> request =
      ParseRequest<v1::GetEntriesRequest>(*raw_request);
  auto check = [&]() -> absl::Status {
    SKP_RETURN_IF_ERROR(request.status());
    uint64_t from = request->from(), to = request->to();
    if (from > to) {
      return absl::InvalidArgumentError(
          absl::StrCat("from ", from, " is after to ", to));
    }
    if (to - from > kMaxEntriesPerCall) {
      return absl::InvalidArgumentError(
          absl::StrCat("at most ", kMaxEntriesPerCall,
                       " entries per call; asked for ", to - from));
    }
    if (uint64_t size = log_->Head().size; to > size) {
      return absl::OutOfRangeError(
          absl::StrCat("to ", to, " is beyond the log's size ", size));
    }
    return absl::OkStatus();
  };
  absl::Status invalid = check();
  if (!invalid.ok()) {
    // A reactor that only reports the error.
    struct Rejection final : grpc::ServerWriteReactor<grpc::ByteBuffer> {
      explicit Rejection(const absl::Status& s) { Finish(ToGrpcStatus(s)); }
      void OnDone() override { delete this; }
    };
    return new Rejection(invalid);
  }
  return new EntriesWriter(log_, request->from(), request->to());
}

}  // namespace skp::services
