// Ledger entries: a payload (the signed record bytes, carried verbatim), its
// type, and the signatures over DSSE's pre-authentication encoding (PAE).
// The byte layout and limits are specified in ledger/FORMAT.md.
#ifndef SKP_LEDGER_ENTRY_H_
#define SKP_LEDGER_ENTRY_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ledger/crypto.h"

namespace skp::ledger {

inline constexpr absl::string_view kRecordPayloadType =
    "application/vnd.skillspassport.record.v1+protobuf";

inline constexpr uint8_t kEntryVersion = 1;
// An entry fits the 16-bit length prefix of a C2SP tlog-tiles entry bundle
// (ledger/tiles.h); a payload of the limit with every other field at its
// limit still fits.
inline constexpr size_t kMaxEntrySize = 65535;
inline constexpr size_t kMaxPayloadSize = 60000;
inline constexpr size_t kMaxPayloadTypeSize = 128;
inline constexpr size_t kMaxSignatures = 8;
inline constexpr size_t kMaxKeyIdSize = 64;
inline constexpr size_t kMaxSignatureSize = 512;

struct EntrySignature {
  std::string key_id;
  std::string signature;
  bool operator==(const EntrySignature&) const = default;
};

struct Entry {
  std::string payload_type;
  std::string payload;
  // Strictly ascending by key_id in an encoded entry.
  std::vector<EntrySignature> signatures;
  bool operator==(const Entry&) const = default;
};

// "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths in ASCII
// decimal: the exact bytes every signature covers.
std::string PreAuthEncoding(absl::string_view payload_type,
                            absl::string_view payload);

// Encodes an entry, sorting signatures by key id; fails if any limit or rule
// of FORMAT.md is broken.
absl::StatusOr<std::string> EncodeEntry(Entry entry);
// Decodes untrusted bytes: every length is checked against the buffer and the
// limits before use, the encoding must be canonical and use every byte.
absl::StatusOr<Entry> DecodeEntry(absl::string_view bytes);

// Signs `payload` with each signer and returns the encoded entry.
absl::StatusOr<std::string> SignEntry(absl::string_view payload_type,
                                      absl::string_view payload,
                                      absl::Span<const Signer* const> signers);

}  // namespace skp::ledger

#endif  // SKP_LEDGER_ENTRY_H_
