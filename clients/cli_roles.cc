#include "clients/cli_roles.h"

#include <google/protobuf/util/json_util.h>
#include <sodium.h>

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "clients/cli_support.h"
#include "clients/vault.h"
#include "ledger/hash.h"
#include "ledger/status_macros.h"
#include "records/authorization.h"
#include "records/grpc_status.h"
#include "records/presentation.h"
#include "records/signing.h"
#include "skillspassport/v1/passport.grpc.pb.h"

namespace skp::clients::cli {
namespace {

namespace v1 = skillspassport::v1;

absl::StatusOr<ledger::Signer> Key(const Args& args, const char* flag = "key") {
  return ledger::ReadKeyFile(args.Get(flag));
}

absl::StatusOr<std::string> PassportArgument(const Args& args) {
  absl::StatusOr<std::string> id = ledger::HexDecode(args.Get("passport"));
  if (!id.ok() || id->size() != 16)
    return Usage("--passport must be 32 hex digits");
  return *id;
}

std::string PassportOfKey(const ledger::Signer& key) {
  return records::PassportIdOf(records::PublicKeyBytes(key.verifier()));
}

// --passport, else the passport `key` was enrolled with. A key bound by
// `rebind` names its passport with --passport: its own hash is another id.
absl::StatusOr<std::string> PassportOrOwn(const Args& args,
                                          const ledger::Signer& key) {
  if (args.Has("passport")) return PassportArgument(args);
  return PassportOfKey(key);
}

// --passport, or the key's own: the flag for commands that take PassportOrOwn.
Flag OwnPassportFlag() {
  return Optional("passport", "HEX",
                  "the passport (default: the one --key was enrolled with)");
}

template <typename Enum>
absl::StatusOr<Enum> EnumArgument(
    const Args& args, const char* flag,
    const google::protobuf::EnumDescriptor* type) {
  SKP_ASSIGN_OR_RETURN(int value, records::ParseEnumName(type, args.Get(flag)));
  return static_cast<Enum>(value);
}

absl::StatusOr<int> IntArgument(const Args& args, const char* flag) {
  SKP_ASSIGN_OR_RETURN(uint64_t value, args.Uint(flag));
  return static_cast<int>(value);
}

absl::Status PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options)
           .ok()) {
    return absl::InternalError("cannot render JSON");
  }
  std::printf("%s\n", json.c_str());
  return absl::OkStatus();
}

std::string Text(const v1::Date& d) {
  return absl::StrCat(d.year(), "-", d.month() < 10 ? "0" : "", d.month(), "-",
                      d.day() < 10 ? "0" : "", d.day());
}

absl::Status RegisterProfessional(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(args));
  SKP_ASSIGN_OR_RETURN(
      ledger::Verifier professional,
      VerifierArgument(args.Get("professional-vkey"), "professional-vkey"));
  SKP_ASSIGN_OR_RETURN(auto regulator,
                       EnumArgument<v1::Regulator>(args, "regulator",
                                                   v1::Regulator_descriptor()));
  v1::Record record;
  auto* p = record.mutable_professional_registered();
  p->set_regulator(regulator);
  p->set_registration_number(args.Get("number"));
  p->set_professional_id(absl::StrCat(
      absl::AsciiStrToUpper(args.Get("regulator")), ":", args.Get("number")));
  p->set_profession(args.Get("profession"));
  p->set_organisation_id(args.Get("org"));
  p->set_public_key(records::PublicKeyBytes(professional));
  return SubmitRecord(args, record, {&org});
}

// The identity commitment: SHA-256 over a fresh salt and the identity file.
// Identity and salt are sealed in the wallet's vault beside the worker's key
// (clients/vault.h); only the commitment goes on the ledger.
absl::Status Enrol(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, Key(args));
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(args, "org-key"));
  SKP_ASSIGN_OR_RETURN(std::string identity,
                       ReadFile(args.Get("identity-file"), "identity-file"));
  std::string salt(32, '\0');
  randombytes_buf(salt.data(), salt.size());
  SKP_RETURN_IF_ERROR(SealVault(args.Get("key"), {identity, salt}));
  v1::Record record;
  auto* e = record.mutable_passport_enrolled();
  e->set_public_key(records::PublicKeyBytes(worker.verifier()));
  e->set_identity_commitment(records::IdentityCommitment(salt, identity));
  e->set_organisation_id(args.Get("org"));
  return SubmitRecord(args, record, {&worker, &org});
}

absl::Status Hire(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(args));
  v1::Record record;
  auto* e = record.mutable_employment_started();
  SKP_ASSIGN_OR_RETURN(*e->mutable_passport_id(), PassportArgument(args));
  e->set_organisation_id(args.Get("org"));
  e->set_employment_id(args.Get("employment-id"));
  if (args.Has("job-role")) {
    SKP_ASSIGN_OR_RETURN(int role, IntArgument(args, "job-role"));
    e->set_ascwds_job_role(role);
  } else if (args.Has("nhs-role")) {
    e->set_nhs_role_code(args.Get("nhs-role"));
  } else {
    return Usage("give --job-role (ASC-WDS id) or --nhs-role (code)");
  }
  SKP_ASSIGN_OR_RETURN(
      auto sector,
      EnumArgument<v1::Sector>(args, "sector", v1::Sector_descriptor()));
  e->set_sector(sector);
  e->set_icb_code(args.Get("icb"));
  e->set_place(args.Get("place"));
  SKP_ASSIGN_OR_RETURN(int fte, IntArgument(args, "fte"));
  e->set_fte_thousandths(fte);
  SKP_ASSIGN_OR_RETURN(*e->mutable_start_date(), DateArgument(args, "start"));
  return SubmitRecord(args, record, {&org});
}

