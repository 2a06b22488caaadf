#include "services/ledger/ledger_service.h"

#include <grpcpp/alarm.h>

#include <deque>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ledger/hash.h"
#include "ledger/note.h"
#include "ledger/status_macros.h"
#include "records/grpc_status.h"
#include "services/common/raw_unary.h"

namespace skp::services {
namespace {

namespace v1 = skillspassport::v1;

std::string Bytes(const ledger::Hash& hash) {
  return std::string(ledger::AsBytes(hash));
}

// A tree size of 0 in a request means "the latest".
uint64_t ResolveSize(uint64_t requested, const ledger::PublishedTree& tree) {
  return requested == 0 ? tree.Head().size : requested;
}

// The most bytes of entries one MirrorChunk carries.
constexpr size_t kMirrorChunkBytes = 1 << 20;
// A busy log's MirrorEntries stream sends at most one chunk this often, so
// that chunks (each a mirror commit and fsync) gather many entries; after
// a quiet spell the first entry goes out at once.
constexpr absl::Duration kChunkSpacing = absl::Milliseconds(5);
// An idle MirrorEntries stream sends the checkpoint this often: the mirror
// learns the peer is alive and checks the checkpoint against what it holds.
constexpr absl::Duration kHeartbeat = absl::Seconds(1);
// How long AddCheckpoint waits for this node's mirror to catch up.
constexpr absl::Duration kMirrorWait = absl::Seconds(2);

// A reactor that only reports an error.
template <typename Reactor>
Reactor* Rejected(const absl::Status& status) {
  struct Rejection final : Reactor {
    explicit Rejection(const absl::Status& s) {
      this->Finish(records::ToGrpcStatus(s));
    }
    void OnDone() override { delete this; }
  };
  return new Rejection(status);
}

// A reactor's wait for a tree to grow: runs `step` on a gRPC alarm (holding
// no thread) at `deadline`, or (if `early_on_growth`) as soon as the tree
// grows; `cancelled` instead once the call is cancelled. The reactor forwards
// OnCancel to Cancel and must call Stop before it is deleted. A null tree never
// grows.
class GrowthWaiter {
 public:
  explicit GrowthWaiter(const ledger::PublishedTree* tree)
      : tree_(tree),
        listener_(tree == nullptr ? 0
                                  : tree->ListenForGrowth([this] { Wake(); })) {
  }
  void Stop() {
    if (tree_ != nullptr) tree_->StopListening(listener_);
  }

  void Until(absl::Time deadline, std::function<void()> step,
             std::function<void()> cancelled, bool early_on_growth = true) {
    {
      std::lock_guard lock(mu_);
      if (!cancelled_) {
        waiting_ = true;
        early_on_growth_ = early_on_growth;
        // Growth since the caller read the head must not wait for the
        // deadline.
        if (grew_ && early_on_growth) deadline = absl::Now();
        alarm_.Set(absl::ToChronoTime(deadline),
                   [this, step = std::move(step),
                    cancelled = std::move(cancelled)](bool fired) {
                     bool go;
                     {
                       std::lock_guard lock(mu_);
                       waiting_ = false;
                       go = !cancelled_ && (fired || grew_);
                       grew_ = false;
                     }
                     go ? step() : cancelled();
                   });
        return;
      }
    }
    cancelled();
  }
  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    if (waiting_) alarm_.Cancel();
  }

 private:
  // On the publishing thread: cutting the alarm short moves the step onto
  // a gRPC thread.
  void Wake() {
    std::lock_guard lock(mu_);
    grew_ = true;
    if (waiting_ && early_on_growth_) alarm_.Cancel();
  }

