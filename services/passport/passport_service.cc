#include "services/passport/passport_service.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "ledger/entry.h"
#include "ledger/hash.h"
#include "ledger/note.h"
#include "ledger/status_macros.h"
#include "records/authorization.h"
#include "records/grpc_status.h"
#include "records/presentation.h"
#include "services/common/raw_unary.h"
#include "services/ledger/ledger_service.h"

namespace skp::passport {
namespace {

namespace v1 = skillspassport::v1;

constexpr const char* kPrincipalNames[] = {"governance", "organisation",
                                           "professional", "worker"};

}  // namespace

PassportService::PassportService(ledger::Log* log,
                                 services::PeerReplication* replication,
                                 const PassportProjection* passports,
                                 const registry::TrustRegistry* registry,
                                 services::Authenticator* authenticator,
                                 const ledger::Signer* node_key, Clock clock,
                                 services::RateLimiter* limiter,
                                 CredentialOptions credentials)
    : log_(log),
      replication_(replication),
      limiter_(limiter),
      passports_(passports),
      registry_(registry),
      authenticator_(authenticator),
      node_key_(node_key),
      clock_(std::move(clock)),
      credentials_(std::move(credentials)) {}

grpc::ServerUnaryReactor* PassportService::Submit(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return services::AppendThenFinish<v1::SubmitRequest>(
      log_, replication_, context, raw_request, raw_response,
      [](ledger::AppendResult result) {
        v1::SubmitResponse response;
        response.set_index(result.index);
        response.set_record_id(std::string(ledger::AsBytes(result.leaf_hash)));
        response.set_already_present(result.already_present);
        response.set_checkpoint(std::move(result.checkpoint));
        return response;
      },
      {limiter_, "Submit"});
}

absl::StatusOr<services::Caller> PassportService::CheckReader(
    const grpc::ServerContextBase& context, absl::string_view passport_id,
    int64_t now, bool holder_only) {
  if (passport_id.size() != 16) {
    return absl::InvalidArgumentError("passport_id must be 16 bytes");
  }
  SKP_ASSIGN_OR_RETURN(services::Caller caller,
                       authenticator_->Authenticate(context));
  const records::SignerInfo& reader = caller.signer;
  std::string passport_hex = ledger::HexEncode(passport_id);
  if (reader.principal == records::Principal::kWorker &&
      reader.owner == passport_hex) {
    return caller;
  }
  if (holder_only) {
    return absl::PermissionDeniedError(
        "only the passport's holder may present it");
  }
  if (reader.principal == records::Principal::kOrganisation) {
    SKP_ASSIGN_OR_RETURN(bool consented, passports_->HasLiveConsent(
                                             passport_id, reader.owner, now));
    if (consented) return caller;
  }
  return absl::PermissionDeniedError(absl::StrCat(
      reader.owner, " has no live consent to read passport ", passport_hex));
}

absl::StatusOr<v1::PassportView> PassportService::AuthorisedView(
    const grpc::ServerContextBase& context, absl::string_view passport_id,
    const v1::Date* as_of) {
  absl::Time now = clock_();
  int64_t now_seconds = absl::ToUnixSeconds(now);
  SKP_RETURN_IF_ERROR(
      CheckReader(context, passport_id, now_seconds, /*holder_only=*/false)
          .status());
  absl::CivilDay day = absl::ToCivilDay(now, absl::UTCTimeZone());
  if (as_of != nullptr) {
    day = absl::CivilDay(as_of->year(), as_of->month(), as_of->day());
    if (day.year() != as_of->year() || day.month() != as_of->month() ||
        day.day() != as_of->day()) {
      return absl::InvalidArgumentError("as_of is not a valid date");
    }
  }
  return passports_->View(passport_id, day, now_seconds);
}

grpc::ServerUnaryReactor* PassportService::GetPassport(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return services::HandleUnary<v1::GetPassportRequest, v1::PassportView>(
      context, raw_request, raw_response,
      [this, context](const v1::GetPassportRequest& request,
                      v1::PassportView& view) -> absl::Status {
        SKP_ASSIGN_OR_RETURN(
            view,
            AuthorisedView(*context, request.passport_id(),
                           request.has_as_of() ? &request.as_of() : nullptr));
        return absl::OkStatus();
      },
      {limiter_, "GetPassport"});
}

grpc::ServerUnaryReactor* PassportService::RequiredCredentials(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return services::HandleUnary<v1::RequiredCredentialsRequest,
                               v1::RequiredCredentialsResponse>(
      context, raw_request, raw_response,
      [this, context](
          const v1::RequiredCredentialsRequest& request,
          v1::RequiredCredentialsResponse& response) -> absl::Status {
        if (request.checklist_size() < 1 || request.checklist_size() > 100) {
          return absl::InvalidArgumentError("a checklist has 1 to 100 items");
        }
        for (const v1::Requirement& item : request.checklist()) {
          if (item.item_case() == v1::Requirement::ITEM_NOT_SET) {
            return absl::InvalidArgumentError("a checklist item names nothing");
          }
        }
        SKP_ASSIGN_OR_RETURN(
            v1::PassportView view,
            AuthorisedView(*context, request.passport_id(),
                           request.has_as_of() ? &request.as_of() : nullptr));
        response = MatchChecklist(view, request.checklist());
        return absl::OkStatus();
      },
      {limiter_, "RequiredCredentials"});
}

absl::StatusOr<v1::Bundle> PassportService::MakeBundle(
    const v1::PresentRequest& request, const std::string& holder_key_id,
    int64_t now) const {
  if (request.record_ids_size() < 1 || request.record_ids_size() > 64) {
    return absl::InvalidArgumentError("a presentation carries 1 to 64 records");
  }
  // The checkpoint the own log's records are proved against: on a node with
  // peers, the newest one its quorum of peer witnesses cosigned.
  ledger::LogHead head = log_->Head();
  if (int quorum =
          replication_ == nullptr ? 0 : replication_->options().cosign_quorum;
      quorum > 0) {
    std::optional<std::string> cosigned =
        replication_->cosignatures().Cosigned(quorum);
    if (!cosigned.has_value()) {
      return absl::UnavailableError(
          absl::StrCat("no checkpoint of this node's log has ", quorum,
                       " witness cosignatures yet; retry"));
    }
    SKP_ASSIGN_OR_RETURN(ledger::Checkpoint cp,
                         ledger::PeekCheckpoint(*cosigned));
    head = {cp.size, cp.root, *std::move(cosigned)};
  }
  v1::Bundle bundle;
  bundle.set_passport_id(request.passport_id());
  bundle.set_checkpoint(head.checkpoint);
  bundle.set_attested_at(now);
  std::set<std::string> key_ids = {holder_key_id};
  for (const std::string& id : request.record_ids()) {
    SKP_ASSIGN_OR_RETURN(ledger::Hash leaf, ledger::HashFromBytes(id));
    // Logged here, or by a peer this node mirrors.
    const ledger::PublishedTree* tree = log_;
    ledger::LogHead tree_head = head;
    absl::StatusOr<uint64_t> index = log_->FindLeaf(leaf);
    if (absl::IsNotFound(index.status()) && replication_ != nullptr) {
      if (auto mirrored = replication_->Locate(leaf)) {
        tree = mirrored->first;
        tree_head = tree->Head();
        index = mirrored->second;
      }
    }
    if (absl::IsNotFound(index.status())) {
      return absl::NotFoundError(absl::StrCat(
          "record ", ledger::HexEncode(id),
          " is not in this node's log or the logs it mirrors"));
    }
    if (!index.ok()) return index.status();
    if (*index >= tree_head.size) {
      return absl::UnavailableError(
          "the record is newer than the checkpoint; retry");
    }
    SKP_ASSIGN_OR_RETURN(std::string bytes, tree->GetEntry(*index));
    SKP_ASSIGN_OR_RETURN(ledger::Entry entry, ledger::DecodeEntry(bytes));
    v1::Record record;
    if (!record.ParseFromString(entry.payload) ||
        records::PassportOf(record) != request.passport_id()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "record ", ledger::HexEncode(id), " is not about this passport"));
    }
    SKP_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof,
                         tree->InclusionProof(*index, tree_head.size));
    SKP_ASSIGN_OR_RETURN(v1::RecordState state,
                         passports_->StateOf(id, record));
    v1::PresentedRecord* presented = bundle.add_records();
    presented->set_entry(bytes);
    presented->set_index(*index);
    if (tree != log_) {
      SKP_ASSIGN_OR_RETURN(
          *presented->mutable_checkpoint(),
          replication_->witness().CosignMirrored(tree_head.checkpoint));
    }
    for (const ledger::Hash& h : proof) {
      presented->add_inclusion_proof(std::string(ledger::AsBytes(h)));
    }
    presented->set_state(state);
    for (const ledger::EntrySignature& sig : entry.signatures)
      key_ids.insert(sig.key_id);
  }
  // The registry snapshot: every key involved, as the registry holds it now.
  for (const std::string& key_id : key_ids) {
    std::optional<registry::KeyEntry> key = registry_->FindKey(key_id);
    if (!key.has_value())
      continue;  // an enrolment's own new key travels in the record
    v1::PresentedKey* presented = bundle.add_keys();
    presented->set_key_id(key_id);
    presented->set_public_key(
        std::string(reinterpret_cast<const char*>(key->public_key.data()),
                    key->public_key.size()));
    presented->set_owner(key->signer.owner);
    presented->set_principal(
        kPrincipalNames[static_cast<int>(key->signer.principal)]);
    presented->set_revoked_from(key->revoked_from.value_or(0));
    if (key->signer.principal == records::Principal::kOrganisation) {
      if (auto organisation = registry_->FindOrganisation(key->signer.owner)) {
        presented->set_name(organisation->name);
      }
    }
  }
  return bundle;
}

