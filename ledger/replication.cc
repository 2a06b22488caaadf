#include "ledger/replication.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "ledger/merkle.h"
#include "ledger/status_macros.h"

namespace skp::ledger {
namespace {

std::string ForkKey(absl::string_view origin) {
  return absl::StrCat("fork/", origin);
}
std::string CosignedKey(absl::string_view origin) {
  return absl::StrCat("cosigned/", origin);
}

}  // namespace

// ---- mirror ----

absl::StatusOr<std::unique_ptr<Mirror>> Mirror::Open(LogStore* store, int slot,
                                                     Verifier log_key,
                                                     Log* local,
                                                     ReplicationState* state) {
  SKP_ASSIGN_OR_RETURN(uint64_t size, store->Size());
  SKP_ASSIGN_OR_RETURN(
      CompactRange range,
      CompactRange::Load(size, [store](int level, uint64_t index) {
        return store->GetNode(level, index);
      }));
  LogHead head{0, EmptyRoot(), ""};
  absl::StatusOr<std::string> note = store->LatestCheckpoint();
  if (note.ok() && !note->empty()) {
    absl::StatusOr<Checkpoint> accepted = OpenCheckpoint(*note, log_key);
    if (!accepted.ok() || accepted->size > size) {
      return absl::DataLossError(
          absl::StrCat("the stored checkpoint of mirrored log ", log_key.name(),
                       " does not verify or is beyond its entries"));
    }
    head = {accepted->size, accepted->root, *note};
  } else if (!note.ok() && !absl::IsNotFound(note.status())) {
    return note.status();
  }
  SKP_ASSIGN_OR_RETURN(std::optional<std::string> evidence,
                       state->GetState(ForkKey(log_key.name())));
  return std::unique_ptr<Mirror>(
      new Mirror(store, slot, std::move(log_key), local, state,
                 std::move(range), std::move(head), std::move(evidence)));
}

Mirror::Mirror(LogStore* store, int slot, Verifier log_key, Log* local,
               ReplicationState* state, CompactRange range, LogHead head,
               std::optional<std::string> evidence)
    : PublishedTree(store),
      store_(store),
      slot_(slot),
      log_key_(std::move(log_key)),
      local_(local),
      state_(state),
      range_(std::move(range)),
      head_(std::move(head)),
      stored_size_(range_.size()),
      evidence_(std::move(evidence)) {}

LogHead Mirror::Head() const {
  std::lock_guard lock(head_mu_);
  return head_;
}

uint64_t Mirror::stored_size() const {
  std::lock_guard lock(head_mu_);
  return stored_size_;
}

std::optional<std::string> Mirror::fork_evidence() const {
  std::lock_guard lock(head_mu_);
  return evidence_;
}

LogHead Mirror::WaitForSize(uint64_t size, absl::Time deadline) const {
  std::unique_lock lock(head_mu_);
  head_cv_.wait_until(lock, absl::ToChronoTime(deadline),
                      [&] { return head_.size >= size; });
  return head_;
}

absl::Status Mirror::StopWithEvidence(absl::string_view accepted,
                                      absl::string_view conflicting) {
  std::string evidence =
      absl::StrCat("fork evidence for ", origin(), "\n\naccepted checkpoint:\n",
                   accepted, "\nconflicting checkpoint:\n", conflicting);
  SKP_RETURN_IF_ERROR(state_->PutState(ForkKey(origin()), evidence));
  std::lock_guard lock(head_mu_);
  evidence_ = std::move(evidence);
  return absl::FailedPreconditionError(absl::StrCat(
      "log ", origin(),
      " signed checkpoints that are not consistent with each other; "
      "mirroring stopped and the evidence kept"));
}

absl::StatusOr<Checkpoint> Mirror::CheckCheckpointLocked(
    absl::string_view checkpoint) {
  if (fork_evidence().has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "mirroring of ", origin(), " is stopped: it forked (evidence kept)"));
  }
  absl::StatusOr<Checkpoint> cp = OpenCheckpoint(checkpoint, log_key_);
  if (!cp.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint of ", origin(), ": ", cp.status().message()));
  }
  if (cp->origin != origin()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint is for origin ", cp->origin, ", not ", origin()));
  }
  LogHead head = Head();
  if (cp->size <= head.size) {
    SKP_ASSIGN_OR_RETURN(Hash held, RootAt(cp->size));
    if (held != cp->root) return StopWithEvidence(head.checkpoint, checkpoint);
  }
  return cp;
}

absl::Status Mirror::CheckCheckpoint(absl::string_view checkpoint) {
  std::lock_guard apply(apply_mu_);
  return CheckCheckpointLocked(checkpoint).status();
}

