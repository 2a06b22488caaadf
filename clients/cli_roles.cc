#include "clients/cli_roles.h"

#include <google/protobuf/util/json_util.h>
#include <sodium.h>

#include <map>

#include "absl/strings/str_cat.h"
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

absl::StatusOr<ledger::Signer> Key(const CommandLine& cl,
                                   const char* flag = "key") {
  SKP_RETURN_IF_ERROR(Require(cl, {flag}));
  return ledger::ReadKeyFile(cl.Get(flag));
}

absl::StatusOr<std::string> PassportArgument(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(Require(cl, {"passport"}));
  absl::StatusOr<std::string> id = ledger::HexDecode(cl.Get("passport"));
  if (!id.ok() || id->size() != 16)
    return Usage("--passport must be 32 hex digits");
  return *id;
}

std::string PassportOfKey(const ledger::Signer& key) {
  return records::PassportIdOf(records::PublicKeyBytes(key.verifier()));
}

template <typename Enum>
absl::StatusOr<Enum> EnumArgument(
    const CommandLine& cl, const char* flag,
    const google::protobuf::EnumDescriptor* type) {
  SKP_RETURN_IF_ERROR(Require(cl, {flag}));
  SKP_ASSIGN_OR_RETURN(int value, records::ParseEnumName(type, cl.Get(flag)));
  return static_cast<Enum>(value);
}

absl::StatusOr<int> IntArgument(const CommandLine& cl, const char* flag) {
  SKP_RETURN_IF_ERROR(Require(cl, {flag}));
  SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> value, cl.GetUint(flag));
  return static_cast<int>(*value);
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

absl::Status RegisterProfessional(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "org", "regulator", "number", "profession",
                    "professional-vkey"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"org", "number", "profession"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(cl));
  SKP_ASSIGN_OR_RETURN(
      ledger::Verifier professional,
      VerifierArgument(cl.Get("professional-vkey"), "professional-vkey"));
  SKP_ASSIGN_OR_RETURN(
      auto regulator,
      EnumArgument<v1::Regulator>(cl, "regulator", v1::Regulator_descriptor()));
  v1::Record record;
  auto* p = record.mutable_professional_registered();
  p->set_regulator(regulator);
  p->set_registration_number(cl.Get("number"));
  p->set_professional_id(absl::StrCat(
      absl::AsciiStrToUpper(cl.Get("regulator")), ":", cl.Get("number")));
  p->set_profession(cl.Get("profession"));
  p->set_organisation_id(cl.Get("org"));
  p->set_public_key(records::PublicKeyBytes(professional));
  return SubmitRecord(cl, record, {&org});
}

// The identity commitment: SHA-256 over a fresh salt and the identity file.
// Identity and salt are sealed in the wallet's vault beside the worker's key
// (clients/vault.h); only the commitment goes on the ledger.
absl::Status Enrol(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "org-key", "org", "identity-file"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"org", "identity-file"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, Key(cl));
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(cl, "org-key"));
  SKP_ASSIGN_OR_RETURN(std::string identity,
                       ReadFile(cl.Get("identity-file"), "identity-file"));
  std::string salt(32, '\0');
  randombytes_buf(salt.data(), salt.size());
  SKP_RETURN_IF_ERROR(SealVault(cl.Get("key"), {identity, salt}));
  v1::Record record;
  auto* e = record.mutable_passport_enrolled();
  e->set_public_key(records::PublicKeyBytes(worker.verifier()));
  e->set_identity_commitment(records::IdentityCommitment(salt, identity));
  e->set_organisation_id(cl.Get("org"));
  return SubmitRecord(cl, record, {&worker, &org});
}

absl::Status Hire(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"server", "key", "org", "passport",
                                    "employment-id", "job-role", "nhs-role",
                                    "sector", "icb", "place", "fte", "start"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"org", "employment-id", "icb", "place"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(cl));
  v1::Record record;
  auto* e = record.mutable_employment_started();
  SKP_ASSIGN_OR_RETURN(*e->mutable_passport_id(), PassportArgument(cl));
  e->set_organisation_id(cl.Get("org"));
  e->set_employment_id(cl.Get("employment-id"));
  if (cl.Has("job-role")) {
    SKP_ASSIGN_OR_RETURN(int role, IntArgument(cl, "job-role"));
    e->set_ascwds_job_role(role);
  } else if (cl.Has("nhs-role")) {
    e->set_nhs_role_code(cl.Get("nhs-role"));
  } else {
    return Usage("give --job-role (ASC-WDS id) or --nhs-role (code)");
  }
  SKP_ASSIGN_OR_RETURN(auto sector, EnumArgument<v1::Sector>(
                                        cl, "sector", v1::Sector_descriptor()));
  e->set_sector(sector);
  e->set_icb_code(cl.Get("icb"));
  e->set_place(cl.Get("place"));
  SKP_ASSIGN_OR_RETURN(int fte, IntArgument(cl, "fte"));
  e->set_fte_thousandths(fte);
  SKP_ASSIGN_OR_RETURN(*e->mutable_start_date(), DateArgument(cl, "start"));
  return SubmitRecord(cl, record, {&org});
}

