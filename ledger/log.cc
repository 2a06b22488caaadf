#include "ledger/log.h"

#include <chrono>
#include <future>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ledger/entry.h"
#include "ledger/note.h"
#include "ledger/status_macros.h"

namespace skp::ledger {
namespace {

constexpr absl::string_view kMirroredPrefix = "mirrored/";
constexpr absl::string_view kParkedPrefix = "parked/";
constexpr absl::string_view kRefusedPrefix = "refused/";

std::string MirroredKey(const Hash& leaf_hash) {
  return absl::StrCat(kMirroredPrefix, AsBytes(leaf_hash));
}
std::string ParkedKey(uint64_t location) {
  return absl::StrCat(kParkedPrefix, BigEndian64(location));
}
std::string RefusedKey(uint64_t location) {
  return absl::StrCat(kRefusedPrefix, BigEndian64(location));
}
// The location a mirrored/<id> row names.
absl::StatusOr<uint64_t> MirroredRowLocation(absl::string_view row) {
  if (row.size() != 8)
    return absl::DataLossError("a mirrored-record row is not 8 bytes");
  return ReadBigEndian(row);
}

}  // namespace

absl::StatusOr<std::optional<uint64_t>> LocateRecord(const LogStore& store,
                                                     const Hash& leaf_hash) {
  SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> own, store.FindLeaf(leaf_hash));
  if (own.has_value()) return RecordLocation(0, *own);
  SKP_ASSIGN_OR_RETURN(std::optional<std::string> mirrored,
                       store.GetProjection(MirroredKey(leaf_hash)));
  if (!mirrored.has_value()) return std::nullopt;
  return MirroredRowLocation(*mirrored);
}

struct Log::MirrorTask {
  LogStore* mirror;
  int slot;
  LogBatch batch;
  // Each entry decoded, with its validation: a refusal awaiting a
  // dependency (a signer this node does not know yet) parks it; another
  // refuses it.
  std::vector<std::pair<std::optional<IncomingEntry>, absl::Status>> decoded;
  absl::StatusOr<MirroredResult> result;
  std::promise<void> done;
};

struct Log::Staged {
  absl::flat_hash_set<Hash> admitted;
};

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
  std::vector<Parked> parked;
  absl::Status loaded;
  SKP_RETURN_IF_ERROR(store->ScanProjections(
      kParkedPrefix, [&](absl::string_view key, absl::string_view value) {
        uint64_t location = ReadBigEndian(key.substr(kParkedPrefix.size()));
        absl::StatusOr<std::string> bytes = store->GetRecordEntry(location);
        absl::StatusOr<Hash> leaf = HashFromBytes(value);
        absl::StatusOr<IncomingEntry> incoming =
            bytes.ok() && leaf.ok() ? Receive(*validator, *bytes, *leaf)
                                    : absl::DataLossError("unreadable");
        if (!incoming.ok()) {
          loaded = absl::DataLossError(absl::StrCat(
              "parked record at location ", location, " cannot be read back"));
          return false;
        }
        parked.push_back({location, *std::move(incoming)});
        return true;
      }));
  SKP_RETURN_IF_ERROR(loaded);
  size_t refused = 0;
  SKP_RETURN_IF_ERROR(store->ScanProjections(
      kRefusedPrefix, [&](absl::string_view, absl::string_view) {
        ++refused;
        return true;
      }));
  return std::unique_ptr<Log>(
      new Log(store, signer, validator, std::move(options), std::move(range),
              std::move(checkpoint), std::move(parked), refused));
}

