#include "ledger/log.h"

#include <future>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "ledger/entry.h"
#include "ledger/note.h"
#include "ledger/status_macros.h"

namespace skp::ledger {

absl::StatusOr<std::unique_ptr<Log>> Log::Open(LogStore* store,
                                               const Signer* signer,
                                               EntryValidator* validator,
                                               LogOptions options) {
  SKP_ASSIGN_OR_RETURN(uint64_t size, store->Size());
  auto subtree = [store](int level, uint64_t index) {
    return store->GetNode(level, index);
  };
  SKP_ASSIGN_OR_RETURN(CompactRange range, CompactRange::Load(size, subtree));
  Checkpoint head{options.origin, size, range.Root()};

  // The stored checkpoint was written in the same batch as the tree: if it
  // is ours and disagrees with the tree, the store is damaged.
  absl::StatusOr<std::string> stored = store->LatestCheckpoint();
  if (stored.ok()) {
    absl::StatusOr<Checkpoint> previous =
        OpenCheckpoint(*stored, signer->verifier());
    if (previous.ok() && previous->origin == head.origin &&
        (previous->size != head.size || previous->root != head.root)) {
      return absl::DataLossError(absl::StrCat(
          "stored checkpoint (size ", previous->size,
          ") disagrees with the stored tree (size ", head.size, ")"));
    }
  } else if (!absl::IsNotFound(stored.status())) {
    return stored.status();
  }
  SKP_ASSIGN_OR_RETURN(std::string checkpoint,
                       SignNote(CheckpointText(head), *signer));
  // Ed25519 is deterministic, so this writes only on first start or when the
  // origin or node key changed.
  if (!stored.ok() || *stored != checkpoint) {
    LogBatch batch;
    batch.first_index = size;
    batch.checkpoint = checkpoint;
    SKP_RETURN_IF_ERROR(store->Commit(batch));
  }
  return std::unique_ptr<Log>(new Log(store, signer, validator,
                                      std::move(options), std::move(range),
                                      std::move(checkpoint)));
}

Log::Log(LogStore* store, const Signer* signer, EntryValidator* validator,
         LogOptions options, CompactRange range, std::string checkpoint)
    : store_(store),
      signer_(signer),
      validator_(validator),
      options_(std::move(options)),
      range_(std::move(range)),
      head_{range_.size(), range_.Root(), std::move(checkpoint)} {
  writer_ = std::thread([this] { WriterLoop(); });
}

Log::~Log() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  writer_.join();
}

void Log::Append(std::string entry, AppendCallback done) {
  absl::StatusOr<Entry> decoded = DecodeEntry(entry);
  if (!decoded.ok()) return done(decoded.status());
  if (absl::Status valid = validator_->Validate(*decoded); !valid.ok())
    return done(valid);

  Hash leaf_hash = HashLeaf(entry);
  if (absl::StatusOr<uint64_t> existing = FindLeaf(leaf_hash); existing.ok()) {
    return done(AppendResult{*existing, leaf_hash, true, Head().checkpoint});
  }
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_)
      return done(absl::UnavailableError("the log is shutting down"));
    queue_.push_back(
        {std::move(entry), *std::move(decoded), leaf_hash, std::move(done)});
  }
  queue_cv_.notify_one();
}

absl::StatusOr<AppendResult> Log::AppendAndWait(std::string entry) {
  std::promise<absl::StatusOr<AppendResult>> promise;
  std::future<absl::StatusOr<AppendResult>> future = promise.get_future();
  Append(std::move(entry), [&promise](absl::StatusOr<AppendResult> result) {
    promise.set_value(std::move(result));
  });
  return future.get();
}

void Log::WriterLoop() {
  std::unique_lock lock(queue_mu_);
  while (true) {
    queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued is done
    std::vector<Pending> batch;
    while (!queue_.empty() && batch.size() < options_.max_batch_entries) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    CommitBatch(batch);
    lock.lock();
  }
}

