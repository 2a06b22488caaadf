#include "records/presentation.h"

#include <sodium.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "ledger/entry.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/status_macros.h"
#include "records/authorization.h"
#include "records/signing.h"

namespace skp::records {
namespace {

namespace v1 = skillspassport::v1;

ledger::PublicKey ToKey(absl::string_view bytes) {
  ledger::PublicKey key{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), key.size()), key.begin());
  return key;
}

const v1::PresentedKey* FindKey(const v1::Bundle& bundle,
                                absl::string_view key_id) {
  for (const v1::PresentedKey& k : bundle.keys()) {
    if (k.key_id() == key_id && k.public_key().size() == 32 &&
        ledger::EntryKeyId(ToKey(k.public_key())) == key_id) {
      return &k;
    }
  }
  return nullptr;
}

bool VerifyWith(const v1::PresentedKey& key, absl::string_view message,
                absl::string_view signature) {
  return ledger::Verifier("key", ToKey(key.public_key()))
      .Verify(message, signature);
}

absl::CivilDay Day(const v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

// The date after which a record no longer vouches for anything, if any.
std::optional<v1::Date> LapsesAfter(const v1::Record& r) {
  if (r.has_credential_issued() && r.credential_issued().has_valid_until()) {
    return r.credential_issued().valid_until();
  }
  if (r.has_competency_assessed()) return r.competency_assessed().reassess_by();
  if (r.has_activity_delegated()) return r.activity_delegated().review_by();
  return std::nullopt;
}

v1::RecordReport CheckRecord(const v1::PresentedRecord& presented,
                             const v1::Bundle& bundle,
                             const ledger::Checkpoint& bundle_checkpoint,
                             const VerifyOptions& options,
                             absl::CivilDay today) {
  v1::RecordReport report;
  auto verdict = [&](v1::RecordVerdict v, std::string detail) {
    report.set_verdict(v);
    report.set_detail(std::move(detail));
    return report;
  };
  ledger::Hash leaf = ledger::HashLeaf(presented.entry());
  report.set_record_id(std::string(ledger::AsBytes(leaf)));
  ledger::Checkpoint checkpoint = bundle_checkpoint;
  if (!presented.checkpoint().empty()) {
    // Logged by another node: its own log's checkpoint must be trusted too.
    absl::StatusOr<ledger::Checkpoint> other =
        OpenTrustedCheckpoint(presented.checkpoint(), options);
    if (!other.ok()) {
      return verdict(v1::RECORD_VERDICT_NOT_IN_LOG,
                     std::string(other.status().message()));
    }
    checkpoint = *other;
  }
  std::vector<ledger::Hash> proof;
  for (const std::string& h : presented.inclusion_proof()) {
    absl::StatusOr<ledger::Hash> hash = ledger::HashFromBytes(h);
    if (!hash.ok())
      return verdict(v1::RECORD_VERDICT_NOT_IN_LOG,
                     "malformed inclusion proof");
    proof.push_back(*hash);
  }
  if (!ledger::VerifyInclusion(presented.index(), checkpoint.size, leaf, proof,
                               checkpoint.root)
           .ok()) {
    return verdict(v1::RECORD_VERDICT_NOT_IN_LOG,
                   "the inclusion proof does not verify");
  }
  absl::StatusOr<ledger::Entry> entry = ledger::DecodeEntry(presented.entry());
  v1::Record record;
  if (!entry.ok() || entry->payload_type != ledger::kRecordPayloadType ||
      !record.ParseFromString(entry->payload)) {
    return verdict(v1::RECORD_VERDICT_TAMPERED, "the entry is not a record");
  }
  report.set_kind(records::KindName(record.kind_case()));
  *report.mutable_record() = record;
  std::optional<std::string> passport = records::PassportOf(record);
  if (!passport.has_value() || *passport != bundle.passport_id()) {
    return verdict(v1::RECORD_VERDICT_TAMPERED,
                   "the record is about another passport");
  }
  std::string pae =
      ledger::PreAuthEncoding(entry->payload_type, entry->payload);
  for (const ledger::EntrySignature& sig : entry->signatures) {
    const v1::PresentedKey* key = FindKey(bundle, sig.key_id);
    if (key == nullptr) {
      return verdict(v1::RECORD_VERDICT_UNKNOWN_ISSUER,
                     absl::StrCat("no key ", ledger::HexEncode(sig.key_id),
                                  " in the bundle"));
    }
    if (!VerifyWith(*key, pae, sig.signature)) {
      return verdict(v1::RECORD_VERDICT_TAMPERED,
                     "a record signature does not verify");
    }
    if (key->principal() != "worker") {
      report.set_issuer(key->owner());
      report.set_issuer_name(key->name());
    }
    if (key->revoked_from() != 0 && record.issued_at() >= key->revoked_from()) {
      return verdict(v1::RECORD_VERDICT_REVOKED,
                     "signed after its key was revoked");
    }
  }
  if (presented.state() == v1::RECORD_STATE_REVOKED) {
    return verdict(v1::RECORD_VERDICT_REVOKED, "revoked by its issuer");
  }
  if (presented.state() == v1::RECORD_STATE_SUSPENDED) {
    return verdict(v1::RECORD_VERDICT_SUSPENDED, "suspended by its issuer");
  }
  if (std::optional<v1::Date> lapses = LapsesAfter(record);
      lapses && Day(*lapses) < today) {
    return verdict(
        v1::RECORD_VERDICT_EXPIRED,
        absl::StrCat("lapsed after ", absl::FormatCivilTime(Day(*lapses))));
  }
  report.set_verdict(v1::RECORD_VERDICT_VALID);
  return report;
}

}  // namespace

