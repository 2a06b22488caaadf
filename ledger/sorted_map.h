// SortedMap: a map of millions of small entries, loaded once and rarely
// changed, held in little more than the entries' own size.
//
// A flat hash map doubles its slots when it passes seven eighths full, so a
// million entries sit in two million slots (a node's registry at a million
// workers spent 150 MB on that). Here most entries sit in one sorted vector
// of exactly their size, found by bisection; entries added later go to a
// small hash map, merged into the vector whenever it passes an eighth of it,
// so adding stays cheap and the memory stays within an eighth of the
// entries'. Entries added in ascending order while the vector has room (a
// snapshot's restore, after `reserve`) are appended to it directly.
//
// Erasing an entry of the vector moves the entries after it: erasures are
// rare (an undone batch, mostly of entries it added, which are recent).
//
// Thread-safety: none.
#ifndef SKP_LEDGER_SORTED_MAP_H_
#define SKP_LEDGER_SORTED_MAP_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <functional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace skp::ledger {

// Pointers to a map's entries, sorted by key (to save a hash map in an order
// that does not depend on its history).
template <typename Map, typename Less = std::less<typename Map::key_type>>
std::vector<const typename Map::value_type*> SortedEntries(const Map& map,
                                                           Less less = {}) {
  std::vector<const typename Map::value_type*> entries;
  entries.reserve(map.size());
  for (const auto& entry : map) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(), [&](const auto* a, const auto* b) {
    return less(a->first, b->first);
  });
  return entries;
}

// Orders fixed-size byte arrays as std::string orders their bytes (unsigned),
// where std::array<char, N>'s own < compares signed chars.
struct BytesLess {
  template <size_t N>
  bool operator()(const std::array<char, N>& a,
                  const std::array<char, N>& b) const {
    return std::memcmp(a.data(), b.data(), N) < 0;
  }
};

template <typename K, typename V, typename Less = std::less<K>>
class SortedMap {
 public:
  using Entry = std::pair<K, V>;

  const V* Find(const K& key) const {
    if (auto it = recent_.find(key); it != recent_.end()) return &it->second;
    auto it = LowerBound(key);
    return it != sorted_.end() && it->first == key ? &it->second : nullptr;
  }
  V* Find(const K& key) {
    return const_cast<V*>(std::as_const(*this).Find(key));
  }
  bool contains(const K& key) const { return Find(key) != nullptr; }

  // Adds or replaces; returns the value as stored.
  V& Put(const K& key, V value) {
    // After every entry, the key is new and needs no search.
    const bool after_all = recent_.empty() &&
                           (sorted_.empty() || Less()(sorted_.back().first, key));
    if (after_all && sorted_.size() < sorted_.capacity()) {
      return sorted_.emplace_back(key, std::move(value)).second;
    }
    if (!after_all) {
      if (V* stored = Find(key)) return *stored = std::move(value);
    }
    if (recent_.size() + 1 > std::max(kMinRecent, sorted_.size() / 8)) {
      Merge();
    }
    return recent_[key] = std::move(value);
  }
  // The value, default-constructed and added if absent.
  V& operator[](const K& key) {
    if (V* stored = Find(key)) return *stored;
    return Put(key, V{});
  }
  void Erase(const K& key) {
    if (recent_.erase(key) > 0) return;
    auto it = LowerBound(key);
    if (it != sorted_.end() && it->first == key) sorted_.erase(it);
  }

  size_t size() const { return sorted_.size() + recent_.size(); }
  void clear() {
    sorted_ = {};
    recent_.clear();
  }
  void reserve(size_t entries) { sorted_.reserve(entries); }

  // Adopts `entries`, sorted by key without repeats, in place of every entry.
  void AssignSorted(std::vector<Entry> entries) {
    sorted_ = std::move(entries);
    sorted_.shrink_to_fit();
    recent_.clear();
  }

  // Every entry in key order: visit(const K&, const V&).
  template <typename Visit>
  void ForEach(Visit visit) const {
    auto old = sorted_.begin();
    for (const auto* entry : SortedEntries(recent_, Less())) {
      for (; old != sorted_.end() && Less()(old->first, entry->first); ++old) {
        visit(old->first, old->second);
      }
      visit(entry->first, entry->second);
    }
    for (; old != sorted_.end(); ++old) visit(old->first, old->second);
  }

 private:
  // Below this many, new entries stay in the hash map whatever the vector's
  // size.
  static constexpr size_t kMinRecent = 4096;

  typename std::vector<Entry>::const_iterator LowerBound(const K& key) const {
    return std::lower_bound(
        sorted_.begin(), sorted_.end(), key,
        [](const Entry& entry, const K& k) { return Less()(entry.first, k); });
  }
  typename std::vector<Entry>::iterator LowerBound(const K& key) {
    return sorted_.begin() + (std::as_const(*this).LowerBound(key) -
                              sorted_.cbegin());
  }

  // A key is in the vector or the hash map, never both, so merging is a
  // plain merge into a vector of exactly the entries' size.
  void Merge() {
    std::vector<Entry> merged;
    merged.reserve(size());
    ForEach([&](const K& key, const V& value) {
      merged.emplace_back(key, value);
    });
    AssignSorted(std::move(merged));
  }

  std::vector<Entry> sorted_;
  absl::flat_hash_map<K, V> recent_;
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_SORTED_MAP_H_
