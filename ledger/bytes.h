// Big-endian unsigned integers: the byte order of every format and storage
// key here (FORMAT.md). The one place they are written and read. Pure.
#ifndef SKP_LEDGER_BYTES_H_
#define SKP_LEDGER_BYTES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace skp::ledger {

// Appends the low `width` bytes of `value`, most significant first.
inline void AppendBigEndian(std::string& out, uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i)
    out.push_back(static_cast<char>(value >> (8 * i)));
}

inline std::string BigEndian32(uint32_t value) {
  std::string out;
  AppendBigEndian(out, value, 4);
  return out;
}

// 8 bytes: keys that sort in numeric order.
inline std::string BigEndian64(uint64_t value) {
  std::string out;
  AppendBigEndian(out, value, 8);
  return out;
}

// The integer `bytes` encode; callers check the width first (at most 8).
inline uint64_t ReadBigEndian(absl::string_view bytes) {
  uint64_t value = 0;
  for (unsigned char c : bytes) value = value << 8 | c;
  return value;
}

// `bytes` as a fixed-size array (an id held without a heap string), if it is
// exactly N bytes long.
template <size_t N>
std::optional<std::array<char, N>> FixedBytes(absl::string_view bytes) {
  if (bytes.size() != N) return std::nullopt;
  std::array<char, N> out;
  std::memcpy(out.data(), bytes.data(), N);
  return out;
}

}  // namespace skp::ledger

#endif  // SKP_LEDGER_BYTES_H_