absl::Status CheckQuorum(const ledger::SignedNote& note,
                         absl::string_view origin,
                         const VerifyOptions& options) {
  int cosigned = ledger::CountCosignatures(note, options.witnesses);
  if (cosigned < options.quorum) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the checkpoint of ", origin, " carries ", cosigned, " of the ",
        options.quorum, " witness cosignatures required"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ledger::Checkpoint> OpenTrustedCheckpoint(
    absl::string_view note, const VerifyOptions& options) {
  absl::StatusOr<ledger::SignedNote> parsed = ledger::ParseNote(note);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<ledger::Checkpoint> text =
      ledger::ParseCheckpointText(parsed->text);
  if (!text.ok()) return text.status();
  const ledger::Verifier* log = nullptr;
  for (const ledger::Verifier& v : options.trusted_nodes) {
    if (v.name() == text->origin) log = &v;
  }
  if (log == nullptr) {
    return absl::UnauthenticatedError(
        absl::StrCat("log ", text->origin, " is not a trusted log"));
  }
  if (absl::Status signed_by = ledger::VerifyNote(*parsed, *log);
      !signed_by.ok()) {
    return signed_by;
  }
  SKP_RETURN_IF_ERROR(CheckQuorum(*parsed, text->origin, options));
  return text;
}

v1::SignedBundle SignBundle(const v1::Bundle& bundle,
                            const ledger::Signer& node_key) {
  v1::SignedBundle signed_bundle;
  signed_bundle.set_bundle(bundle.SerializeAsString());
  signed_bundle.set_signature(node_key.Sign(
      ledger::PreAuthEncoding(kBundleType, signed_bundle.bundle())));
  return signed_bundle;
}

absl::StatusOr<std::string> MakePresentation(const v1::SignedBundle& bundle,
                                             absl::string_view audience,
                                             int64_t issued_at,
                                             int64_t expires_at,
                                             const ledger::Signer& holder,
                                             const v1::Disclosure* disclosure) {
  if (audience.empty())
    return absl::InvalidArgumentError("a presentation needs an audience");
  if (expires_at <= issued_at) {
    return absl::InvalidArgumentError(
        "a presentation must expire after it is issued");
  }
  v1::Presentation presentation;
  *presentation.mutable_bundle() = bundle;
  presentation.set_audience(std::string(audience));
  presentation.set_issued_at(issued_at);
  presentation.set_expires_at(expires_at);
  std::string nonce(16, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  presentation.set_nonce(nonce);
  if (disclosure != nullptr) *presentation.mutable_disclosure() = *disclosure;
  v1::SignedPresentation signed_presentation;
  signed_presentation.set_presentation(presentation.SerializeAsString());
  signed_presentation.set_key_id(holder.verifier().entry_key_id());
  signed_presentation.set_signature(holder.Sign(ledger::PreAuthEncoding(
      kPresentationType, signed_presentation.presentation())));
  return signed_presentation.SerializeAsString();
}

std::string PresentationToText(absl::string_view presentation) {
  return absl::StrCat(kPresentationTextPrefix,
                      ledger::Base64Encode(presentation));
}

absl::StatusOr<std::string> PresentationFromText(absl::string_view text) {
  if (!absl::ConsumePrefix(&text, kPresentationTextPrefix)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "presentation text must start with ", kPresentationTextPrefix));
  }
  return ledger::Base64Decode(text);
}

