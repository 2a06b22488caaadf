#include "services/passportd/verify.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ledger/entry.h"
#include "ledger/log.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/rocksdb_store.h"
#include "ledger/status_macros.h"
#include "services/ledger/peers.h"
#include "services/passportd/intake.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::services {
namespace {

absl::Status Inconsistent(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("verify: ", what));
}

// Recomputes the tree of a log's first `size` entries from the entries
// alone, checking every stored perfect subtree on the way; returns the root
// of the first `at` entries (at <= size) and of all of them.
absl::StatusOr<std::pair<ledger::Hash, ledger::Hash>> VerifyTree(
    const ledger::LogStore& stored, absl::string_view name, uint64_t size,
    uint64_t at) {
  ledger::CompactRange range;
  ledger::Hash root_at = ledger::EmptyRoot();
  std::vector<ledger::CompactRange::NewNode> nodes;
  absl::Status mismatch;
  SKP_RETURN_IF_ERROR(
      stored.ScanEntries(0, size, [&](uint64_t, absl::string_view entry) {
        range.Append(ledger::HashLeaf(entry), nodes);
        for (const auto& node : nodes) {
          absl::StatusOr<ledger::Hash> got =
              stored.GetNode(node.level, node.index);
          if (!got.ok() || *got != node.hash) {
            mismatch = Inconsistent(absl::StrCat(
                name, ": Merkle node level ", node.level, " index ", node.index,
                got.ok() ? " differs from the one recomputed from the entries"
                         : absl::StrCat(": ", got.status().message())));
            return false;
          }
        }
        nodes.clear();
        if (range.size() == at) root_at = range.Root();
        return true;
      }));
  SKP_RETURN_IF_ERROR(mismatch);
  if (range.size() != size) {
    return Inconsistent(absl::StrCat(name, ": ", size - range.size(),
                                     " of its ", size, " entries are missing"));
  }
  return std::make_pair(root_at, range.Root());
}

// Registry and workforce rows are numbered in admission order, which
// depends on when mirrored records arrived: each kind is compared as a set
// of rows. Workforce rows of the layout before admission numbers
// ("workforce/") hold the same values.
struct OrderedRows {
  absl::string_view what;
  std::vector<absl::string_view> prefixes;
};
const OrderedRows kOrderedRows[] = {
    {"registry", {"registry/"}},
    {"workforce", {"facts/", "workforce/"}},
};

// The index into kOrderedRows of the kind a key's row is, or -1.
int OrderedKind(absl::string_view key) {
  for (int kind = 0; kind < static_cast<int>(std::size(kOrderedRows)); ++kind) {
    for (absl::string_view prefix : kOrderedRows[kind].prefixes) {
      if (absl::StartsWith(key, prefix)) return kind;
    }
  }
  return -1;
}

absl::Status CompareProjections(const ledger::LogStore& stored,
                                const ledger::LogStore& replica,
                                uint64_t& rows) {
  std::vector<std::pair<std::string, std::string>> want;
  std::vector<std::string> want_ordered[std::size(kOrderedRows)],
      got_ordered[std::size(kOrderedRows)];
  SKP_RETURN_IF_ERROR(replica.ScanProjections(
      "", [&](absl::string_view k, absl::string_view v) {
        if (int kind = OrderedKind(k); kind >= 0) {
          want_ordered[kind].emplace_back(v);
        } else {
          want.emplace_back(k, v);
        }
        return true;
      }));
  size_t i = 0;
  absl::Status mismatch;
  SKP_RETURN_IF_ERROR(
      stored.ScanProjections("", [&](absl::string_view k, absl::string_view v) {
        if (int kind = OrderedKind(k); kind >= 0) {
          got_ordered[kind].emplace_back(v);
          return true;
        }
        if (i == want.size() || want[i].first != k) {
          mismatch =
              Inconsistent(absl::StrCat("projection row ", ledger::HexEncode(k),
                                        " is not derived from the entries"));
        } else if (want[i].second != v) {
          mismatch = Inconsistent(
              absl::StrCat("projection row ", ledger::HexEncode(k),
                           " differs from the one derived from the entries"));
        }
        ++i;
        return mismatch.ok();
      }));
  SKP_RETURN_IF_ERROR(mismatch);
  if (i < want.size()) {
    return Inconsistent(absl::StrCat(
        "projection row ", ledger::HexEncode(want[i].first), " is missing"));
  }
  rows = i;
  for (size_t kind = 0; kind < std::size(kOrderedRows); ++kind) {
    std::sort(want_ordered[kind].begin(), want_ordered[kind].end());
    std::sort(got_ordered[kind].begin(), got_ordered[kind].end());
    if (want_ordered[kind] != got_ordered[kind]) {
      return Inconsistent(absl::StrCat("the ", kOrderedRows[kind].what,
                                       " rows differ from those derived from "
                                       "the entries"));
    }
    rows += got_ordered[kind].size();
  }
  return absl::OkStatus();
}

