#include "services/ledger/peers.h"

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/status_macros.h"
#include "records/grpc_status.h"
#include "services/common/log_event.h"
#include "skillspassport/v1/ledger.grpc.pb.h"

namespace skp::services {
namespace {

namespace v1 = skillspassport::v1;

constexpr absl::Duration kRetryPause = absl::Milliseconds(300);
constexpr absl::Duration kCallTimeout = absl::Seconds(5);
constexpr int kMaxMessageBytes = 16 << 20;

std::chrono::system_clock::time_point Deadline(absl::Duration d) {
  return absl::ToChronoTime(absl::Now() + d);
}

absl::StatusOr<std::vector<ledger::Hash>> Hashes(
    const google::protobuf::RepeatedPtrField<std::string>& bytes) {
  std::vector<ledger::Hash> out;
  for (const std::string& b : bytes) {
    SKP_ASSIGN_OR_RETURN(ledger::Hash h, ledger::HashFromBytes(b));
    out.push_back(h);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<PeerConfig>> ParsePeers(absl::string_view text) {
  std::vector<PeerConfig> peers;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("peers line ", line_number, ": ", why));
    };
    if (fields.size() != 3) return bad("want ADDRESS LOG_VKEY WITNESS_VKEY");
    absl::StatusOr<ledger::Verifier> log_key =
        ledger::Verifier::Parse(fields[1]);
    if (!log_key.ok() || log_key->algorithm() != ledger::kAlgEd25519)
      return bad("the log key is not an Ed25519 verifier key");
    absl::StatusOr<ledger::Verifier> witness_key =
        ledger::Verifier::Parse(fields[2]);
    if (!witness_key.ok() ||
        witness_key->algorithm() != ledger::kAlgCosignatureV1) {
      return bad("the witness key is not a cosignature/v1 verifier key");
    }
    for (const PeerConfig& p : peers) {
      if (p.log_key.name() == log_key->name())
        return bad(
            absl::StrCat("origin ", log_key->name(), " is listed twice"));
    }
    peers.push_back({std::string(fields[0]), *log_key, *witness_key});
  }
  return peers;
}

absl::StatusOr<std::vector<PeerConfig>> ReadPeersFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParsePeers(text.str());
}

struct PeerReplication::Peer {
  explicit Peer(PeerConfig c) : config(std::move(c)) {}

  const PeerConfig config;
  std::unique_ptr<ledger::Mirror> mirror;
  std::unique_ptr<v1::Ledger::Stub> stub;

  mutable std::mutex mu;
  uint64_t peer_size = 0;  // guarded by mu
  std::string last_error;  // guarded by mu
  // Calls in flight, cancelled on stop; guarded by mu.
  grpc::ClientContext* mirror_call = nullptr;
  grpc::ClientContext* witness_call = nullptr;

  void Note(const absl::Status& status) {
    std::lock_guard lock(mu);
    last_error = status.ok() ? "" : std::string(status.message());
  }
};

