#include "services/passportd/verify.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ledger/entry.h"
#include "ledger/log.h"
#include "ledger/memory_store.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/rocksdb_store.h"
#include "ledger/status_macros.h"
#include "services/passportd/intake.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::services {
namespace {

absl::Status Inconsistent(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("verify: ", what));
}

// Every stored perfect subtree of a tree of `size` leaves must match.
absl::Status CompareNodes(const ledger::LogStore& stored,
                          const ledger::LogStore& replica, uint64_t size) {
  for (int level = 0; (size >> level) > 0; ++level) {
    for (uint64_t index = 0; index < (size >> level); ++index) {
      absl::StatusOr<ledger::Hash> want = replica.GetNode(level, index);
      if (absl::IsNotFound(want.status())) continue;
      SKP_RETURN_IF_ERROR(want.status());
      absl::StatusOr<ledger::Hash> got = stored.GetNode(level, index);
      if (!got.ok() || *got != *want) {
        return Inconsistent(absl::StrCat(
            "Merkle node level ", level, " index ", index,
            got.ok() ? " differs from the one recomputed from the entries"
                     : absl::StrCat(": ", got.status().message())));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CompareProjections(const ledger::LogStore& stored,
                                const ledger::LogStore& replica,
                                uint64_t& rows) {
  std::vector<std::pair<std::string, std::string>> want;
  SKP_RETURN_IF_ERROR(replica.ScanProjections(
      "", [&](absl::string_view k, absl::string_view v) {
        want.emplace_back(k, v);
        return true;
      }));
  size_t i = 0;
  absl::Status mismatch;
  SKP_RETURN_IF_ERROR(
      stored.ScanProjections("", [&](absl::string_view k, absl::string_view v) {
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
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> VerifyDataDir(const NodeOptions& options) {
  const std::string key_path = options.data_dir + "/node.key";
  if (!std::filesystem::exists(key_path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("no node key at ", key_path));
  }
  SKP_ASSIGN_OR_RETURN(ledger::Signer node_key, ledger::ReadKeyFile(key_path));
  SKP_ASSIGN_OR_RETURN(
      std::vector<ledger::Verifier> governance,
      ledger::ReadTrustAnchors(options.trust_anchor.empty()
                                   ? options.data_dir + "/trust-anchors.txt"
                                   : options.trust_anchor));
  SKP_ASSIGN_OR_RETURN(reference::ReferenceData reference,
                       reference::ReferenceData::Embedded());
  absl::StatusOr<std::unique_ptr<ledger::RocksDbStore>> opened =
      ledger::RocksDbStore::Open(options.data_dir + "/ledger");
  if (!opened.ok()) {
    return absl::Status(opened.status().code(),
                        absl::StrCat(opened.status().message(),
                                     " (is the node still running?)"));
  }
  ledger::RocksDbStore& stored = **opened;
  SKP_ASSIGN_OR_RETURN(uint64_t size, stored.Size());

  // The replica admits each record as the node did: its clock reads the
  // record's own issued_at, so signatures and keys are checked as of then.
  ledger::MemoryStore replica;
  int64_t issued_at = 0;
  SKP_ASSIGN_OR_RETURN(std::unique_ptr<Intake> intake,
                       Intake::Load(&replica, governance, &reference, [&] {
                         return absl::FromUnixSeconds(issued_at);
                       }));
  SKP_ASSIGN_OR_RETURN(
      std::unique_ptr<ledger::Log> log,
      ledger::Log::Open(&replica, &node_key, &intake->validator(),
                        {.origin = node_key.name()}));
  absl::Status replay;
  SKP_RETURN_IF_ERROR(
      stored.ScanEntries(0, size, [&](uint64_t index, absl::string_view bytes) {
        absl::StatusOr<ledger::Entry> entry = ledger::DecodeEntry(bytes);
        skillspassport::v1::Record record;
        if (entry.ok() && record.ParseFromString(entry->payload)) {
          issued_at = record.issued_at();
        }
        absl::StatusOr<ledger::AppendResult> appended =
            log->AppendAndWait(std::string(bytes));
        if (!appended.ok()) {
          replay = Inconsistent(
              absl::StrCat("entry ", index, ": ", appended.status().message()));
        } else if (appended->index != index) {
          replay = Inconsistent(absl::StrCat("entry ", index, " repeats entry ",
                                             appended->index));
        }
        return replay.ok();
      }));
  SKP_RETURN_IF_ERROR(replay);
  log.reset();  // drains the replica's writer

  SKP_RETURN_IF_ERROR(CompareNodes(stored, replica, size));
  uint64_t rows = 0;
  SKP_RETURN_IF_ERROR(CompareProjections(stored, replica, rows));
  if (size > 0) {
    SKP_ASSIGN_OR_RETURN(std::string note, stored.LatestCheckpoint());
    absl::StatusOr<ledger::Checkpoint> checkpoint =
        ledger::OpenCheckpoint(note, node_key.verifier());
    if (!checkpoint.ok()) {
      return Inconsistent(absl::StrCat("the stored checkpoint: ",
                                       checkpoint.status().message()));
    }
    SKP_ASSIGN_OR_RETURN(std::string replica_note, replica.LatestCheckpoint());
    SKP_ASSIGN_OR_RETURN(
        ledger::Checkpoint expected,
        ledger::OpenCheckpoint(replica_note, node_key.verifier()));
    if (checkpoint->size != size || checkpoint->root != expected.root) {
      return Inconsistent(absl::StrCat(
          "the stored checkpoint (size ", checkpoint->size,
          ") does not match the tree recomputed from ", size, " entries"));
    }
  }
  return absl::StrCat("verified ", size,
                      " entries (signatures, keys and admission as of each "
                      "record), every Merkle node, ",
                      rows, " projection rows and the signed checkpoint");
}

}  // namespace skp::services
