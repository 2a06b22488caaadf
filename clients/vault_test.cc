#include "clients/vault.h"

#include <sys/stat.h>

#include <fstream>

#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace skp::clients {
namespace {

TEST(VaultTest, SealsOpensAndErases) {
  testing::TempDir dir;
  std::string prefix = dir.File("tom.key");
  ASSERT_TRUE(
      SealVault(prefix, {"identity attributes", std::string(32, 's')}).ok());
  struct stat st;
  ASSERT_EQ(stat((prefix + ".vault-key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  // The identity is not in the vault file in the clear.
  std::ifstream in(prefix + ".vault", std::ios::binary);
  std::string sealed((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
  EXPECT_EQ(sealed.find("identity attributes"), std::string::npos);

  auto entry = OpenVault(prefix);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->identity, "identity attributes");
  EXPECT_EQ(entry->salt, std::string(32, 's'));
  EXPECT_EQ(SealVault(prefix, {"again", "salt"}).code(),
            absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(EraseVault(prefix).ok());
  EXPECT_EQ(OpenVault(prefix).status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(stat((prefix + ".vault").c_str(), &st), 0);
}

TEST(VaultTest, AnAlteredVaultDoesNotOpen) {
  testing::TempDir dir;
  std::string prefix = dir.File("k");
  ASSERT_TRUE(SealVault(prefix, {"identity", std::string(32, 's')}).ok());
  std::fstream file(prefix + ".vault",
                    std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(30);
  file.put('\x42');
  file.close();
  EXPECT_EQ(OpenVault(prefix).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace skp::clients