grpc::ServerUnaryReactor* PassportService::Present(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return services::HandleUnary<v1::PresentRequest, v1::SignedBundle>(
      context, raw_request, raw_response,
      [this, context](const v1::PresentRequest& request,
                      v1::SignedBundle& out) -> absl::Status {
        int64_t now = absl::ToUnixSeconds(clock_());
        SKP_ASSIGN_OR_RETURN(services::Caller holder,
                             CheckReader(*context, request.passport_id(), now,
                                         /*holder_only=*/true));
        SKP_ASSIGN_OR_RETURN(v1::Bundle bundle,
                             MakeBundle(request, holder.key_id, now));
        out = records::SignBundle(bundle, *node_key_);
        return absl::OkStatus();
      },
      {limiter_, "Present"});
}

grpc::ServerUnaryReactor* PassportService::VerifyPresentation(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return services::HandleUnary<v1::VerifyPresentationRequest,
                               v1::PresentationReport>(
      context, raw_request, raw_response,
      [this](const v1::VerifyPresentationRequest& request,
             v1::PresentationReport& report) -> absl::Status {
        records::VerifyOptions options{.trusted_nodes = {node_key_->verifier()},
                                       .audience = request.audience(),
                                       .now = clock_()};
        if (replication_ != nullptr) {
          // This node trusts its peers' logs and witnesses as it trusts
          // itself, and asks of every checkpoint what it asks of its own.
          options.trusted_nodes = replication_->log_keys();
          options.trusted_nodes.push_back(node_key_->verifier());
          options.witnesses = replication_->cosignatures().witnesses();
          options.witnesses.push_back(replication_->witness().verifier());
          options.quorum = replication_->options().cosign_quorum;
        }
        SKP_ASSIGN_OR_RETURN(report, records::VerifyPresentation(
                                         request.presentation(), options));
        return absl::OkStatus();
      },
      {limiter_, "VerifyPresentation"});
}

