#include "ledger/rocksdb_store.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace skp::ledger {
namespace {

constexpr char kEntriesCf[] = "entries";
constexpr char kLeafIndexCf[] = "leaf_index";
constexpr char kNodesCf[] = "merkle_nodes";
constexpr char kMetaCf[] = "meta";
constexpr char kProjectionsCf[] = "projections";
constexpr char kSizeKey[] = "size";
constexpr char kCheckpointKey[] = "checkpoint";

absl::StatusOr<uint64_t> ParseBigEndian64(absl::string_view bytes) {
  if (bytes.size() != 8)
    return absl::DataLossError("stored integer is not 8 bytes");
  uint64_t v = 0;
  for (unsigned char c : bytes) v = v << 8 | c;
  return v;
}

std::string NodeKey(int level, uint64_t index) {
  return absl::StrCat(std::string(1, static_cast<char>(level)),
                      BigEndian64(index));
}

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound())
    return absl::NotFoundError(absl::StrCat(what, ": not found"));
  if (s.IsCorruption())
    return absl::DataLossError(absl::StrCat(what, ": ", s.ToString()));
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

}  // namespace

struct RocksDbStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::ColumnFamilyHandle* entries = nullptr;
  rocksdb::ColumnFamilyHandle* leaf_index = nullptr;
  rocksdb::ColumnFamilyHandle* nodes = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  rocksdb::ColumnFamilyHandle* projections = nullptr;
  std::atomic<uint64_t> size{0};

  ~Impl() {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  }

  absl::StatusOr<std::optional<std::string>> Get(
      rocksdb::ColumnFamilyHandle* cf, absl::string_view key) const {
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), cf,
                                rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) return FromRocks(s, "read");
    return std::string(value.data(), value.size());
  }
};

RocksDbStore::RocksDbStore(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
RocksDbStore::~RocksDbStore() = default;

absl::StatusOr<std::unique_ptr<RocksDbStore>> RocksDbStore::Open(
    const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);

  // Point lookups by leaf hash and node key: bloom filters avoid disk reads
  // for absent keys (every new append checks for a duplicate).
  rocksdb::BlockBasedTableOptions point_lookup;
  point_lookup.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions lookup_cf(options);
  lookup_cf.table_factory.reset(
      rocksdb::NewBlockBasedTableFactory(point_lookup));

  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName,
       rocksdb::ColumnFamilyOptions(options)},
      {kEntriesCf, rocksdb::ColumnFamilyOptions(options)},
      {kLeafIndexCf, lookup_cf},
      {kNodesCf, lookup_cf},
      {kMetaCf, rocksdb::ColumnFamilyOptions(options)},
      {kProjectionsCf, lookup_cf},
  };
  auto impl = std::make_unique<Impl>();
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(options, path, cfs, &impl->handles, &db);
  if (!s.ok()) return FromRocks(s, absl::StrCat("open ", path));
  impl->db.reset(db);
  impl->entries = impl->handles[1];
  impl->leaf_index = impl->handles[2];
  impl->nodes = impl->handles[3];
  impl->meta = impl->handles[4];
  impl->projections = impl->handles[5];
  auto size = impl->Get(impl->meta, kSizeKey);
  if (!size.ok()) return size.status();
  if (size->has_value()) {
    auto parsed = ParseBigEndian64(**size);
    if (!parsed.ok()) return parsed.status();
    impl->size = *parsed;
  }
  return std::unique_ptr<RocksDbStore>(new RocksDbStore(std::move(impl)));
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

absl::StatusOr<uint64_t> RocksDbStore::Size() const {
  return impl_->size.load();
}

absl::StatusOr<std::string> RocksDbStore::GetEntry(uint64_t index) const {
  auto value = impl_->Get(impl_->entries, BigEndian64(index));
  if (!value.ok()) return value.status();
  if (!value->has_value())
    return absl::NotFoundError(absl::StrCat("no entry ", index));
  return **std::move(value);
}

