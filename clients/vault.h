// The worker's identity vault, kept in the wallet beside their key: the
// identity attributes and the salt of the enrolment commitment, sealed with
// XChaCha20-Poly1305 (libsodium AEAD) under a per-passport vault key held in
// its own 0600 file. Erasing destroys both files; the ledger keeps only the
// commitment, so every record and proof still verifies and the identity can
// no longer be disclosed or linked.
//
//   <prefix>.vault-key   32-byte key, hex
//   <prefix>.vault       nonce(24) || ciphertext of (u32 salt length || salt ||
//   identity)
#ifndef SKP_CLIENTS_VAULT_H_
#define SKP_CLIENTS_VAULT_H_

#include <string>

#include "absl/status/statusor.h"

namespace skp::clients {

struct VaultEntry {
  std::string identity;
  std::string salt;
};

// Creates the vault and its key; fails if either exists.
absl::Status SealVault(const std::string& prefix, const VaultEntry& entry);
// kNotFound once erased; kDataLoss if the vault was altered.
absl::StatusOr<VaultEntry> OpenVault(const std::string& prefix);
// Overwrites and removes the key and the vault.
absl::Status EraseVault(const std::string& prefix);

}  // namespace skp::clients

#endif  // SKP_CLIENTS_VAULT_H_
