#include "services/registry/key_table.h"

#include <algorithm>
#include <vector>

#include "ledger/hash.h"

namespace skp::registry {

std::optional<KeyTable::WorkerKey> KeyTable::Compact(const KeyEntry& entry) {
  const records::SignerInfo& s = entry.signer;
  if (s.principal != records::Principal::kWorker || !s.roles.empty() ||
      !s.organisation_id.empty() || s.is_record_key) {
    return std::nullopt;
  }
  absl::StatusOr<std::string> decoded = ledger::HexDecode(s.owner);
  if (!decoded.ok() || ledger::HexEncode(*decoded) != s.owner) {
    return std::nullopt;
  }
  std::optional<std::array<char, 16>> passport =
      ledger::FixedBytes<16>(*decoded);
  if (!passport.has_value()) return std::nullopt;
  WorkerKey key;
  key.public_key = entry.public_key;
  key.passport = *passport;
  key.revoked_from = entry.revoked_from.value_or(kNotRevoked);
  return key;
}

KeyEntry KeyTable::Whole(const WorkerKey& key) {
  KeyEntry entry;
  entry.signer.principal = records::Principal::kWorker;
  entry.signer.owner = ledger::HexEncode(
      absl::string_view(key.passport.data(), key.passport.size()));
  entry.public_key = key.public_key;
  if (key.revoked_from != kNotRevoked) entry.revoked_from = key.revoked_from;
  return entry;
}

std::optional<KeyEntry> KeyTable::Find(absl::string_view key_id) const {
  if (std::optional<KeyId> id = AsKeyId(key_id)) {
    if (const WorkerKey* key = workers_.Find(*id)) return Whole(*key);
  }
  auto it = others_.find(key_id);
  if (it == others_.end()) return std::nullopt;
  return it->second;
}

bool KeyTable::Contains(absl::string_view key_id) const {
  std::optional<KeyId> id = AsKeyId(key_id);
  return (id.has_value() && workers_.contains(*id)) ||
         others_.contains(key_id);
}

void KeyTable::Put(absl::string_view key_id, const KeyEntry& entry) {
  std::optional<KeyId> id = AsKeyId(key_id);
  std::optional<WorkerKey> compact = Compact(entry);
  if (id.has_value() && compact.has_value()) {
    if (auto it = others_.find(key_id); it != others_.end()) others_.erase(it);
    workers_.Put(*id, *compact);
  } else {
    Erase(key_id);
    others_[std::string(key_id)] = entry;
  }
}

void KeyTable::Erase(absl::string_view key_id) {
  if (std::optional<KeyId> id = AsKeyId(key_id)) workers_.Erase(*id);
  if (auto it = others_.find(key_id); it != others_.end()) others_.erase(it);
}

void KeyTable::SetRevokedFrom(absl::string_view key_id,
                              std::optional<int64_t> from) {
  if (std::optional<KeyId> id = AsKeyId(key_id)) {
    if (WorkerKey* key = workers_.Find(*id)) {
      key->revoked_from = from.value_or(kNotRevoked);
      return;
    }
  }
  if (auto it = others_.find(key_id); it != others_.end())
    it->second.revoked_from = from;
}

void KeyTable::clear() {
  workers_.clear();
  others_.clear();
}

void KeyTable::ForEachSorted(
    absl::FunctionRef<void(absl::string_view, const KeyEntry&)> visit) const {
  std::vector<std::string> ids;
  ids.reserve(size());
  workers_.ForEach([&](const KeyId& id, const WorkerKey&) {
    ids.emplace_back(id.data(), id.size());
  });
  for (const auto& [id, key] : others_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) visit(id, *Find(id));
}

}  // namespace skp::registry