PeerReplication::PeerReplication(ledger::RocksDbStore* store, ledger::Log* log,
                                 const ledger::Signer* witness_key,
                                 std::vector<ledger::Verifier> witness_keys,
                                 ReplicationOptions options)
    : log_(log),
      witness_(witness_key, store),
      cosignatures_(std::move(witness_keys)),
      options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<PeerReplication>> PeerReplication::Start(
    ledger::RocksDbStore* store, ledger::Log* log,
    const ledger::Signer* witness_key, std::vector<PeerConfig> peers,
    ReplicationOptions options) {
  std::vector<ledger::Verifier> witness_keys;
  for (const PeerConfig& p : peers) {
    if (p.log_key.name() == log->origin()) {
      return absl::InvalidArgumentError(
          absl::StrCat("peer ", p.address, " has this node's own origin"));
    }
    witness_keys.push_back(p.witness_key);
  }
  std::unique_ptr<PeerReplication> replication(new PeerReplication(
      store, log, witness_key, std::move(witness_keys), std::move(options)));
  for (PeerConfig& config : peers) {
    auto peer = std::make_unique<Peer>(std::move(config));
    int slot = 0;
    SKP_ASSIGN_OR_RETURN(ledger::LogStore * space,
                         store->Mirror(peer->config.log_key.name(), &slot));
    SKP_ASSIGN_OR_RETURN(
        peer->mirror,
        ledger::Mirror::Open(space, slot, peer->config.log_key, log, store));
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(kMaxMessageBytes);
    peer->stub = v1::Ledger::NewStub(grpc::CreateCustomChannel(
        peer->config.address,
        replication->options_.channel_credentials != nullptr
            ? replication->options_.channel_credentials
            : grpc::InsecureChannelCredentials(),
        args));
    replication->witness_.AddLog(peer->mirror.get());
    replication->peers_.push_back(std::move(peer));
  }
  PeerReplication* self = replication.get();
  for (size_t i = 0; i < self->peers_.size(); ++i) {
    self->threads_.emplace_back(
        [self, i] { self->MirrorLoop(*self->peers_[i]); });
    self->threads_.emplace_back([self, i] { self->WitnessClientLoop(i); });
  }
  self->threads_.emplace_back([self] { self->TimerLoop(); });
  return replication;
}

PeerReplication::~PeerReplication() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  for (auto& peer : peers_) {
    std::lock_guard lock(peer->mu);
    if (peer->mirror_call != nullptr) peer->mirror_call->TryCancel();
    if (peer->witness_call != nullptr) peer->witness_call->TryCancel();
  }
  for (std::thread& t : threads_) t.join();
  // Waiters still pending learn they were not mirrored in time.
  cosignatures_.ExpireWaiters(absl::InfiniteFuture());
}

bool PeerReplication::Pause(absl::Duration d) {
  std::unique_lock lock(stop_mu_);
  stop_cv_.wait_for(lock, absl::ToChronoNanoseconds(d),
                    [this] { return stopping_; });
  return !stopping_;
}

const ledger::Mirror* PeerReplication::MirrorOf(
    absl::string_view origin) const {
  for (const auto& peer : peers_) {
    if (peer->mirror->origin() == origin) return peer->mirror.get();
  }
  return nullptr;
}

std::optional<std::pair<const ledger::Mirror*, uint64_t>>
PeerReplication::Locate(const ledger::Hash& leaf_hash) const {
  for (const auto& peer : peers_) {
    absl::StatusOr<uint64_t> index = peer->mirror->FindLeaf(leaf_hash);
    if (index.ok()) return std::make_pair(peer->mirror.get(), *index);
  }
  return std::nullopt;
}

std::vector<ledger::Verifier> PeerReplication::log_keys() const {
  std::vector<ledger::Verifier> keys;
  for (const auto& peer : peers_) keys.push_back(peer->config.log_key);
  return keys;
}

bool PeerReplication::forked() const {
  for (const auto& peer : peers_) {
    if (peer->mirror->fork_evidence().has_value()) return true;
  }
  return false;
}

void PeerReplication::WhenMirrored(uint64_t size,
                                   std::function<void(absl::Status)> done) {
  int copies = options_.mirrored_copies;
  if (copies > static_cast<int>(peers_.size())) {
    return done(absl::FailedPreconditionError(
        absl::StrCat("MIRRORED needs ", copies, " peers to hold the entry; ",
                     "this node has ", peers_.size())));
  }
  cosignatures_.WhenHeld(
      size, copies, absl::Now() + options_.mirrored_timeout,
      [this, size, copies, done = std::move(done)](bool held) {
        if (held) return done(absl::OkStatus());
        done(absl::UnavailableError(absl::StrCat(
            "durable on this node, but only ", cosignatures_.HoldersOf(size),
            " of the ", copies, " peers required hold it; retry")));
      });
}