  const ledger::PublishedTree* const tree_;
  grpc::Alarm alarm_;
  std::mutex mu_;
  bool cancelled_ = false;       // guarded by mu_
  bool waiting_ = false;         // guarded by mu_
  bool grew_ = false;            // guarded by mu_: since the last step began
  bool early_on_growth_ = true;  // guarded by mu_
  const uint64_t listener_;
};

// MirrorEntries: follows the log, one chunk in flight at a time. When
// caught up it waits for growth (or the next heartbeat) on a gRPC alarm
// instead of holding a thread.
class MirrorWriter final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  MirrorWriter(const ledger::Log* log, uint64_t from)
      : log_(log), next_(from), waiter_(log) {
    Step();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "closed"));
    Step();
  }
  void OnCancel() override { waiter_.Cancel(); }
  void OnDone() override {
    waiter_.Stop();
    delete this;
  }

 private:
  void Step() {
    ledger::LogHead head = log_->Head();
    if (next_ > head.size) {
      return Finish(records::ToGrpcStatus(absl::OutOfRangeError(absl::StrCat(
          "from ", next_, " is beyond the log's size ", head.size))));
    }
    absl::Time now = absl::Now();
    if (next_ == head.size && now < last_write_ + kHeartbeat) {
      return waiter_.Until(
          last_write_ + kHeartbeat, [this] { Step(); },
          [this] { Finish(grpc::Status::CANCELLED); });
    }
    if (next_ < head.size && now < last_write_ + kChunkSpacing) {
      return waiter_.Until(
          last_write_ + kChunkSpacing, [this] { Step(); },
          [this] { Finish(grpc::Status::CANCELLED); },
          /*early_on_growth=*/false);
    }
    v1::MirrorChunk chunk;
    chunk.set_first_index(next_);
    size_t bytes = 0;
    uint64_t end = next_;
    absl::Status read = log_->ScanEntries(
        next_, head.size, [&](uint64_t index, absl::string_view entry) {
          chunk.add_entries(std::string(entry));
          bytes += entry.size();
          end = index + 1;
          return bytes < kMirrorChunkBytes;
        });
    absl::StatusOr<std::vector<ledger::Hash>> proof =
        read.ok() ? log_->ConsistencyProof(end, head.size) : read;
    if (!proof.ok()) return Finish(records::ToGrpcStatus(proof.status()));
    chunk.set_checkpoint(head.checkpoint);
    for (const ledger::Hash& h : *proof) chunk.add_consistency_proof(Bytes(h));
    next_ = end;
    last_write_ = now;
    buffer_.Clear();
    SerializeTo(chunk, &buffer_);
    StartWrite(&buffer_);
  }

  const ledger::Log* const log_;
  uint64_t next_;
  absl::Time last_write_ = absl::InfinitePast();  // the first step writes
  grpc::ByteBuffer buffer_;
  GrowthWaiter waiter_;
};

// AddCheckpoint: waits (on an alarm, woken by the mirror's growth) until
// this node's mirror holds the checkpoint's entries, then runs the
// witness's check-and-cosign.
class CosignReactor final : public grpc::ServerUnaryReactor {
 public:
  CosignReactor(PeerReplication* replication, v1::AddCheckpointRequest request,
                std::vector<ledger::Hash> proof, const ledger::Mirror* mirror,
                uint64_t size, grpc::CallbackServerContext* context,
                grpc::ByteBuffer* response)
      : replication_(replication),
        request_(std::move(request)),
        proof_(std::move(proof)),
        mirror_(mirror),
        size_(size),
        deadline_(absl::Now() + kMirrorWait),
        context_(context),
        response_(response),
        waiter_(mirror) {
    Step();
  }
  void OnCancel() override { waiter_.Cancel(); }
  void OnDone() override {
    waiter_.Stop();
    delete this;
  }

 private:
  void Step() {
    if (mirror_ != nullptr && mirror_->Head().size < size_ &&
        absl::Now() < deadline_) {
      return waiter_.Until(
          deadline_, [this] { Step(); },
          [this] { Finish(grpc::Status::CANCELLED); });
    }
    uint64_t cosigned_size = 0;
    absl::StatusOr<std::string> line = replication_->witness().AddCheckpoint(
        request_.old_size(), proof_, request_.checkpoint(), absl::Now(),
        &cosigned_size);
    if (absl::IsAborted(line.status())) {
      context_->AddTrailingMetadata("skp-cosigned-size",
                                    absl::StrCat(cosigned_size));
    }
    if (line.ok()) {
      v1::AddCheckpointResponse response;
      response.set_cosignatures(*line);
      SerializeTo(response, response_);
    }
    Finish(records::ToGrpcStatus(line.status()));
  }

  PeerReplication* const replication_;
  const v1::AddCheckpointRequest request_;
  const std::vector<ledger::Hash> proof_;
  const ledger::Mirror* const mirror_;
  const uint64_t size_;
  const absl::Time deadline_;
  grpc::CallbackServerContext* const context_;
  grpc::ByteBuffer* const response_;
  GrowthWaiter waiter_;
};

// Streams entries [from, to) in chunks, one write in flight at a time.
class EntriesWriter final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  EntriesWriter(const ledger::PublishedTree* log, uint64_t from, uint64_t to)
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
      if (!status.ok()) return Finish(records::ToGrpcStatus(status));
      if (buffer_.size() != end - next_) {
        return Finish(records::ToGrpcStatus(
            absl::DataLossError("stored entries are missing")));
      }
      next_ = end;
    }
    if (buffer_.empty()) return Finish(grpc::Status::OK);
    current_ = std::move(buffer_.front());
    buffer_.pop_front();
    StartWrite(&current_);
  }

  const ledger::PublishedTree* const log_;
  uint64_t next_;
  const uint64_t to_;
  std::deque<grpc::ByteBuffer> buffer_;
  grpc::ByteBuffer current_;
};

}  // namespace