// Whether the node's snapshot, with the rows after it, makes the state that
// folding every stored row makes (whose rows were just checked against the
// entries). Both are saved as snapshots in `scratch` and compared byte for
// byte. Returns what to report; kDataLoss if they differ.
absl::StatusOr<std::string> VerifySnapshot(
    ledger::LogStore& stored, const std::vector<ledger::Verifier>& governance,
    const reference::ReferenceData& reference, const DataDir& dir,
    const std::string& scratch) {
  if (!std::filesystem::exists(dir.Snapshot())) return std::string("no snapshot");
  auto now = [] { return absl::Now(); };
  SKP_ASSIGN_OR_RETURN(
      std::unique_ptr<Intake> restored,
      Intake::Load(&stored, governance, &reference, now, {}, dir.Snapshot()));
  if (!absl::StartsWith(restored->snapshot_note(), "used=1")) {
    // A start would ignore it too, and fold every row: not an inconsistency.
    return absl::StrCat("the snapshot would be ignored: ",
                        restored->snapshot_note());
  }
  SKP_ASSIGN_OR_RETURN(std::unique_ptr<Intake> folded,
                       Intake::Load(&stored, governance, &reference, now));
  const std::string from_snapshot = scratch + "/from-snapshot";
  const std::string from_rows = scratch + "/from-rows";
  SKP_RETURN_IF_ERROR(restored->SaveSnapshot(from_snapshot));
  SKP_RETURN_IF_ERROR(folded->SaveSnapshot(from_rows));
  std::ifstream a(from_snapshot, std::ios::binary), b(from_rows, std::ios::binary);
  std::istreambuf_iterator<char> end;
  std::string left(std::istreambuf_iterator<char>(a), end),
      right(std::istreambuf_iterator<char>(b), end);
  if (left != right) {
    size_t at = std::mismatch(left.begin(), left.end(), right.begin(),
                              right.end())
                    .first -
                left.begin();
    return Inconsistent(absl::StrCat(
        "the snapshot and the rows after it make another state than every "
        "row folded (saved, they first differ at byte ",
        at, ")"));
  }
  return absl::StrCat("the snapshot of ", restored->rows_from_snapshot(),
                      " rows, with the rows after it, equals every row folded");
}

}  // namespace