Log::Log(LogStore* store, const Signer* signer, EntryValidator* validator,
         LogOptions options, CompactRange range, std::string checkpoint,
         std::vector<Parked> parked, size_t refused)
    : PublishedTree(store),
      store_(store),
      signer_(signer),
      validator_(validator),
      options_(std::move(options)),
      range_(std::move(range)),
      head_{range_.size(), range_.Root(), std::move(checkpoint)},
      parked_(std::move(parked)),
      parked_count_(parked_.size()),
      refused_count_(refused) {
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

absl::StatusOr<IncomingEntry> Log::Receive(const EntryValidator& validator,
                                           absl::string_view bytes,
                                           const Hash& leaf_hash) {
  SKP_ASSIGN_OR_RETURN(Entry decoded, DecodeEntry(bytes));
  SKP_ASSIGN_OR_RETURN(std::unique_ptr<const ParsedPayload> parsed,
                       validator.Parse(decoded));
  return IncomingEntry{std::move(decoded), leaf_hash, std::move(parsed)};
}

void Log::Append(std::string entry, AppendCallback done) {
  Hash leaf_hash = HashLeaf(entry);
  absl::StatusOr<IncomingEntry> incoming =
      Receive(*validator_, entry, leaf_hash);
  if (!incoming.ok()) return done(incoming.status());

  // A retry of a record this node holds, in its log or admitted from a
  // mirror, answers where it is before any check against state that the
  // record itself changed ("already enrolled", "already started").
  if (absl::StatusOr<uint64_t> existing = FindLeaf(leaf_hash); existing.ok()) {
    return done(AppendResult{*existing, leaf_hash, true, Head().checkpoint});
  }
  absl::StatusOr<std::optional<std::string>> mirrored =
      store_->GetProjection(MirroredKey(leaf_hash));
  if (!mirrored.ok()) return done(mirrored.status());
  if (mirrored->has_value()) {
    absl::StatusOr<uint64_t> location = MirroredRowLocation(**mirrored);
    if (!location.ok()) return done(location.status());
    return done(AppendResult{LocationIndex(*location), leaf_hash, true, "",
                             LocationSlot(*location)});
  }
  if (absl::Status valid = validator_->Validate(*incoming); !valid.ok())
    return done(valid);
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_)
      return done(absl::UnavailableError("the log is shutting down"));
    queue_.push_back({std::move(entry), *std::move(incoming), std::move(done)});
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

absl::StatusOr<MirroredResult> Log::Readmit(int slot, uint64_t first_index,
                                            std::vector<std::string> entries) {
  LogBatch batch;
  batch.first_index = first_index;
  for (const std::string& e : entries) batch.leaf_hashes.push_back(HashLeaf(e));
  batch.entries = std::move(entries);
  return CommitMirrored(nullptr, slot, std::move(batch));
}

absl::StatusOr<MirroredResult> Log::CommitMirrored(LogStore* mirror, int slot,
                                                   LogBatch batch) {
  MirrorTask task{mirror, slot, std::move(batch), {}, MirroredResult{}, {}};
  task.decoded.reserve(task.batch.entries.size());
  for (size_t i = 0; i < task.batch.entries.size(); ++i) {
    absl::StatusOr<IncomingEntry> incoming =
        Receive(*validator_, task.batch.entries[i], task.batch.leaf_hashes[i]);
    if (!incoming.ok()) {
      task.decoded.emplace_back(std::nullopt, incoming.status());
      continue;
    }
    absl::Status valid = validator_->ValidateLogged(*incoming);
    task.decoded.emplace_back(*std::move(incoming), std::move(valid));
  }
  std::future<void> done = task.done.get_future();
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return absl::UnavailableError("the log is shutting down");
    mirror_tasks_.push_back(&task);
  }
  queue_cv_.notify_one();
  done.wait();
  return std::move(task.result);
}

absl::StatusOr<bool> Log::Known(const Hash& leaf_hash, uint64_t location,
                                const Staged& staged) const {
  if (staged.admitted.contains(leaf_hash)) return true;
  // An own-log entry being readmitted is in the own log by definition: only
  // a mirror's copy admitted before it counts.
  if (LocationSlot(location) != 0) {
    SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> own,
                         store_->FindLeaf(leaf_hash));
    if (own.has_value()) return true;
  }
  SKP_ASSIGN_OR_RETURN(std::optional<std::string> mirrored,
                       store_->GetProjection(MirroredKey(leaf_hash)));
  return mirrored.has_value();
}

void Log::MarkAdmitted(const Hash& leaf_hash, uint64_t location, Staged& staged,
                       LogBatch& write) {
  staged.admitted.insert(leaf_hash);
  // The own log's leaf index already locates its records.
  if (LocationSlot(location) != 0) {
    write.projection_rows.emplace_back(MirroredKey(leaf_hash),
                                       BigEndian64(location));
  }
}

void Log::StageRefusal(uint64_t location, const absl::Status& why,
                       LogBatch& write, std::string& latest) {
  latest = absl::StrCat("location ", location, ": ", why.message());
  write.projection_rows.emplace_back(RefusedKey(location),
                                     std::string(why.message()));
}

absl::StatusOr<MirroredResult> Log::RetryParked(Staged& staged, LogBatch& write,
                                                std::string& latest) {
  MirroredResult result;
  std::vector<bool> done(parked_.size(), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t i = 0; i < parked_.size(); ++i) {
      if (done[i]) continue;
      Parked& p = parked_[i];
      const Hash& leaf_hash = p.incoming.leaf_hash;
      SKP_ASSIGN_OR_RETURN(bool known, Known(leaf_hash, p.location, staged));
      if (!known) {
        // Its signatures are checked once, when its signers are known.
        absl::Status status = p.verified
                                  ? absl::OkStatus()
                                  : validator_->ValidateLogged(p.incoming);
        if (status.ok()) {
          p.verified = true;
          status =
              validator_->Admit(p.incoming, p.location, write.projection_rows);
        }
        if (IsAwaitingDependency(status)) continue;
        if (status.ok()) {
          MarkAdmitted(leaf_hash, p.location, staged, write);
          ++result.admitted;
          progress = true;
        } else {
          StageRefusal(p.location, status, write, latest);
          ++result.refused;
        }
      }
      done[i] = true;
      write.projection_deletes.push_back(ParkedKey(p.location));
    }
  }
  return result;
}