absl::StatusOr<MirroredResult> Mirror::Apply(const MirrorChunk& chunk) {
  std::lock_guard apply(apply_mu_);
  absl::StatusOr<Checkpoint> cp = CheckCheckpointLocked(chunk.checkpoint);
  if (!cp.ok()) return cp.status();
  uint64_t end = chunk.first_index + chunk.entries.size();
  if (chunk.first_index != range_.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "chunk starts at ", chunk.first_index, " but the mirror of ", origin(),
        " holds ", range_.size(), " entries"));
  }
  if (cp->size < end) {
    return absl::InvalidArgumentError(absl::StrCat(
        "chunk ends at ", end, ", beyond its checkpoint's size ", cp->size));
  }
  LogHead head = Head();
  CompactRange next = range_;
  std::vector<CompactRange::NewNode> nodes;
  LogBatch batch;
  batch.first_index = chunk.first_index;
  for (const std::string& entry : chunk.entries) {
    Hash leaf = HashLeaf(entry);
    next.Append(leaf, nodes);
    batch.leaf_hashes.push_back(leaf);
  }
  absl::Status leads =
      cp->size == end
          ? (next.Root() == cp->root ? absl::OkStatus()
                                     : absl::DataLossError("root differs"))
          : VerifyConsistency(end, cp->size, chunk.proof, next.Root(),
                              cp->root);
  if (!leads.ok()) {
    return absl::DataLossError(
        absl::StrCat("entries ", chunk.first_index, "..", end, " of ", origin(),
                     " do not lead to its checkpoint of size ", cp->size));
  }
  bool at_checkpoint = cp->size == end;
  // A heartbeat (no entries) only moves the accepted checkpoint up to
  // entries already held.
  if (chunk.entries.empty() && !(at_checkpoint && cp->size > head.size))
    return MirroredResult{};
  batch.entries = chunk.entries;
  for (const auto& n : nodes) batch.nodes.push_back({n.level, n.index, n.hash});
  batch.checkpoint = at_checkpoint ? chunk.checkpoint : head.checkpoint;
  SKP_ASSIGN_OR_RETURN(MirroredResult result,
                       local_->CommitMirrored(store_, slot_, std::move(batch)));
  range_ = std::move(next);
  {
    std::lock_guard lock(head_mu_);
    stored_size_ = end;
    if (at_checkpoint) head_ = {cp->size, cp->root, chunk.checkpoint};
  }
  head_cv_.notify_all();
  if (at_checkpoint) NotifyGrowth();
  return result;
}

absl::Status Mirror::CheckFork(absl::string_view checkpoint,
                               absl::Span<const Hash> proof) {
  std::lock_guard apply(apply_mu_);
  SKP_ASSIGN_OR_RETURN(Checkpoint cp, OpenCheckpoint(checkpoint, log_key_));
  LogHead head = Head();
  if (head.size == 0 || cp.size < head.size ||
      VerifyConsistency(head.size, cp.size, proof, head.root, cp.root).ok()) {
    return absl::DataLossError(absl::StrCat(
        "log ", origin(), " is consistent; the chunk's entries were not"));
  }
  return StopWithEvidence(head.checkpoint, checkpoint);
}

// ---- witness ----

Witness::Witness(const Signer* key, ReplicationState* state)
    : key_(key), state_(state) {}

void Witness::AddLog(const Mirror* mirror) {
  logs_[mirror->origin()] = {mirror, std::make_unique<std::mutex>()};
}

absl::StatusOr<std::string> Witness::AddCheckpoint(uint64_t old_size,
                                                   absl::Span<const Hash> proof,
                                                   absl::string_view checkpoint,
                                                   absl::Time mirror_deadline,
                                                   uint64_t* cosigned_size) {
  absl::StatusOr<SignedNote> note = ParseNote(checkpoint);
  absl::StatusOr<Checkpoint> cp =
      note.ok() ? ParseCheckpointText(note->text) : note.status();
  if (!cp.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: ", cp.status().message()));
  }
  auto it = logs_.find(cp->origin);
  if (it == logs_.end()) {
    return absl::NotFoundError(
        absl::StrCat("this witness does not follow log ", cp->origin));
  }
  const Mirror& mirror = *it->second.mirror;
  if (!VerifyNote(*note, mirror.log_key()).ok()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "checkpoint carries no valid signature by ", cp->origin, "'s key"));
  }
  if (old_size > cp->size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "old size ", old_size, " is beyond the checkpoint's size ", cp->size));
  }
  if (old_size == 0 && !proof.empty()) {
    return absl::InvalidArgumentError(
        "a consistency proof from size 0 must be empty");
  }

  std::lock_guard lock(*it->second.mu);
  SKP_ASSIGN_OR_RETURN(std::optional<std::string> latest_text,
                       state_->GetState(CosignedKey(cp->origin)));
  Checkpoint latest{cp->origin, 0, EmptyRoot()};
  if (latest_text.has_value()) {
    SKP_ASSIGN_OR_RETURN(latest, ParseCheckpointText(*latest_text));
  }
  *cosigned_size = latest.size;
  if (old_size != latest.size) {
    return absl::AbortedError(absl::StrCat("old size ", old_size,
                                           " is not the latest cosigned size ",
                                           latest.size));
  }
  if (old_size == cp->size && latest_text.has_value() &&
      latest.root != cp->root) {
    return absl::AbortedError(absl::StrCat("a checkpoint of size ", cp->size,
                                           " with another root was cosigned"));
  }
  if (!VerifyConsistency(old_size, cp->size, proof, latest.root, cp->root)
           .ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("consistency proof from ", old_size, " to ", cp->size,
                     " does not verify"));
  }
  LogHead mirrored = mirror.WaitForSize(cp->size, mirror_deadline);
  if (mirrored.size < cp->size) {
    return absl::UnavailableError(absl::StrCat("the mirror of ", cp->origin,
                                               " holds ", mirrored.size, " of ",
                                               cp->size, " entries; retry"));
  }
  SKP_ASSIGN_OR_RETURN(Hash root, mirror.RootAt(cp->size));
  if (root != cp->root) {
    return absl::FailedPreconditionError(absl::StrCat(
        "checkpoint of size ", cp->size, " disagrees with the mirrored log"));
  }
  SKP_RETURN_IF_ERROR(state_->PutState(CosignedKey(cp->origin), note->text));
  *cosigned_size = cp->size;
  return Cosign(*key_, note->text,
                static_cast<uint64_t>(absl::ToUnixSeconds(absl::Now())));
}

