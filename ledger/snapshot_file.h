// Snapshot files: in-memory state saved beside a store, so that a start maps
// one file instead of folding every projection row again (FORMAT.md section
// 12). The file is
//   "skp-snapshot\n" | version (u32) | body | SHA-256 of all before (32)
// with integers little-endian. A writer streams the body to NAME.tmp, syncs
// it, renames it over NAME and syncs the directory: a crash at any moment
// leaves the previous file or the new one, whole, and perhaps a partial
// NAME.tmp that nothing reads.
#ifndef SKP_LEDGER_SNAPSHOT_FILE_H_
#define SKP_LEDGER_SNAPSHOT_FILE_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ledger/hash.h"

namespace skp::ledger {

// Columns are written as their bytes in memory.
static_assert(std::endian::native == std::endian::little,
              "snapshot files are little-endian");

inline constexpr absl::string_view kSnapshotMagic = "skp-snapshot\n";

class SnapshotWriter {
 public:
  // Creates `path`.tmp; nothing replaces `path` until Commit.
  static absl::StatusOr<SnapshotWriter> Create(std::string path,
                                               uint32_t version);
  SnapshotWriter(SnapshotWriter&& other) noexcept;
  SnapshotWriter& operator=(SnapshotWriter&&) = delete;
  // Without Commit, removes the temporary file.
  ~SnapshotWriter();

  void U8(uint8_t value) { Raw(&value, 1); }
  void U32(uint32_t value) { Raw(&value, 4); }
  void U64(uint64_t value) { Raw(&value, 8); }
  void I64(int64_t value) { Raw(&value, 8); }
  // Length-prefixed (u32).
  void Bytes(absl::string_view bytes) {
    U32(static_cast<uint32_t>(bytes.size()));
    Raw(bytes.data(), bytes.size());
  }
  // A column: its length (u64) and its elements' bytes.
  template <typename T>
  void Column(const std::vector<T>& column) {
    static_assert(std::has_unique_object_representations_v<T>,
                  "a column's elements must have no padding");
    U64(column.size());
    Raw(column.data(), column.size() * sizeof(T));
  }
  uint64_t size() const { return written_ + buffer_.size(); }

  // Appends the checksum, syncs and renames over the path.
  absl::Status Commit();

 private:
  SnapshotWriter(std::string path, int fd);
  void Raw(const void* data, size_t size);
  void Drain();

  std::string path_;
  int fd_ = -1;
  std::string buffer_;
  uint64_t written_ = 0;
  Sha256Stream hash_;
  bool failed_ = false;
};

// Reads what SnapshotWriter wrote, in the same order. A read past the end
// returns zeros and makes status() kDataLoss; callers check it at the end.
class SnapshotReader {
 public:
  explicit SnapshotReader(absl::string_view body) : rest_(body) {}

  uint8_t U8() { return Scalar<uint8_t>(); }
  uint32_t U32() { return Scalar<uint32_t>(); }
  uint64_t U64() { return Scalar<uint64_t>(); }
  int64_t I64() { return Scalar<int64_t>(); }
  absl::string_view Bytes() { return Take(U32()); }
  template <typename T>
  void Column(std::vector<T>& column) {
    uint64_t count = U64();
    if (count > rest_.size() / (sizeof(T) == 0 ? 1 : sizeof(T))) {
      Fail();
      return;
    }
    column.resize(count);
    absl::string_view bytes = Take(count * sizeof(T));
    if (!bytes.empty()) std::memcpy(column.data(), bytes.data(), bytes.size());
  }
  uint64_t remaining() const { return rest_.size(); }
  // Whether everything was read, exactly.
  absl::Status Finish() const;
  absl::Status status() const;

 private:
  template <typename T>
  T Scalar() {
    T value{};
    absl::string_view bytes = Take(sizeof(T));
    if (bytes.size() == sizeof(T)) std::memcpy(&value, bytes.data(), sizeof(T));
    return value;
  }
  absl::string_view Take(uint64_t size);
  void Fail() {
    failed_ = true;
    rest_ = {};
  }

  absl::string_view rest_;
  bool failed_ = false;
};

// A snapshot file mapped into memory, its checksum and version checked.
class MappedSnapshot {
 public:
  // kNotFound if there is none; kFailedPrecondition if it is of another
  // version; kDataLoss if it is truncated or fails its checksum.
  static absl::StatusOr<MappedSnapshot> Open(const std::string& path,
                                             uint32_t version);
  MappedSnapshot(MappedSnapshot&& other) noexcept;
  MappedSnapshot& operator=(MappedSnapshot&&) = delete;
  ~MappedSnapshot();

  absl::string_view body() const { return body_; }
  uint64_t file_size() const { return size_; }

 private:
  MappedSnapshot(void* data, uint64_t size);

  void* data_ = nullptr;
  uint64_t size_ = 0;
  absl::string_view body_;
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_SNAPSHOT_FILE_H_