absl::Status EndEmployment(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(args));
  v1::Record record;
  auto* e = record.mutable_employment_ended();
  SKP_ASSIGN_OR_RETURN(*e->mutable_passport_id(), PassportArgument(args));
  e->set_organisation_id(args.Get("org"));
  e->set_employment_id(args.Get("employment-id"));
  SKP_ASSIGN_OR_RETURN(*e->mutable_end_date(), DateArgument(args, "end"));
  e->set_reason(args.Get("reason"));
  return SubmitRecord(args, record, {&org});
}

absl::Status Standard(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(args));
  SKP_ASSIGN_OR_RETURN(std::string passport, PassportArgument(args));
  SKP_ASSIGN_OR_RETURN(int version, IntArgument(args, "version"));
  SKP_ASSIGN_OR_RETURN(v1::Date date, DateArgument(args, "date"));
  // One record per standard: "1-16" or "1,2,5".
  std::vector<int> standards;
  for (absl::string_view part : absl::StrSplit(args.Get("standards"), ',')) {
    std::vector<absl::string_view> range = absl::StrSplit(part, '-');
    int from = 0, to = 0;
    if (range.empty() || range.size() > 2 ||
        !absl::SimpleAtoi(range.front(), &from) ||
        !absl::SimpleAtoi(range.back(), &to) || from > to) {
      return Usage(
          "--standards is a list of numbers and ranges, e.g. 1-16 or 1,3,5");
    }
    for (int s = from; s <= to; ++s) standards.push_back(s);
  }
  for (int standard : standards) {
    v1::Record record;
    auto* s = record.mutable_care_certificate_standard_met();
    s->set_passport_id(passport);
    s->set_organisation_id(args.Get("org"));
    s->set_version(version);
    s->set_standard(standard);
    s->set_assessor(args.Get("assessor"));
    s->set_method(args.Get("method"));
    *s->mutable_met_on() = date;
    SKP_RETURN_IF_ERROR(SubmitRecord(args, record, {&org}));
  }
  return absl::OkStatus();
}

absl::Status Assess(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer professional, Key(args));
  v1::Record record;
  auto* c = record.mutable_competency_assessed();
  SKP_ASSIGN_OR_RETURN(*c->mutable_passport_id(), PassportArgument(args));
  c->set_professional_id(args.Get("professional"));
  SKP_ASSIGN_OR_RETURN(int activity, IntArgument(args, "activity"));
  c->set_activity_category(activity);
  c->set_procedure(args.Get("procedure"));
  c->set_competent(!args.Has("not-competent"));
  SKP_ASSIGN_OR_RETURN(*c->mutable_assessed_on(),
                       DateArgument(args, "assessed"));
  SKP_ASSIGN_OR_RETURN(*c->mutable_reassess_by(),
                       DateArgument(args, "reassess-by"));
  return SubmitRecord(args, record, {&professional});
}

absl::Status Delegate(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer professional, Key(args));
  v1::Record record;
  auto* d = record.mutable_activity_delegated();
  d->set_delegation_id(args.Get("delegation-id"));
  SKP_ASSIGN_OR_RETURN(*d->mutable_passport_id(), PassportArgument(args));
  d->set_professional_id(args.Get("professional"));
  d->set_profession(args.Get("profession"));
  SKP_ASSIGN_OR_RETURN(auto regulator,
                       EnumArgument<v1::Regulator>(args, "regulator",
                                                   v1::Regulator_descriptor()));
  d->set_regulator(regulator);
  d->set_registration_number(args.Get("number"));
  SKP_ASSIGN_OR_RETURN(int activity, IntArgument(args, "activity"));
  d->set_activity_category(activity);
  d->set_procedure(args.Get("procedure"));
  d->set_person_reference(args.Get("person-ref"));
  d->set_setting(args.Get("setting"));
  d->set_conditions(args.Get("conditions"));
  d->set_supervision_contact(args.Get("supervision"));
  absl::StatusOr<std::string> competency =
      ledger::HexDecode(args.Get("competency"));
  if (!competency.ok() || competency->size() != 32) {
    return Usage("--competency is the assessment's record id, 64 hex digits");
  }
  d->set_competency_record(*competency);
  SKP_ASSIGN_OR_RETURN(*d->mutable_delegated_on(), DateArgument(args, "date"));
  SKP_ASSIGN_OR_RETURN(*d->mutable_review_by(),
                       DateArgument(args, "review-by"));
  return SubmitRecord(args, record, {&professional});
}

absl::Status Consent(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, Key(args));
  SKP_ASSIGN_OR_RETURN(uint64_t lifetime, args.Uint("expires-in"));
  v1::Record record;
  auto* c = record.mutable_consent_granted();
  c->set_consent_id(args.Get("consent-id"));
  SKP_ASSIGN_OR_RETURN(*c->mutable_passport_id(), PassportOrOwn(args, worker));
  c->set_grantee_organisation_id(args.Get("to"));
  c->set_scope("passport:read");
  c->set_expires_at(absl::ToUnixSeconds(absl::Now()) +
                    static_cast<int64_t>(lifetime));
  return SubmitRecord(args, record, {&worker});
}

absl::Status WithdrawConsent(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, Key(args));
  v1::Record record;
  auto* c = record.mutable_consent_withdrawn();
  c->set_consent_id(args.Get("consent-id"));
  SKP_ASSIGN_OR_RETURN(*c->mutable_passport_id(), PassportOrOwn(args, worker));
  return SubmitRecord(args, record, {&worker});
}

