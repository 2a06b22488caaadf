#include "ledger/snapshot_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace skp::ledger {
namespace {

constexpr size_t kBufferSize = 1 << 20;
constexpr size_t kHeaderSize = kSnapshotMagic.size() + 4;

std::string TempPath(const std::string& path) { return path + ".tmp"; }

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(errno)));
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

absl::StatusOr<SnapshotWriter> SnapshotWriter::Create(std::string path,
                                                      uint32_t version) {
  std::string temp = TempPath(path);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("create", temp);
  SnapshotWriter writer(std::move(path), fd);
  writer.Raw(kSnapshotMagic.data(), kSnapshotMagic.size());
  writer.U32(version);
  return writer;
}

SnapshotWriter::SnapshotWriter(std::string path, int fd)
    : path_(std::move(path)), fd_(fd) {
  buffer_.reserve(kBufferSize);
}

SnapshotWriter::SnapshotWriter(SnapshotWriter&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(other.fd_),
      buffer_(std::move(other.buffer_)),
      written_(other.written_),
      hash_(other.hash_),
      failed_(other.failed_) {
  other.fd_ = -1;
}

SnapshotWriter::~SnapshotWriter() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(TempPath(path_).c_str());
}

void SnapshotWriter::Raw(const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    size_t room = kBufferSize - buffer_.size();
    size_t take = std::min(room, size);
    buffer_.append(bytes, take);
    bytes += take;
    size -= take;
    if (buffer_.size() == kBufferSize) Drain();
  }
}

void SnapshotWriter::Drain() {
  hash_.Update(buffer_);
  if (!failed_ && !WriteAll(fd_, buffer_.data(), buffer_.size()))
    failed_ = true;
  written_ += buffer_.size();
  buffer_.clear();
}

absl::Status SnapshotWriter::Commit() {
  Drain();
  Hash checksum = hash_.Finish();
  absl::string_view tail = AsBytes(checksum);
  std::string temp = TempPath(path_);
  if (failed_ || !WriteAll(fd_, tail.data(), tail.size()))
    return Errno("write", temp);
  if (::fsync(fd_) != 0) return Errno("sync", temp);
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    absl::Status error = Errno("rename", temp);
    ::unlink(temp.c_str());
    return error;
  }
  // The rename is durable once the directory is.
  std::string dir = std::filesystem::path(path_).parent_path().string();
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_CLOEXEC);
  if (dir_fd < 0) return Errno("open", dir);
  int synced = ::fsync(dir_fd);
  ::close(dir_fd);
  if (synced != 0) return Errno("sync", dir);
  return absl::OkStatus();
}

absl::string_view SnapshotReader::Take(uint64_t size) {
  if (size > rest_.size()) {
    Fail();
    return {};
  }
  absl::string_view taken = rest_.substr(0, size);
  rest_.remove_prefix(size);
  return taken;
}

absl::Status SnapshotReader::status() const {
  return failed_ ? absl::DataLossError("the snapshot's body ends early")
                 : absl::OkStatus();
}

absl::Status SnapshotReader::Finish() const {
  if (failed_) return status();
  if (!rest_.empty()) {
    return absl::DataLossError(absl::StrCat(
        "the snapshot's body has ", rest_.size(), " bytes left over"));
  }
  return absl::OkStatus();
}

absl::StatusOr<MappedSnapshot> MappedSnapshot::Open(const std::string& path,
                                                    uint32_t version) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError("no snapshot");
    return Errno("open", path);
  }
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    absl::Status error = Errno("stat", path);
    ::close(fd);
    return error;
  }
  uint64_t size = static_cast<uint64_t>(info.st_size);
  if (size < kHeaderSize + 32) {
    ::close(fd);
    return absl::DataLossError(
        absl::StrCat("the snapshot is ", size, " bytes, too short"));
  }
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (data == MAP_FAILED) return Errno("map", path);
  ::madvise(data, size, MADV_SEQUENTIAL | MADV_WILLNEED);
  MappedSnapshot mapped(data, size);
  absl::string_view file(static_cast<const char*>(data), size);
  if (!absl::StartsWith(file, kSnapshotMagic)) {
    return absl::DataLossError("the snapshot does not start with its magic");
  }
  uint32_t found = 0;
  std::memcpy(&found, file.data() + kSnapshotMagic.size(), 4);
  if (found != version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the snapshot is of version ", found, ", this build reads ", version));
  }
  absl::string_view signed_part = file.substr(0, size - 32);
  if (AsBytes(Sha256(signed_part)) != file.substr(size - 32)) {
    return absl::DataLossError("the snapshot fails its checksum");
  }
  mapped.body_ = signed_part.substr(kHeaderSize);
  return mapped;
}

MappedSnapshot::MappedSnapshot(void* data, uint64_t size)
    : data_(data), size_(size) {}

MappedSnapshot::MappedSnapshot(MappedSnapshot&& other) noexcept
    : data_(other.data_), size_(other.size_), body_(other.body_) {
  other.data_ = nullptr;
}

MappedSnapshot::~MappedSnapshot() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

}  // namespace skp::ledger