grpc::ServerUnaryReactor* PassportService::IssueCredentials(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return services::HandleUnary<v1::IssueCredentialsRequest,
                               v1::IssueCredentialsResponse>(
      context, raw_request, raw_response,
      [this, context](const v1::IssueCredentialsRequest& request,
                      v1::IssueCredentialsResponse& out) -> absl::Status {
        if (credentials_.reference == nullptr)
          return absl::UnimplementedError("this node issues no credentials");
        int64_t now = absl::ToUnixSeconds(clock_());
        SKP_ASSIGN_OR_RETURN(services::Caller holder,
                             CheckReader(*context, request.passport_id(), now,
                                         /*holder_only=*/true));
        v1::PresentRequest records;
        records.set_passport_id(request.passport_id());
        *records.mutable_record_ids() = request.record_ids();
        SKP_ASSIGN_OR_RETURN(v1::Bundle bundle,
                             MakeBundle(records, holder.key_id, now));
        std::vector<uint64_t> locations;
        for (const std::string& id : request.record_ids()) {
          SKP_ASSIGN_OR_RETURN(std::optional<uint64_t> location,
                               passports_->LocationOf(id));
          if (!location.has_value())
            return absl::NotFoundError(absl::StrCat(
                "record ", ledger::HexEncode(id), " is not on this node"));
          locations.push_back(*location);
        }
        SKP_ASSIGN_OR_RETURN(
            std::vector<std::string> credentials,
            records::IssueRecordCredentials(bundle, locations, Issuer()));
        for (std::string& credential : credentials)
          out.add_credentials(std::move(credential));
        return absl::OkStatus();
      },
      {limiter_, "IssueCredentials"});
}

