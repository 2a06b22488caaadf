#include "ledger/hash.h"

// The SHA256_* calls are deprecated in OpenSSL 3 in favour of EVP, whose
// per-call context allocation and algorithm fetch cost more than hashing a
// 65-byte Merkle node; the low-level calls use the same SHA-NI code.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <sodium.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace skp::ledger {

Hash Sha256(absl::string_view data) { return Sha256Parts({data}); }

Hash Sha256Parts(std::initializer_list<absl::string_view> parts) {
  // OpenSSL's SHA-256 uses the CPU's SHA extensions: ~3x libsodium here.
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  for (absl::string_view part : parts)
    SHA256_Update(&ctx, part.data(), part.size());
  Hash out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

Sha256Stream::Sha256Stream() {
  static_assert(sizeof(SHA256_CTX) <= sizeof(state_));
  SHA256_Init(reinterpret_cast<SHA256_CTX*>(state_));
}

void Sha256Stream::Update(absl::string_view data) {
  SHA256_Update(reinterpret_cast<SHA256_CTX*>(state_), data.data(),
                data.size());
}

Hash Sha256Stream::Finish() {
  Hash out;
  SHA256_Final(out.data(), reinterpret_cast<SHA256_CTX*>(state_));
  return out;
}

absl::string_view AsBytes(const Hash& hash) {
  return absl::string_view(reinterpret_cast<const char*>(hash.data()),
                           hash.size());
}

absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes) {
  if (bytes.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("a hash is 32 bytes, got ", bytes.size()));
  }
  Hash out;
  std::memcpy(out.data(), bytes.data(), 32);
  return out;
}

std::string HexEncode(absl::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::StatusOr<std::string> HexDecode(absl::string_view hex) {
  if (hex.size() % 2 != 0) {
    return absl::InvalidArgumentError("hex text has an odd number of digits");
  }
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a hex digit at offset ", 2 * i + (hi < 0 ? 0 : 1)));
    }
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string Base64Encode(absl::string_view bytes) {
  std::string out(
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL),
      '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // drop the NUL terminator
  return out;
}

absl::StatusOr<std::string> Base64Decode(absl::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()),
                        out.size(), text.data(), text.size(), nullptr, &len,
                        &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return absl::InvalidArgumentError("malformed base64");
  }
  out.resize(len);
  // Only the canonical encoding is accepted, so one value has one spelling.
  if (Base64Encode(out) != text) {
    return absl::InvalidArgumentError("non-canonical base64");
  }
  return out;
}

}  // namespace skp::ledger
