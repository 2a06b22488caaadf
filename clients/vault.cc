#include "clients/vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "ledger/hash.h"
#include "ledger/status_macros.h"

namespace skp::clients {
namespace {

constexpr absl::string_view kAssociatedData = "skillspassport/vault/v1";

std::string KeyPath(const std::string& prefix) { return prefix + ".vault-key"; }
std::string VaultPath(const std::string& prefix) { return prefix + ".vault"; }

absl::Status WriteNew(const std::string& path, absl::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  bool ok = ::write(fd, bytes.data(), bytes.size()) ==
                static_cast<ssize_t>(bytes.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::StatusOr<std::string> Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("no vault at ", path));
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Overwrites a file's bytes before unlinking it.
absl::Status Shred(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return absl::NotFoundError(absl::StrCat("nothing to erase at ", path));
  off_t size = ::lseek(fd, 0, SEEK_END);
  std::string zeros(static_cast<size_t>(std::max<off_t>(size, 0)), '\0');
  bool ok = ::pwrite(fd, zeros.data(), zeros.size(), 0) ==
                static_cast<ssize_t>(zeros.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::unlink(path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot erase ", path));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SealVault(const std::string& prefix, const VaultEntry& entry) {
  if (sodium_init() < 0)
    return absl::InternalError("libsodium did not initialise");
  std::string key(crypto_aead_xchacha20poly1305_ietf_KEYBYTES, '\0');
  crypto_aead_xchacha20poly1305_ietf_keygen(
      reinterpret_cast<unsigned char*>(key.data()));
  uint32_t salt_size = static_cast<uint32_t>(entry.salt.size());
  std::string plain(reinterpret_cast<const char*>(&salt_size), 4);
  plain += entry.salt;
  plain += entry.identity;
  std::string sealed(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                         plain.size() +
                         crypto_aead_xchacha20poly1305_ietf_ABYTES,
                     '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &length,
      reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(kAssociatedData.data()),
      kAssociatedData.size(), nullptr, nonce,
      reinterpret_cast<const unsigned char*>(key.data()));
  sodium_memzero(plain.data(), plain.size());
  std::string key_hex = ledger::HexEncode(key) + "\n";
  sodium_memzero(key.data(), key.size());
  SKP_RETURN_IF_ERROR(WriteNew(KeyPath(prefix), key_hex));
  sodium_memzero(key_hex.data(), key_hex.size());
  return WriteNew(VaultPath(prefix), sealed);
}

absl::StatusOr<VaultEntry> OpenVault(const std::string& prefix) {
  if (sodium_init() < 0)
    return absl::InternalError("libsodium did not initialise");
  SKP_ASSIGN_OR_RETURN(std::string key_hex, Read(KeyPath(prefix)));
  SKP_ASSIGN_OR_RETURN(std::string key,
                       ledger::HexDecode(absl::StripAsciiWhitespace(key_hex)));
  SKP_ASSIGN_OR_RETURN(std::string sealed, Read(VaultPath(prefix)));
  size_t overhead = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                    crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES ||
      sealed.size() < overhead + 4) {
    return absl::DataLossError("the vault is damaged");
  }
  std::string plain(sealed.size() - overhead, '\0');
  unsigned long long length = 0;
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr,
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
      sealed.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
      reinterpret_cast<const unsigned char*>(kAssociatedData.data()),
      kAssociatedData.size(), nonce,
      reinterpret_cast<const unsigned char*>(key.data()));
  sodium_memzero(key.data(), key.size());
  if (rc != 0)
    return absl::DataLossError(
        "the vault does not decrypt: altered or wrong key");
  uint32_t salt_size = 0;
  std::memcpy(&salt_size, plain.data(), 4);
  if (salt_size > length - 4)
    return absl::DataLossError("the vault is damaged");
  VaultEntry entry{plain.substr(4 + salt_size, length - 4 - salt_size),
                   plain.substr(4, salt_size)};
  sodium_memzero(plain.data(), plain.size());
  return entry;
}

absl::Status EraseVault(const std::string& prefix) {
  absl::Status key = Shred(KeyPath(prefix));
  absl::Status vault = Shred(VaultPath(prefix));
  return key.ok() ? vault : key;
}

}  // namespace skp::clients