absl::Status EndEmployment(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly(
      {"server", "key", "org", "passport", "employment-id", "end", "reason"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"org", "employment-id"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(cl));
  v1::Record record;
  auto* e = record.mutable_employment_ended();
  SKP_ASSIGN_OR_RETURN(*e->mutable_passport_id(), PassportArgument(cl));
  e->set_organisation_id(cl.Get("org"));
  e->set_employment_id(cl.Get("employment-id"));
  SKP_ASSIGN_OR_RETURN(*e->mutable_end_date(), DateArgument(cl, "end"));
  e->set_reason(cl.Get("reason"));
  return SubmitRecord(cl, record, {&org});
}

absl::Status Standard(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "org", "passport", "version", "standards",
                    "assessor", "method", "date"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"org", "standards", "assessor", "method"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(cl));
  SKP_ASSIGN_OR_RETURN(std::string passport, PassportArgument(cl));
  SKP_ASSIGN_OR_RETURN(int version, IntArgument(cl, "version"));
  SKP_ASSIGN_OR_RETURN(v1::Date date, DateArgument(cl, "date"));
  // One record per standard: "1-16" or "1,2,5".
  std::vector<int> standards;
  for (absl::string_view part : absl::StrSplit(cl.Get("standards"), ',')) {
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
    s->set_organisation_id(cl.Get("org"));
    s->set_version(version);
    s->set_standard(standard);
    s->set_assessor(cl.Get("assessor"));
    s->set_method(cl.Get("method"));
    *s->mutable_met_on() = date;
    SKP_RETURN_IF_ERROR(SubmitRecord(cl, record, {&org}));
  }
  return absl::OkStatus();
}

absl::Status Assess(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "professional", "passport", "activity",
                    "procedure", "assessed", "reassess-by", "not-competent"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"professional", "procedure"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer professional, Key(cl));
  v1::Record record;
  auto* c = record.mutable_competency_assessed();
  SKP_ASSIGN_OR_RETURN(*c->mutable_passport_id(), PassportArgument(cl));
  c->set_professional_id(cl.Get("professional"));
  SKP_ASSIGN_OR_RETURN(int activity, IntArgument(cl, "activity"));
  c->set_activity_category(activity);
  c->set_procedure(cl.Get("procedure"));
  c->set_competent(!cl.Has("not-competent"));
  SKP_ASSIGN_OR_RETURN(*c->mutable_assessed_on(), DateArgument(cl, "assessed"));
  SKP_ASSIGN_OR_RETURN(*c->mutable_reassess_by(),
                       DateArgument(cl, "reassess-by"));
  return SubmitRecord(cl, record, {&professional});
}

