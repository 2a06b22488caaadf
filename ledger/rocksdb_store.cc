#include "ledger/rocksdb_store.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace skp::ledger {
namespace {

constexpr char kEntriesCf[] = "entries";
constexpr char kLeafIndexCf[] = "leaf_index";
constexpr char kNodesCf[] = "merkle_nodes";
constexpr char kMetaCf[] = "meta";
constexpr char kProjectionsCf[] = "projections";
constexpr char kMirrorEntriesCf[] = "mirror_entries";
constexpr char kMirrorLeafIndexCf[] = "mirror_leaf_index";
constexpr char kMirrorNodesCf[] = "mirror_nodes";
constexpr char kMirrorMetaCf[] = "mirror_meta";
constexpr char kSizeKey[] = "size";
constexpr char kCheckpointKey[] = "checkpoint";
// Mirror-meta keys that are not a mirror's: slot bytes are 1..255, so a
// leading 0x00 never collides with a slot prefix.
constexpr absl::string_view kSlotPrefix("\0slot/", 6);
constexpr absl::string_view kStatePrefix("\0state/", 7);

absl::StatusOr<uint64_t> ParseBigEndian64(absl::string_view bytes) {
  if (bytes.size() != 8)
    return absl::DataLossError("stored integer is not 8 bytes");
  return ReadBigEndian(bytes);
}

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound())
    return absl::NotFoundError(absl::StrCat(what, ": not found"));
  if (s.IsCorruption())
    return absl::DataLossError(absl::StrCat(what, ": ", s.ToString()));
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