absl::StatusOr<std::string> Witness::CosignMirrored(
    absl::string_view note) const {
  SKP_ASSIGN_OR_RETURN(SignedNote parsed, ParseNote(note));
  return absl::StrCat(
      note, Cosign(*key_, parsed.text,
                   static_cast<uint64_t>(absl::ToUnixSeconds(absl::Now()))));
}

// ---- cosignatures on our own checkpoints ----

Cosignatures::Cosignatures(std::vector<Verifier> witnesses)
    : witnesses_(std::move(witnesses)), cosigned_size_(witnesses_.size(), 0) {}

absl::Status Cosignatures::Add(size_t peer, uint64_t size,
                               absl::string_view note, absl::string_view line) {
  SKP_ASSIGN_OR_RETURN(SignedNote cosigned,
                       ParseNote(absl::StrCat(note, line)));
  SKP_RETURN_IF_ERROR(VerifyCosignature(cosigned, witnesses_[peer]).status());
  std::vector<std::function<void(bool)>> ready;
  {
    std::lock_guard lock(mu_);
    cosigned_size_[peer] = std::max(cosigned_size_[peer], size);
    auto& [stored_note, lines] = lines_[size];
    stored_note = std::string(note);
    lines[peer] = std::string(line);
    // Only recent checkpoints can gain a quorum; keep a bounded history.
    while (lines_.size() > 64) lines_.erase(lines_.begin());
    std::erase_if(waiters_, [&](Waiter& w) {
      if (HoldersLocked(w.size) < w.copies) return false;
      ready.push_back(std::move(w.done));
      return true;
    });
  }
  for (auto& done : ready) done(true);
  return absl::OkStatus();
}

uint64_t Cosignatures::CosignedSize(size_t peer) const {
  std::lock_guard lock(mu_);
  return cosigned_size_[peer];
}

int Cosignatures::HoldersLocked(uint64_t size) const {
  return static_cast<int>(std::count_if(cosigned_size_.begin(),
                                        cosigned_size_.end(),
                                        [&](uint64_t s) { return s >= size; }));
}

int Cosignatures::HoldersOf(uint64_t size) const {
  std::lock_guard lock(mu_);
  return HoldersLocked(size);
}

std::optional<std::string> Cosignatures::Cosigned(int quorum) const {
  std::lock_guard lock(mu_);
  for (auto it = lines_.rbegin(); it != lines_.rend(); ++it) {
    const auto& [note, lines] = it->second;
    if (static_cast<int>(lines.size()) < quorum) continue;
    std::string out = note;
    for (const auto& [peer, line] : lines) out += line;
    return out;
  }
  return std::nullopt;
}

void Cosignatures::WhenHeld(uint64_t size, int copies, absl::Time deadline,
                            std::function<void(bool)> done) {
  {
    std::lock_guard lock(mu_);
    if (HoldersLocked(size) < copies) {
      waiters_.push_back({size, copies, deadline, std::move(done)});
      return;
    }
  }
  done(true);
}

void Cosignatures::ExpireWaiters(absl::Time now) {
  std::vector<std::function<void(bool)>> expired;
  {
    std::lock_guard lock(mu_);
    std::erase_if(waiters_, [&](Waiter& w) {
      if (w.deadline > now) return false;
      expired.push_back(std::move(w.done));
      return true;
    });
  }
  for (auto& done : expired) done(false);
}

}  // namespace skp::ledger
