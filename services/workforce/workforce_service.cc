#include "services/workforce/workforce_service.h"

#include "absl/strings/str_cat.h"
#include "ledger/status_macros.h"
#include "records/record_checks.h"
#include "services/common/raw_unary.h"

namespace skp::workforce {

namespace v1 = skillspassport::v1;

namespace {

std::vector<v1::Dimension> Dimensions(
    const google::protobuf::RepeatedField<int>& group_by) {
  std::vector<v1::Dimension> out;
  for (int d : group_by) out.push_back(static_cast<v1::Dimension>(d));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<DayNumber>> WorkforceService::Points(
    const v1::When& when) const {
  switch (when.when_case()) {
    case v1::When::kAsOf: {
      SKP_ASSIGN_OR_RETURN(absl::CivilDay day,
                           records::CheckedDay("when.as_of", when.as_of()));
      return std::vector<DayNumber>{ToDayNumber(day)};
    }
    case v1::When::kMonthly: {
      SKP_ASSIGN_OR_RETURN(
          absl::CivilDay from,
          records::CheckedDay("when.monthly.from", when.monthly().from()));
      SKP_ASSIGN_OR_RETURN(
          absl::CivilDay to,
          records::CheckedDay("when.monthly.to", when.monthly().to()));
      if (to < from) {
        return absl::InvalidArgumentError(
            "when.monthly: `to` is before `from`");
      }
      std::vector<DayNumber> points;
      for (absl::CivilMonth m(from); absl::CivilDay(m) <= to; ++m) {
        if (absl::CivilDay(m) < from) continue;
        if (points.size() == kMaxSeriesPoints) {
          return absl::InvalidArgumentError(absl::StrCat(
              "when.monthly: at most ", kMaxSeriesPoints, " points"));
        }
        points.push_back(ToDayNumber(absl::CivilDay(m)));
      }
      if (points.empty()) {
        return absl::InvalidArgumentError(
            "when.monthly: no first day of a month in the range");
      }
      return points;
    }
    default:
      return std::vector<DayNumber>{
          ToDayNumber(absl::ToCivilDay(clock_(), absl::UTCTimeZone()))};
  }
}

absl::StatusOr<std::string> WorkforceService::ScopeIcb(
    grpc::CallbackServerContext* context, absl::string_view requested) const {
  if (authenticator_ == nullptr) return std::string(requested);
  SKP_ASSIGN_OR_RETURN(services::Caller token,
                       authenticator_->Authenticate(*context));
  const records::SignerInfo& caller = token.signer;
  if (caller.principal == records::Principal::kGovernance)
    return std::string(requested);
  std::optional<std::string> own;
  if (caller.principal == records::Principal::kOrganisation &&
      caller.roles.contains(v1::ORGANISATION_ROLE_WORKFORCE_PLANNER)) {
    if (auto organisation = registry_->FindOrganisation(caller.owner)) {
      own = organisation->icb_code;
    }
  }
  if (!own.has_value()) {
    return absl::PermissionDeniedError(
        "workforce aggregates are for ICS workforce planners and governance");
  }
  if (!requested.empty() && requested != *own) {
    return absl::PermissionDeniedError(absl::StrCat(
        caller.owner, " may query its own ICS (", *own, "), not ", requested));
  }
  return *own;
}

template <typename Query>
absl::Status WorkforceService::Answer(const v1::When& when,
                                      v1::Tables& response, Query query) const {
  SKP_ASSIGN_OR_RETURN(std::vector<DayNumber> points, Points(when));
  for (DayNumber day : points) {
    SKP_ASSIGN_OR_RETURN(v1::Table table, query(day));
    *table.mutable_as_of() = records::ToDate(FromDayNumber(day));
    *response.add_tables() = std::move(table);
  }
  response.set_suppression_threshold(facts_->disclosure().threshold);
  response.set_rounding_base(facts_->disclosure().rounding_base);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* WorkforceService::Supply(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::HandleUnary<v1::SupplyRequest, v1::Tables>(
      context, request, response,
      [&](const v1::SupplyRequest& req, v1::Tables& out) -> absl::Status {
        v1::WorkforceFilter filter = req.filter();
        SKP_ASSIGN_OR_RETURN(*filter.mutable_icb_code(),
                             ScopeIcb(context, filter.icb_code()));
        const std::vector<v1::Dimension> group_by = Dimensions(req.group_by());
        return Answer(req.when(), out, [&](DayNumber day) {
          return facts_->Supply(filter, group_by, day);
        });
      },
      {limiter_, "Supply"});
}

grpc::ServerUnaryReactor* WorkforceService::Coverage(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::HandleUnary<v1::CoverageRequest, v1::Tables>(
      context, request, response,
      [&](const v1::CoverageRequest& req, v1::Tables& out) -> absl::Status {
        SKP_ASSIGN_OR_RETURN(std::string icb,
                             ScopeIcb(context, req.icb_code()));
        if (!req.filter().icb_code().empty() &&
            req.filter().icb_code() != req.icb_code()) {
          return absl::InvalidArgumentError(
              "filter.icb_code: leave it empty or give the icb_code asked "
              "about");
        }
        v1::WorkforceFilter filter = req.filter();
        filter.set_icb_code(icb);
        return Answer(req.when(), out, [&](DayNumber day) {
          return facts_->Coverage(filter, day);
        });
      },
      {limiter_, "Coverage"});
}

grpc::ServerUnaryReactor* WorkforceService::Expiring(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::HandleUnary<v1::ExpiringRequest, v1::Tables>(
      context, request, response,
      [&](const v1::ExpiringRequest& req, v1::Tables& out) -> absl::Status {
        SKP_ASSIGN_OR_RETURN(std::string icb,
                             ScopeIcb(context, req.icb_code()));
        const std::vector<v1::Dimension> group_by = Dimensions(req.group_by());
        return Answer(req.when(), out, [&](DayNumber day) {
          return facts_->Expiring(icb, req.place(), req.within_days(), group_by,
                                  day);
        });
      },
      {limiter_, "Expiring"});
}

grpc::ServerUnaryReactor* WorkforceService::Plans(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::HandleUnary<v1::PlansRequest, v1::Tables>(
      context, request, response,
      [&](const v1::PlansRequest& req, v1::Tables& out) -> absl::Status {
        SKP_ASSIGN_OR_RETURN(std::string icb,
                             ScopeIcb(context, req.icb_code()));
        return Answer(req.when(), out,
                      [&](DayNumber day) { return facts_->Plans(icb, day); });
      },
      {limiter_, "Plans"});
}

grpc::ServerUnaryReactor* WorkforceService::Flows(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return services::HandleUnary<v1::FlowsRequest, v1::Tables>(
      context, request, response,
      [&](const v1::FlowsRequest& req, v1::Tables& out) -> absl::Status {
        SKP_ASSIGN_OR_RETURN(std::string icb,
                             ScopeIcb(context, req.icb_code()));
        const bool monthly = req.when().has_monthly();
        if (!monthly && (req.period_days() < 1 || req.period_days() > 3660)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "period_days must be 1..3660, got ", req.period_days()));
        }
        return Answer(req.when(), out, [&](DayNumber day) {
          // A monthly point covers the month before it.
          DayNumber from = monthly
                               ? ToDayNumber(absl::CivilDay(
                                     absl::CivilMonth(FromDayNumber(day)) - 1))
                               : day - req.period_days() + 1;
          return facts_->Flows(req.between(), icb, from,
                               monthly ? day - 1 : day);
        });
      },
      {limiter_, "Flows"});
}

}  // namespace skp::workforce
