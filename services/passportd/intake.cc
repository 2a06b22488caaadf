#include "services/passportd/intake.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "ledger/entry.h"
#include "ledger/log.h"
#include "ledger/merkle.h"
#include "ledger/snapshot_file.h"
#include "ledger/status_macros.h"
#include "services/common/log_event.h"

namespace skp::services {
namespace {

// One "progress" log line a second at most, for starts, rebuilds and
// verifications that take long.
class ProgressLine {
 public:
  explicit ProgressLine(absl::string_view what) : what_(what) {}
  void Report(uint64_t done, std::optional<uint64_t> of = std::nullopt) {
    absl::Time now = absl::Now();
    if (now - last_ < absl::Seconds(1)) return;
    last_ = now;
    LogEvent("progress",
             absl::StrCat("what=", what_, " done=", done,
                          of.has_value() ? absl::StrCat(" of=", *of) : ""));
  }

 private:
  std::string what_;
  absl::Time last_ = absl::Now();
};

// Bump when the snapshot's layout, or what a fold makes of a row, changes:
// a snapshot of another version is ignored and the rows folded again.
constexpr uint32_t kSnapshotVersion = 1;

// What a snapshot holds the state of: the rows it folded and what that
// folding read besides them. A start uses it only if all of it still fits.
struct SnapshotTag {
  // The state holds at least the records of the own log's first log_size
  // entries (its size when the state was loaded); the last one's leaf hash.
  uint64_t log_size = 0;
  ledger::Hash last_leaf{};
  ledger::Hash governance{};  // the trust anchors
  // The Care Certificate's standards of each version, which decide when a
  // certificate is complete.
  uint32_t standards_2015 = 0, standards_2025 = 0;
  uint64_t registry_rows = 0;
  ledger::Hash last_registry_row{};  // SHA-256 of row registry_rows - 1
  uint64_t facts_rows = 0;
  ledger::Hash last_facts_row{};
};

ledger::Hash GovernanceDigest(const std::vector<ledger::Verifier>& keys) {
  std::vector<std::string> lines;
  for (const ledger::Verifier& key : keys) lines.push_back(key.ToString());
  std::sort(lines.begin(), lines.end());
  return ledger::Sha256(absl::StrJoin(lines, "\n"));
}

// SHA-256 of the stored row `key`; kNotFound naming `what` if absent.
absl::StatusOr<ledger::Hash> RowDigest(const ledger::LogStore& store,
                                       const std::string& key,
                                       absl::string_view what) {
  SKP_ASSIGN_OR_RETURN(std::optional<std::string> row,
                       store.GetProjection(key));
  if (!row.has_value()) {
    return absl::NotFoundError(absl::StrCat("this store has no ", what));
  }
  return ledger::Sha256(*row);
}

absl::StatusOr<ledger::Hash> LastLeaf(const ledger::LogStore& store,
                                      uint64_t size) {
  if (size == 0) return ledger::Hash{};
  SKP_ASSIGN_OR_RETURN(std::string entry, store.GetEntry(size - 1));
  return ledger::HashLeaf(entry);
}

// The tag of a state of `registry_rows` and `facts_rows` rows, as `store`
// holds them now.
absl::StatusOr<SnapshotTag> TagOf(const ledger::LogStore& store,
                                  uint64_t log_size,
                                  const ledger::Hash& governance,
                                  const reference::ReferenceData& reference,
                                  uint64_t registry_rows, uint64_t facts_rows) {
  SnapshotTag tag;
  tag.log_size = log_size;
  SKP_ASSIGN_OR_RETURN(tag.last_leaf, LastLeaf(store, log_size));
  tag.governance = governance;
  tag.standards_2015 =
      static_cast<uint32_t>(reference.CareCertificateStandardCount(2015));
  tag.standards_2025 =
      static_cast<uint32_t>(reference.CareCertificateStandardCount(2025));
  tag.registry_rows = registry_rows;
  if (registry_rows > 0) {
    SKP_ASSIGN_OR_RETURN(
        tag.last_registry_row,
        RowDigest(store,
                  registry::RecordValidator::RegistryRowKey(registry_rows - 1),
                  absl::StrCat("registry row ", registry_rows - 1)));
  }
  tag.facts_rows = facts_rows;
  if (facts_rows > 0) {
    SKP_ASSIGN_OR_RETURN(
        tag.last_facts_row,
        RowDigest(store, workforce::WorkforceProjection::RowKey(facts_rows - 1),
                  absl::StrCat("workforce row ", facts_rows - 1)));
  }
  return tag;
}

void PutHash(const ledger::Hash& hash, ledger::SnapshotWriter& out) {
  out.Bytes(ledger::AsBytes(hash));
}

ledger::Hash TakeHash(ledger::SnapshotReader& in) {
  ledger::Hash hash{};
  absl::string_view bytes = in.Bytes();
  if (bytes.size() == hash.size())
    std::memcpy(hash.data(), bytes.data(), hash.size());
  return hash;
}

void WriteTag(const SnapshotTag& tag, ledger::SnapshotWriter& out) {
  out.U64(tag.log_size);
  PutHash(tag.last_leaf, out);
  PutHash(tag.governance, out);
  out.U32(tag.standards_2015);
  out.U32(tag.standards_2025);
  out.U64(tag.registry_rows);
  PutHash(tag.last_registry_row, out);
  out.U64(tag.facts_rows);
  PutHash(tag.last_facts_row, out);
}

SnapshotTag ReadTag(ledger::SnapshotReader& in) {
  SnapshotTag tag;
  tag.log_size = in.U64();
  tag.last_leaf = TakeHash(in);
  tag.governance = TakeHash(in);
  tag.standards_2015 = in.U32();
  tag.standards_2025 = in.U32();
  tag.registry_rows = in.U64();
  tag.last_registry_row = TakeHash(in);
  tag.facts_rows = in.U64();
  tag.last_facts_row = TakeHash(in);
  return tag;
}

}  // namespace

absl::Status Intake::Restore(const std::string& path, uint64_t& registry_rows,
                             uint64_t& facts_rows) {
  SKP_ASSIGN_OR_RETURN(ledger::MappedSnapshot mapped,
                       ledger::MappedSnapshot::Open(path, kSnapshotVersion));
  ledger::SnapshotReader in(mapped.body());
  const SnapshotTag found = ReadTag(in);
  SKP_RETURN_IF_ERROR(in.status());
  SKP_ASSIGN_OR_RETURN(uint64_t size, store_->Size());
  if (found.log_size > size) {
    return absl::FailedPreconditionError(
        absl::StrCat("it is of a larger log (", found.log_size,
                     " entries; this store holds ", size, ")"));
  }
  // The tag this store gives the same rows: any difference means the
  // snapshot is of other rows, or folded under other anchors or data.
  absl::StatusOr<SnapshotTag> here =
      TagOf(*store_, found.log_size, governance_digest_, *reference_,
            found.registry_rows, found.facts_rows);
  if (absl::IsNotFound(here.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "it is of a larger log (", here.status().message(), ")"));
  }
  SKP_RETURN_IF_ERROR(here.status());
  if (here->last_leaf != found.last_leaf) {
    return absl::FailedPreconditionError(
        absl::StrCat("it is of another log (entry ", found.log_size - 1,
                     " differs)"));
  }
  if (here->governance != found.governance) {
    return absl::FailedPreconditionError("the trust anchors have changed");
  }
  if (here->standards_2015 != found.standards_2015 ||
      here->standards_2025 != found.standards_2025) {
    return absl::FailedPreconditionError("the reference data has changed");
  }
  if (here->last_registry_row != found.last_registry_row ||
      here->last_facts_row != found.last_facts_row) {
    return absl::FailedPreconditionError(
        "its last rows differ from this store's (the projections were "
        "rebuilt or restored)");
  }
  SKP_RETURN_IF_ERROR(registry_->Restore(in));
  SKP_RETURN_IF_ERROR(workforce_facts_->Restore(in));
  SKP_RETURN_IF_ERROR(in.Finish());
  registry_rows = found.registry_rows;
  facts_rows = found.facts_rows;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Intake>> Intake::Load(
    ledger::LogStore* store, const std::vector<ledger::Verifier>& governance,
    const reference::ReferenceData* reference,
    registry::RecordValidator::Clock clock, workforce::Disclosure disclosure,
    const std::string& snapshot) {
  std::unique_ptr<Intake> intake(new Intake());
  intake->store_ = store;
  intake->governance_digest_ = GovernanceDigest(governance);
  intake->reference_ = reference;
  // Read before the rows, so the state holds at least its records.
  SKP_ASSIGN_OR_RETURN(intake->loaded_log_size_, store->Size());
  auto fresh_state = [&] {
    intake->registry_ = std::make_unique<registry::TrustRegistry>(governance);
    intake->workforce_facts_ =
        std::make_unique<workforce::WorkforceFacts>(reference, disclosure);
  };
  fresh_state();
  uint64_t registry_from = 0, facts_from = 0;
  bool restored_state = false;
  if (!snapshot.empty()) {
    absl::Time began = absl::Now();
    absl::Status restored =
        intake->Restore(snapshot, registry_from, facts_from);
    restored_state = restored.ok();
    if (restored.ok()) {
      intake->snapshot_note_ = absl::StrFormat(
          "used=1 registry_rows=%d facts_rows=%d ms=%d", registry_from,
          facts_from, absl::ToInt64Milliseconds(absl::Now() - began));
    } else {
      intake->snapshot_note_ =
          absl::StrCat("used=0 reason=\"", restored.message(), "\"");
      registry_from = facts_from = 0;
      fresh_state();  // a failed restore may have filled them in part
    }
  }
  intake->rows_from_snapshot_ = registry_from + facts_from;
  ProgressLine progress("projection_rows_after_snapshot");
  SKP_ASSIGN_OR_RETURN(uint64_t registry_rows,
                       registry::RecordValidator::LoadRegistry(
                           *store, *intake->registry_, registry_from));
  intake->passports_ = std::make_unique<passport::PassportProjection>(
      store, intake->registry_.get(), reference);
  intake->validator_ = std::make_unique<registry::RecordValidator>(
      intake->registry_.get(), reference, store, std::move(clock));
  intake->validator_->SetRegistryRows(registry_rows);
  SKP_ASSIGN_OR_RETURN(
      uint64_t facts_rows,
      workforce::WorkforceProjection::Load(
          *store, *intake->workforce_facts_,
          restored_state ? std::optional<uint64_t>(facts_from) : std::nullopt,
          [&](uint64_t rows) {
            progress.Report(registry_rows - registry_from + rows);
          }));
  intake->workforce_ = std::make_unique<workforce::WorkforceProjection>(
      intake->workforce_facts_.get(), facts_rows);
  intake->validator_->AddAdmission(intake->passports_.get());
  intake->validator_->AddAdmission(intake->workforce_.get());
  return intake;
}

uint64_t Intake::rows() const {
  return validator_->registry_rows() + workforce_->rows();
}

absl::Status Intake::SaveSnapshot(const std::string& path) const {
  SKP_ASSIGN_OR_RETURN(
      SnapshotTag tag,
      TagOf(*store_, loaded_log_size_, governance_digest_, *reference_,
            validator_->registry_rows(), workforce_->rows()));
  SKP_ASSIGN_OR_RETURN(ledger::SnapshotWriter out,
                       ledger::SnapshotWriter::Create(path, kSnapshotVersion));
  WriteTag(tag, out);
  registry_->Save(out);
  workforce_facts_->Save(out);
  return out.Commit();
}

absl::Status Intake::Rebuild(
    ledger::LogStore* store, const ledger::Signer& node_key,
    const std::vector<ledger::Verifier>& governance,
    const reference::ReferenceData* reference,
    const std::vector<std::pair<int, const ledger::LogStore*>>& mirrors) {
  SKP_RETURN_IF_ERROR(store->ClearProjections());
  // Admission never reads the clock (only Validate does), so replay is
  // deterministic.
  SKP_ASSIGN_OR_RETURN(
      std::unique_ptr<Intake> intake,
      Load(store, governance, reference, [] { return absl::Now(); }));
  SKP_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Log> log,
                       ledger::Log::Open(store, &node_key, &intake->validator(),
                                         {.origin = node_key.name()}));
  std::vector<std::pair<int, const ledger::LogStore*>> logs = {{0, store}};
  logs.insert(logs.end(), mirrors.begin(), mirrors.end());
  constexpr uint64_t kChunk = 4096;
  for (const auto& [slot, source] : logs) {
    SKP_ASSIGN_OR_RETURN(uint64_t size, source->Size());
    ProgressLine progress(absl::StrCat("readmit_log_slot_", slot));
    for (uint64_t from = 0; from < size; from += kChunk) {
      progress.Report(from, size);
      std::vector<std::string> chunk;
      SKP_RETURN_IF_ERROR(
          source->ScanEntries(from, std::min(size, from + kChunk),
                              [&](uint64_t, absl::string_view bytes) {
                                chunk.emplace_back(bytes);
                                return true;
                              }));
      SKP_ASSIGN_OR_RETURN(ledger::MirroredResult result,
                           log->Readmit(slot, from, std::move(chunk)));
      if (slot == 0 && result.refused > 0) {
        return absl::DataLossError(
            absl::StrCat(result.refused, " entries of the log from index ",
                         from, " no longer validate"));
      }
    }
  }
  // Mirrored records may wait for records no log holds yet; the own log's
  // were all admitted once, so each must be again.
  SKP_ASSIGN_OR_RETURN(std::vector<uint64_t> parked, log->ParkedLocations());
  for (uint64_t location : parked) {
    if (ledger::LocationSlot(location) == 0) {
      return absl::DataLossError(
          absl::StrCat("entry ", location, " is not admissible on replay"));
    }
  }
  return absl::OkStatus();
}

}  // namespace skp::services
