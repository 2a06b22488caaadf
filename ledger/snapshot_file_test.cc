#include "ledger/snapshot_file.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "gtest/gtest.h"

namespace skp::ledger {
namespace {

class SnapshotFileTest : public ::testing::Test {
 protected:
  SnapshotFileTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("snapshot-file-test-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "snapshot").string();
  }
  ~SnapshotFileTest() override { std::filesystem::remove_all(dir_); }

  absl::Status Write(const std::string& path, uint32_t version,
                     uint64_t marker) {
    absl::StatusOr<SnapshotWriter> out = SnapshotWriter::Create(path, version);
    if (!out.ok()) return out.status();
    out->U64(marker);
    out->Bytes("a name");
    out->Column(std::vector<uint32_t>{1, 2, 3});
    out->I64(-5);
    return out->Commit();
  }

  std::string Contents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void Overwrite(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SnapshotFileTest, ReadsBackWhatWasWritten) {
  ASSERT_TRUE(Write(path_, 7, 42).ok());
  absl::StatusOr<MappedSnapshot> mapped = MappedSnapshot::Open(path_, 7);
  ASSERT_TRUE(mapped.ok()) << mapped.status();
  SnapshotReader in(mapped->body());
  EXPECT_EQ(in.U64(), 42u);
  EXPECT_EQ(in.Bytes(), "a name");
  std::vector<uint32_t> column;
  in.Column(column);
  EXPECT_EQ(column, (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(in.I64(), -5);
  EXPECT_TRUE(in.Finish().ok());
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
}

TEST_F(SnapshotFileTest, AMissingFileOrAnotherVersionIsSaidSo) {
  EXPECT_EQ(MappedSnapshot::Open(path_, 1).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(Write(path_, 1, 42).ok());
  absl::Status other = MappedSnapshot::Open(path_, 2).status();
  EXPECT_EQ(other.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(other.message(), "the snapshot is of version 1, this build reads 2");
}

TEST_F(SnapshotFileTest, EveryTruncationAndEveryFlippedBitIsRefused) {
  ASSERT_TRUE(Write(path_, 1, 42).ok());
  const std::string good = Contents(path_);
  for (size_t size = 0; size < good.size(); ++size) {
    Overwrite(path_, good.substr(0, size));
    absl::Status status = MappedSnapshot::Open(path_, 1).status();
    EXPECT_FALSE(status.ok()) << "truncated to " << size;
  }
  for (size_t byte = 0; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
      Overwrite(path_, bad);
      EXPECT_FALSE(MappedSnapshot::Open(path_, 1).ok())
          << "byte " << byte << " bit " << bit;
    }
  }
}

// What a crash can leave: the previous file whole beside a partial
// temporary one (killed before the rename), or the new file whole (after).
// Readers take the file at the path, never the temporary one.
TEST_F(SnapshotFileTest, ACrashWhileWritingLeavesThePreviousSnapshot) {
  ASSERT_TRUE(Write(path_, 1, 1).ok());
  const std::string second = (dir_ / "second").string();
  ASSERT_TRUE(Write(second, 1, 2).ok());
  const std::string next = Contents(second);
  for (size_t size = 0; size <= next.size(); ++size) {
    Overwrite(path_ + ".tmp", next.substr(0, size));
    absl::StatusOr<MappedSnapshot> mapped = MappedSnapshot::Open(path_, 1);
    ASSERT_TRUE(mapped.ok()) << mapped.status();
    EXPECT_EQ(SnapshotReader(mapped->body()).U64(), 1u);
  }
  // A writer dropped before Commit replaces nothing and cleans up.
  {
    absl::StatusOr<SnapshotWriter> out = SnapshotWriter::Create(path_, 1);
    ASSERT_TRUE(out.ok());
    out->U64(3);
  }
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
  EXPECT_EQ(SnapshotReader(MappedSnapshot::Open(path_, 1)->body()).U64(), 1u);
}

TEST_F(SnapshotFileTest, ReadingPastTheEndIsDataLoss) {
  SnapshotReader in(absl::string_view("\x01\x00\x00", 3));
  EXPECT_EQ(in.U32(), 0u);
  EXPECT_EQ(in.status().code(), absl::StatusCode::kDataLoss);
  SnapshotReader column(absl::string_view("\xff\xff\xff\xff\xff\xff\xff\x7f", 8));
  std::vector<uint64_t> values;
  column.Column(values);
  EXPECT_TRUE(values.empty());
  EXPECT_EQ(column.status().code(), absl::StatusCode::kDataLoss);
  SnapshotReader left_over(absl::string_view("\x01\x02", 2));
  left_over.U8();
  EXPECT_EQ(left_over.Finish().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace skp::ledger