grpc::ServerUnaryReactor* PassportService::GetStatusList(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return services::HandleUnary<v1::GetStatusListRequest,
                               v1::StatusListCredential>(
      context, raw_request, raw_response,
      [this](const v1::GetStatusListRequest& request,
             v1::StatusListCredential& out) -> absl::Status {
        SKP_ASSIGN_OR_RETURN(*out.mutable_credential(),
                             StatusList(request.purpose(), request.list()));
        return absl::OkStatus();
      },
      {limiter_, "GetStatusList"});
}

records::CredentialIssuer PassportService::Issuer() const {
  return {node_key_, credentials_.reference, credentials_.status_base_url()};
}

absl::StatusOr<std::string> PassportService::StatusList(
    absl::string_view purpose, uint64_t list) const {
  if (credentials_.reference == nullptr)
    return absl::UnimplementedError("this node issues no credentials");
  if (list > UINT64_MAX / records::kStatusListSize)
    return absl::OutOfRangeError(absl::StrCat("status list ", list,
                                              " is beyond every location"));
  Withdrawn withdrawn;
  {
    absl::MutexLock lock(&withdrawn_mu_);
    uint64_t generation = passports_->generation();
    if (!withdrawn_.has_value() || withdrawn_->generation != generation) {
      SKP_ASSIGN_OR_RETURN(auto not_valid, passports_->NotValidRecords());
      Withdrawn fresh;
      fresh.generation = generation;
      for (const PassportProjection::NotValid& record : not_valid) {
        (record.state == v1::RECORD_STATE_SUSPENDED ? fresh.suspended
                                                    : fresh.revoked)
            .push_back(record.location);
      }
      withdrawn_ = std::move(fresh);
    }
    withdrawn = *withdrawn_;
  }
  return records::IssueStatusList(
      purpose, list,
      purpose == "suspension" ? withdrawn.suspended : withdrawn.revoked,
      absl::ToUnixSeconds(clock_()), Issuer());
}

}  // namespace skp::passport
