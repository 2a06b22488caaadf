#include "ledger/entry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ledger/bytes.h"
#include "ledger/status_macros.h"

namespace skp::ledger {
namespace {

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed entry: ", what));
}

absl::Status CheckFields(const Entry& entry) {
  if (entry.payload_type.empty() ||
      entry.payload_type.size() > kMaxPayloadTypeSize) {
    return Malformed(absl::StrCat("payload type must be 1 to ",
                                  kMaxPayloadTypeSize, " bytes"));
  }
  for (unsigned char c : entry.payload_type) {
    if (c < 0x21 || c > 0x7e)
      return Malformed("payload type must be printable ASCII");
  }
  if (entry.payload.size() > kMaxPayloadSize) {
    return Malformed(absl::StrCat("payload is ", entry.payload.size(),
                                  " bytes; the limit is ", kMaxPayloadSize));
  }
  if (entry.signatures.empty() || entry.signatures.size() > kMaxSignatures) {
    return Malformed(
        absl::StrCat("an entry carries 1 to ", kMaxSignatures, " signatures"));
  }
  for (size_t i = 0; i < entry.signatures.size(); ++i) {
    const EntrySignature& sig = entry.signatures[i];
    if (sig.key_id.empty() || sig.key_id.size() > kMaxKeyIdSize) {
      return Malformed(absl::StrCat("signature ", i, ": key id must be 1 to ",
                                    kMaxKeyIdSize, " bytes"));
    }
    if (sig.signature.empty() || sig.signature.size() > kMaxSignatureSize) {
      return Malformed(absl::StrCat("signature ", i, ": must be 1 to ",
                                    kMaxSignatureSize, " bytes"));
    }
    if (i > 0 && !(entry.signatures[i - 1].key_id < sig.key_id)) {
      return Malformed("signatures must be in strictly ascending key id order");
    }
  }
  return absl::OkStatus();
}

// Reads fixed-width fields from untrusted bytes, never past the end.
class Reader {
 public:
  explicit Reader(absl::string_view data) : data_(data) {}
  absl::StatusOr<uint64_t> Uint(int bytes, absl::string_view field) {
    if (data_.size() < static_cast<size_t>(bytes))
      return Malformed(absl::StrCat(field, " is truncated"));
    uint64_t v = ReadBigEndian(data_.substr(0, bytes));
    data_.remove_prefix(bytes);
    return v;
  }
  absl::StatusOr<std::string> Bytes(uint64_t n, absl::string_view field) {
    if (data_.size() < n) {
      return Malformed(absl::StrCat(field, " length ", n, " exceeds the ",
                                    data_.size(), " bytes left"));
    }
    std::string out(data_.substr(0, n));
    data_.remove_prefix(n);
    return out;
  }
  size_t remaining() const { return data_.size(); }

 private:
  absl::string_view data_;
};

}  // namespace

std::string PreAuthEncoding(absl::string_view payload_type,
                            absl::string_view payload) {
  return absl::StrCat("DSSEv1 ", payload_type.size(), " ", payload_type, " ",
                      payload.size(), " ", payload);
}

absl::StatusOr<std::string> EncodeEntry(Entry entry) {
  std::sort(entry.signatures.begin(), entry.signatures.end(),
            [](const EntrySignature& a, const EntrySignature& b) {
              return a.key_id < b.key_id;
            });
  SKP_RETURN_IF_ERROR(CheckFields(entry));
  std::string out;
  out.reserve(16 + entry.payload_type.size() + entry.payload.size() +
              entry.signatures.size() * 100);
  out.push_back(static_cast<char>(kEntryVersion));
  AppendBigEndian(out, entry.payload_type.size(), 2);
  out += entry.payload_type;
  AppendBigEndian(out, entry.payload.size(), 4);
  out += entry.payload;
  out.push_back(static_cast<char>(entry.signatures.size()));
  for (const EntrySignature& sig : entry.signatures) {
    out.push_back(static_cast<char>(sig.key_id.size()));
    out += sig.key_id;
    AppendBigEndian(out, sig.signature.size(), 2);
    out += sig.signature;
  }
  return out;
}

absl::StatusOr<Entry> DecodeEntry(absl::string_view bytes) {
  if (bytes.size() > kMaxEntrySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entry is ", bytes.size(), " bytes; the limit is ", kMaxEntrySize));
  }
  Reader in(bytes);
  SKP_ASSIGN_OR_RETURN(uint64_t version, in.Uint(1, "version"));
  if (version != kEntryVersion) {
    return Malformed(absl::StrCat("unknown version ", version));
  }
  Entry entry;
  SKP_ASSIGN_OR_RETURN(uint64_t type_len, in.Uint(2, "payload type length"));
  SKP_ASSIGN_OR_RETURN(entry.payload_type, in.Bytes(type_len, "payload type"));
  SKP_ASSIGN_OR_RETURN(uint64_t payload_len, in.Uint(4, "payload length"));
  SKP_ASSIGN_OR_RETURN(entry.payload, in.Bytes(payload_len, "payload"));
  SKP_ASSIGN_OR_RETURN(uint64_t count, in.Uint(1, "signature count"));
  for (uint64_t i = 0; i < count; ++i) {
    EntrySignature sig;
    SKP_ASSIGN_OR_RETURN(uint64_t id_len, in.Uint(1, "key id length"));
    SKP_ASSIGN_OR_RETURN(sig.key_id, in.Bytes(id_len, "key id"));
    SKP_ASSIGN_OR_RETURN(uint64_t sig_len, in.Uint(2, "signature length"));
    SKP_ASSIGN_OR_RETURN(sig.signature, in.Bytes(sig_len, "signature"));
    entry.signatures.push_back(std::move(sig));
  }
  if (in.remaining() != 0) {
    return Malformed(absl::StrCat(in.remaining(), " trailing bytes"));
  }
  SKP_RETURN_IF_ERROR(CheckFields(entry));
  return entry;
}

absl::StatusOr<std::string> SignEntry(absl::string_view payload_type,
                                      absl::string_view payload,
                                      absl::Span<const Signer* const> signers) {
  Entry entry{std::string(payload_type), std::string(payload), {}};
  std::string pae = PreAuthEncoding(payload_type, payload);
  for (const Signer* signer : signers) {
    entry.signatures.push_back(
        {signer->verifier().entry_key_id(), signer->Sign(pae)});
  }
  return EncodeEntry(std::move(entry));
}

}  // namespace skp::ledger