absl::StatusOr<std::string> VerifyDataDir(const NodeOptions& options) {
  const DataDir dir(options.data_dir);
  const std::string key_path = dir.NodeKey();
  if (!std::filesystem::exists(key_path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("no node key at ", key_path));
  }
  SKP_ASSIGN_OR_RETURN(ledger::Signer node_key, ledger::ReadKeyFile(key_path));
  SKP_ASSIGN_OR_RETURN(std::vector<ledger::Verifier> governance,
                       ledger::ReadTrustAnchors(options.trust_anchor.empty()
                                                    ? dir.TrustAnchors()
                                                    : options.trust_anchor));
  SKP_ASSIGN_OR_RETURN(reference::ReferenceData reference,
                       reference::ReferenceData::Embedded());
  absl::StatusOr<std::unique_ptr<ledger::RocksDbStore>> opened =
      ledger::RocksDbStore::Open(dir.Ledger());
  if (!opened.ok()) {
    return absl::Status(opened.status().code(),
                        absl::StrCat(opened.status().message(),
                                     " (is the node still running?)"));
  }
  ledger::RocksDbStore& stored = **opened;
  SKP_ASSIGN_OR_RETURN(uint64_t size, stored.Size());
  std::map<std::string, ledger::Verifier> peer_keys;
  if (!options.peers_file.empty()) {
    SKP_ASSIGN_OR_RETURN(std::vector<PeerConfig> peers,
                         ReadPeersFile(options.peers_file));
    for (const PeerConfig& p : peers)
      peer_keys.emplace(p.log_key.name(), p.log_key);
  }

  // The own log: every node, and the checkpoint signed by the node key for
  // exactly the stored entries.
  SKP_ASSIGN_OR_RETURN(std::string note, stored.LatestCheckpoint());
  absl::StatusOr<ledger::Checkpoint> checkpoint =
      ledger::OpenCheckpoint(note, node_key.verifier());
  if (!checkpoint.ok()) {
    return Inconsistent(
        absl::StrCat("the stored checkpoint: ", checkpoint.status().message()));
  }
  SKP_ASSIGN_OR_RETURN(auto roots, VerifyTree(stored, "the log", size, size));
  if (checkpoint->size != size || checkpoint->root != roots.second) {
    return Inconsistent(absl::StrCat(
        "the stored checkpoint (size ", checkpoint->size,
        ") does not match the tree recomputed from ", size, " entries"));
  }
  // Each mirror: every node, and its accepted checkpoint (signed by the
  // peer, when --peers names it) against the entries held.
  SKP_ASSIGN_OR_RETURN(std::vector<ledger::RocksDbStore::MirrorInfo> mirrors,
                       stored.Mirrors());
  uint64_t mirrored = 0;
  for (const auto& mirror : mirrors) {
    std::string name = absl::StrCat("the mirror of ", mirror.origin);
    SKP_ASSIGN_OR_RETURN(uint64_t held, mirror.store->Size());
    absl::StatusOr<std::string> accepted = mirror.store->LatestCheckpoint();
    ledger::Checkpoint cp{mirror.origin, 0, ledger::EmptyRoot()};
    if (accepted.ok() && !accepted->empty()) {
      auto key = peer_keys.find(mirror.origin);
      absl::StatusOr<ledger::Checkpoint> opened_cp =
          key != peer_keys.end()
              ? ledger::OpenCheckpoint(*accepted, key->second)
              : ledger::PeekCheckpoint(*accepted);
      if (!opened_cp.ok() || opened_cp->size > held) {
        return Inconsistent(absl::StrCat(
            name, ": its checkpoint ",
            opened_cp.ok() ? "is beyond its entries"
                           : std::string(opened_cp.status().message())));
      }
      cp = *opened_cp;
    }
    SKP_ASSIGN_OR_RETURN(auto mirror_roots,
                         VerifyTree(*mirror.store, name, held, cp.size));
    if (mirror_roots.first != cp.root) {
      return Inconsistent(
          absl::StrCat(name, ": its checkpoint of size ", cp.size,
                       " does not match the tree recomputed from the entries"));
    }
    mirrored += held;
  }

  // The projections: recomputed from the entries of every log, as `passportd
  // rebuild` would, in a scratch copy of the store (hard links, removed
  // after), and compared row by row.
  const std::string scratch = dir.VerifyScratch();
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
  SKP_RETURN_IF_ERROR(stored.Checkpoint(scratch));
  struct RemoveAfter {
    std::string path;
    ~RemoveAfter() {
      std::error_code e;
      std::filesystem::remove_all(path, e);
    }
  } remove_scratch{scratch};
  uint64_t rows = 0;
  {
    SKP_ASSIGN_OR_RETURN(std::unique_ptr<ledger::RocksDbStore> replica,
                         ledger::RocksDbStore::Open(scratch));
    SKP_ASSIGN_OR_RETURN(std::vector<ledger::RocksDbStore::MirrorInfo> copies,
                         replica->Mirrors());
    std::vector<std::pair<int, const ledger::LogStore*>> sources;
    for (const auto& m : copies) sources.emplace_back(m.slot, m.store);
    absl::Status rebuilt = Intake::Rebuild(replica.get(), node_key, governance,
                                           &reference, sources);
    if (!rebuilt.ok()) return Inconsistent(rebuilt.message());
    SKP_RETURN_IF_ERROR(CompareProjections(stored, *replica, rows));
  }
  SKP_ASSIGN_OR_RETURN(
      std::string snapshot,
      VerifySnapshot(stored, governance, reference, dir, scratch));
  return absl::StrCat("verified ", size,
                      " entries (signatures, keys and admission as of each "
                      "record), every Merkle node, ",
                      rows, " projection rows and the signed checkpoint",
                      mirrors.empty() ? ""
                                      : absl::StrCat("; and ", mirrors.size(),
                                                     " mirrors holding ",
                                                     mirrored, " entries"),
                      "; ", snapshot);
}

absl::StatusOr<std::string> RestoreDataDir(const NodeOptions& options,
                                           const std::string& from) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (from.empty()) return absl::InvalidArgumentError("--from DIR is required");
  if (fs::exists(options.data_dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat(
        options.data_dir, " exists: restore into a new data directory"));
  }
  NodeOptions backup = options;
  backup.data_dir = from;
  SKP_ASSIGN_OR_RETURN(std::string verified, VerifyDataDir(backup));
  const std::string staging = options.data_dir + ".restoring";
  fs::remove_all(staging, error);
  fs::copy(from, staging, fs::copy_options::recursive, error);
  if (!error) {
    fs::permissions(staging, fs::perms::owner_all, error);
  }
  if (!error) fs::rename(staging, options.data_dir, error);
  if (error) {
    fs::remove_all(staging);
    return absl::InternalError(absl::StrCat(
        "cannot copy ", from, " to ", options.data_dir, ": ", error.message()));
  }
  return verified;
}

}  // namespace skp::services
