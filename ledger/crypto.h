// Ed25519 signing keys (libsodium) and their C2SP signed-note encodings.
//
// A verifier key string is `name+hex8(key_hash)+base64(0x01 || public_key)`
// and a private key string `PRIVATE+KEY+name+hex8(key_hash)+base64(0x01 ||
// seed)`, exactly as golang.org/x/mod/sumdb/note writes them, where
// key_hash = SHA-256(name || "\n" || 0x01 || public_key)[0:4].
//
// Signer and Verifier are immutable after construction and thread-safe.
#ifndef SKP_LEDGER_CRYPTO_H_
#define SKP_LEDGER_CRYPTO_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace skp::ledger {

using PublicKey = std::array<uint8_t, 32>;
// Signature types of C2SP signed-note keys: a log's Ed25519 note key, and a
// witness's Ed25519 key for tlog-cosignature/v1 (its key hash and key string
// use 0x04, so the same bytes never name both).
inline constexpr char kAlgEd25519 = 0x01;
inline constexpr char kAlgCosignatureV1 = 0x04;
inline constexpr size_t kSignatureSize = 64;

// The key id that names a key in ledger entries: SHA-256(0x01 || public_key),
// 32 bytes (0x01 is the Ed25519 algorithm byte, as in C2SP notes).
std::string EntryKeyId(const PublicKey& public_key);

class Verifier {
 public:
  // Parses a verifier key string; rejects bad names, hashes and keys.
  static absl::StatusOr<Verifier> Parse(absl::string_view vkey);
  Verifier(std::string name, const PublicKey& public_key,
           char algorithm = kAlgEd25519);

  const std::string& name() const { return name_; }
  const PublicKey& public_key() const { return public_key_; }
  uint32_t key_hash() const { return key_hash_; }
  const char& algorithm() const { return algorithm_; }
  const std::string& entry_key_id() const { return entry_key_id_; }
  std::string ToString() const;  // the verifier key string

  bool Verify(absl::string_view message, absl::string_view signature) const;

 private:
  std::string name_;
  PublicKey public_key_;
  char algorithm_;
  uint32_t key_hash_;
  std::string entry_key_id_;
};

class Signer {
 public:
  // A fresh key from libsodium's CSPRNG.
  static absl::StatusOr<Signer> Generate(std::string name,
                                         char algorithm = kAlgEd25519);
  static absl::StatusOr<Signer> Parse(absl::string_view private_key);
  // A key derived from a 32-byte seed: deterministic test and synthetic
  // data only (never for a real key).
  static absl::StatusOr<Signer> FromSeed(std::string name,
                                         const std::array<uint8_t, 32>& seed,
                                         char algorithm = kAlgEd25519);

  const std::string& name() const { return verifier_.name(); }
  const Verifier& verifier() const { return verifier_; }
  std::string Sign(absl::string_view message) const;
  // The private key string. Secret: never log it.
  std::string ToPrivateKeyString() const;

 private:
  Signer(std::string name, const std::array<uint8_t, 32>& seed, char algorithm);

  std::array<uint8_t, 32> seed_;
  std::array<uint8_t, 64> secret_key_;
  Verifier verifier_;
};

// Key names follow C2SP signed-note: non-empty, no spaces, no '+', no
// control characters.
absl::Status ValidateKeyName(absl::string_view name);

// Writes the private key string to `path` with mode 0600; fails if the file
// exists (a key is never overwritten).
absl::Status WriteKeyFile(const std::string& path, const Signer& signer);
absl::StatusOr<Signer> ReadKeyFile(const std::string& path);

}  // namespace skp::ledger

#endif  // SKP_LEDGER_CRYPTO_H_