absl::Status Delegate(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "professional", "regulator", "number",
                    "profession", "passport", "delegation-id", "activity",
                    "procedure", "person-ref", "setting", "conditions",
                    "supervision", "competency", "date", "review-by"}));
  SKP_RETURN_IF_ERROR(Require(
      cl, {"professional", "number", "profession", "delegation-id", "procedure",
           "person-ref", "setting", "supervision", "competency"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer professional, Key(cl));
  v1::Record record;
  auto* d = record.mutable_activity_delegated();
  d->set_delegation_id(cl.Get("delegation-id"));
  SKP_ASSIGN_OR_RETURN(*d->mutable_passport_id(), PassportArgument(cl));
  d->set_professional_id(cl.Get("professional"));
  d->set_profession(cl.Get("profession"));
  SKP_ASSIGN_OR_RETURN(
      auto regulator,
      EnumArgument<v1::Regulator>(cl, "regulator", v1::Regulator_descriptor()));
  d->set_regulator(regulator);
  d->set_registration_number(cl.Get("number"));
  SKP_ASSIGN_OR_RETURN(int activity, IntArgument(cl, "activity"));
  d->set_activity_category(activity);
  d->set_procedure(cl.Get("procedure"));
  d->set_person_reference(cl.Get("person-ref"));
  d->set_setting(cl.Get("setting"));
  d->set_conditions(cl.Get("conditions"));
  d->set_supervision_contact(cl.Get("supervision"));
  absl::StatusOr<std::string> competency =
      ledger::HexDecode(cl.Get("competency"));
  if (!competency.ok() || competency->size() != 32) {
    return Usage("--competency is the assessment's record id, 64 hex digits");
  }
  d->set_competency_record(*competency);
  SKP_ASSIGN_OR_RETURN(*d->mutable_delegated_on(), DateArgument(cl, "date"));
  SKP_ASSIGN_OR_RETURN(*d->mutable_review_by(), DateArgument(cl, "review-by"));
  return SubmitRecord(cl, record, {&professional});
}

absl::Status Consent(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "to", "consent-id", "expires-in"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"to", "consent-id"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, Key(cl));
  SKP_ASSIGN_OR_RETURN(uint64_t lifetime, cl.GetUint("expires-in", 86400));
  v1::Record record;
  auto* c = record.mutable_consent_granted();
  c->set_consent_id(cl.Get("consent-id"));
  c->set_passport_id(PassportOfKey(worker));
  c->set_grantee_organisation_id(cl.Get("to"));
  c->set_scope("passport:read");
  c->set_expires_at(absl::ToUnixSeconds(absl::Now()) +
                    static_cast<int64_t>(lifetime));
  return SubmitRecord(cl, record, {&worker});
}

absl::Status PrintPassportId(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"key"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, Key(cl));
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
absl::Status Show(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "passport", "as-of", "json"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer reader, Key(cl));
  std::string passport = PassportOfKey(reader);
  if (cl.Has("passport")) {
    SKP_ASSIGN_OR_RETURN(passport, PassportArgument(cl));
  }
  v1::GetPassportRequest request;
  request.set_passport_id(passport);
  if (cl.Has("as-of")) {
    SKP_ASSIGN_OR_RETURN(*request.mutable_as_of(), DateArgument(cl, "as-of"));
  }
  std::shared_ptr<grpc::Channel> channel = Channel(cl);
  grpc::ClientContext context;
  SKP_RETURN_IF_ERROR(AddAccessToken(channel, reader, context));
  v1::PassportView view;
  SKP_RETURN_IF_ERROR(records::FromGrpcStatus(
      v1::Passport::NewStub(channel)->GetPassport(&context, request, &view)));
  if (cl.Has("json")) return PrintJson(view);
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

absl::Status Present(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "records", "audience", "expires-in", "out",
                    "text", "disclose-identity"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"records", "audience"}));
  if (!cl.Has("out") && !cl.Has("text"))
    return Usage("give --out FILE and/or --text");
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, Key(cl));
  SKP_ASSIGN_OR_RETURN(uint64_t lifetime, cl.GetUint("expires-in", 86400));
  int64_t now = absl::ToUnixSeconds(absl::Now());
  v1::PresentRequest request;
  request.set_passport_id(PassportOfKey(worker));
  for (absl::string_view hex :
       absl::StrSplit(cl.Get("records"), ',', absl::SkipEmpty())) {
    absl::StatusOr<std::string> id = ledger::HexDecode(hex);
    if (!id.ok() || id->size() != 32)
      return Usage("--records lists record ids, 64 hex digits");
    request.add_record_ids(*id);
  }
  std::shared_ptr<grpc::Channel> channel = Channel(cl);
  grpc::ClientContext context;
  SKP_RETURN_IF_ERROR(AddAccessToken(channel, worker, context));
  v1::SignedBundle bundle;
  SKP_RETURN_IF_ERROR(records::FromGrpcStatus(
      v1::Passport::NewStub(channel)->Present(&context, request, &bundle)));
  // The identity and salt sealed in the wallet's vault at enrolment.
  std::optional<v1::Disclosure> disclosure;
  if (cl.Has("disclose-identity")) {
    SKP_ASSIGN_OR_RETURN(VaultEntry vault, OpenVault(cl.Get("key")));
    disclosure.emplace();
    disclosure->set_identity(std::move(vault.identity));
    disclosure->set_salt(std::move(vault.salt));
  }
  SKP_ASSIGN_OR_RETURN(
      std::string presentation,
      records::MakePresentation(bundle, cl.Get("audience"), now,
                                now + static_cast<int64_t>(lifetime), worker,
                                disclosure ? &*disclosure : nullptr));
  if (cl.Has("out"))
    SKP_RETURN_IF_ERROR(WriteFile(cl.Get("out"), presentation));
  if (cl.Has("text"))
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