void Log::CommitMirrorTask(MirrorTask& task) {
  LogBatch& write = task.batch;
  MirroredResult result;
  Staged staged;
  size_t parked_before = parked_.size();
  std::string latest_refusal;
  absl::Status failure;
  for (size_t i = 0; i < write.entries.size() && failure.ok(); ++i) {
    const Hash& leaf = write.leaf_hashes[i];
    auto& [incoming, validation] = task.decoded[i];
    uint64_t location = RecordLocation(task.slot, write.first_index + i);
    if (!validation.ok() && !IsAwaitingDependency(validation)) {
      StageRefusal(location, validation, write, latest_refusal);
      ++result.refused;
      continue;
    }
    absl::StatusOr<bool> known = Known(leaf, location, staged);
    if (!known.ok()) {
      failure = known.status();
      break;
    }
    if (*known) {
      ++result.known;
      continue;
    }
    absl::Status admission =
        validation.ok()
            ? validator_->Admit(*incoming, location, write.projection_rows)
            : validation;
    if (admission.ok()) {
      MarkAdmitted(leaf, location, staged, write);
      ++result.admitted;
    } else if (!IsAwaitingDependency(admission)) {
      StageRefusal(location, admission, write, latest_refusal);
      ++result.refused;
    } else if (parked_.size() >= options_.max_parked) {
      StageRefusal(
          location,
          absl::ResourceExhaustedError(absl::StrCat(
              "the parked set is full (", options_.max_parked,
              " records) and this record waits: ", admission.message())),
          write, latest_refusal);
      ++result.refused;
    } else {
      write.projection_rows.emplace_back(ParkedKey(location),
                                         std::string(AsBytes(leaf)));
      parked_.push_back({location, *std::move(incoming), validation.ok()});
    }
  }
  size_t parked_now = parked_.size();
  if (failure.ok() && result.admitted > 0) {
    absl::StatusOr<MirroredResult> retried =
        RetryParked(staged, write, latest_refusal);
    if (retried.ok()) {
      result.admitted += retried->admitted;
      result.refused += retried->refused;
    } else {
      failure = retried.status();
    }
  }
  if (failure.ok() && task.mirror == nullptr) {
    // Readmitting stored entries: projection rows only, on the own store.
    LogBatch rows;
    rows.first_index = range_.size();
    rows.checkpoint = Head().checkpoint;
    rows.projection_rows = std::move(write.projection_rows);
    rows.projection_deletes = std::move(write.projection_deletes);
    failure = store_->Commit(rows);
    write.projection_deletes = std::move(rows.projection_deletes);
  } else if (failure.ok()) {
    failure = task.mirror->Commit(write);
  }
  if (failure.ok()) {
    validator_->Committed();
    // Parked records whose rows this batch deleted are resolved.
    absl::flat_hash_set<std::string> resolved(write.projection_deletes.begin(),
                                              write.projection_deletes.end());
    for (size_t i = parked_before; i < parked_now; ++i)
      result.parked += !resolved.contains(ParkedKey(parked_[i].location));
    std::erase_if(parked_, [&](const Parked& p) {
      return resolved.contains(ParkedKey(p.location));
    });
    parked_count_ = parked_.size();
    NoteRefusals(result.refused, std::move(latest_refusal));
    task.result = result;
  } else {
    validator_->Aborted();
    parked_.resize(parked_before);
    task.result = absl::UnavailableError(absl::StrCat(
        "mirrored entries were not made durable: ", failure.message()));
  }
  task.done.set_value();
}

