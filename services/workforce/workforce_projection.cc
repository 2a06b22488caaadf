#include "services/workforce/workforce_projection.h"

#include "absl/strings/str_cat.h"
#include "ledger/bytes.h"
#include "ledger/status_macros.h"
#include "google/protobuf/arena.h"

namespace skp::workforce {

namespace v1 = skillspassport::v1;

namespace {
constexpr absl::string_view kFactsPrefix = "facts/";
// Before admission numbers: keyed by location, or by record id for a
// revoked signer's record.
constexpr absl::string_view kOldLayoutPrefix = "workforce/";
// Facts are folded in chunks so loading a large store holds the writer lock
// briefly each time.
constexpr size_t kLoadChunk = 65536;
}  // namespace

std::string WorkforceProjection::RowKey(uint64_t number) {
  return absl::StrCat(kFactsPrefix, ledger::BigEndian64(number));
}

absl::StatusOr<uint64_t> WorkforceProjection::Load(
    const ledger::LogStore& store, WorkforceFacts& facts,
    std::optional<uint64_t> snapshot_rows,
    absl::FunctionRef<void(uint64_t)> progress) {
  const uint64_t from = snapshot_rows.value_or(0);
  // Each chunk's messages live on an arena, freed at once: ten million
  // small allocations and frees would dominate loading.
  google::protobuf::Arena arena;
  std::vector<const v1::WorkforceFact*> chunk;
  chunk.reserve(kLoadChunk);
  uint64_t folded = 0;
  auto apply = [&] {
    facts.Apply(chunk);
    folded += chunk.size();
    progress(folded);
    chunk.clear();
    arena.Reset();
  };
  absl::Status parsed;
  uint64_t next = from;
  auto fold = [&](absl::string_view key, absl::string_view value) {
    auto* fact =
        google::protobuf::Arena::CreateMessage<v1::WorkforceFact>(&arena);
    if (!fact->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      parsed = absl::DataLossError(absl::StrCat(
          "workforce row ", ledger::HexEncode(key), " does not parse"));
      return false;
    }
    chunk.push_back(fact);
    if (chunk.size() == kLoadChunk) apply();
    return true;
  };
  // A whole load sorts the record index once at the end; a tail is small.
  const bool whole = !snapshot_rows.has_value();
  if (whole) {
    facts.BeginLoad();
    SKP_RETURN_IF_ERROR(store.ScanProjections(kOldLayoutPrefix, fold));
    SKP_RETURN_IF_ERROR(parsed);
  }
  SKP_RETURN_IF_ERROR(store.ScanProjectionsFrom(
      kFactsPrefix, RowKey(from),
      [&](absl::string_view key, absl::string_view value) {
        if (key != RowKey(next)) {
          parsed = absl::DataLossError(
              absl::StrCat("workforce row ", ledger::HexEncode(key),
                           " is out of sequence: expected row ", next));
          return false;
        }
        ++next;
        return fold(key, value);
      }));
  SKP_RETURN_IF_ERROR(parsed);
  apply();
  if (whole) facts.EndLoad();
  return next;
}

void WorkforceProjection::StageRow(v1::WorkforceFact fact,
                                   ledger::ProjectionRows& rows) {
  rows.emplace_back(RowKey(rows_.load() + staged_.size()),
                    fact.SerializeAsString());
  staged_.push_back(std::move(fact));
}

void WorkforceProjection::Stage(const v1::Record& record,
                                const ledger::Hash& record_id,
                                uint64_t /*index*/,
                                absl::string_view /*issuer*/,
                                ledger::ProjectionRows& rows) {
  std::optional<v1::WorkforceFact> made =
      MakeFact(record, ledger::AsBytes(record_id));
  if (made.has_value()) StageRow(*std::move(made), rows);
}

void WorkforceProjection::StageSignerRevoked(absl::string_view record_id,
                                             ledger::ProjectionRows& rows) {
  v1::WorkforceFact fact;
  fact.set_record_id(std::string(record_id));
  v1::RecordStatusChanged* change =
      fact.mutable_record()->mutable_record_status_changed();
  change->set_target_record(std::string(record_id));
  change->set_change(v1::STATUS_CHANGE_REVOKED);
  StageRow(std::move(fact), rows);
}

void WorkforceProjection::Committed() {
  facts_->Apply(staged_);
  rows_ += staged_.size();
  staged_.clear();
}

}  // namespace skp::workforce