absl::StatusOr<v1::PresentationReport> VerifyPresentation(
    absl::string_view bytes, const VerifyOptions& options) {
  v1::SignedPresentation signed_presentation;
  v1::Presentation presentation;
  v1::Bundle bundle;
  if (!signed_presentation.ParseFromArray(bytes.data(),
                                          static_cast<int>(bytes.size())) ||
      !presentation.ParseFromString(signed_presentation.presentation()) ||
      !bundle.ParseFromString(presentation.bundle().bundle())) {
    return absl::InvalidArgumentError("not a valid presentation");
  }
  // The bundle: attested by a node we trust, over a checkpoint of its log.
  std::string bundle_pae =
      ledger::PreAuthEncoding(kBundleType, presentation.bundle().bundle());
  const ledger::Verifier* node = nullptr;
  for (const ledger::Verifier& v : options.trusted_nodes) {
    if (v.Verify(bundle_pae, presentation.bundle().signature())) node = &v;
  }
  if (node == nullptr) {
    return absl::UnauthenticatedError(
        "the bundle is not signed by a trusted node");
  }
  SKP_ASSIGN_OR_RETURN(ledger::Checkpoint checkpoint,
                       ledger::OpenCheckpoint(bundle.checkpoint(), *node));
  SKP_RETURN_IF_ERROR(CheckQuorum(*ledger::ParseNote(bundle.checkpoint()),
                                  checkpoint.origin, options));
  // The holder: the passport's own worker key signed the whole presentation.
  const v1::PresentedKey* holder =
      FindKey(bundle, signed_presentation.key_id());
  if (holder == nullptr || holder->principal() != "worker" ||
      holder->owner() != ledger::HexEncode(bundle.passport_id()) ||
      !VerifyWith(*holder,
                  ledger::PreAuthEncoding(kPresentationType,
                                          signed_presentation.presentation()),
                  signed_presentation.signature())) {
    return absl::UnauthenticatedError(
        "the presentation is not signed by the passport's holder");
  }
  if (holder->revoked_from() != 0 &&
      presentation.issued_at() >= holder->revoked_from()) {
    return absl::UnauthenticatedError(
        "the holder's key was revoked before the presentation");
  }
  if (presentation.audience() != options.audience) {
    return absl::PermissionDeniedError(
        absl::StrCat("the presentation is for ", presentation.audience(),
                     ", not ", options.audience));
  }
  int64_t now = absl::ToUnixSeconds(options.now);
  if (now > presentation.expires_at()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the presentation expired at ", presentation.expires_at()));
  }
  if (presentation.issued_at() > now + 600) {
    return absl::FailedPreconditionError(
        "the presentation is issued in the future");
  }
  v1::PresentationReport report;
  report.set_passport_id(bundle.passport_id());
  report.set_audience(presentation.audience());
  report.set_expires_at(presentation.expires_at());
  absl::CivilDay today = absl::ToCivilDay(options.now, absl::UTCTimeZone());
  for (const v1::PresentedRecord& record : bundle.records()) {
    *report.add_records() =
        CheckRecord(record, bundle, checkpoint, options, today);
  }
  if (presentation.has_disclosure()) {
    const v1::Disclosure& disclosure = presentation.disclosure();
    const v1::RecordReport* enrolment = nullptr;
    for (const v1::RecordReport& r : report.records()) {
      if (r.verdict() == v1::RECORD_VERDICT_VALID &&
          r.record().has_passport_enrolled()) {
        enrolment = &r;
      }
    }
    if (enrolment == nullptr) {
      return absl::FailedPreconditionError(
          "an identity disclosure needs the passport's valid enrolment record "
          "in the "
          "presentation");
    }
    if (IdentityCommitment(disclosure.salt(), disclosure.identity()) !=
        enrolment->record().passport_enrolled().identity_commitment()) {
      return absl::UnauthenticatedError(
          "the disclosed identity does not match the enrolment commitment");
    }
    report.set_verified_identity(disclosure.identity());
  }
  return report;
}

}  // namespace skp::records