absl::Status RocksDbStore::ScanEntries(
    uint64_t from, uint64_t to,
    absl::FunctionRef<bool(uint64_t, absl::string_view)> visit) const {
  std::string upper = BigEndian64(to);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(options, impl_->entries));
  for (it->Seek(BigEndian64(from)); it->Valid(); it->Next()) {
    auto index =
        ParseBigEndian64(absl::string_view(it->key().data(), it->key().size()));
    if (!index.ok()) return index.status();
    if (!visit(*index,
               absl::string_view(it->value().data(), it->value().size())))
      break;
  }
  return FromRocks(it->status(), "scan entries");
}

absl::StatusOr<std::optional<uint64_t>> RocksDbStore::FindLeaf(
    const Hash& leaf_hash) const {
  auto value = impl_->Get(impl_->leaf_index, AsBytes(leaf_hash));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;
  auto index = ParseBigEndian64(**value);
  if (!index.ok()) return index.status();
  return *index;
}

absl::StatusOr<Hash> RocksDbStore::GetNode(int level, uint64_t index) const {
  auto value = impl_->Get(impl_->nodes, NodeKey(level, index));
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no node at level ", level, " index ", index));
  }
  auto hash = HashFromBytes(**value);
  if (!hash.ok()) return absl::DataLossError("stored node is not 32 bytes");
  return *hash;
}

absl::StatusOr<std::string> RocksDbStore::LatestCheckpoint() const {
  auto value = impl_->Get(impl_->meta, kCheckpointKey);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return absl::NotFoundError("no checkpoint yet");
  return **std::move(value);
}

absl::Status RocksDbStore::ScanProjections(
    absl::string_view prefix,
    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->projections));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Valid() &&
       it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Next()) {
    if (!visit(absl::string_view(it->key().data(), it->key().size()),
               absl::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  return FromRocks(it->status(), "scan projections");
}

absl::Status RocksDbStore::ClearProjections() {
  // Every projection key starts with a printable ASCII prefix ("registry/",
  // "passport/", ...), so [0x00, 0xff) covers them all.
  rocksdb::WriteBatch wb;
  wb.DeleteRange(impl_->projections, rocksdb::Slice("\x00", 1),
                 rocksdb::Slice("\xff", 1));
  rocksdb::WriteOptions options;
  options.sync = true;
  return FromRocks(impl_->db->Write(options, &wb), "clear projections");
}

absl::Status RocksDbStore::Commit(const LogBatch& batch) {
  uint64_t size = impl_->size.load();
  if (batch.first_index != size) {
    return absl::FailedPreconditionError(absl::StrCat(
        "batch starts at ", batch.first_index, " but the log has ", size));
  }
  rocksdb::WriteBatch wb;
  for (size_t i = 0; i < batch.entries.size(); ++i) {
    std::string key = BigEndian64(batch.first_index + i);
    wb.Put(impl_->entries, key, batch.entries[i]);
    absl::string_view leaf = AsBytes(batch.leaf_hashes[i]);
    wb.Put(impl_->leaf_index, rocksdb::Slice(leaf.data(), leaf.size()), key);
  }
  for (const LogBatch::Node& node : batch.nodes) {
    absl::string_view hash = AsBytes(node.hash);
    wb.Put(impl_->nodes, NodeKey(node.level, node.index),
           rocksdb::Slice(hash.data(), hash.size()));
  }
  for (const auto& [key, value] : batch.projection_rows) {
    wb.Put(impl_->projections, key, value);
  }
  uint64_t new_size = batch.first_index + batch.entries.size();
  wb.Put(impl_->meta, kSizeKey, BigEndian64(new_size));
  wb.Put(impl_->meta, kCheckpointKey, batch.checkpoint);
  rocksdb::WriteOptions options;
  options.sync = true;
  absl::Status status = FromRocks(impl_->db->Write(options, &wb), "commit");
  if (status.ok()) impl_->size = new_size;
  return status;
}

}  // namespace skp::ledger
