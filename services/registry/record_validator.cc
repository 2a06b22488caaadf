#include "services/registry/record_validator.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/hash.h"
#include "ledger/status_macros.h"
#include "records/record_checks.h"

namespace skp::registry {
namespace {

namespace v1 = skillspassport::v1;
using Kind = v1::Record::KindCase;

constexpr absl::string_view kRegistryPrefix = "registry/";
constexpr absl::string_view kIssuerPrefix = "issuer/";
constexpr absl::string_view kSignedPrefix = "signed/";

std::string SignedRow(absl::string_view key_id, int64_t issued_at,
                      absl::string_view record_id) {
  return absl::StrCat(kSignedPrefix, key_id,
                      ledger::BigEndian64(static_cast<uint64_t>(issued_at)),
                      record_id);
}

struct ParsedRecord final : ledger::ParsedPayload {
  v1::Record record;
};

// The record Parse made of the entry (the log hands every entry to Parse
// before Validate or Admit).
const v1::Record& RecordOf(const ledger::IncomingEntry& entry) {
  return static_cast<const ParsedRecord&>(*entry.parsed).record;
}

// The key a record introduces and must be signed by (proof of possession).
std::string RecordKey(const v1::Record& record) {
  if (record.has_passport_enrolled())
    return record.passport_enrolled().public_key();
  if (record.has_passport_key_rebound())
    return record.passport_key_rebound().new_public_key();
  return "";
}

ledger::PublicKey AsPublicKey(absl::string_view bytes) {
  ledger::PublicKey key{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), key.size()), key.begin());
  return key;
}

}  // namespace

RecordValidator::RecordValidator(TrustRegistry* registry,
                                 const reference::ReferenceData* reference,
                                 const ledger::LogStore* store, Clock clock,
                                 RecordValidatorOptions options)
    : registry_(registry),
      reference_(reference),
      store_(store),
      clock_(std::move(clock)),
      options_(options) {}

std::string RecordValidator::RegistryRowKey(uint64_t number) {
  return absl::StrCat(kRegistryPrefix, ledger::BigEndian64(number));
}

absl::StatusOr<uint64_t> RecordValidator::LoadRegistry(
    const ledger::LogStore& store, TrustRegistry& registry, uint64_t from) {
  absl::Status status;
  uint64_t next = from;
  SKP_RETURN_IF_ERROR(store.ScanProjectionsFrom(
      kRegistryPrefix, RegistryRowKey(from),
      [&](absl::string_view key, absl::string_view value) {
        v1::Record record;
        if (key != RegistryRowKey(next)) {
          status = absl::DataLossError(
              absl::StrCat("registry row ", ledger::HexEncode(key),
                           " is out of sequence: expected row ", next));
          return false;
        }
        if (!record.ParseFromArray(value.data(),
                                   static_cast<int>(value.size()))) {
          status =
              absl::DataLossError("a stored registry record does not parse");
          return false;
        }
        registry.Apply(record);
        // Nothing to undo: the rows are durable already.
        registry.Commit();
        ++next;
        return true;
      }));
  SKP_RETURN_IF_ERROR(status);
  return next;
}

absl::StatusOr<std::unique_ptr<const ledger::ParsedPayload>>
RecordValidator::Parse(const ledger::Entry& entry) const {
  if (entry.payload_type != ledger::kRecordPayloadType) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload type must be ", ledger::kRecordPayloadType,
                     ", not ", entry.payload_type));
  }
  auto parsed = std::make_unique<ParsedRecord>();
  if (!parsed->record.ParseFromString(entry.payload)) {
    return absl::InvalidArgumentError(
        "payload is not a valid skillspassport.v1.Record");
  }
  return parsed;
}

absl::Status RecordValidator::Validate(
    const ledger::IncomingEntry& entry) const {
  return CheckEntry(entry, /*check_clock=*/true);
}

absl::Status RecordValidator::ValidateLogged(
    const ledger::IncomingEntry& entry) const {
  return CheckEntry(entry, /*check_clock=*/false);
}

