#include "services/workforce/workforce_projection.h"

#include "absl/strings/str_cat.h"

namespace skp::workforce {

namespace v1 = skillspassport::v1;

namespace {
constexpr absl::string_view kWorkforcePrefix = "workforce/";
// Facts are folded in chunks so loading a large store holds the writer lock
// briefly each time.
constexpr size_t kLoadChunk = 65536;
}  // namespace

absl::Status WorkforceProjection::Load(const ledger::LogStore& store,
                                       WorkforceFacts& facts) {
  // Messages are reused chunk after chunk, so parsing allocates little.
  std::vector<v1::WorkforceFact> chunk(kLoadChunk);
  size_t filled = 0;
  absl::Status parsed;
  absl::Status scanned = store.ScanProjections(
      kWorkforcePrefix, [&](absl::string_view key, absl::string_view value) {
        if (!chunk[filled].ParseFromArray(value.data(),
                                          static_cast<int>(value.size()))) {
          parsed = absl::DataLossError(absl::StrCat(
              "workforce row ", ledger::HexEncode(key), " does not parse"));
          return false;
        }
        if (++filled == kLoadChunk) {
          facts.Apply(chunk);
          filled = 0;
        }
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!parsed.ok()) return parsed;
  facts.Apply(absl::MakeConstSpan(chunk).first(filled));
  return absl::OkStatus();
}

void WorkforceProjection::Stage(const v1::Record& record,
                                const ledger::Hash& record_id, uint64_t index,
                                absl::string_view /*issuer*/,
                                ledger::ProjectionRows& rows) {
  if (!IsWorkforceRecord(record)) return;
  v1::WorkforceFact fact = MakeFact(record, ledger::AsBytes(record_id));
  rows.emplace_back(absl::StrCat(kWorkforcePrefix, ledger::BigEndian64(index)),
                    fact.SerializeAsString());
  staged_.push_back(std::move(fact));
}

void WorkforceProjection::Committed() {
  facts_->Apply(staged_);
  staged_.clear();
}

}  // namespace skp::workforce