absl::Status AddOrganisationKey(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"server", "key", "org", "new-vkey"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"org"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer signer, Key(cl));
  SKP_ASSIGN_OR_RETURN(ledger::Verifier added,
                       VerifierArgument(cl.Get("new-vkey"), "new-vkey"));
  v1::Record record;
  record.mutable_organisation_key_added()->set_organisation_id(cl.Get("org"));
  record.mutable_organisation_key_added()->set_public_key(
      records::PublicKeyBytes(added));
  return SubmitRecord(cl, record, {&signer});
}

// Revokes a key from a moment (default now): records it signs from then on
// are refused.
absl::Status RevokeKey(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "revoke-vkey", "from", "reason"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"reason"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer signer, Key(cl));
  SKP_ASSIGN_OR_RETURN(ledger::Verifier revoked,
                       VerifierArgument(cl.Get("revoke-vkey"), "revoke-vkey"));
  SKP_ASSIGN_OR_RETURN(uint64_t from,
                       cl.GetUint("from", absl::ToUnixSeconds(absl::Now())));
  v1::Record record;
  record.mutable_key_revoked()->set_key_id(revoked.entry_key_id());
  record.mutable_key_revoked()->set_effective_at(static_cast<int64_t>(from));
  record.mutable_key_revoked()->set_reason(cl.Get("reason"));
  return SubmitRecord(cl, record, {&signer});
}

// Training, a qualification or a skill, issued by a training provider or
// employer.
absl::Status Credential(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly(
      {"server", "key", "org", "passport", "kind", "training-category",
       "cstf-subject", "qualification", "level", "awarded", "valid-until"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"org"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer org, Key(cl));
  v1::Record record;
  auto* c = record.mutable_credential_issued();
  SKP_ASSIGN_OR_RETURN(*c->mutable_passport_id(), PassportArgument(cl));
  c->set_organisation_id(cl.Get("org"));
  SKP_ASSIGN_OR_RETURN(auto kind,
                       EnumArgument<v1::CredentialKind>(
                           cl, "kind", v1::CredentialKind_descriptor()));
  c->set_kind(kind);
  if (cl.Has("training-category")) {
    SKP_ASSIGN_OR_RETURN(int category, IntArgument(cl, "training-category"));
    c->set_ascwds_training_category(category);
  } else if (cl.Has("cstf-subject")) {
    c->set_cstf_subject(cl.Get("cstf-subject"));
  } else if (cl.Has("qualification")) {
    c->set_qualification(cl.Get("qualification"));
  } else {
    return Usage("give --training-category, --cstf-subject or --qualification");
  }
  if (cl.Has("level")) {
    SKP_ASSIGN_OR_RETURN(int level, IntArgument(cl, "level"));
    c->set_level(level);
  }
  SKP_ASSIGN_OR_RETURN(*c->mutable_awarded(), DateArgument(cl, "awarded"));
  if (cl.Has("valid-until")) {
    SKP_ASSIGN_OR_RETURN(*c->mutable_valid_until(),
                         DateArgument(cl, "valid-until"));
  }
  return SubmitRecord(cl, record, {&org});
}

absl::Status Review(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "professional", "delegation-id", "date",
                    "review-by", "notes"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"professional", "delegation-id"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer professional, Key(cl));
  v1::Record record;
  auto* r = record.mutable_delegation_reviewed();
  r->set_delegation_id(cl.Get("delegation-id"));
  r->set_professional_id(cl.Get("professional"));
  SKP_ASSIGN_OR_RETURN(*r->mutable_reviewed_on(), DateArgument(cl, "date"));
  SKP_ASSIGN_OR_RETURN(*r->mutable_review_by(), DateArgument(cl, "review-by"));
  r->set_notes(cl.Get("notes"));
  return SubmitRecord(cl, record, {&professional});
}