std::vector<PeerReplication::PeerState> PeerReplication::State() const {
  std::vector<PeerState> out;
  for (size_t i = 0; i < peers_.size(); ++i) {
    const Peer& peer = *peers_[i];
    PeerState state;
    state.origin = peer.mirror->origin();
    state.address = peer.config.address;
    state.mirrored_size = peer.mirror->Head().size;
    state.cosigned_size = cosignatures_.CosignedSize(i);
    state.fork_evidence = peer.mirror->fork_evidence();
    {
      std::lock_guard lock(peer.mu);
      state.peer_size = peer.peer_size;
      state.last_error = peer.last_error;
    }
    out.push_back(std::move(state));
  }
  return out;
}

void PeerReplication::MirrorLoop(Peer& peer) {
  ledger::Mirror& mirror = *peer.mirror;
  const std::string fields = absl::StrCat("peer=", mirror.origin());
  std::string logged_error;  // log a failure once, not on every retry
  while (Pause(absl::ZeroDuration())) {
    if (mirror.fork_evidence().has_value()) {
      LogEvent("mirror_stopped", absl::StrCat(fields, " reason=fork"));
      if (options_.on_fork) options_.on_fork(mirror.origin());
      return;
    }
    grpc::ClientContext context;
    {
      std::lock_guard lock(peer.mu);
      peer.mirror_call = &context;
    }
    if (!Pause(absl::ZeroDuration())) break;  // stop raced the registration
    v1::MirrorEntriesRequest request;
    request.set_from(mirror.stored_size());
    std::unique_ptr<grpc::ClientReader<v1::MirrorChunk>> reader =
        peer.stub->MirrorEntries(&context, request);
    v1::MirrorChunk chunk;
    absl::Status failure;
    while (failure.ok() && reader->Read(&chunk)) {
      ledger::MirrorChunk in;
      in.first_index = chunk.first_index();
      in.entries.assign(chunk.entries().begin(), chunk.entries().end());
      in.checkpoint = chunk.checkpoint();
      absl::StatusOr<std::vector<ledger::Hash>> proof =
          Hashes(chunk.consistency_proof());
      if (!proof.ok()) {
        failure = proof.status();
        break;
      }
      in.proof = *std::move(proof);
      absl::StatusOr<ledger::MirroredResult> applied = mirror.Apply(in);
      if (absl::IsDataLoss(applied.status())) {
        // Bad entries or a rewritten log: the peer's own proof tells.
        absl::StatusOr<ledger::Checkpoint> cp =
            ledger::PeekCheckpoint(in.checkpoint);
        v1::GetConsistencyProofRequest ask;
        ask.set_old_size(mirror.Head().size);
        ask.set_new_size(cp.ok() ? cp->size : 0);
        v1::GetConsistencyProofResponse answer;
        grpc::ClientContext proof_context;
        proof_context.set_deadline(Deadline(kCallTimeout));
        grpc::Status got =
            peer.stub->GetConsistencyProof(&proof_context, ask, &answer);
        absl::StatusOr<std::vector<ledger::Hash>> peer_proof =
            Hashes(answer.proof());
        if (got.ok() && peer_proof.ok()) {
          failure = mirror.CheckFork(in.checkpoint, *peer_proof);
        } else {
          failure = applied.status();
        }
        break;
      }
      if (!applied.ok()) {
        failure = applied.status();
        break;
      }
      {
        std::lock_guard lock(peer.mu);
        absl::StatusOr<ledger::Checkpoint> cp =
            ledger::PeekCheckpoint(in.checkpoint);
        if (cp.ok()) peer.peer_size = std::max(peer.peer_size, cp->size);
        peer.last_error.clear();
      }
      if (applied->refused > 0 || applied->parked > 0) {
        LogEvent("mirrored",
                 absl::StrCat(fields, " size=", mirror.stored_size(),
                              " admitted=", applied->admitted, " parked=",
                              applied->parked, " refused=", applied->refused));
      }
    }
    // The stream follows the log forever: end it before finishing it.
    if (!failure.ok()) context.TryCancel();
    grpc::Status finished = reader->Finish();
    if (failure.ok()) failure = records::FromGrpcStatus(finished);
    if (absl::IsOutOfRange(failure)) {
      // The peer's log is shorter than what was mirrored: a log never
      // shrinks, so its checkpoint is checked against the mirror.
      v1::GetCheckpointResponse latest;
      grpc::ClientContext cp_context;
      cp_context.set_deadline(Deadline(kCallTimeout));
      if (peer.stub->GetCheckpoint(&cp_context, {}, &latest).ok()) {
        absl::Status checked = mirror.CheckCheckpoint(latest.checkpoint());
        if (!checked.ok()) failure = checked;
      }
    }
    {
      std::lock_guard lock(peer.mu);
      peer.mirror_call = nullptr;
    }
    peer.Note(failure);
    if (mirror.fork_evidence().has_value()) continue;  // stops at the top
    if (!failure.ok() && failure.message() != logged_error) {
      logged_error = std::string(failure.message());
      LogEvent("mirror_retry",
               absl::StrCat(fields, " error=\"", failure.message(), "\""));
    }
    Pause(kRetryPause);
  }
}