absl::Status PrintPassportId(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, Key(args));
  std::printf("%s\n", ledger::HexEncode(PassportOfKey(worker)).c_str());
  return absl::OkStatus();
}

const char* StateName(v1::RecordState state) {
  switch (state) {
    case v1::RECORD_STATE_VALID:
      return "valid";
    case v1::RECORD_STATE_EXPIRED:
      return "expired";
    case v1::RECORD_STATE_REVOKED:
      return "revoked";
    case v1::RECORD_STATE_SUSPENDED:
      return "suspended";
    default:
      return "unknown";
  }
}

// The holder's own passport, or (with --passport) one the key's
// organisation has a live consent for.
absl::Status Show(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer reader, Key(args));
  v1::GetPassportRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_passport_id(),
                       PassportOrOwn(args, reader));
  if (args.Has("as-of")) {
    SKP_ASSIGN_OR_RETURN(*request.mutable_as_of(), DateArgument(args, "as-of"));
  }
  v1::PassportView view;
  SKP_RETURN_IF_ERROR(CallNode(args, &reader, &v1::Passport::Stub::GetPassport,
                               request, &view));
  if (args.Has("json")) return PrintJson(view);
  std::printf("passport %s as of %s\n",
              ledger::HexEncode(view.passport_id()).c_str(),
              Text(view.as_of()).c_str());
  for (const auto& e : view.employments()) {
    std::printf("employment  %-10s %-14s %s from %s\n",
                e.active() ? "active" : "ended",
                e.started().organisation_id().c_str(),
                e.started().employment_id().c_str(),
                Text(e.started().start_date()).c_str());
  }
  for (const auto& c : view.care_certificates()) {
    std::printf("care cert.  %d: %d of %d standards%s\n", c.version(),
                c.standards_met_size(),
                c.standards_met_size() + c.standards_missing_size(),
                c.complete() ? ", complete" : "");
  }
  for (const auto& c : view.credentials()) {
    std::printf("credential  %-10s %s\n", StateName(c.ref().state()),
                c.ref().issuer().c_str());
  }
  for (const auto& c : view.competencies()) {
    std::printf("competency  %-10s activity %d, %s, by %s\n",
                StateName(c.ref().state()), c.competency().activity_category(),
                c.competency().procedure().c_str(), c.ref().issuer().c_str());
  }
  for (const auto& d : view.delegations()) {
    std::printf("delegation  %-10s %s: activity %d, %s, review by %s%s\n",
                d.withdrawn() ? "withdrawn" : StateName(d.ref().state()),
                d.delegation().delegation_id().c_str(),
                d.delegation().activity_category(),
                d.delegation().procedure().c_str(), Text(d.review_by()).c_str(),
                d.review_overdue() ? " (OVERDUE)" : "");
  }
  for (const auto& c : view.consents()) {
    std::printf("consent     %-10s to %s\n", c.live() ? "live" : "ended",
                c.consent().grantee_organisation_id().c_str());
  }
  return absl::OkStatus();
}

// --records: ids of 64 hex digits, comma-separated.
absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> RecordIds(
    const Args& args) {
  google::protobuf::RepeatedPtrField<std::string> ids;
  for (absl::string_view hex :
       absl::StrSplit(args.Get("records"), ',', absl::SkipEmpty())) {
    absl::StatusOr<std::string> id = ledger::HexDecode(hex);
    if (!id.ok() || id->size() != 32)
      return Usage("--records lists record ids, 64 hex digits");
    *ids.Add() = *std::move(id);
  }
  return ids;
}

absl::Status IssueCredentials(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, Key(args));
  v1::IssueCredentialsRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_passport_id(),
                       PassportOrOwn(args, worker));
  SKP_ASSIGN_OR_RETURN(*request.mutable_record_ids(), RecordIds(args));
  v1::IssueCredentialsResponse response;
  SKP_RETURN_IF_ERROR(CallNode(args, &worker,
                               &v1::Passport::Stub::IssueCredentials, request,
                               &response));
  for (const std::string& credential : response.credentials())
    std::printf("%s\n", credential.c_str());
  return absl::OkStatus();
}

absl::Status Present(const Args& args) {
  if (!args.Has("out") && !args.Has("text"))
    return Usage("give --out FILE and/or --text");
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, Key(args));
  SKP_ASSIGN_OR_RETURN(uint64_t lifetime, args.Uint("expires-in"));
  int64_t now = absl::ToUnixSeconds(absl::Now());
  v1::PresentRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_passport_id(),
                       PassportOrOwn(args, worker));
  SKP_ASSIGN_OR_RETURN(*request.mutable_record_ids(), RecordIds(args));
  v1::SignedBundle bundle;
  SKP_RETURN_IF_ERROR(
      CallNode(args, &worker, &v1::Passport::Stub::Present, request, &bundle));
  // The identity and salt sealed in the wallet's vault at enrolment.
  std::optional<v1::Disclosure> disclosure;
  if (args.Has("disclose-identity")) {
    SKP_ASSIGN_OR_RETURN(VaultEntry vault, OpenVault(args.Get("key")));
    disclosure.emplace();
    disclosure->set_identity(std::move(vault.identity));
    disclosure->set_salt(std::move(vault.salt));
  }
  SKP_ASSIGN_OR_RETURN(
      std::string presentation,
      records::MakePresentation(bundle, args.Get("audience"), now,
                                now + static_cast<int64_t>(lifetime), worker,
                                disclosure ? &*disclosure : nullptr));
  if (args.Has("out"))
    SKP_RETURN_IF_ERROR(WriteFile(args.Get("out"), presentation));
  if (args.Has("text"))
    std::printf("%s\n", records::PresentationToText(presentation).c_str());
  return absl::OkStatus();
}