rocksdb::Slice ToSlice(absl::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

absl::string_view FromSlice(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace

struct RocksDbStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::ColumnFamilyHandle* projections = nullptr;
  std::unique_ptr<Space> own;
  std::mutex mirrors_mu;
  std::unique_ptr<Space> by_slot[kMaxMirrorSlots + 1];  // guarded by mirrors_mu

  ~Impl();
  // The mirror space of `slot`, opened on first use; mirrors_mu held.
  absl::StatusOr<LogStore*> SlotLocked(int slot);

  absl::StatusOr<std::optional<std::string>> Get(
      rocksdb::ColumnFamilyHandle* cf, absl::string_view key) const {
    rocksdb::PinnableSlice value;
    rocksdb::Status s =
        db->Get(rocksdb::ReadOptions(), cf, ToSlice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) return FromRocks(s, "read");
    return std::string(value.data(), value.size());
  }

  absl::Status WriteSynced(rocksdb::WriteBatch& wb, absl::string_view what) {
    rocksdb::WriteOptions options;
    options.sync = true;
    return FromRocks(db->Write(options, &wb), what);
  }
};

// One log's four tables, every key prefixed by `prefix` (empty for the
// node's own log, the slot byte for a mirror).
class RocksDbStore::Space final : public LogStore {
 public:
  struct Tables {
    rocksdb::ColumnFamilyHandle* entries;
    rocksdb::ColumnFamilyHandle* leaf_index;
    rocksdb::ColumnFamilyHandle* nodes;
    rocksdb::ColumnFamilyHandle* meta;
  };

  static absl::StatusOr<std::unique_ptr<Space>> Open(Impl* impl, Tables tables,
                                                     std::string prefix) {
    auto space =
        std::unique_ptr<Space>(new Space(impl, tables, std::move(prefix)));
    auto size = impl->Get(tables.meta, space->Key(kSizeKey));
    if (!size.ok()) return size.status();
    if (size->has_value()) {
      auto parsed = ParseBigEndian64(**size);
      if (!parsed.ok()) return parsed.status();
      space->size_ = *parsed;
    }
    return space;
  }

  absl::StatusOr<uint64_t> Size() const override { return size_.load(); }

  absl::StatusOr<std::string> GetEntry(uint64_t index) const override {
    auto value = impl_->Get(t_.entries, Key(BigEndian64(index)));
    if (!value.ok()) return value.status();
    if (!value->has_value())
      return absl::NotFoundError(absl::StrCat("no entry ", index));
    return **std::move(value);
  }

  absl::Status ScanEntries(uint64_t from, uint64_t to,
                           absl::FunctionRef<bool(uint64_t, absl::string_view)>
                               visit) const override {
    std::string upper = Key(BigEndian64(to));
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(
        impl_->db->NewIterator(options, t_.entries));
    for (it->Seek(Key(BigEndian64(from))); it->Valid(); it->Next()) {
      auto index =
          ParseBigEndian64(FromSlice(it->key()).substr(prefix_.size()));
      if (!index.ok()) return index.status();
      if (!visit(*index, FromSlice(it->value()))) break;
    }
    return FromRocks(it->status(), "scan entries");
  }

  absl::StatusOr<std::optional<uint64_t>> FindLeaf(
      const Hash& leaf_hash) const override {
    auto value = impl_->Get(t_.leaf_index, Key(AsBytes(leaf_hash)));
    if (!value.ok()) return value.status();
    if (!value->has_value()) return std::nullopt;
    auto index = ParseBigEndian64(**value);
    if (!index.ok()) return index.status();
    return *index;
  }

  absl::StatusOr<Hash> GetNode(int level, uint64_t index) const override {
    auto value = impl_->Get(t_.nodes, NodeKey(level, index));
    if (!value.ok()) return value.status();
    if (!value->has_value()) {
      return absl::NotFoundError(
          absl::StrCat("no node at level ", level, " index ", index));
    }
    auto hash = HashFromBytes(**value);
    if (!hash.ok()) return absl::DataLossError("stored node is not 32 bytes");
    return *hash;
  }

  absl::StatusOr<std::vector<Hash>> GetNodes(int level, uint64_t from,
                                             uint64_t to) const override {
    std::string upper = NodeKey(level, to);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(
        impl_->db->NewIterator(options, t_.nodes));
    std::vector<Hash> nodes;
    nodes.reserve(to - from);
    uint64_t next = from;
    for (it->Seek(NodeKey(level, from)); it->Valid(); it->Next(), ++next) {
      if (FromSlice(it->key()) != NodeKey(level, next)) break;  // a gap
      auto hash = HashFromBytes(FromSlice(it->value()));
      if (!hash.ok()) return absl::DataLossError("stored node is not 32 bytes");
      nodes.push_back(*hash);
    }
    absl::Status scanned = FromRocks(it->status(), "scan nodes");
    if (!scanned.ok()) return scanned;
    if (next != to) {
      return absl::NotFoundError(
          absl::StrCat("no node at level ", level, " index ", next));
    }
    return nodes;
  }

  absl::StatusOr<std::string> LatestCheckpoint() const override {
    auto value = impl_->Get(t_.meta, Key(kCheckpointKey));
    if (!value.ok()) return value.status();
    if (!value->has_value()) return absl::NotFoundError("no checkpoint yet");
    return **std::move(value);
  }

  absl::StatusOr<std::optional<std::string>> GetProjection(
      absl::string_view key) const override {
    return impl_->Get(impl_->projections, key);
  }

  absl::Status ScanProjectionsFrom(
      absl::string_view prefix, absl::string_view from,
      absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit)
      const override {
    std::unique_ptr<rocksdb::Iterator> it(
        impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->projections));
    for (it->Seek(ToSlice(from));
         it->Valid() && it->key().starts_with(ToSlice(prefix)); it->Next()) {
      if (!visit(FromSlice(it->key()), FromSlice(it->value()))) break;
    }
    return FromRocks(it->status(), "scan projections");
  }

  absl::Status ClearProjections() override {
    // Every projection key starts with a printable ASCII prefix
    // ("registry/", "passport/", ...), so [0x00, 0xff) covers them all.
    rocksdb::WriteBatch wb;
    wb.DeleteRange(impl_->projections, rocksdb::Slice("\x00", 1),
                   rocksdb::Slice("\xff", 1));
    return impl_->WriteSynced(wb, "clear projections");
  }

  absl::Status Commit(const LogBatch& batch) override {
    uint64_t size = size_.load();
    if (batch.first_index != size) {
      return absl::FailedPreconditionError(absl::StrCat(
          "batch starts at ", batch.first_index, " but the log has ", size));
    }
    rocksdb::WriteBatch wb;
    for (size_t i = 0; i < batch.entries.size(); ++i) {
      std::string index = BigEndian64(batch.first_index + i);
      wb.Put(t_.entries, Key(index), batch.entries[i]);
      wb.Put(t_.leaf_index, Key(AsBytes(batch.leaf_hashes[i])), index);
    }
    for (const LogBatch::Node& node : batch.nodes) {
      wb.Put(t_.nodes, NodeKey(node.level, node.index),
             ToSlice(AsBytes(node.hash)));
    }
    for (const auto& [key, value] : batch.projection_rows) {
      wb.Put(impl_->projections, key, value);
    }
    for (const std::string& key : batch.projection_deletes) {
      wb.Delete(impl_->projections, key);
    }
    uint64_t new_size = batch.first_index + batch.entries.size();
    wb.Put(t_.meta, Key(kSizeKey), BigEndian64(new_size));
    wb.Put(t_.meta, Key(kCheckpointKey), batch.checkpoint);
    absl::Status status = impl_->WriteSynced(wb, "commit");
    if (status.ok()) size_ = new_size;
    return status;
  }

 private:
  Space(Impl* impl, Tables tables, std::string prefix)
      : impl_(impl), t_(tables), prefix_(std::move(prefix)) {}

  std::string Key(absl::string_view suffix) const {
    return absl::StrCat(prefix_, suffix);
  }
  std::string NodeKey(int level, uint64_t index) const {
    return absl::StrCat(prefix_, std::string(1, static_cast<char>(level)),
                        BigEndian64(index));
  }

  Impl* const impl_;
  const Tables t_;
  const std::string prefix_;
  std::atomic<uint64_t> size_{0};
};