absl::StatusOr<const ledger::PublishedTree*> LedgerService::TreeFor(
    absl::string_view origin) const {
  if (origin.empty() || origin == log_->origin()) return log_;
  const ledger::Mirror* mirror =
      replication_ == nullptr ? nullptr : replication_->MirrorOf(origin);
  if (mirror == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("this node neither runs nor mirrors log ", origin));
  }
  return mirror;
}

grpc::ServerUnaryReactor* LedgerService::Append(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return AppendThenFinish<v1::AppendRequest>(
      log_, replication_, context, raw_request, raw_response,
      [](ledger::AppendResult result) {
        v1::AppendResponse response;
        response.set_index(result.index);
        response.set_leaf_hash(Bytes(result.leaf_hash));
        response.set_already_present(result.already_present);
        response.set_checkpoint(std::move(result.checkpoint));
        return response;
      },
      {limiter_, "Append"});
}

grpc::ServerUnaryReactor* LedgerService::GetCheckpoint(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return HandleUnary<v1::GetCheckpointRequest, v1::GetCheckpointResponse>(
      context, raw_request, raw_response,
      [this](const v1::GetCheckpointRequest& request,
             v1::GetCheckpointResponse& response) -> absl::Status {
        SKP_ASSIGN_OR_RETURN(const ledger::PublishedTree* tree,
                             TreeFor(request.origin()));
        response.set_checkpoint(tree->Head().checkpoint);
        if (tree == log_ && replication_ != nullptr) {
          response.set_cosigned_checkpoint(
              replication_->cosignatures()
                  .Cosigned(replication_->options().cosign_quorum)
                  .value_or(""));
        }
        return absl::OkStatus();
      },
      {limiter_, "GetCheckpoint"});
}

grpc::ServerUnaryReactor* LedgerService::GetInclusionProof(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return HandleUnary<v1::GetInclusionProofRequest,
                     v1::GetInclusionProofResponse>(
      context, raw_request, raw_response,
      [this](const v1::GetInclusionProofRequest& request,
             v1::GetInclusionProofResponse& response) -> absl::Status {
        SKP_ASSIGN_OR_RETURN(const ledger::PublishedTree* tree,
                             TreeFor(request.origin()));
        uint64_t index = 0;
        switch (request.leaf_case()) {
          case v1::GetInclusionProofRequest::kIndex:
            index = request.index();
            break;
          case v1::GetInclusionProofRequest::kLeafHash: {
            SKP_ASSIGN_OR_RETURN(ledger::Hash leaf,
                                 ledger::HashFromBytes(request.leaf_hash()));
            SKP_ASSIGN_OR_RETURN(index, tree->FindLeaf(leaf));
            break;
          }
          default:
            return absl::InvalidArgumentError("give either index or leaf_hash");
        }
        uint64_t size = ResolveSize(request.tree_size(), *tree);
        SKP_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof,
                             tree->InclusionProof(index, size));
        SKP_ASSIGN_OR_RETURN(ledger::Hash root, tree->RootAt(size));
        SKP_ASSIGN_OR_RETURN(std::string entry, tree->GetEntry(index));
        response.set_index(index);
        response.set_tree_size(size);
        response.set_leaf_hash(Bytes(ledger::HashLeaf(entry)));
        response.set_root(Bytes(root));
        for (const ledger::Hash& h : proof) response.add_proof(Bytes(h));
        return absl::OkStatus();
      },
      {limiter_, "GetInclusionProof"});
}

