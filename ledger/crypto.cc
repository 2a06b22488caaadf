#include "ledger/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "ledger/bytes.h"
#include "ledger/hash.h"
#include "ledger/status_macros.h"

namespace skp::ledger {
namespace {

constexpr absl::string_view kPrivateKeyPrefix = "PRIVATE+KEY+";

absl::string_view KeyBytes(const std::array<uint8_t, 32>& key) {
  return absl::string_view(reinterpret_cast<const char*>(key.data()),
                           key.size());
}

uint32_t NoteKeyHash(absl::string_view name, const PublicKey& public_key,
                     char algorithm) {
  Hash h = Sha256Parts(
      {name, "\n", absl::string_view(&algorithm, 1), KeyBytes(public_key)});
  return static_cast<uint32_t>(ReadBigEndian(AsBytes(h).substr(0, 4)));
}

void EnsureSodium() {
  // sodium_init is idempotent and thread-safe; calling it here keeps callers
  // free of start-up ordering.
  if (sodium_init() < 0) std::abort();
}

struct KeyParts {
  std::string name;
  std::array<uint8_t, 32> key;
  char algorithm;
};

// Parses "name+hex8+base64(algorithm||32 bytes)" and checks the hash.
absl::StatusOr<KeyParts> ParseKeyParts(absl::string_view text, bool secret) {
  // The base64 key may itself contain '+': split off name and hash only.
  std::vector<absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits('+', 2));
  if (parts.size() != 3) {
    return absl::InvalidArgumentError(
        "a key string has three '+'-separated fields");
  }
  SKP_RETURN_IF_ERROR(ValidateKeyName(parts[0]));
  uint32_t hash = 0;
  if (parts[1].size() != 8 || !absl::SimpleHexAtoi(parts[1], &hash)) {
    return absl::InvalidArgumentError("key hash is not 8 hex digits");
  }
  auto raw = Base64Decode(parts[2]);
  if (!raw.ok() || raw->size() != 33 ||
      ((*raw)[0] != kAlgEd25519 && (*raw)[0] != kAlgCosignatureV1)) {
    return absl::InvalidArgumentError(
        "key is not base64 of 0x01 or 0x04 and 32 bytes");
  }
  std::array<uint8_t, 32> key;
  std::memcpy(key.data(), raw->data() + 1, 32);
  PublicKey public_key = key;
  if (secret) {
    EnsureSodium();
    std::array<uint8_t, 64> sk;
    crypto_sign_seed_keypair(public_key.data(), sk.data(), key.data());
    sodium_memzero(sk.data(), sk.size());
  }
  char algorithm = (*raw)[0];
  if (NoteKeyHash(parts[0], public_key, algorithm) != hash) {
    return absl::InvalidArgumentError(
        "key hash does not match the name and key");
  }
  return KeyParts{std::string(parts[0]), key, algorithm};
}

}  // namespace

std::string EntryKeyId(const PublicKey& public_key) {
  Hash h =
      Sha256Parts({absl::string_view(&kAlgEd25519, 1), KeyBytes(public_key)});
  return std::string(AsBytes(h));
}

absl::Status ValidateKeyName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("key name is empty");
  for (unsigned char c : name) {
    if (c <= ' ' || c == '+' || c == 0x7f) {
      return absl::InvalidArgumentError(
          "key name must not contain spaces, '+' or control characters");
    }
  }
  return absl::OkStatus();
}

Verifier::Verifier(std::string name, const PublicKey& public_key,
                   char algorithm)
    : name_(std::move(name)),
      public_key_(public_key),
      algorithm_(algorithm),
      key_hash_(NoteKeyHash(name_, public_key, algorithm)),
      entry_key_id_(EntryKeyId(public_key)) {}

absl::StatusOr<Verifier> Verifier::Parse(absl::string_view vkey) {
  SKP_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(vkey, /*secret=*/false));
  return Verifier(std::move(parts.name), parts.key, parts.algorithm);
}

std::string Verifier::ToString() const {
  return absl::StrFormat(
      "%s+%08x+%s", name_, key_hash_,
      Base64Encode(absl::StrCat(absl::string_view(&algorithm_, 1),
                                KeyBytes(public_key_))));
}

bool Verifier::Verify(absl::string_view message,
                      absl::string_view signature) const {
  if (signature.size() != kSignatureSize) return false;
  EnsureSodium();
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(signature.data()),
             reinterpret_cast<const unsigned char*>(message.data()),
             message.size(), public_key_.data()) == 0;
}

namespace {
PublicKey PublicFromSeed(const std::array<uint8_t, 32>& seed) {
  EnsureSodium();
  PublicKey pk;
  std::array<uint8_t, 64> sk;
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
  sodium_memzero(sk.data(), sk.size());
  return pk;
}
}  // namespace

Signer::Signer(std::string name, const std::array<uint8_t, 32>& seed,
               char algorithm)
    : seed_(seed), verifier_(std::move(name), PublicFromSeed(seed), algorithm) {
  PublicKey pk;
  crypto_sign_seed_keypair(pk.data(), secret_key_.data(), seed_.data());
}

absl::StatusOr<Signer> Signer::Generate(std::string name, char algorithm) {
  SKP_RETURN_IF_ERROR(ValidateKeyName(name));
  EnsureSodium();
  std::array<uint8_t, 32> seed;
  randombytes_buf(seed.data(), seed.size());
  return Signer(std::move(name), seed, algorithm);
}

absl::StatusOr<Signer> Signer::FromSeed(std::string name,
                                        const std::array<uint8_t, 32>& seed,
                                        char algorithm) {
  SKP_RETURN_IF_ERROR(ValidateKeyName(name));
  EnsureSodium();
  return Signer(std::move(name), seed, algorithm);
}

absl::StatusOr<Signer> Signer::Parse(absl::string_view private_key) {
  if (!absl::ConsumePrefix(&private_key, kPrivateKeyPrefix)) {
    return absl::InvalidArgumentError(
        "private key string must start with PRIVATE+KEY+");
  }
  SKP_ASSIGN_OR_RETURN(KeyParts parts,
                       ParseKeyParts(private_key, /*secret=*/true));
  return Signer(std::move(parts.name), parts.key, parts.algorithm);
}

std::string Signer::Sign(absl::string_view message) const {
  std::string sig(kSignatureSize, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_key_.data());
  return sig;
}

std::string Signer::ToPrivateKeyString() const {
  return absl::StrFormat(
      "%s%s+%08x+%s", kPrivateKeyPrefix, name(), verifier_.key_hash(),
      Base64Encode(absl::StrCat(absl::string_view(&verifier_.algorithm(), 1),
                                KeyBytes(seed_))));
}

absl::Status WriteKeyFile(const std::string& path, const Signer& signer) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create key file ", path, ": ", std::strerror(errno)));
  }
  std::string text = signer.ToPrivateKeyString() + "\n";
  bool ok = ::write(fd, text.data(), text.size()) ==
                static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  sodium_memzero(text.data(), text.size());
  ::close(fd);
  if (!ok)
    return absl::InternalError(absl::StrCat("cannot write key file ", path));
  return absl::OkStatus();
}

absl::StatusOr<Signer> ReadKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return absl::NotFoundError(absl::StrCat("cannot read key file ", path));
  std::string line;
  std::getline(in, line);
  auto signer = Signer::Parse(absl::StripAsciiWhitespace(line));
  sodium_memzero(line.data(), line.size());
  if (!signer.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("key file ", path, ": ", signer.status().message()));
  }
  return signer;
}

}  // namespace skp::ledger
