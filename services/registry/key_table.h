// KeyTable: the trust registry's keys by entry key id (32 bytes). Nearly
// every key is a worker's, whose holder is wholly named by its passport's
// 16-byte id: those are kept in 88 bytes each, without strings, in a
// SortedMap, so a registry of a million passports fits in a fraction of the
// memory whole entries take (each with two heap strings and a set). Other keys
// (governance, organisations, professionals: thousands) are kept whole.
//
// Thread-safety: none; the registry holds its lock.
#ifndef SKP_SERVICES_REGISTRY_KEY_TABLE_H_
#define SKP_SERVICES_REGISTRY_KEY_TABLE_H_

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "ledger/bytes.h"
#include "ledger/crypto.h"
#include "ledger/sorted_map.h"
#include "records/authorization.h"

namespace skp::registry {

struct KeyEntry {
  records::SignerInfo signer;  // who holds the key (roles filled in on lookup)
  ledger::PublicKey public_key;
  std::optional<int64_t> revoked_from;  // Unix seconds

  // Signatures made at or after the revocation no longer vouch.
  bool RevokedAt(int64_t issued_at) const {
    return revoked_from.has_value() && issued_at >= *revoked_from;
  }
};

class KeyTable {
 public:
  std::optional<KeyEntry> Find(absl::string_view key_id) const;
  bool Contains(absl::string_view key_id) const;
  // Adds or replaces.
  void Put(absl::string_view key_id, const KeyEntry& entry);
  void Erase(absl::string_view key_id);
  // The key must be present.
  void SetRevokedFrom(absl::string_view key_id, std::optional<int64_t> from);
  size_t size() const { return workers_.size() + others_.size(); }
  void clear();
  // Room for this many workers' keys, to be put in key id order.
  void reserve(size_t keys) { workers_.reserve(keys); }
  // Every key in key id order.
  void ForEachSorted(
      absl::FunctionRef<void(absl::string_view, const KeyEntry&)> visit) const;

 private:
  using KeyId = std::array<char, 32>;
  static constexpr int64_t kNotRevoked = std::numeric_limits<int64_t>::max();
  struct WorkerKey {
    ledger::PublicKey public_key;
    std::array<char, 16> passport;
    int64_t revoked_from = kNotRevoked;
  };
  static std::optional<KeyId> AsKeyId(absl::string_view key_id) {
    return ledger::FixedBytes<sizeof(KeyId)>(key_id);
  }
  // A worker's key whose holder is a 16-byte passport id in hex.
  static std::optional<WorkerKey> Compact(const KeyEntry& entry);
  static KeyEntry Whole(const WorkerKey& key);

  // In the byte order ForEachSorted gives, so a restore appends.
  ledger::SortedMap<KeyId, WorkerKey, ledger::BytesLess> workers_;
  absl::flat_hash_map<std::string, KeyEntry> others_;
};

}  // namespace skp::registry

#endif  // SKP_SERVICES_REGISTRY_KEY_TABLE_H_