absl::StatusOr<LogStore*> RocksDbStore::Impl::SlotLocked(int slot) {
  if (by_slot[slot] == nullptr) {
    auto space =
        Space::Open(this, {handles[6], handles[7], handles[8], handles[9]},
                    std::string(1, static_cast<char>(slot)));
    if (!space.ok()) return space.status();
    by_slot[slot] = *std::move(space);
  }
  return by_slot[slot].get();
}

RocksDbStore::Impl::~Impl() {
  own.reset();
  for (auto& space : by_slot) space.reset();
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
}

RocksDbStore::RocksDbStore(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
RocksDbStore::~RocksDbStore() = default;

absl::StatusOr<std::unique_ptr<RocksDbStore>> RocksDbStore::Open(
    const std::string& path, RocksDbStoreOptions store_options) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  options.max_total_wal_size = store_options.max_wal_bytes;

  // Point lookups by leaf hash and node key: bloom filters avoid disk reads
  // for absent keys (every new append checks for a duplicate).
  rocksdb::BlockBasedTableOptions point_lookup;
  point_lookup.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions lookup_cf(options);
  lookup_cf.table_factory.reset(
      rocksdb::NewBlockBasedTableFactory(point_lookup));
  rocksdb::ColumnFamilyOptions plain_cf(options);

  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, plain_cf},
      {kEntriesCf, plain_cf},
      {kLeafIndexCf, lookup_cf},
      {kNodesCf, lookup_cf},
      {kMetaCf, plain_cf},
      {kProjectionsCf, lookup_cf},
      {kMirrorEntriesCf, plain_cf},
      {kMirrorLeafIndexCf, lookup_cf},
      {kMirrorNodesCf, lookup_cf},
      {kMirrorMetaCf, plain_cf},
  };
  auto impl = std::make_unique<Impl>();
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(options, path, cfs, &impl->handles, &db);
  if (!s.ok()) return FromRocks(s, absl::StrCat("open ", path));
  impl->db.reset(db);
  const auto& h = impl->handles;
  impl->projections = h[5];
  auto own = Space::Open(impl.get(), {h[1], h[2], h[3], h[4]}, "");
  if (!own.ok()) return own.status();
  impl->own = *std::move(own);
  return std::unique_ptr<RocksDbStore>(new RocksDbStore(std::move(impl)));
}

absl::StatusOr<LogStore*> RocksDbStore::Mirror(absl::string_view origin,
                                               int* slot) {
  std::lock_guard lock(impl_->mirrors_mu);
  rocksdb::ColumnFamilyHandle* meta = impl_->handles[9];
  std::string slot_key = absl::StrCat(kSlotPrefix, origin);
  auto stored = impl_->Get(meta, slot_key);
  if (!stored.ok()) return stored.status();
  int number = 0;
  if (stored->has_value()) {
    if ((*stored)->size() != 1)
      return absl::DataLossError("a stored mirror slot is not one byte");
    number = static_cast<unsigned char>((**stored)[0]);
  } else {
    // Slots are handed out in order; the highest in use is the count.
    int used = 0;
    std::unique_ptr<rocksdb::Iterator> it(
        impl_->db->NewIterator(rocksdb::ReadOptions(), meta));
    for (it->Seek(ToSlice(kSlotPrefix));
         it->Valid() && it->key().starts_with(ToSlice(kSlotPrefix));
         it->Next()) {
      if (it->value().size() == 1)
        used = std::max(
            used, static_cast<int>(static_cast<unsigned char>(it->value()[0])));
    }
    if (used >= kMaxMirrorSlots)
      return absl::ResourceExhaustedError("every mirror slot is in use");
    number = used + 1;
    rocksdb::WriteBatch wb;
    wb.Put(meta, slot_key, std::string(1, static_cast<char>(number)));
    absl::Status written = impl_->WriteSynced(wb, "allocate mirror slot");
    if (!written.ok()) return written;
  }
  *slot = number;
  return impl_->SlotLocked(number);
}