grpc::ServerUnaryReactor* LedgerService::GetConsistencyProof(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return HandleUnary<v1::GetConsistencyProofRequest,
                     v1::GetConsistencyProofResponse>(
      context, raw_request, raw_response,
      [this](const v1::GetConsistencyProofRequest& request,
             v1::GetConsistencyProofResponse& response) -> absl::Status {
        SKP_ASSIGN_OR_RETURN(const ledger::PublishedTree* tree,
                             TreeFor(request.origin()));
        uint64_t new_size = ResolveSize(request.new_size(), *tree);
        SKP_ASSIGN_OR_RETURN(
            std::vector<ledger::Hash> proof,
            tree->ConsistencyProof(request.old_size(), new_size));
        SKP_ASSIGN_OR_RETURN(ledger::Hash old_root,
                             tree->RootAt(request.old_size()));
        SKP_ASSIGN_OR_RETURN(ledger::Hash new_root, tree->RootAt(new_size));
        response.set_old_size(request.old_size());
        response.set_new_size(new_size);
        response.set_old_root(Bytes(old_root));
        response.set_new_root(Bytes(new_root));
        for (const ledger::Hash& h : proof) response.add_proof(Bytes(h));
        return absl::OkStatus();
      },
      {limiter_, "GetConsistencyProof"});
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* LedgerService::GetEntries(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request) {
  absl::StatusOr<v1::GetEntriesRequest> request =
      ParseRequest<v1::GetEntriesRequest>(*raw_request);
  const ledger::PublishedTree* tree = nullptr;
  auto check = [&]() -> absl::Status {
    SKP_RETURN_IF_ERROR(request.status());
    SKP_ASSIGN_OR_RETURN(tree, TreeFor(request->origin()));
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
    if (uint64_t size = tree->Head().size; to > size) {
      return absl::OutOfRangeError(
          absl::StrCat("to ", to, " is beyond the log's size ", size));
    }
    return absl::OkStatus();
  };
  absl::Status invalid = check();
  if (!invalid.ok()) {
    return Rejected<grpc::ServerWriteReactor<grpc::ByteBuffer>>(invalid);
  }
  return new EntriesWriter(tree, request->from(), request->to());
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* LedgerService::MirrorEntries(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request) {
  absl::StatusOr<v1::MirrorEntriesRequest> request =
      ParseRequest<v1::MirrorEntriesRequest>(*raw_request);
  if (!request.ok()) {
    return Rejected<grpc::ServerWriteReactor<grpc::ByteBuffer>>(
        request.status());
  }
  return new MirrorWriter(log_, request->from());
}

grpc::ServerUnaryReactor* LedgerService::AddCheckpoint(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  absl::StatusOr<v1::AddCheckpointRequest> request =
      ParseRequest<v1::AddCheckpointRequest>(*raw_request);
  auto check = [&]() -> absl::StatusOr<std::vector<ledger::Hash>> {
    SKP_RETURN_IF_ERROR(request.status());
    if (replication_ == nullptr)
      return absl::NotFoundError("this node witnesses no logs");
    if (request->consistency_proof_size() > 63)
      return absl::InvalidArgumentError("at most 63 consistency proof hashes");
    std::vector<ledger::Hash> proof;
    for (const std::string& h : request->consistency_proof()) {
      absl::StatusOr<ledger::Hash> hash = ledger::HashFromBytes(h);
      if (!hash.ok())
        return absl::InvalidArgumentError("a proof hash is not 32 bytes");
      proof.push_back(*hash);
    }
    return proof;
  };
  absl::StatusOr<std::vector<ledger::Hash>> proof = check();
  if (!proof.ok()) return Rejected<grpc::ServerUnaryReactor>(proof.status());
  // The mirror to wait for, if the note names a peer's log; the witness
  // itself answers every other case precisely.
  const ledger::Mirror* mirror = nullptr;
  uint64_t size = 0;
  if (absl::StatusOr<ledger::Checkpoint> cp =
          ledger::PeekCheckpoint(request->checkpoint());
      cp.ok()) {
    mirror = replication_->MirrorOf(cp->origin);
    size = cp->size;
  }
  return new CosignReactor(replication_, *std::move(request), *std::move(proof),
                           mirror, size, context, raw_response);
}

grpc::ServerUnaryReactor* LedgerService::GetReplication(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return HandleUnary<v1::GetReplicationRequest, v1::GetReplicationResponse>(
      context, raw_request, raw_response,
      [this](const v1::GetReplicationRequest&,
             v1::GetReplicationResponse& response) {
        ledger::LogHead head = log_->Head();
        response.set_origin(log_->origin());
        response.set_size(head.size);
        response.set_parked(log_->parked());
        response.set_refused(log_->refused());
        response.set_latest_refusal(log_->latest_refusal());
        if (replication_ == nullptr) return absl::OkStatus();
        response.set_cosigned_checkpoint(
            replication_->cosignatures()
                .Cosigned(replication_->options().cosign_quorum)
                .value_or(""));
        for (const PeerReplication::PeerState& state : replication_->State()) {
          v1::PeerState* peer = response.add_peers();
          peer->set_origin(state.origin);
          peer->set_address(state.address);
          peer->set_mirrored_size(state.mirrored_size);
          peer->set_peer_size(state.peer_size);
          peer->set_cosigned_size(state.cosigned_size);
          peer->set_forked(state.fork_evidence.has_value());
          peer->set_fork_evidence(state.fork_evidence.value_or(""));
          peer->set_last_error(state.last_error);
        }
        return absl::OkStatus();
      },
      {limiter_, "GetReplication"});
}

}  // namespace skp::services
