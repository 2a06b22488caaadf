#include "records/credentials.h"

#include <google/protobuf/util/json_util.h>
#include <zlib.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "ledger/entry.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "ledger/status_macros.h"
#include "nlohmann/json.hpp"

namespace skp::records {
namespace {

namespace v1 = skillspassport::v1;
using nlohmann::json;

constexpr char kVcContext[] = "https://www.w3.org/ns/credentials/v2";
constexpr char kOpenBadgesContext[] =
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
constexpr char kRecordUrnPrefix[] = "urn:skillspassport:record:";

std::string Base58Btc(absl::string_view bytes) {
  static constexpr char kAlphabet[] =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  std::vector<uint8_t> digits;  // base 58, least significant first
  for (unsigned char byte : bytes) {
    int carry = byte;
    for (uint8_t& digit : digits) {
      carry += digit * 256;
      digit = carry % 58;
      carry /= 58;
    }
    for (; carry > 0; carry /= 58) digits.push_back(carry % 58);
  }
  std::string out;
  for (char c : bytes) {
    if (c != 0) break;
    out.push_back('1');  // each leading zero byte is a leading '1'
  }
  for (auto it = digits.rbegin(); it != digits.rend(); ++it)
    out.push_back(kAlphabet[*it]);
  return out;
}

std::string KeyBytes(const ledger::PublicKey& key) {
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

std::string Base64Url(absl::string_view bytes) {
  return absl::WebSafeBase64Escape(bytes);  // unpadded
}

std::string IsoDate(const v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string IsoTime(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

// A JOSE-secured credential (VC-JOSE-COSE section 3.1.1): the JWT's claim set
// is the credential itself.
std::string SignJwt(const json& credential, const ledger::Signer& key) {
  std::string did = DidKeyOf(key.verifier().public_key());
  json header = {{"alg", "EdDSA"},
                 {"typ", "vc+jwt"},
                 {"cty", "vc"},
                 {"kid", absl::StrCat(did, "#", did.substr(8))}};
  std::string signing_input =
      absl::StrCat(Base64Url(header.dump()), ".", Base64Url(credential.dump()));
  return absl::StrCat(signing_input, ".",
                      Base64Url(key.Sign(signing_input)));
}

json IssuerProfile(const CredentialIssuer& issuer) {
  return {{"id", DidKeyOf(issuer.node_key->verifier().public_key())},
          {"type", json::array({"Profile"})},
          {"name", issuer.node_key->name()}};
}

// The kind's own message in the proto3 JSON mapping, without the passport id
// (the subject names the passport).
absl::StatusOr<json> ContentOf(const v1::Record& record) {
  const google::protobuf::Reflection* reflection = record.GetReflection();
  const google::protobuf::FieldDescriptor* kind =
      record.GetDescriptor()->FindFieldByNumber(record.kind_case());
  if (kind == nullptr) return absl::InvalidArgumentError("record has no kind");
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  if (!google::protobuf::util::MessageToJsonString(
           reflection->GetMessage(record, kind), &text, options)
           .ok()) {
    return absl::InternalError("record content does not print as JSON");
  }
  json content = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (content.is_discarded())
    return absl::InternalError("record content is not JSON");
  content.erase("passportId");
  return content;
}

// The record's kind as its field is named ("credential_issued").
std::string KindName(const v1::Record& record) {
  return std::string(
      v1::Record::descriptor()->FindFieldByNumber(record.kind_case())->name());
}

struct Described {
  std::string kind;         // the credential's own type
  std::string name;         // in words
  std::string achievement;  // an Open Badges achievement id, if it is one
  std::string narrative;    // how it was achieved
  std::string valid_until;  // ISO date-time, if the record expires
};

// Kinds with a shape of their own; any other kind (a new one too) is a
// SkillsPassportRecordCredential named by its field, with no change here.
Described Describe(const v1::Record& record,
                   const reference::ReferenceData& reference) {
  if (record.has_credential_issued()) {
    const v1::CredentialIssued& c = record.credential_issued();
    Described d{.kind = "AchievementCredential"};
    if (c.has_ascwds_training_category()) {
      d.name = reference.TrainingCategoryTitle(c.ascwds_training_category());
      d.achievement = absl::StrCat("urn:ascwds:training-category:",
                                   c.ascwds_training_category());
    } else if (c.has_cstf_subject()) {
      d.name = c.cstf_subject();
      d.achievement = absl::StrCat("urn:nhs:cstf:", c.cstf_subject());
    } else {
      d.name = c.qualification();
      d.achievement = absl::StrCat("urn:ofqual:", c.qualification());
    }
    d.narrative = absl::StrCat("Awarded on ", IsoDate(c.awarded()), " by ",
                               c.organisation_id(), ".");
    if (c.has_valid_until())
      d.valid_until = absl::StrCat(IsoDate(c.valid_until()), "T23:59:59Z");
    return d;
  }
  if (record.has_care_certificate_standard_met()) {
    const v1::CareCertificateStandardMet& s =
        record.care_certificate_standard_met();
    return {.kind = "AchievementCredential",
            .name = absl::StrCat(
                "Care Certificate (", s.version(), ") standard ", s.standard(),
                ": ",
                reference.CareCertificateStandardTitle(s.version(),
                                                       s.standard())),
            .achievement = absl::StrCat("urn:skillspassport:care-certificate:",
                                        s.version(), ":", s.standard()),
            .narrative = absl::StrCat("Met on ", IsoDate(s.met_on()),
                                      ", assessed by ", s.assessor(), " (",
                                      s.method(), ").")};
  }
  if (record.has_competency_assessed()) {
    const v1::CompetencyAssessed& c = record.competency_assessed();
    return {.kind = "DelegatedActivityCompetencyCredential",
            .name = absl::StrCat(
                "Competency assessed: ",
                reference.DelegatedActivityTitle(c.activity_category()), ", ",
                c.procedure())};
  }
  if (record.has_activity_delegated()) {
    const v1::ActivityDelegated& d = record.activity_delegated();
    return {.kind = "DelegatedHealthcareActivityCredential",
            .name = absl::StrCat(
                "Delegated healthcare activity: ",
                reference.DelegatedActivityTitle(d.activity_category()), ", ",
                d.procedure())};
  }
  if (record.has_employment_started()) {
    const v1::EmploymentStarted& e = record.employment_started();
    return {.kind = "EmploymentCredential",
            .name = absl::StrCat(
                "Employed by ", e.organisation_id(), " as ",
                e.has_ascwds_job_role()
                    ? reference.JobRoleTitle(e.ascwds_job_role())
                    : e.nhs_role_code(),
                " from ", IsoDate(e.start_date()))};
  }
  return {.kind = "SkillsPassportRecordCredential",
          .name = KindName(record)};
}

json StatusEntries(uint64_t location, const CredentialIssuer& issuer) {
  json entries = json::array();
  std::string index = absl::StrCat(location % kStatusListSize);
  for (absl::string_view purpose : kStatusPurposes) {
    std::string list = absl::StrCat(issuer.status_base_url, "/", purpose, "/",
                                    location / kStatusListSize);
    entries.push_back({{"id", absl::StrCat(list, "#", index)},
                       {"type", "BitstringStatusListEntry"},
                       {"statusPurpose", purpose},
                       {"statusListIndex", index},
                       {"statusListCredential", list}});
  }
  return entries;
}

const v1::PresentedKey* FindKey(const v1::Bundle& bundle,
                                absl::string_view key_id) {
  for (const v1::PresentedKey& key : bundle.keys()) {
    if (key.key_id() == key_id) return &key;
  }
  return nullptr;
}

}  // namespace

std::string DidKeyOf(const ledger::PublicKey& public_key) {
  // The Ed25519 public key's multicodec prefix, 0xed as an unsigned varint.
  return absl::StrCat("did:key:z",
                      Base58Btc(absl::StrCat("\xed\x01", KeyBytes(public_key))));
}

absl::StatusOr<std::vector<std::string>> IssueRecordCredentials(
    const v1::Bundle& bundle, const std::vector<uint64_t>& locations,
    const CredentialIssuer& issuer) {
  if (locations.size() != static_cast<size_t>(bundle.records_size()))
    return absl::InternalError("one location per record is needed");
  std::string holder_owner = ledger::HexEncode(bundle.passport_id());
  const v1::PresentedKey* holder = nullptr;
  for (const v1::PresentedKey& key : bundle.keys()) {
    if (key.principal() == "worker" && key.owner() == holder_owner &&
        key.revoked_from() == 0 && key.public_key().size() == 32) {
      holder = &key;
    }
  }
  if (holder == nullptr)
    return absl::FailedPreconditionError("the passport has no current key");
  ledger::PublicKey holder_key;
  std::copy(holder->public_key().begin(), holder->public_key().end(),
            holder_key.begin());
  std::string subject_id = DidKeyOf(holder_key);

  std::vector<std::string> credentials;
  for (int i = 0; i < bundle.records_size(); ++i) {
    const v1::PresentedRecord& presented = bundle.records(i);
    SKP_ASSIGN_OR_RETURN(ledger::Entry entry,
                         ledger::DecodeEntry(presented.entry()));
    v1::Record record;
    if (!record.ParseFromString(entry.payload))
      return absl::DataLossError("a logged record does not parse");
    SKP_ASSIGN_OR_RETURN(json content, ContentOf(record));
    Described described = Describe(record, *issuer.reference);
    std::string record_id = ledger::HexEncode(
        ledger::AsBytes(ledger::HashLeaf(presented.entry())));

    // What a deep verifier needs to check the original record itself.
    json signatures = json::array();
    for (const ledger::EntrySignature& sig : entry.signatures) {
      json signer = {{"keyId", ledger::HexEncode(sig.key_id)},
                     {"signature", ledger::Base64Encode(sig.signature)}};
      if (const v1::PresentedKey* key = FindKey(bundle, sig.key_id)) {
        signer["publicKey"] = ledger::Base64Encode(key->public_key());
        signer["owner"] = key->owner();
        signer["principal"] = key->principal();
        if (!key->name().empty()) signer["name"] = key->name();
      }
      signatures.push_back(std::move(signer));
    }
    json proof = json::array();
    for (const std::string& node : presented.inclusion_proof())
      proof.push_back(ledger::Base64Encode(node));
    json evidence = {
        {"id", absl::StrCat(kRecordUrnPrefix, record_id, "#evidence")},
        {"type", json::array({"Evidence", "TransparencyLogInclusion"})},
        {"name", "The signed ledger entry and its inclusion proof"},
        {"entry", ledger::Base64Encode(presented.entry())},
        {"signatures", std::move(signatures)},
        {"logIndex", presented.index()},
        {"inclusionProof", std::move(proof)},
        {"checkpoint", presented.checkpoint().empty() ? bundle.checkpoint()
                                                      : presented.checkpoint()},
        {"stateWhenIssued", v1::RecordState_Name(presented.state())}};

    json subject = {{"id", subject_id},
                    {"recordKind", KindName(record)},
                    {"record", std::move(content)}};
    json context = json::array({kVcContext});
    if (described.kind == "AchievementCredential") {
      context.push_back(kOpenBadgesContext);
      subject["type"] = json::array({"AchievementSubject"});
      subject["achievement"] = {
          {"id", described.achievement},
          {"type", json::array({"Achievement"})},
          {"name", described.name},
          {"description", described.name},
          {"criteria", {{"narrative", described.narrative}}}};
    } else {
      subject["name"] = described.name;
    }
    json credential = {
        {"@context", std::move(context)},
        {"id", absl::StrCat(kRecordUrnPrefix, record_id)},
        {"type", json::array({"VerifiableCredential", described.kind})},
        {"name", described.name},
        {"issuer", IssuerProfile(issuer)},
        {"validFrom", IsoTime(record.issued_at())},
        {"credentialSubject", std::move(subject)},
        {"credentialStatus", StatusEntries(locations[i], issuer)},
        {"evidence", json::array({std::move(evidence)})}};
    if (!described.valid_until.empty())
      credential["validUntil"] = described.valid_until;
    credentials.push_back(SignJwt(credential, *issuer.node_key));
  }
  return credentials;
}

std::string EncodeStatusBits(const std::vector<uint8_t>& bits) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip (RFC 1952) member, as the spec asks.
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
               Z_DEFAULT_STRATEGY);
  std::string gzipped(deflateBound(&stream, bits.size()), '\0');
  stream.next_in = const_cast<Bytef*>(bits.data());
  stream.avail_in = static_cast<uInt>(bits.size());
  stream.next_out = reinterpret_cast<Bytef*>(gzipped.data());
  stream.avail_out = static_cast<uInt>(gzipped.size());
  deflate(&stream, Z_FINISH);  // the bound guarantees one call is enough
  gzipped.resize(stream.total_out);
  deflateEnd(&stream);
  return absl::StrCat("u", Base64Url(gzipped));  // multibase base64url
}

absl::StatusOr<std::string> IssueStatusList(absl::string_view purpose,
                                            uint64_t list,
                                            const std::vector<uint64_t>& set,
                                            int64_t now,
                                            const CredentialIssuer& issuer) {
  if (std::find(std::begin(kStatusPurposes), std::end(kStatusPurposes),
                purpose) == std::end(kStatusPurposes)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "status purpose \"", purpose, "\" is not revocation or suspension"));
  }
  std::vector<uint8_t> bits(kStatusListSize / 8, 0);
  for (uint64_t location : set) {
    if (location / kStatusListSize != list) continue;
    uint64_t index = location % kStatusListSize;
    bits[index / 8] |= static_cast<uint8_t>(0x80 >> (index % 8));  // MSB first
  }
  std::string url =
      absl::StrCat(issuer.status_base_url, "/", purpose, "/", list);
  json credential = {
      {"@context", json::array({kVcContext})},
      {"id", url},
      {"type", json::array({"VerifiableCredential",
                            "BitstringStatusListCredential"})},
      {"issuer", IssuerProfile(issuer)},
      {"validFrom", IsoTime(now)},
      {"credentialSubject",
       {{"id", absl::StrCat(url, "#list")},
        {"type", "BitstringStatusList"},
        {"statusPurpose", purpose},
        {"encodedList", EncodeStatusBits(bits)}}}};
  return SignJwt(credential, *issuer.node_key);
}

}  // namespace skp::records