absl::Status RecordValidator::CheckEntry(const ledger::IncomingEntry& incoming,
                                         bool check_clock) const {
  const ledger::Entry& entry = incoming.decoded;
  const v1::Record& record = RecordOf(incoming);
  SKP_RETURN_IF_ERROR(records::CheckRecordContent(record, *reference_));
  absl::Duration skew =
      absl::FromUnixSeconds(record.issued_at()) -
      (check_clock ? clock_() : absl::FromUnixSeconds(record.issued_at()));
  if (absl::AbsDuration(skew) > options_.max_clock_skew) {
    return absl::InvalidArgumentError(absl::StrCat(
        "record.issued_at is ", absl::FormatDuration(absl::AbsDuration(skew)),
        skew > absl::ZeroDuration() ? " ahead of" : " behind",
        " the node's clock (allowed ",
        absl::FormatDuration(options_.max_clock_skew), ")"));
  }
  std::string pae = ledger::PreAuthEncoding(entry.payload_type, entry.payload);
  std::string record_key = RecordKey(record);
  for (size_t i = 0; i < entry.signatures.size(); ++i) {
    const ledger::EntrySignature& sig = entry.signatures[i];
    std::optional<ledger::PublicKey> key;
    if (!record_key.empty() &&
        sig.key_id == ledger::EntryKeyId(AsPublicKey(record_key))) {
      key = AsPublicKey(record_key);
    } else if (std::optional<KeyEntry> known = registry_->FindKey(sig.key_id)) {
      // Submitted here: a key known to be revoked signs nothing new.
      if (check_clock && known->RevokedAt(record.issued_at())) {
        return absl::PermissionDeniedError(absl::StrCat(
            "signature ", i, ": key id ", ledger::HexEncode(sig.key_id),
            " was revoked from ", *known->revoked_from,
            "; the record is issued at ", record.issued_at()));
      }
      key = known->public_key;
    }
    if (!key.has_value()) {
      return ledger::AwaitingDependency(absl::PermissionDeniedError(
          absl::StrCat("signature ", i, ": key id ",
                       ledger::HexEncode(sig.key_id), " is not registered")));
    }
    if (!ledger::Verifier("k", *key).Verify(pae, sig.signature)) {
      return absl::UnauthenticatedError(
          absl::StrCat("signature ", i, " does not verify"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RecordValidator::IssuerOf(
    absl::string_view record_id) const {
  if (auto it = staged_issuers_.find(std::string(record_id));
      it != staged_issuers_.end()) {
    return it->second;
  }
  std::string issuer;
  SKP_RETURN_IF_ERROR(
      store_->ScanProjections(absl::StrCat(kIssuerPrefix, record_id),
                              [&](absl::string_view, absl::string_view value) {
                                issuer = std::string(value);
                                return false;
                              }));
  if (issuer.empty()) {
    return ledger::AwaitingDependency(absl::FailedPreconditionError(
        absl::StrCat("target record ", ledger::HexEncode(record_id),
                     " is not in the log")));
  }
  return issuer;
}

absl::Status RecordValidator::Admit(const ledger::IncomingEntry& incoming,
                                    uint64_t index,
                                    ledger::ProjectionRows& rows) {
  const ledger::Entry& entry = incoming.decoded;
  const ledger::Hash& leaf_hash = incoming.leaf_hash;
  const v1::Record& record = RecordOf(incoming);
  std::string record_key = RecordKey(record);
  // A logged record is in its log for good, even if its key was revoked
  // before it was signed (its node had not heard yet, or this node is
  // replaying): it is admitted, and held revoked.
  bool signer_revoked = false;
  std::vector<records::SignerInfo> signers;
  std::vector<std::string> vouching_keys;
  for (const ledger::EntrySignature& sig : entry.signatures) {
    if (!record_key.empty() &&
        sig.key_id == ledger::EntryKeyId(AsPublicKey(record_key))) {
      signers.push_back(
          {records::Principal::kWorker, "", {}, "", /*is_record_key=*/true});
      continue;
    }
    SKP_ASSIGN_OR_RETURN(KeyEntry key, registry_->RegisteredKey(sig.key_id));
    signer_revoked |= key.RevokedAt(record.issued_at());
    signers.push_back(std::move(key.signer));
    vouching_keys.push_back(sig.key_id);
  }
  records::RecordSubjects subjects = records::SubjectsOf(record);
  if (record.has_key_revoked()) {
    if (std::optional<KeyEntry> key =
            registry_->FindKey(record.key_revoked().key_id())) {
      subjects.key_owner = key->signer.owner;
      subjects.key_owner_organisation =
          key->signer.principal == records::Principal::kOrganisation
              ? key->signer.owner
              : key->signer.organisation_id;
    }
  }
  if (record.has_record_status_changed()) {
    SKP_ASSIGN_OR_RETURN(
        subjects.target_issuer,
        IssuerOf(record.record_status_changed().target_record()));
  }
  SKP_RETURN_IF_ERROR(records::Authorize(record, signers, subjects));
  if (!registry_rows_.has_value()) {
    uint64_t count = 0;
    SKP_RETURN_IF_ERROR(store_->ScanProjections(
        kRegistryPrefix, [&](absl::string_view, absl::string_view) {
          ++count;
          return true;
        }));
    registry_rows_ = registry_rows_staged_ = count;
  }
  SKP_RETURN_IF_ERROR(registry_->CheckApplicable(record));
  for (const RecordAdmission* admission : admissions_) {
    SKP_RETURN_IF_ERROR(admission->Check(record));
  }

  // Records this one revokes by revoking their key, found before anything is
  // staged (the scan may fail).
  std::vector<std::string> withdrawn;
  for (const KeyRevocation& revocation : registry_->RevocationsBy(record)) {
    SKP_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                         SignedDuring(revocation));
    withdrawn.insert(withdrawn.end(), ids.begin(), ids.end());
  }

  // Admitted: update the registry and projections and stage their rows.
  if (TrustRegistry::IsRegistryKind(record.kind_case())) {
    registry_->Apply(record);
    // Keyed by admission order, not location: replaying them at start must
    // meet every registration before what depends on it, across all logs.
    rows.emplace_back(RegistryRowKey(registry_rows_staged_++), entry.payload);
  }
  // The issuer vouches for the record: the signer other than the record's own
  // new key (enrolment and rebinding carry both).
  const records::SignerInfo& issuer = *std::find_if(
      signers.begin(), signers.end(),
      [](const records::SignerInfo& s) { return !s.is_record_key; });
  std::string record_id(ledger::AsBytes(leaf_hash));
  staged_issuers_[record_id] = issuer.owner;
  rows.emplace_back(absl::StrCat(kIssuerPrefix, record_id), issuer.owner);
  for (const std::string& key_id : vouching_keys) {
    std::string row = SignedRow(key_id, record.issued_at(), record_id);
    rows.emplace_back(row, "");
    staged_signed_.push_back(std::move(row));
  }
  for (RecordAdmission* admission : admissions_) {
    admission->Stage(record, leaf_hash, index, issuer.owner, rows);
  }
  if (signer_revoked) withdrawn.push_back(record_id);
  for (const std::string& id : withdrawn) {
    for (RecordAdmission* admission : admissions_) {
      admission->StageSignerRevoked(id, rows);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> RecordValidator::SignedDuring(
    const KeyRevocation& revocation) const {
  const std::string prefix = absl::StrCat(kSignedPrefix, revocation.key_id);
  std::vector<std::string> ids;
  auto take = [&](absl::string_view row) {
    absl::string_view rest = row.substr(prefix.size());
    auto issued_at =
        static_cast<int64_t>(ledger::ReadBigEndian(rest.substr(0, 8)));
    if (issued_at >= revocation.from &&
        (!revocation.until.has_value() || issued_at < *revocation.until)) {
      ids.emplace_back(rest.substr(8));
    }
  };
  SKP_RETURN_IF_ERROR(store_->ScanProjections(
      prefix, [&](absl::string_view row, absl::string_view) {
        take(row);
        return true;
      }));
  for (const std::string& row : staged_signed_) {
    if (absl::StartsWith(row, prefix)) take(row);
  }
  return ids;
}

void RecordValidator::Committed() {
  if (registry_rows_.has_value()) {
    registry_rows_ = registry_rows_staged_;
    committed_registry_rows_ = registry_rows_staged_;
  }
  registry_->Commit();
  staged_issuers_.clear();
  staged_signed_.clear();
  for (RecordAdmission* admission : admissions_) admission->Committed();
}

void RecordValidator::Aborted() {
  if (registry_rows_.has_value()) registry_rows_staged_ = *registry_rows_;
  registry_->Rollback();
  staged_issuers_.clear();
  staged_signed_.clear();
  for (RecordAdmission* admission : admissions_) admission->Aborted();
}

}  // namespace skp::registry
