#include "services/passport/passport_service.h"

#include "absl/strings/str_cat.h"
#include "ledger/hash.h"
#include "ledger/status_macros.h"
#include "services/common/grpc_status.h"
#include "services/common/raw_unary.h"
#include "services/ledger/ledger_service.h"
#include "services/passport/read_authorisation.h"

namespace skp::passport {
namespace {

namespace v1 = skillspassport::v1;

}  // namespace

PassportService::PassportService(ledger::Log* log,
                                 const PassportProjection* passports,
                                 const registry::TrustRegistry* registry,
                                 Clock clock, absl::Duration max_clock_skew)
    : log_(log),
      passports_(passports),
      registry_(registry),
      clock_(std::move(clock)),
      max_clock_skew_(max_clock_skew) {}

grpc::ServerUnaryReactor* PassportService::Submit(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return services::AppendThenFinish<v1::SubmitRequest>(
      log_, context, raw_request, raw_response,
      [](ledger::AppendResult result) {
        v1::SubmitResponse response;
        response.set_index(result.index);
        response.set_record_id(std::string(ledger::AsBytes(result.leaf_hash)));
        response.set_already_present(result.already_present);
        response.set_checkpoint(std::move(result.checkpoint));
        return response;
      });
}

absl::Status PassportService::CheckReader(const v1::ReadAuthorisation& auth,
                                          int64_t now) const {
  if (auth.passport_id().size() != 16) {
    return absl::InvalidArgumentError(
        "authorisation.passport_id must be 16 bytes");
  }
  if (std::abs(auth.requested_at() - now) >
      absl::ToInt64Seconds(max_clock_skew_)) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the read authorisation is stale or from the future (requested_at ",
        auth.requested_at(), ", node time ", now, ")"));
  }
  SKP_ASSIGN_OR_RETURN(registry::SignerInfo reader,
                       registry_->SignerAt(auth.key_id(), auth.requested_at()));
  std::optional<registry::KeyEntry> key = registry_->FindKey(auth.key_id());
  if (!key.has_value() ||
      !ledger::Verifier("reader", key->public_key)
           .Verify(ReadAuthorisationMessage(auth.passport_id(),
                                            auth.requested_at()),
                   auth.signature())) {
    return absl::UnauthenticatedError(
        "the read authorisation's signature does not verify");
  }
  std::string passport_hex = ledger::HexEncode(auth.passport_id());
  if (reader.principal == registry::Principal::kWorker &&
      reader.owner == passport_hex) {
    return absl::OkStatus();
  }
  if (reader.principal == registry::Principal::kOrganisation) {
    SKP_ASSIGN_OR_RETURN(
        bool consented,
        passports_->HasLiveConsent(auth.passport_id(), reader.owner, now));
    if (consented) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      reader.owner, " has no live consent to read passport ", passport_hex));
}

grpc::ServerUnaryReactor* PassportService::GetPassport(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  return services::HandleUnary<v1::GetPassportRequest, v1::PassportView>(
      context, raw_request, raw_response,
      [this](const v1::GetPassportRequest& request,
             v1::PassportView& view) -> absl::Status {
        absl::Time now = clock_();
        int64_t now_seconds = absl::ToUnixSeconds(now);
        SKP_RETURN_IF_ERROR(CheckReader(request.authorisation(), now_seconds));
        absl::CivilDay as_of = absl::ToCivilDay(now, absl::UTCTimeZone());
        if (request.has_as_of()) {
          const v1::Date& d = request.as_of();
          as_of = absl::CivilDay(d.year(), d.month(), d.day());
          if (as_of.year() != d.year() || as_of.month() != d.month() ||
              as_of.day() != d.day()) {
            return absl::InvalidArgumentError("as_of is not a valid date");
          }
        }
        SKP_ASSIGN_OR_RETURN(
            view, passports_->View(request.authorisation().passport_id(), as_of,
                                   now_seconds));
        return absl::OkStatus();
      });
}

}  // namespace skp::passport