const char* VerdictName(v1::RecordVerdict verdict) {
  static const std::map<v1::RecordVerdict, const char*> kNames = {
      {v1::RECORD_VERDICT_VALID, "VALID"},
      {v1::RECORD_VERDICT_EXPIRED, "EXPIRED"},
      {v1::RECORD_VERDICT_REVOKED, "REVOKED"},
      {v1::RECORD_VERDICT_SUSPENDED, "SUSPENDED"},
      {v1::RECORD_VERDICT_UNKNOWN_ISSUER, "UNKNOWN_ISSUER"},
      {v1::RECORD_VERDICT_NOT_IN_LOG, "NOT_IN_LOG"},
      {v1::RECORD_VERDICT_TAMPERED, "TAMPERED"}};
  auto it = kNames.find(verdict);
  return it == kNames.end() ? "UNKNOWN" : it->second;
}

absl::Status AddOrganisationKey(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer signer, Key(args));
  SKP_ASSIGN_OR_RETURN(ledger::Verifier added,
                       VerifierArgument(args.Get("new-vkey"), "new-vkey"));
  v1::Record record;
  record.mutable_organisation_key_added()->set_organisation_id(args.Get("org"));
  record.mutable_organisation_key_added()->set_public_key(
      records::PublicKeyBytes(added));
  return SubmitRecord(args, record, {&signer});
}

// Revokes a key from a moment (default now): records it signs from then on
// are refused.
absl::Status RevokeKey(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer signer, Key(args));
  SKP_ASSIGN_OR_RETURN(
      ledger::Verifier revoked,
      VerifierArgument(args.Get("revoke-vkey"), "revoke-vkey"));
  uint64_t from = absl::ToUnixSeconds(absl::Now());
  if (args.Has("from")) {
    SKP_ASSIGN_OR_RETURN(from, args.Uint("from"));
  }
  v1::Record record;
  record.mutable_key_revoked()->set_key_id(revoked.entry_key_id());
  record.mutable_key_revoked()->set_effective_at(static_cast<int64_t>(from));
  record.mutable_key_revoked()->set_reason(args.Get("reason"));
  return SubmitRecord(args, record, {&signer});
}

// Training, a qualification or a skill, issued by a training provider or
// employer.
absl::Status Credential(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(args));
  v1::Record record;
  auto* c = record.mutable_credential_issued();
  SKP_ASSIGN_OR_RETURN(*c->mutable_passport_id(), PassportArgument(args));
  c->set_organisation_id(args.Get("org"));
  SKP_ASSIGN_OR_RETURN(auto kind,
                       EnumArgument<v1::CredentialKind>(
                           args, "kind", v1::CredentialKind_descriptor()));
  c->set_kind(kind);
  if (args.Has("training-category")) {
    SKP_ASSIGN_OR_RETURN(int category, IntArgument(args, "training-category"));
    c->set_ascwds_training_category(category);
  } else if (args.Has("cstf-subject")) {
    c->set_cstf_subject(args.Get("cstf-subject"));
  } else if (args.Has("qualification")) {
    c->set_qualification(args.Get("qualification"));
  } else {
    return Usage("give --training-category, --cstf-subject or --qualification");
  }
  if (args.Has("level")) {
    SKP_ASSIGN_OR_RETURN(int level, IntArgument(args, "level"));
    c->set_level(level);
  }
  SKP_ASSIGN_OR_RETURN(*c->mutable_awarded(), DateArgument(args, "awarded"));
  if (args.Has("valid-until")) {
    SKP_ASSIGN_OR_RETURN(*c->mutable_valid_until(),
                         DateArgument(args, "valid-until"));
  }
  return SubmitRecord(args, record, {&org});
}

absl::Status Review(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer professional, Key(args));
  v1::Record record;
  auto* r = record.mutable_delegation_reviewed();
  r->set_delegation_id(args.Get("delegation-id"));
  r->set_professional_id(args.Get("professional"));
  SKP_ASSIGN_OR_RETURN(*r->mutable_reviewed_on(), DateArgument(args, "date"));
  SKP_ASSIGN_OR_RETURN(*r->mutable_review_by(),
                       DateArgument(args, "review-by"));
  r->set_notes(args.Get("notes"));
  return SubmitRecord(args, record, {&professional});
}

absl::Status Withdraw(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer professional, Key(args));
  v1::Record record;
  auto* w = record.mutable_delegation_withdrawn();
  w->set_delegation_id(args.Get("delegation-id"));
  w->set_professional_id(args.Get("professional"));
  SKP_ASSIGN_OR_RETURN(*w->mutable_withdrawn_on(), DateArgument(args, "date"));
  SKP_ASSIGN_OR_RETURN(auto reason,
                       EnumArgument<v1::RevocationReason>(
                           args, "reason", v1::RevocationReason_descriptor()));
  w->set_reason(reason);
  return SubmitRecord(args, record, {&professional});
}