void PeerReplication::WitnessClientLoop(size_t index) {
  Peer& peer = *peers_[index];
  // The peer's latest cosigned size of our log, as its witness keeps it
  // (learnt from a conflict after a restart). The cosignatures this process
  // holds may be older, so a checkpoint of that same size is offered again.
  uint64_t known = 0;
  while (Pause(absl::ZeroDuration())) {
    ledger::LogHead head =
        log_->WaitForGrowth(cosignatures_.CosignedSize(index),
                            absl::Now() + absl::Milliseconds(500));
    if (head.size <= cosignatures_.CosignedSize(index)) continue;
    v1::AddCheckpointRequest request;
    request.set_old_size(known);
    if (known > 0) {
      absl::StatusOr<std::vector<ledger::Hash>> proof =
          log_->ConsistencyProof(known, head.size);
      if (!proof.ok()) {
        peer.Note(proof.status());
        known = 0;
        continue;
      }
      for (const ledger::Hash& h : *proof)
        request.add_consistency_proof(std::string(ledger::AsBytes(h)));
    }
    request.set_checkpoint(head.checkpoint);
    grpc::ClientContext context;
    context.set_deadline(Deadline(kCallTimeout));
    {
      std::lock_guard lock(peer.mu);
      peer.witness_call = &context;
    }
    if (!Pause(absl::ZeroDuration())) break;
    v1::AddCheckpointResponse response;
    grpc::Status status =
        peer.stub->AddCheckpoint(&context, request, &response);
    {
      std::lock_guard lock(peer.mu);
      peer.witness_call = nullptr;
    }
    if (status.ok()) {
      absl::Status added = cosignatures_.Add(index, head.size, head.checkpoint,
                                             response.cosignatures());
      if (added.ok()) {
        known = head.size;
        continue;
      }
      peer.Note(added);
    } else if (status.error_code() == grpc::StatusCode::ABORTED) {
      const auto& trailers = context.GetServerTrailingMetadata();
      auto it = trailers.find("skp-cosigned-size");
      uint64_t size = 0;
      if (it != trailers.end() &&
          absl::SimpleAtoi(
              absl::string_view(it->second.data(), it->second.size()), &size) &&
          size <= head.size && size != known) {
        known = size;
        continue;
      }
      peer.Note(records::FromGrpcStatus(status));
    } else {
      peer.Note(records::FromGrpcStatus(status));
    }
    Pause(kRetryPause);
  }
}

void PeerReplication::TimerLoop() {
  while (Pause(absl::Milliseconds(100))) {
    cosignatures_.ExpireWaiters(absl::Now());
  }
}

}  // namespace skp::services
