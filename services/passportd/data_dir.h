// The layout of a node's data directory (README "Running a node"): the one
// place its file names are written down. Backups copy the same layout.
#ifndef SKP_SERVICES_PASSPORTD_DATA_DIR_H_
#define SKP_SERVICES_PASSPORTD_DATA_DIR_H_

#include <array>
#include <filesystem>
#include <string>

namespace skp::services {

class DataDir {
 public:
  explicit DataDir(std::filesystem::path root) : root_(std::move(root)) {}

  // The key and list files a backup carries beside the ledger.
  static constexpr std::array<const char*, 6> kKeyFiles = {
      "node.key",          "witness.key",  "governance.key",
      "trust-anchors.txt", "operator.key", "operator-keys.txt"};

  const std::filesystem::path& root() const { return root_; }
  std::string File(const char* name) const { return (root_ / name).string(); }
  std::string Ledger() const { return File("ledger"); }
  std::string NodeKey() const { return File("node.key"); }
  std::string WitnessKey() const { return File("witness.key"); }
  std::string GovernanceKey() const { return File("governance.key"); }
  std::string TrustAnchors() const { return File("trust-anchors.txt"); }
  std::string OperatorKey() const { return File("operator.key"); }
  std::string OperatorKeys() const { return File("operator-keys.txt"); }
  // The registry and workforce facts saved for a fast start (FORMAT.md
  // section 12); not in backups, which start by folding their rows.
  std::string Snapshot() const { return File("snapshot"); }
  // Where `passportd verify` rebuilds projections to compare them.
  std::string VerifyScratch() const { return File("verify-scratch"); }

 private:
  std::filesystem::path root_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_PASSPORTD_DATA_DIR_H_