void Log::CommitBatch(std::vector<Pending>& batch) {
  CompactRange next = range_;
  LogBatch write;
  write.first_index = next.size();
  std::vector<CompactRange::NewNode> nodes;
  // Where each pending entry ends up and whether it was there already, or
  // why it was not admitted.
  std::vector<absl::StatusOr<std::pair<uint64_t, bool>>> placed;
  placed.reserve(batch.size());
  absl::flat_hash_map<Hash, uint64_t> in_batch;
  absl::Status failure;

  for (Pending& p : batch) {
    if (auto it = in_batch.find(p.leaf_hash); it != in_batch.end()) {
      placed.emplace_back(std::make_pair(it->second, true));
      continue;
    }
    absl::StatusOr<std::optional<uint64_t>> stored =
        store_->FindLeaf(p.leaf_hash);
    if (!stored.ok()) {
      failure = stored.status();
      break;
    }
    if (stored->has_value()) {
      placed.emplace_back(std::make_pair(**stored, true));
      continue;
    }
    uint64_t index = next.size();
    if (absl::Status admitted = validator_->Admit(p.decoded, p.leaf_hash, index,
                                                  write.projection_rows);
        !admitted.ok()) {
      placed.emplace_back(admitted);
      continue;
    }
    next.Append(p.leaf_hash, nodes);
    in_batch.emplace(p.leaf_hash, index);
    write.entries.push_back(std::move(p.entry));
    write.leaf_hashes.push_back(p.leaf_hash);
    placed.emplace_back(std::make_pair(index, false));
  }

  LogHead head = Head();
  if (failure.ok() && !write.entries.empty()) {
    for (const auto& n : nodes)
      write.nodes.push_back({n.level, n.index, n.hash});
    LogHead next_head{next.size(), next.Root(), ""};
    absl::StatusOr<std::string> checkpoint = SignNote(
        CheckpointText({options_.origin, next_head.size, next_head.root}),
        *signer_);
    if (!checkpoint.ok()) {
      failure = checkpoint.status();
    } else {
      write.checkpoint = next_head.checkpoint = *std::move(checkpoint);
      failure = store_->Commit(write);
    }
    if (failure.ok()) {
      range_ = std::move(next);
      std::lock_guard lock(head_mu_);
      head_ = next_head;
      head = std::move(next_head);
    }
  }
  if (failure.ok()) {
    validator_->Committed();
  } else {
    validator_->Aborted();
  }

  for (size_t i = 0; i < batch.size(); ++i) {
    if (!failure.ok()) {
      batch[i].done(absl::UnavailableError(
          absl::StrCat("append was not made durable: ", failure.message())));
    } else if (!placed[i].ok()) {
      batch[i].done(placed[i].status());
    } else {
      batch[i].done(AppendResult{placed[i]->first, batch[i].leaf_hash,
                                 placed[i]->second, head.checkpoint});
    }
  }
}

LogHead Log::Head() const {
  std::lock_guard lock(head_mu_);
  return head_;
}

absl::Status Log::CheckTreeSize(uint64_t size) const {
  uint64_t current = Head().size;
  if (size > current) {
    return absl::OutOfRangeError(absl::StrCat(
        "tree size ", size, " is beyond the log's size ", current));
  }
  return absl::OkStatus();
}

absl::StatusOr<Hash> Log::StoredSubtree(int level, uint64_t index) const {
  absl::StatusOr<Hash> node = store_->GetNode(level, index);
  // Every perfect subtree of a committed tree is stored; a gap is damage.
  if (absl::IsNotFound(node.status()))
    return absl::DataLossError(node.status().message());
  return node;
}

absl::StatusOr<std::string> Log::GetEntry(uint64_t index) const {
  SKP_RETURN_IF_ERROR(CheckTreeSize(index + 1));
  return store_->GetEntry(index);
}

absl::Status Log::ScanEntries(
    uint64_t from, uint64_t to,
    absl::FunctionRef<bool(uint64_t, absl::string_view)> visit) const {
  if (from > to) {
    return absl::InvalidArgumentError(
        absl::StrCat("from ", from, " is after to ", to));
  }
  SKP_RETURN_IF_ERROR(CheckTreeSize(to));
  return store_->ScanEntries(from, to, visit);
}

absl::StatusOr<uint64_t> Log::FindLeaf(const Hash& leaf_hash) const {
  SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> index,
                       store_->FindLeaf(leaf_hash));
  // A leaf whose batch is committed but not yet published counts as absent.
  if (!index.has_value() || *index >= Head().size) {
    return absl::NotFoundError("no entry with that leaf hash");
  }
  return *index;
}

absl::StatusOr<Hash> Log::RootAt(uint64_t size) const {
  SKP_RETURN_IF_ERROR(CheckTreeSize(size));
  return RangeRoot(0, size,
                   [this](int l, uint64_t i) { return StoredSubtree(l, i); });
}

absl::StatusOr<std::vector<Hash>> Log::InclusionProof(uint64_t index,
                                                      uint64_t size) const {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("index ", index, " is not below tree size ", size));
  }
  SKP_RETURN_IF_ERROR(CheckTreeSize(size));
  return skp::ledger::InclusionProof(
      index, size, [this](int l, uint64_t i) { return StoredSubtree(l, i); });
}

absl::StatusOr<std::vector<Hash>> Log::ConsistencyProof(
    uint64_t old_size, uint64_t new_size) const {
  if (old_size > new_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "old size ", old_size, " is greater than new size ", new_size));
  }
  SKP_RETURN_IF_ERROR(CheckTreeSize(new_size));
  return skp::ledger::ConsistencyProof(
      old_size, new_size,
      [this](int l, uint64_t i) { return StoredSubtree(l, i); });
}

}  // namespace skp::ledger