absl::Status Withdraw(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly(
      {"server", "key", "professional", "delegation-id", "date", "reason"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"professional", "delegation-id"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer professional, Key(cl));
  v1::Record record;
  auto* w = record.mutable_delegation_withdrawn();
  w->set_delegation_id(cl.Get("delegation-id"));
  w->set_professional_id(cl.Get("professional"));
  SKP_ASSIGN_OR_RETURN(*w->mutable_withdrawn_on(), DateArgument(cl, "date"));
  SKP_ASSIGN_OR_RETURN(auto reason,
                       EnumArgument<v1::RevocationReason>(
                           cl, "reason", v1::RevocationReason_descriptor()));
  w->set_reason(reason);
  return SubmitRecord(cl, record, {&professional});
}

// Revokes, suspends or reinstates a record, by its issuer (or governance).
absl::Status ChangeStatus(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "record", "change", "reason"}));
  SKP_ASSIGN_OR_RETURN(ledger::Signer issuer, Key(cl));
  absl::StatusOr<std::string> target = ledger::HexDecode(cl.Get("record"));
  if (!target.ok() || target->size() != 32)
    return Usage("--record is a record id, 64 hex digits");
  v1::Record record;
  auto* s = record.mutable_record_status_changed();
  s->set_target_record(*target);
  SKP_ASSIGN_OR_RETURN(auto change,
                       EnumArgument<v1::StatusChange>(
                           cl, "change", v1::StatusChange_descriptor()));
  s->set_change(change);
  if (cl.Has("reason")) {
    SKP_ASSIGN_OR_RETURN(auto reason,
                         EnumArgument<v1::RevocationReason>(
                             cl, "reason", v1::RevocationReason_descriptor()));
    s->set_reason(reason);
  }
  return SubmitRecord(cl, record, {&issuer});
}

// Destroys the wallet's identity vault and its key. The ledger keeps only
// the commitment: every record and proof still verifies, and the identity can
// no longer be disclosed.
absl::Status Erase(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"key"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"key"}));
  SKP_RETURN_IF_ERROR(EraseVault(cl.Get("key")));
  std::printf("erased the identity vault of %s\n", cl.Get("key").c_str());
  return absl::OkStatus();
}

// Offline: needs only the presentation and the verifier keys of trusted nodes.
absl::Status VerifyPresentationFile(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"in", "in-text", "node-vkey", "witness-vkey", "quorum",
                    "audience", "json"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"audience"}));
  std::string presentation;
  if (cl.Has("in-text")) {
    SKP_ASSIGN_OR_RETURN(presentation,
                         records::PresentationFromText(cl.Get("in-text")));
  } else {
    SKP_ASSIGN_OR_RETURN(presentation, ReadFile(cl.Get("in"), "in"));
  }
  records::VerifyOptions options;
  for (absl::string_view key :
       absl::StrSplit(cl.Get("node-vkey"), ',', absl::SkipEmpty())) {
    SKP_ASSIGN_OR_RETURN(ledger::Verifier node,
                         VerifierArgument(std::string(key), "node-vkey"));
    options.trusted_nodes.push_back(std::move(node));
  }
  if (options.trusted_nodes.empty()) return Usage("--node-vkey is required");
  for (absl::string_view key :
       absl::StrSplit(cl.Get("witness-vkey"), ',', absl::SkipEmpty())) {
    SKP_ASSIGN_OR_RETURN(ledger::Verifier witness,
                         VerifierArgument(std::string(key), "witness-vkey"));
    options.witnesses.push_back(std::move(witness));
  }
  if (cl.Has("quorum")) {
    SKP_ASSIGN_OR_RETURN(uint64_t quorum, cl.GetUint("quorum", 0));
    if (quorum > options.witnesses.size())
      return Usage("--quorum is more than the --witness-vkey keys given");
    options.quorum = static_cast<int>(quorum);
  }
  options.audience = cl.Get("audience");
  options.now = absl::Now();
  SKP_ASSIGN_OR_RETURN(v1::PresentationReport report,
                       records::VerifyPresentation(presentation, options));
  if (cl.Has("json")) return PrintJson(report);
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

}  // namespace

absl::StatusOr<bool> RunRoleCommand(const CommandLine& cl) {
  using Command = absl::Status (*)(const CommandLine&);
  static const std::map<std::vector<std::string>, Command> kCommands = {
      {{"professional", "register"}, RegisterProfessional},
      {{"enrol"}, Enrol},
      {{"hire"}, Hire},
      {{"end-employment"}, EndEmployment},
      {{"standard"}, Standard},
      {{"assess"}, Assess},
      {{"delegate"}, Delegate},
      {{"consent"}, Consent},
      {{"passport-id"}, PrintPassportId},
      {{"show"}, Show},
      {{"present"}, Present},
      {{"verify-presentation"}, VerifyPresentationFile},
      {{"erase"}, Erase},
      {{"org", "add-key"}, AddOrganisationKey},
      {{"key", "revoke"}, RevokeKey},
      {{"credential"}, Credential},
      {{"review"}, Review},
      {{"withdraw"}, Withdraw},
      {{"record", "status"}, ChangeStatus},
  };
  auto it = kCommands.find(cl.words());
  if (it == kCommands.end()) return false;
  SKP_RETURN_IF_ERROR(it->second(cl));
  return true;
}

}  // namespace skp::clients::cli