// Revokes, suspends or reinstates a record, by its issuer (or governance).
absl::Status ChangeStatus(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer issuer, Key(args));
  absl::StatusOr<std::string> target = ledger::HexDecode(args.Get("record"));
  if (!target.ok() || target->size() != 32)
    return Usage("--record is a record id, 64 hex digits");
  v1::Record record;
  auto* s = record.mutable_record_status_changed();
  s->set_target_record(*target);
  SKP_ASSIGN_OR_RETURN(auto change,
                       EnumArgument<v1::StatusChange>(
                           args, "change", v1::StatusChange_descriptor()));
  s->set_change(change);
  if (args.Has("reason")) {
    SKP_ASSIGN_OR_RETURN(
        auto reason, EnumArgument<v1::RevocationReason>(
                         args, "reason", v1::RevocationReason_descriptor()));
    s->set_reason(reason);
  }
  return SubmitRecord(args, record, {&issuer});
}

// Destroys the wallet's identity vault and its key. The ledger keeps only
// the commitment: every record and proof still verifies, and the identity can
// no longer be disclosed.
absl::Status Erase(const Args& args) {
  SKP_RETURN_IF_ERROR(EraseVault(args.Get("key")));
  std::printf("erased the identity vault of %s\n", args.Get("key").c_str());
  return absl::OkStatus();
}

// Offline: needs only the presentation and the verifier keys of trusted nodes.
absl::Status VerifyPresentationFile(const Args& args) {
  std::string presentation;
  if (args.Has("in-text")) {
    SKP_ASSIGN_OR_RETURN(presentation,
                         records::PresentationFromText(args.Get("in-text")));
  } else {
    SKP_ASSIGN_OR_RETURN(presentation, ReadFile(args.Get("in"), "in"));
  }
  records::VerifyOptions options;
  for (absl::string_view key :
       absl::StrSplit(args.Get("node-vkey"), ',', absl::SkipEmpty())) {
    SKP_ASSIGN_OR_RETURN(ledger::Verifier node,
                         VerifierArgument(std::string(key), "node-vkey"));
    options.trusted_nodes.push_back(std::move(node));
  }
  if (options.trusted_nodes.empty()) return Usage("--node-vkey is required");
  for (absl::string_view key :
       absl::StrSplit(args.Get("witness-vkey"), ',', absl::SkipEmpty())) {
    SKP_ASSIGN_OR_RETURN(ledger::Verifier witness,
                         VerifierArgument(std::string(key), "witness-vkey"));
    options.witnesses.push_back(std::move(witness));
  }
  SKP_ASSIGN_OR_RETURN(uint64_t quorum, args.Uint("quorum"));
  if (quorum > options.witnesses.size())
    return Usage("--quorum is more than the --witness-vkey keys given");
  options.quorum = static_cast<int>(quorum);
  options.audience = args.Get("audience");
  options.now = absl::Now();
  SKP_ASSIGN_OR_RETURN(v1::PresentationReport report,
                       records::VerifyPresentation(presentation, options));
  if (args.Has("json")) return PrintJson(report);
  std::printf("presentation for %s from passport %s: verified\n",
              report.audience().c_str(),
              ledger::HexEncode(report.passport_id()).c_str());
  if (!report.verified_identity().empty()) {
    std::printf("identity (matches the enrolment commitment): %s\n",
                report.verified_identity().c_str());
  }
  for (const auto& r : report.records()) {
    std::printf("%-14s %-30s %-14s %s%s%s\n", VerdictName(r.verdict()),
                r.kind().c_str(), r.issuer().c_str(),
                ledger::HexEncode(r.record_id()).substr(0, 16).c_str(),
                r.detail().empty() ? "" : "  ", r.detail().c_str());
  }
  return absl::OkStatus();
}

// Governance registers an organisation with its first key and its roles.
absl::Status RegisterOrganisation(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer governance, Key(args));
  SKP_ASSIGN_OR_RETURN(ledger::Verifier org_key,
                       VerifierArgument(args.Get("org-vkey"), "org-vkey"));
  v1::Record record;
  auto* org = record.mutable_organisation_registered();
  org->set_organisation_id(args.Get("id"));
  org->set_id_scheme(absl::StartsWith(args.Get("id"), "CQC:")
                         ? v1::ID_SCHEME_CQC
                         : v1::ID_SCHEME_ODS);
  org->set_name(args.Get("name"));
  SKP_ASSIGN_OR_RETURN(
      auto sector,
      EnumArgument<v1::Sector>(args, "sector", v1::Sector_descriptor()));
  org->set_sector(sector);
  org->set_icb_code(args.Get("icb"));
  org->set_place(args.Get("place"));
  for (absl::string_view role :
       absl::StrSplit(args.Get("roles"), ',', absl::SkipEmpty())) {
    SKP_ASSIGN_OR_RETURN(
        int value,
        records::ParseEnumName(v1::OrganisationRole_descriptor(), role));
    org->add_roles(static_cast<v1::OrganisationRole>(value));
  }
  org->set_public_key(records::PublicKeyBytes(org_key));
  return SubmitRecord(args, record, {&governance});
}

absl::Status GrantRole(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer governance, Key(args));
  v1::Record record;
  auto* g = record.mutable_organisation_role_granted();
  g->set_organisation_id(args.Get("org"));
  SKP_ASSIGN_OR_RETURN(auto role,
                       EnumArgument<v1::OrganisationRole>(
                           args, "role", v1::OrganisationRole_descriptor()));
  g->set_role(role);
  return SubmitRecord(args, record, {&governance});
}

