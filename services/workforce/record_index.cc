#include "services/workforce/record_index.h"

#include <algorithm>
#include <cstring>

namespace skp::workforce {

namespace {
// Below this many, new ids stay in the hash map whatever the vector's size.
constexpr size_t kMinRecent = 4096;
}  // namespace

IdPrefix PrefixOf(absl::string_view id) {
  char bytes[16] = {};
  std::memcpy(bytes, id.data(), std::min(id.size(), sizeof bytes));
  IdPrefix prefix;
  std::memcpy(&prefix.first, bytes, 8);
  std::memcpy(&prefix.second, bytes + 8, 8);
  return prefix;
}

void RecordIndex::SortUnique(std::vector<Entry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.id != b.id ? a.id < b.id : a.value < b.value;
  });
  auto out = entries.begin();
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    auto next = std::next(it);
    if (next != entries.end() && next->id == it->id) continue;
    *out++ = *it;
  }
  entries.erase(out, entries.end());
}

void RecordIndex::StartBulk() {
  for (const auto& [id, value] : recent_) sorted_.push_back({id, value});
  recent_.clear();
  bulk_ = true;
}

void RecordIndex::Seal() {
  SortUnique(sorted_);
  sorted_.shrink_to_fit();
  bulk_ = false;
}

void RecordIndex::Add(IdPrefix id, uint64_t value) {
  if (bulk_) {
    sorted_.push_back({id, value});
    return;
  }
  uint64_t& stored = recent_[id];
  stored = std::max(stored, value);
  if (recent_.size() > std::max(kMinRecent, sorted_.size() / 8)) Merge();
}

std::optional<uint64_t> RecordIndex::Find(IdPrefix id) const {
  if (bulk_) return std::nullopt;
  if (auto it = recent_.find(id); it != recent_.end()) return it->second;
  auto it = std::lower_bound(
      sorted_.begin(), sorted_.end(), id,
      [](const Entry& entry, const IdPrefix& id) { return entry.id < id; });
  if (it == sorted_.end() || it->id != id) return std::nullopt;
  return it->value;
}

void RecordIndex::Save(ledger::SnapshotWriter& out) const {
  std::vector<Entry> fresh;
  fresh.reserve(recent_.size());
  for (const auto& [id, value] : recent_) fresh.push_back({id, value});
  SortUnique(fresh);
  // The merged entries' count first: ids in both count once.
  uint64_t count = sorted_.size() + fresh.size();
  auto old = sorted_.begin();
  for (const Entry& entry : fresh) {
    old = std::lower_bound(
        old, sorted_.end(), entry.id,
        [](const Entry& e, const IdPrefix& id) { return e.id < id; });
    if (old != sorted_.end() && old->id == entry.id) --count;
  }
  out.U64(count);
  auto put = [&](const Entry& entry) {
    out.U64(entry.id.first);
    out.U64(entry.id.second);
    out.U64(entry.value);
  };
  old = sorted_.begin();
  for (const Entry& entry : fresh) {
    while (old != sorted_.end() && old->id < entry.id) put(*old++);
    if (old != sorted_.end() && old->id == entry.id) {
      put({entry.id, std::max(old->value, entry.value)});
      ++old;
    } else {
      put(entry);
    }
  }
  for (; old != sorted_.end(); ++old) put(*old);
}

void RecordIndex::Restore(ledger::SnapshotReader& in) {
  uint64_t count = in.U64();
  sorted_.clear();
  sorted_.reserve(std::min<uint64_t>(count, in.remaining() / 24));
  for (uint64_t i = 0; i < count && in.status().ok(); ++i) {
    Entry entry;
    entry.id.first = in.U64();
    entry.id.second = in.U64();
    entry.value = in.U64();
    sorted_.push_back(entry);
  }
  recent_.clear();
  bulk_ = false;
}

void RecordIndex::Merge() {
  std::vector<Entry> fresh;
  fresh.reserve(recent_.size());
  for (const auto& [id, value] : recent_) fresh.push_back({id, value});
  recent_.clear();
  SortUnique(fresh);
  std::vector<Entry> merged;
  merged.reserve(sorted_.size() + fresh.size());
  auto old = sorted_.begin();
  for (const Entry& entry : fresh) {
    while (old != sorted_.end() && old->id < entry.id) merged.push_back(*old++);
    if (old != sorted_.end() && old->id == entry.id) {
      merged.push_back({entry.id, std::max(old->value, entry.value)});
      ++old;
    } else {
      merged.push_back(entry);
    }
  }
  merged.insert(merged.end(), old, sorted_.end());
  sorted_ = std::move(merged);
}

}  // namespace skp::workforce
