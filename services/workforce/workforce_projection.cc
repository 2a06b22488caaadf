#include "services/workforce/workforce_projection.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"

namespace skp::workforce {

namespace v1 = skillspassport::v1;

namespace {
constexpr absl::string_view kWorkforcePrefix = "workforce/";
// Facts are folded in chunks so loading a large store holds the writer lock
// briefly each time.
constexpr size_t kLoadChunk = 65536;
}  // namespace

absl::Status WorkforceProjection::Load(
    const ledger::LogStore& store, WorkforceFacts& facts,
    absl::FunctionRef<void(uint64_t)> progress) {
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
  facts.BeginLoad();
  absl::Status scanned = store.ScanProjections(
      kWorkforcePrefix, [&](absl::string_view key, absl::string_view value) {
        auto* fact =
            google::protobuf::Arena::CreateMessage<v1::WorkforceFact>(&arena);
        if (!fact->ParseFromArray(value.data(),
                                  static_cast<int>(value.size()))) {
          parsed = absl::DataLossError(absl::StrCat(
              "workforce row ", ledger::HexEncode(key), " does not parse"));
          return false;
        }
        chunk.push_back(fact);
        if (chunk.size() == kLoadChunk) apply();
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!parsed.ok()) return parsed;
  apply();
  facts.EndLoad();
  return absl::OkStatus();
}

void WorkforceProjection::Stage(const v1::Record& record,
                                const ledger::Hash& record_id, uint64_t index,
                                absl::string_view /*issuer*/,
                                ledger::ProjectionRows& rows) {
  std::optional<v1::WorkforceFact> made =
      MakeFact(record, ledger::AsBytes(record_id));
  if (!made.has_value()) return;
  v1::WorkforceFact& fact = *made;
  rows.emplace_back(absl::StrCat(kWorkforcePrefix, ledger::BigEndian64(index)),
                    fact.SerializeAsString());
  staged_.push_back(std::move(fact));
}

void WorkforceProjection::StageSignerRevoked(absl::string_view record_id,
                                             ledger::ProjectionRows& rows) {
  v1::WorkforceFact fact;
  fact.set_record_id(std::string(record_id));
  v1::RecordStatusChanged* change =
      fact.mutable_record()->mutable_record_status_changed();
  change->set_target_record(std::string(record_id));
  change->set_change(v1::STATUS_CHANGE_REVOKED);
  // Keyed by the record id (32 bytes), apart from the 8-byte locations of
  // records' own rows.
  rows.emplace_back(absl::StrCat(kWorkforcePrefix, record_id),
                    fact.SerializeAsString());
  staged_.push_back(std::move(fact));
}

void WorkforceProjection::Committed() {
  facts_->Apply(staged_);
  staged_.clear();
}

}  // namespace skp::workforce
