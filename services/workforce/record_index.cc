#include "services/workforce/record_index.h"

#include <algorithm>
#include <cstring>

namespace skp::workforce {

IdPrefix PrefixOf(absl::string_view id) {
  char bytes[16] = {};
  std::memcpy(bytes, id.data(), std::min(id.size(), sizeof bytes));
  IdPrefix prefix;
  std::memcpy(&prefix.first, bytes, 8);
  std::memcpy(&prefix.second, bytes + 8, 8);
  return prefix;
}

void RecordIndex::StartBulk() {
  rows_.ForEach([&](const IdPrefix& id, uint64_t value) {
    loading_.emplace_back(id, value);
  });
  rows_.clear();
  bulk_ = true;
}

void RecordIndex::Seal() {
  // By id, and of one id's values the largest last, which stands.
  std::sort(loading_.begin(), loading_.end());
  auto out = loading_.begin();
  for (auto it = loading_.begin(); it != loading_.end(); ++it) {
    auto next = std::next(it);
    if (next != loading_.end() && next->first == it->first) continue;
    *out++ = *it;
  }
  loading_.erase(out, loading_.end());
  rows_.AssignSorted(std::move(loading_));
  loading_ = {};
  bulk_ = false;
}

void RecordIndex::Add(IdPrefix id, uint64_t value) {
  if (bulk_) {
    loading_.emplace_back(id, value);
  } else if (uint64_t* stored = rows_.Find(id)) {
    *stored = std::max(*stored, value);
  } else {
    rows_.Put(id, value);
  }
}

std::optional<uint64_t> RecordIndex::Find(IdPrefix id) const {
  if (bulk_) return std::nullopt;
  const uint64_t* value = rows_.Find(id);
  if (value == nullptr) return std::nullopt;
  return *value;
}

void RecordIndex::Save(ledger::SnapshotWriter& out) const {
  out.U64(rows_.size());
  rows_.ForEach([&](const IdPrefix& id, uint64_t value) {
    out.U64(id.first);
    out.U64(id.second);
    out.U64(value);
  });
}

void RecordIndex::Restore(ledger::SnapshotReader& in) {
  const uint64_t count = in.U64();
  rows_.clear();
  rows_.reserve(std::min<uint64_t>(count, in.remaining() / 24));
  for (uint64_t i = 0; i < count && in.status().ok(); ++i) {
    IdPrefix id;
    id.first = in.U64();
    id.second = in.U64();
    rows_.Put(id, in.U64());
  }
  bulk_ = false;
}

}  // namespace skp::workforce