// The passport moves to a new key (a lost or replaced device): signed by the
// new key and by the identity checker that saw the holder again.
absl::Status Rebind(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, Key(args));
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(args, "org-key"));
  v1::Record record;
  auto* r = record.mutable_passport_key_rebound();
  SKP_ASSIGN_OR_RETURN(*r->mutable_passport_id(), PassportArgument(args));
  r->set_new_public_key(records::PublicKeyBytes(worker.verifier()));
  r->set_organisation_id(args.Get("org"));
  r->set_reason(args.Get("reason"));
  return SubmitRecord(args, record, {&worker, &org});
}

// "care-certificate:2025", "training:N", "cstf:SUBJECT",
// "qualification:ID", "competency:N".
absl::StatusOr<v1::Requirement> ParseRequirement(absl::string_view text) {
  std::pair<std::string, std::string> kv = absl::StrSplit(text, ':');
  int number = 0;
  bool numeric = absl::SimpleAtoi(kv.second, &number);
  v1::Requirement r;
  if (kv.first == "care-certificate" && numeric) {
    r.set_care_certificate_version(number);
  } else if (kv.first == "training" && numeric) {
    r.set_ascwds_training_category(number);
  } else if (kv.first == "competency" && numeric) {
    r.set_competency_activity(number);
  } else if (kv.first == "cstf" && !kv.second.empty()) {
    r.set_cstf_subject(kv.second);
  } else if (kv.first == "qualification" && !kv.second.empty()) {
    r.set_qualification(kv.second);
  } else {
    return Usage(absl::StrCat("--checklist: unknown item ", text,
                              " (care-certificate:VERSION, training:N, "
                              "cstf:SUBJECT, qualification:ID, competency:N)"));
  }
  return r;
}

