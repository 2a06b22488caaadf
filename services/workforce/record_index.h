// RecordIndex: the row of the workforce facts each record id names, for the
// few status changes (revocations, suspensions, reinstatements, revoked
// signers) that must find a row again.
//
// Nearly every row is indexed and fewer than one in a thousand is ever looked
// up, so the index is built for size and for loading: rows folded at start
// are appended to a vector, sorted once when the load ends (Seal) and kept
// in a SortedMap, 24 bytes each. A hash map of ten million 32-byte keys cost
// a third of the facts' memory and a quarter of their start-up time.
//
// Thread-safety: none; the facts hold their lock.
#ifndef SKP_SERVICES_WORKFORCE_RECORD_INDEX_H_
#define SKP_SERVICES_WORKFORCE_RECORD_INDEX_H_

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "ledger/snapshot_file.h"
#include "ledger/sorted_map.h"

namespace skp::workforce {

// The first 16 bytes of an id, zero-padded. Record ids are SHA-256 hashes:
// two admitted records share 16 bytes by chance with odds of about 1 in
// 10^25 at ten million records, and making a record share another's would
// take 2^128 hashes. Passport ids are 16 bytes. records/kinds.cc checks both.
using IdPrefix = std::pair<uint64_t, uint64_t>;
IdPrefix PrefixOf(absl::string_view id);

class RecordIndex {
 public:
  // Until Seal, Add only appends and Find finds nothing.
  void StartBulk();
  void Seal();
  bool bulk() const { return bulk_; }

  // A row is only ever added after the rows before it, so values grow: of
  // two values for one id (the same record folded twice), the larger, the
  // later row, stands.
  void Add(IdPrefix id, uint64_t value);
  std::optional<uint64_t> Find(IdPrefix id) const;

  // Every id once, in id order, however the index is split between its
  // vector and its map: equal indexes save equal bytes. Not in bulk.
  void Save(ledger::SnapshotWriter& out) const;
  // Into an empty index.
  void Restore(ledger::SnapshotReader& in);

 private:
  bool bulk_ = false;
  std::vector<std::pair<IdPrefix, uint64_t>> loading_;  // in bulk, unsorted
  ledger::SortedMap<IdPrefix, uint64_t> rows_;
};

}  // namespace skp::workforce

#endif  // SKP_SERVICES_WORKFORCE_RECORD_INDEX_H_
