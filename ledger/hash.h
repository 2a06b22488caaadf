// SHA-256 digests and the text encodings (hex, base64) used in the ledger's
// formats. All functions are pure and thread-safe.
#ifndef SKP_LEDGER_HASH_H_
#define SKP_LEDGER_HASH_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace skp::ledger {

using Hash = std::array<uint8_t, 32>;

Hash Sha256(absl::string_view data);
// SHA-256 of the concatenation of the parts, without copying them together.
Hash Sha256Parts(std::initializer_list<absl::string_view> parts);

// SHA-256 of data given in pieces, for files too large to hold at once.
class Sha256Stream {
 public:
  Sha256Stream();
  void Update(absl::string_view data);
  Hash Finish();

 private:
  // OpenSSL's SHA256_CTX, kept opaque so this header needs no OpenSSL.
  alignas(8) unsigned char state_[112];
};

absl::string_view AsBytes(const Hash& hash);
// Fails unless `bytes` is exactly 32 bytes long.
absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes);

std::string HexEncode(absl::string_view bytes);
// Strict: even length, [0-9a-fA-F] only.
absl::StatusOr<std::string> HexDecode(absl::string_view hex);

// Standard base64 with padding (RFC 4648 section 4), as C2SP notes use.
std::string Base64Encode(absl::string_view bytes);
// Strict: rejects anything Base64Encode would not have produced.
absl::StatusOr<std::string> Base64Decode(absl::string_view text);

}  // namespace skp::ledger

#endif  // SKP_LEDGER_HASH_H_