absl::StatusOr<std::vector<RocksDbStore::MirrorInfo>> RocksDbStore::Mirrors() {
  std::vector<MirrorInfo> out;
  std::lock_guard lock(impl_->mirrors_mu);
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->handles[9]));
  for (it->Seek(ToSlice(kSlotPrefix));
       it->Valid() && it->key().starts_with(ToSlice(kSlotPrefix)); it->Next()) {
    if (it->value().size() != 1)
      return absl::DataLossError("a stored mirror slot is not one byte");
    int slot = static_cast<unsigned char>(it->value()[0]);
    absl::StatusOr<LogStore*> space = impl_->SlotLocked(slot);
    if (!space.ok()) return space.status();
    out.push_back({std::string(FromSlice(it->key()).substr(kSlotPrefix.size())),
                   slot, *space});
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list mirrors");
  std::sort(
      out.begin(), out.end(),
      [](const MirrorInfo& a, const MirrorInfo& b) { return a.slot < b.slot; });
  return out;
}

absl::StatusOr<std::optional<std::string>> RocksDbStore::GetState(
    absl::string_view key) const {
  return impl_->Get(impl_->handles[9], absl::StrCat(kStatePrefix, key));
}

absl::Status RocksDbStore::PutState(absl::string_view key,
                                    absl::string_view value) {
  rocksdb::WriteBatch wb;
  wb.Put(impl_->handles[9], absl::StrCat(kStatePrefix, key), ToSlice(value));
  return impl_->WriteSynced(wb, "put replication state");
}

absl::Status RocksDbStore::Flush() {
  rocksdb::FlushOptions options;
  options.wait = true;
  rocksdb::Status s = impl_->db->Flush(options, impl_->handles);
  if (!s.ok()) return FromRocks(s, "flush");
  return absl::OkStatus();
}

absl::Status RocksDbStore::Checkpoint(const std::string& dir) {
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(impl_->db.get(), &raw);
  if (!s.ok()) return FromRocks(s, "checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  s = checkpoint->CreateCheckpoint(dir);
  if (!s.ok()) return FromRocks(s, absl::StrCat("checkpoint to ", dir));
  return absl::OkStatus();
}

absl::StatusOr<std::string> RocksDbStore::GetRecordEntry(
    uint64_t location) const {
  int slot = LocationSlot(location);
  if (slot == 0) return impl_->own->GetEntry(LocationIndex(location));
  absl::StatusOr<LogStore*> mirror;
  {
    std::lock_guard lock(impl_->mirrors_mu);
    mirror = impl_->SlotLocked(slot);
  }
  if (!mirror.ok()) return mirror.status();
  return (*mirror)->GetEntry(LocationIndex(location));
}

absl::StatusOr<uint64_t> RocksDbStore::Size() const {
  return impl_->own->Size();
}
absl::StatusOr<std::string> RocksDbStore::GetEntry(uint64_t index) const {
  return impl_->own->GetEntry(index);
}
absl::Status RocksDbStore::ScanEntries(
    uint64_t from, uint64_t to,
    absl::FunctionRef<bool(uint64_t, absl::string_view)> visit) const {
  return impl_->own->ScanEntries(from, to, visit);
}
absl::StatusOr<std::optional<uint64_t>> RocksDbStore::FindLeaf(
    const Hash& leaf_hash) const {
  return impl_->own->FindLeaf(leaf_hash);
}
absl::StatusOr<Hash> RocksDbStore::GetNode(int level, uint64_t index) const {
  return impl_->own->GetNode(level, index);
}
absl::StatusOr<std::vector<Hash>> RocksDbStore::GetNodes(int level,
                                                         uint64_t from,
                                                         uint64_t to) const {
  return impl_->own->GetNodes(level, from, to);
}
absl::StatusOr<std::string> RocksDbStore::LatestCheckpoint() const {
  return impl_->own->LatestCheckpoint();
}
absl::StatusOr<std::optional<std::string>> RocksDbStore::GetProjection(
    absl::string_view key) const {
  return impl_->own->GetProjection(key);
}
absl::Status RocksDbStore::ScanProjectionsFrom(
    absl::string_view prefix, absl::string_view from,
    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit) const {
  return impl_->own->ScanProjectionsFrom(prefix, from, visit);
}
absl::Status RocksDbStore::ClearProjections() {
  return impl_->own->ClearProjections();
}
absl::Status RocksDbStore::Commit(const LogBatch& batch) {
  return impl_->own->Commit(batch);
}

}  // namespace skp::ledger