void Log::WriterLoop() {
  std::unique_lock lock(queue_mu_);
  while (true) {
    queue_cv_.wait(lock, [this] {
      return stopping_ || !queue_.empty() || !mirror_tasks_.empty();
    });
    if (!mirror_tasks_.empty()) {
      MirrorTask* task = mirror_tasks_.front();
      mirror_tasks_.pop_front();
      lock.unlock();
      CommitMirrorTask(*task);
      lock.lock();
      continue;
    }
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
  // Where each pending entry ends up (a RecordLocation) and whether it was
  // there already, or why it was not admitted.
  std::vector<absl::StatusOr<std::pair<uint64_t, bool>>> placed;
  placed.reserve(batch.size());
  absl::flat_hash_map<Hash, uint64_t> in_batch;
  absl::Status failure;
  size_t admitted = 0;

  for (Pending& p : batch) {
    const Hash& leaf_hash = p.incoming.leaf_hash;
    if (auto it = in_batch.find(leaf_hash); it != in_batch.end()) {
      placed.emplace_back(std::make_pair(it->second, true));
      continue;
    }
    absl::StatusOr<std::optional<uint64_t>> stored =
        store_->FindLeaf(leaf_hash);
    if (!stored.ok()) {
      failure = stored.status();
      break;
    }
    if (stored->has_value()) {
      placed.emplace_back(std::make_pair(**stored, true));
      continue;
    }
    // A record already admitted from a mirror is not logged again: this
    // node holds it already, and the caller's receipt names the peer's log.
    absl::StatusOr<std::optional<std::string>> mirrored =
        store_->GetProjection(MirroredKey(leaf_hash));
    if (!mirrored.ok()) {
      failure = mirrored.status();
      break;
    }
    if (mirrored->has_value()) {
      absl::StatusOr<uint64_t> location = MirroredRowLocation(**mirrored);
      if (!location.ok()) {
        failure = location.status();
        break;
      }
      placed.emplace_back(std::make_pair(*location, true));
      continue;
    }
    uint64_t index = next.size();
    if (absl::Status admission =
            validator_->Admit(p.incoming, index, write.projection_rows);
        !admission.ok()) {
      placed.emplace_back(admission);
      continue;
    }
    ++admitted;
    next.Append(leaf_hash, nodes);
    in_batch.emplace(leaf_hash, index);
    write.entries.push_back(std::move(p.entry));
    write.leaf_hashes.push_back(leaf_hash);
    placed.emplace_back(std::make_pair(index, false));
  }

  LogHead head = Head();
  absl::flat_hash_set<std::string> resolved;
  size_t refused = 0;
  std::string latest_refusal;
  if (failure.ok() && admitted > 0 && !parked_.empty()) {
    Staged staged;
    absl::StatusOr<MirroredResult> retried =
        RetryParked(staged, write, latest_refusal);
    if (retried.ok()) {
      refused = retried->refused;
    } else {
      failure = retried.status();
    }
    resolved.insert(write.projection_deletes.begin(),
                    write.projection_deletes.end());
  }
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
      absl::Time began = absl::Now();
      failure = store_->Commit(write);
      if (failure.ok() && options_.on_commit)
        options_.on_commit(write.entries.size(), absl::Now() - began);
    }
    if (failure.ok()) {
      range_ = std::move(next);
      head = next_head;
      PublishHead(std::move(next_head));
    }
  }
  if (failure.ok()) {
    validator_->Committed();
    std::erase_if(parked_, [&](const Parked& p) {
      return resolved.contains(ParkedKey(p.location));
    });
    parked_count_ = parked_.size();
    NoteRefusals(refused, std::move(latest_refusal));
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
      // placed[i]->first is a RecordLocation (slot 0: an own-log index).
      uint64_t location = placed[i]->first;
      int slot = LocationSlot(location);
      batch[i].done(AppendResult{LocationIndex(location),
                                 batch[i].incoming.leaf_hash, placed[i]->second,
                                 slot == 0 ? head.checkpoint : "", slot});
    }
  }
}

void Log::PublishHead(LogHead head) {
  {
    std::lock_guard lock(head_mu_);
    head_ = std::move(head);
  }
  head_cv_.notify_all();
  NotifyGrowth();
}

LogHead Log::Head() const {
  std::lock_guard lock(head_mu_);
  return head_;
}

LogHead Log::WaitForGrowth(uint64_t size, absl::Time deadline) const {
  std::unique_lock lock(head_mu_);
  head_cv_.wait_until(lock, absl::ToChronoTime(deadline),
                      [&] { return head_.size > size; });
  return head_;
}

size_t Log::parked() const { return parked_count_.load(); }

void Log::NoteRefusals(size_t count, std::string latest) {
  if (count == 0) return;
  refused_count_ += count;
  std::lock_guard lock(refusal_mu_);
  latest_refusal_ = std::move(latest);
}

size_t Log::refused() const { return refused_count_.load(); }

std::string Log::latest_refusal() const {
  std::lock_guard lock(refusal_mu_);
  return latest_refusal_;
}

absl::StatusOr<std::vector<uint64_t>> Log::ParkedLocations() const {
  std::vector<uint64_t> out;
  SKP_RETURN_IF_ERROR(store_->ScanProjections(
      kParkedPrefix, [&](absl::string_view key, absl::string_view) {
        out.push_back(ReadBigEndian(key.substr(kParkedPrefix.size())));
        return true;
      }));
  return out;
}

}  // namespace skp::ledger