// What a role's checklist still needs, for a passport the key may read.
absl::Status RequiredCredentials(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer reader, Key(args));
  v1::RequiredCredentialsRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_passport_id(),
                       PassportOrOwn(args, reader));
  if (args.Has("as-of")) {
    SKP_ASSIGN_OR_RETURN(*request.mutable_as_of(), DateArgument(args, "as-of"));
  }
  std::vector<std::string> items =
      absl::StrSplit(args.Get("checklist"), ',', absl::SkipEmpty());
  for (const std::string& item : items) {
    SKP_ASSIGN_OR_RETURN(*request.add_checklist(), ParseRequirement(item));
  }
  v1::RequiredCredentialsResponse response;
  SKP_RETURN_IF_ERROR(CallNode(args, &reader,
                               &v1::Passport::Stub::RequiredCredentials,
                               request, &response));
  if (args.Has("json")) return PrintJson(response);
  // The node answers item by item, in the checklist's order.
  for (int i = 0; i < response.results_size(); ++i) {
    const v1::RequirementResult& result = response.results(i);
    std::vector<std::string> ids;
    for (const std::string& id : result.record_ids())
      ids.push_back(ledger::HexEncode(id));
    std::printf("%-10s %s%s%s\n", result.satisfied() ? "satisfied" : "needed",
                i < static_cast<int>(items.size()) ? items[i].c_str() : "?",
                ids.empty() ? "" : "  ", absl::StrJoin(ids, ",").c_str());
  }
  std::printf("%d satisfied, %d still needed\n", response.satisfied(),
              response.still_needed());
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> RoleCommands() {
  using K = Flag::Kind;
  const std::string kRecordId = "INDEX RECORD_ID_HEX";
  const Flag passport = Required("passport", "HEX", "the passport's id");
  const Flag org = Required("org", "ID", "the organisation's id");
  const Flag professional = Required(
      "professional", "ID", "the professional's id (REGULATOR:NUMBER)");
  const Flag regulator = EnumFlag("regulator", v1::Regulator_descriptor(),
                                  "the professional's regulator");
  const Flag delegation =
      Required("delegation-id", "ID", "the delegation's id");
  return {
      {{"org", "register"},
       "governance registers an organisation, its first key and roles",
       kRecordId,
       WriteFlags({Required("key", "FILE", "the governance key"),
                   Required("id", "ID", "ODS:<code> or CQC:<provider id>"),
                   Required("name", "NAME", "the organisation's public name"),
                   EnumFlag("sector", v1::Sector_descriptor(), "its sector"),
                   Required("icb", "CODE", "its ICB (ONS code, E54...)"),
                   Required("place", "PLACE", "its place within the ICS"),
                   Required("roles", "ROLE[,ROLE]",
                            absl::StrCat("what it may sign (",
                                         records::EnumNames(
                                             v1::OrganisationRole_descriptor()),
                                         ")")),
                   Required("org-vkey", "KEY|FILE",
                            "its verifier key, or a file holding it")}),
       RegisterOrganisation},
      {{"org", "add-key"},
       "an organisation adds a signing key",
       kRecordId,
       WriteFlags({Required("key", "FILE", "one of the organisation's keys"),
                   org,
                   Required("new-vkey", "KEY|FILE",
                            "the new verifier key, or a file holding it")}),
       AddOrganisationKey},
      {{"org", "grant-role"},
       "governance grants an organisation another role",
       kRecordId,
       WriteFlags(
           {Required("key", "FILE", "the governance key"), org,
            EnumFlag("role", v1::OrganisationRole_descriptor(), "the role")}),
       GrantRole},
      {{"professional", "register"},
       "an employer registers a professional and their key",
       kRecordId,
       WriteFlags({Required("key", "FILE", "the employer's key"), org,
                   regulator,
                   Required("number", "NUMBER", "the registration number"),
                   Required("profession", "TEXT", "e.g. \"Registered nurse\""),
                   Required("professional-vkey", "KEY|FILE",
                            "the professional's verifier key")}),
       RegisterProfessional},
      {{"enrol"},
       "a worker's key enrols with an identity-checking organisation",
       absl::StrCat(kRecordId,
                    "; seals the identity and a fresh salt in KEY.vault, and "
                    "puts only their salted commitment on the ledger"),
       WriteFlags({Required("key", "FILE", "the worker's new key"),
                   Required("org-key", "FILE",
                            "the key of the organisation that checked "
                            "identity"),
                   org,
                   Required("identity-file", "FILE",
                            "the identity attributes checked")}),
       Enrol},
      {{"rebind"},
       "an identity checker binds a passport to a new device key",
       kRecordId,
       WriteFlags({Required("key", "FILE", "the worker's new key"),
                   Required("org-key", "FILE",
                            "the key of the organisation that re-checked "
                            "identity"),
                   org, passport,
                   Required("reason", "TEXT", "e.g. \"lost device\"")}),
       Rebind},
      {{"hire"},
       "an employer starts an employment",
       kRecordId,
       WriteFlags(
           {Required("key", "FILE", "the employer's key"), org, passport,
            Required("employment-id", "ID", "unique within the organisation"),
            Optional("job-role", "N", "ASC-WDS job role id (or --nhs-role)"),
            Optional("nhs-role", "CODE", "NHS role code (or --job-role)"),
            EnumFlag("sector", v1::Sector_descriptor(), "the job's sector"),
            Required("icb", "CODE", "the ICB of the workplace"),
            Required("place", "PLACE", "the place of the workplace"),
            Required("fte", "N", "full-time equivalent in thousandths"),
            Required("start", "DATE", "first day (YYYY-MM-DD)")}),
       Hire},
      {{"end-employment"},
       "an employer ends an employment",
       kRecordId,
       WriteFlags({Required("key", "FILE", "the employer's key"), org, passport,
                   Required("employment-id", "ID", "the employment's id"),
                   Required("end", "DATE", "last day (YYYY-MM-DD)"),
                   Optional("reason", "TEXT", "why it ended")}),
       EndEmployment},
      {{"standard"},
       "an employer signs off Care Certificate standards",
       absl::StrCat(kRecordId, ", one line per standard"),
       WriteFlags({Required("key", "FILE", "the employer's key"), org, passport,
                   Required("version", "YEAR",
                            "the Care Certificate's "
                            "version (2015 or 2025)"),
                   Required("standards", "LIST",
                            "numbers and ranges, e.g. "
                            "1-16 or 1,3,5"),
                   Required("assessor", "TEXT", "who assessed"),
                   Required("method", "TEXT", "how, e.g. observation"),
                   Required("date", "DATE", "when they were met")}),
       Standard},
      {{"credential"},
       "a training provider or employer issues training, a qualification or "
       "a skill",
       kRecordId,
       WriteFlags(
           {Required("key", "FILE", "the issuer's key"), org, passport,
            EnumFlag("kind", v1::CredentialKind_descriptor(), "what it is"),
            Optional("training-category", "N",
                     "ASC-WDS training category (or --cstf-subject or "
                     "--qualification)"),
            Optional("cstf-subject", "SUBJECT", "NHS core skills subject"),
            Optional("qualification", "ID", "qualification id"),
            Optional("level", "N", "qualification level"),
            Required("awarded", "DATE", "when it was awarded"),
            Optional("valid-until", "DATE",
                     "when it lapses (default: never)")}),
       Credential},
      {{"assess"},
       "a registered professional records a competency assessment",
       kRecordId,
       WriteFlags({Required("key", "FILE", "the professional's key"),
                   professional, passport,
                   Required("activity", "N", "delegated activity category"),
                   Required("procedure", "TEXT", "the procedure assessed"),
                   Required("assessed", "DATE", "when"),
                   Required("reassess-by", "DATE", "when it lapses"),
                   Switch("not-competent", "record a failed assessment")}),
       Assess},
      {{"delegate"},
       "a registered professional delegates an activity for one person",
       kRecordId,
       WriteFlags(
           {Required("key", "FILE", "the professional's key"), professional,
            regulator,
            Required("number", "NUMBER",
                     "the professional's registration "
                     "number"),
            Required("profession", "TEXT", "the professional's profession"),
            passport, delegation,
            Required("activity", "N", "delegated activity category"),
            Required("procedure", "TEXT", "the procedure delegated"),
            Required("person-ref", "REF",
                     "the person cared for, as only the professional can "
                     "resolve it"),
            Required("setting", "ID", "where (an organisation id)"),
            Optional("conditions", "TEXT", "conditions of the delegation"),
            Required("supervision", "TEXT", "whom to contact"),
            Required("competency", "ID",
                     "the assessment's record id (64 hex digits)"),
            Required("date", "DATE", "when delegated"),
            Required("review-by", "DATE", "when it must be reviewed")}),
       Delegate},
      {{"review"},
       "a professional reviews a delegation",
       kRecordId,
       WriteFlags({Required("key", "FILE", "the professional's key"),
                   professional, delegation,
                   Required("date", "DATE", "when reviewed"),
                   Required("review-by", "DATE", "the next review"),
                   Optional("notes", "TEXT", "review notes")}),
       Review},
      {{"withdraw"},
       "a professional withdraws a delegation",
       kRecordId,
       WriteFlags(
           {Required("key", "FILE", "the professional's key"), professional,
            delegation, Required("date", "DATE", "when withdrawn"),
            EnumFlag("reason", v1::RevocationReason_descriptor(), "why")}),
       Withdraw},
      {{"consent"},
       "a worker lets an organisation read their passport",
       kRecordId,
       WriteFlags(
           {Required("key", "FILE", "the worker's key"),
            Required("to", "ORG", "the organisation"),
            Required("consent-id", "ID", "names it, to withdraw it"),
            Optional("expires-in", "SECONDS", "how long it lasts", "86400"),
            OwnPassportFlag()}),
       Consent},
      {{"consent", "withdraw"},
       "a worker withdraws a consent",
       kRecordId,
       WriteFlags({Required("key", "FILE", "the worker's key"),
                   Required("consent-id", "ID", "the consent's id"),
                   OwnPassportFlag()}),
       WithdrawConsent},
      {{"key", "revoke"},
       "revoke a key from a moment: what it signs from then on is refused, "
       "or held revoked where another node logged it first",
       kRecordId,
       WriteFlags(
           {Required("key", "FILE", "a key of the same owner, or governance's"),
            Required("revoke-vkey", "KEY|FILE", "the key to revoke"),
            Optional("from", "UNIX_SECONDS",
                     "when the revocation takes effect (default: now)"),
            Required("reason", "TEXT", "e.g. rotated, compromised")}),
       RevokeKey},
      {{"record", "status"},
       "a record's issuer (or governance) revokes, suspends or reinstates it",
       kRecordId,
       WriteFlags(
           {Required("key", "FILE", "the issuer's key"),
            Required("record", "ID", "the record's id (64 hex digits)"),
            EnumFlag("change", v1::StatusChange_descriptor(), "the change"),
            EnumFlag("reason", v1::RevocationReason_descriptor(), "why",
                     K::kOptional)}),
       ChangeStatus},
      {{"passport-id"},
       "print the passport id of a worker's key",
       "the passport id in hex",
       {Required("key", "FILE", "the worker's key")},
       PrintPassportId},
      {{"show"},
       "read a passport: the holder's own, or one the key's organisation has "
       "a live consent for",
       "one line per employment, Care Certificate version, credential, "
       "competency, delegation and consent (or, with --json, the "
       "PassportView)",
       {Required("key", "FILE", "the reader's key (signs an access token)"),
        OwnPassportFlag(),
        Optional("as-of", "DATE", "the date to read it as of (default: today)"),
        Switch("json", "print the PassportView as JSON"), ServerFlag()},
       Show},
      {{"required"},
       "what a role's checklist still needs, for a passport the key may read",
       "\"satisfied ITEM RECORD_ID[,RECORD_ID]\" or \"needed ITEM\" per item, "
       "then \"N satisfied, M still needed\" (or, with --json, the "
       "RequiredCredentialsResponse)",
       {Required("key", "FILE", "the reader's key (signs an access token)"),
        OwnPassportFlag(),
        Required("checklist", "ITEM[,ITEM]",
                 "care-certificate:VERSION, training:N, cstf:SUBJECT, "
                 "qualification:ID, competency:N"),
        Optional("as-of", "DATE", "the date to check as of (default: today)"),
        Switch("json", "print the response as JSON"), ServerFlag()},
       RequiredCredentials},
      {{"present"},
       "the holder makes a presentation of chosen records for one audience",
       "writes the presentation to --out, and with --text prints its SPP1: "
       "text (for a QR code)",
       {Required("key", "FILE", "the holder's key"), OwnPassportFlag(),
        Required("records", "ID[,ID]", "record ids (64 hex digits each)"),
        Required("audience", "ORG", "the organisation it is for"),
        Optional("expires-in", "SECONDS", "how long it is valid", "86400"),
        Optional("out", "FILE", "where to write it (and/or --text)"),
        Switch("text", "print the SPP1: text form"),
        Switch("disclose-identity",
               "reveal the identity sealed in the wallet's vault, checked "
               "against the enrolment's commitment"),
        ServerFlag()},
       Present},
      {{"vc"},
       "the holder gets chosen records as W3C Verifiable Credentials 2.0, "
       "signed by the node (ledger/FORMAT.md section 11)",
       "one application/vc+jwt credential per line, in --records order",
       {Required("key", "FILE", "the holder's key"), OwnPassportFlag(),
        Required("records", "ID[,ID]", "record ids (64 hex digits each)"),
        ServerFlag()},
       IssueCredentials},
      {{"verify-presentation"},
       "verify a presentation offline, with the verifier keys of trusted "
       "nodes",
       "\"presentation for ORG from passport HEX: verified\", the disclosed "
       "identity if any, then \"VERDICT KIND ISSUER ID16 [DETAIL]\" per "
       "record (or, with --json, the PresentationReport); exit 1 if the "
       "presentation as a whole fails",
       {Optional("in", "FILE", "the presentation (or --in-text)"),
        Optional("in-text", "SPP1:...", "the presentation's text form"),
        Required("node-vkey", "KEY[,KEY]",
                 "trusted nodes' verifier keys, or files holding them"),
        Optional("witness-vkey", "KEY[,KEY]",
                 "witnesses whose cosignatures count"),
        Optional("quorum", "N",
                 "cosignatures by --witness-vkey keys each checkpoint needs",
                 "0"),
        Required("audience", "ORG", "who is verifying"),
        Switch("json", "print the PresentationReport as JSON")},
       VerifyPresentationFile},
      {{"erase"},
       "destroy the wallet's identity vault and its key",
       "\"erased the identity vault of FILE\"; records and proofs still "
       "verify, and the identity can no longer be disclosed",
       {Required("key", "FILE", "the worker's key")},
       Erase},
  };
}

}  // namespace skp::clients::cli
