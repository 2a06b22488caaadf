#include "clients/cli_workforce.h"

#include <grpcpp/grpcpp.h>

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "clients/cli_support.h"
#include "clients/ledger_client.h"
#include "ledger/status_macros.h"
#include "records/grpc_status.h"
#include "records/signing.h"
#include "skillspassport/v1/workforce.grpc.pb.h"

namespace skp::clients::cli {
namespace {

namespace v1 = skillspassport::v1;

constexpr char kSuppressed[] = "[c]";

// The flag's value (or fallback) as a number; 0 if there is neither.
absl::StatusOr<int> IntFlag(const Args& args, const char* flag) {
  const std::string text = args.Get(flag);
  int value = 0;
  if (!text.empty() && !absl::SimpleAtoi(text, &value)) {
    return Usage(absl::StrCat("--", flag, " must be a number"));
  }
  return value;
}

// --as-of DATE, or --from DATE --to DATE for monthly points; neither: today.
absl::StatusOr<v1::When> WhenFlags(const Args& args) {
  v1::When when;
  if (args.Has("from") || args.Has("to")) {
    SKP_RETURN_IF_ERROR(Require(args, {"from", "to"}));
    SKP_ASSIGN_OR_RETURN(*when.mutable_monthly()->mutable_from(),
                         DateArgument(args, "from"));
    SKP_ASSIGN_OR_RETURN(*when.mutable_monthly()->mutable_to(),
                         DateArgument(args, "to"));
  } else if (args.Has("as-of")) {
    SKP_ASSIGN_OR_RETURN(*when.mutable_as_of(), DateArgument(args, "as-of"));
  }
  return when;
}

absl::StatusOr<std::vector<v1::Dimension>> DimensionsFlag(const Args& args,
                                                          const char* flag) {
  std::vector<v1::Dimension> out;
  if (!args.Has(flag)) return out;
  for (absl::string_view name : absl::StrSplit(args.Get(flag), ',')) {
    SKP_ASSIGN_OR_RETURN(
        int d, records::ParseEnumName(v1::Dimension_descriptor(),
                                      absl::StripAsciiWhitespace(name)));
    out.push_back(static_cast<v1::Dimension>(d));
  }
  return out;
}

// "training:4", "cstf:X", "qualification:X", "care-certificate",
// "competency:2", "delegation:2".
absl::StatusOr<v1::Holding> ParseHolding(absl::string_view text) {
  v1::Holding h;
  if (text == "care-certificate") {
    h.set_care_certificate(true);
    return h;
  }
  std::pair<std::string, std::string> kv = absl::StrSplit(text, ':');
  int number = 0;
  bool numeric = absl::SimpleAtoi(kv.second, &number);
  if (kv.first == "training" && numeric) {
    h.set_ascwds_training_category(number);
  } else if (kv.first == "competency" && numeric) {
    h.set_competency_activity(number);
  } else if (kv.first == "delegation" && numeric) {
    h.set_delegated_activity(number);
  } else if (kv.first == "cstf" && !kv.second.empty()) {
    h.set_cstf_subject(kv.second);
  } else if (kv.first == "qualification" && !kv.second.empty()) {
    h.set_qualification(kv.second);
  } else {
    return Usage(absl::StrCat(
        "--holds: unknown holding ", text,
        " (training:N, cstf:SUBJECT, qualification:ID, care-certificate, "
        "competency:N, delegation:N)"));
  }
  return h;
}

// Measures in thousandths print as decimals under a name without the suffix.
bool IsThousandths(const std::string& column) {
  return absl::EndsWith(column, "_thousandths");
}

std::string Cell(const std::string& column, const v1::Measure& m) {
  if (m.suppressed()) return kSuppressed;
  if (!IsThousandths(column)) return absl::StrCat(m.value());
  int64_t v = m.value();
  std::string sign = v < 0 ? "-" : "";
  v = v < 0 ? -v : v;
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, "%03lld",
                static_cast<long long>(v % 1000));
  return absl::StrCat(sign, v / 1000, ".", fraction);
}

void Print(const v1::Tables& tables, bool csv) {
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> header = {"as_of"};
  if (tables.tables_size() > 0) {
    const v1::Table& first = tables.tables(0);
    for (const std::string& k : first.key_columns()) header.push_back(k);
    for (const std::string& m : first.measure_columns()) {
      header.push_back(IsThousandths(m)
                           ? std::string(absl::StripSuffix(m, "_thousandths"))
                           : m);
    }
  }
  lines.push_back(header);
  for (const v1::Table& table : tables.tables()) {
    const std::string as_of =
        absl::StrFormat("%04d-%02d-%02d", table.as_of().year(),
                        table.as_of().month(), table.as_of().day());
    for (const v1::TableRow& row : table.rows()) {
      std::vector<std::string> line = {as_of};
      for (const std::string& k : row.keys()) line.push_back(k);
      for (int m = 0; m < row.measures_size(); ++m) {
        line.push_back(Cell(table.measure_columns(m), row.measures(m)));
      }
      lines.push_back(std::move(line));
    }
  }
  if (csv) {
    for (const auto& line : lines) {
      std::vector<std::string> quoted;
      for (const std::string& field : line) {
        bool quote = field.find_first_of(",\"\n") != std::string::npos;
        quoted.push_back(
            quote
                ? absl::StrCat(
                      "\"", absl::StrReplaceAll(field, {{"\"", "\"\""}}), "\"")
                : field);
      }
      std::printf("%s\n", absl::StrJoin(quoted, ",").c_str());
    }
    return;
  }
  std::vector<size_t> width(header.size(), 0);
  for (const auto& line : lines) {
    for (size_t i = 0; i < line.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], line[i].size());
    }
  }
  for (const auto& line : lines) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      text += absl::StrCat(line[i],
                           std::string(width[i] - line[i].size() + 2, ' '));
    }
    std::printf("%s\n",
                std::string(absl::StripTrailingAsciiWhitespace(text)).c_str());
  }
  std::printf(
      "(cells under %d are suppressed as %s, with others that would "
      "reveal them)\n",
      tables.suppression_threshold(), kSuppressed);
}

template <typename Request>
absl::Status Call(const Args& args, const Request& request,
                  grpc::Status (v1::Workforce::Stub::*method)(
                      grpc::ClientContext*, const Request&, v1::Tables*)) {
  std::optional<ledger::Signer> key;
  if (args.Has("key")) {
    SKP_ASSIGN_OR_RETURN(key, ledger::ReadKeyFile(args.Get("key")));
  }
  v1::Tables tables;
  SKP_RETURN_IF_ERROR(
      CallNode(args, key ? &*key : nullptr, method, request, &tables));
  Print(tables, args.Has("csv"));
  return absl::OkStatus();
}

// The filter flags (FilterFlags) but --icb, which Supply and Coverage share.
absl::Status ReadFilter(const Args& args, v1::WorkforceFilter* f) {
  f->set_place(args.Get("place"));
  if (args.Has("sector")) {
    SKP_ASSIGN_OR_RETURN(
        int sector,
        records::ParseEnumName(v1::Sector_descriptor(), args.Get("sector")));
    f->set_sector(static_cast<v1::Sector>(sector));
  }
  SKP_ASSIGN_OR_RETURN(int job_role, IntFlag(args, "job-role"));
  f->set_ascwds_job_role(job_role);
  f->set_nhs_role_code(args.Get("nhs-role"));
  if (args.Has("holds")) {
    for (absl::string_view h : absl::StrSplit(args.Get("holds"), ',')) {
      SKP_ASSIGN_OR_RETURN(*f->add_holds(), ParseHolding(h));
    }
  }
  return absl::OkStatus();
}

absl::Status Supply(const Args& args) {
  v1::SupplyRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_when(), WhenFlags(args));
  request.mutable_filter()->set_icb_code(args.Get("icb"));
  SKP_RETURN_IF_ERROR(ReadFilter(args, request.mutable_filter()));
  SKP_ASSIGN_OR_RETURN(std::vector<v1::Dimension> group_by,
                       DimensionsFlag(args, "group-by"));
  for (v1::Dimension d : group_by) request.add_group_by(d);
  return Call(args, request, &v1::Workforce::Stub::Supply);
}

absl::Status Coverage(const Args& args) {
  v1::CoverageRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_when(), WhenFlags(args));
  request.set_icb_code(args.Get("icb"));
  SKP_RETURN_IF_ERROR(ReadFilter(args, request.mutable_filter()));
  return Call(args, request, &v1::Workforce::Stub::Coverage);
}

absl::Status Expiring(const Args& args) {
  v1::ExpiringRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_when(), WhenFlags(args));
  SKP_ASSIGN_OR_RETURN(int within, IntFlag(args, "within-days"));
  request.set_within_days(within);
  request.set_icb_code(args.Get("icb"));
  request.set_place(args.Get("place"));
  SKP_ASSIGN_OR_RETURN(std::vector<v1::Dimension> group_by,
                       DimensionsFlag(args, "group-by"));
  for (v1::Dimension d : group_by) request.add_group_by(d);
  return Call(args, request, &v1::Workforce::Stub::Expiring);
}

absl::Status Flows(const Args& args) {
  v1::FlowsRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_when(), WhenFlags(args));
  SKP_ASSIGN_OR_RETURN(int period, IntFlag(args, "period-days"));
  request.set_period_days(period);
  request.set_icb_code(args.Get("icb"));
  SKP_ASSIGN_OR_RETURN(
      int between,
      records::ParseEnumName(v1::Dimension_descriptor(), args.Get("between")));
  request.set_between(static_cast<v1::Dimension>(between));
  return Call(args, request, &v1::Workforce::Stub::Flows);
}

// A workforce planner's required FTE for a role or activity in a place,
// over a period: what `workforce coverage` compares supply with.
absl::Status DemandPlan(const Args& args) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer planner,
                       ledger::ReadKeyFile(args.Get("key")));
  v1::Record record;
  auto* d = record.mutable_demand_plan();
  d->set_organisation_id(args.Get("org"));
  d->set_icb_code(args.Get("icb"));
  d->set_place(args.Get("place"));
  if (args.Has("job-role")) {
    SKP_ASSIGN_OR_RETURN(int role, IntFlag(args, "job-role"));
    d->set_ascwds_job_role(role);
  } else if (args.Has("activity")) {
    SKP_ASSIGN_OR_RETURN(int activity, IntFlag(args, "activity"));
    d->set_activity_category(activity);
  } else {
    return Usage("give --job-role (ASC-WDS id) or --activity (category)");
  }
  SKP_ASSIGN_OR_RETURN(*d->mutable_period_start(), DateArgument(args, "start"));
  SKP_ASSIGN_OR_RETURN(*d->mutable_period_end(), DateArgument(args, "end"));
  SKP_ASSIGN_OR_RETURN(int fte, IntFlag(args, "fte"));
  d->set_required_fte_thousandths(fte);
  return SubmitRecord(args, record, {&planner});
}

// The flags every workforce query takes.
// What ReadFilter reads, after `flags`.
std::vector<Flag> FilterFlags(std::vector<Flag> flags) {
  flags.insert(flags.end(),
               {Optional("place", "PLACE", "only this place"),
                EnumFlag("sector", v1::Sector_descriptor(), "only this sector",
                         Flag::Kind::kOptional),
                Optional("job-role", "N", "only this ASC-WDS job role"),
                Optional("nhs-role", "CODE", "only this NHS role"),
                Optional("holds", "H[,H]",
                         "only workers holding all of these on the day: "
                         "training:N, cstf:SUBJECT, qualification:ID, "
                         "care-certificate, competency:N, delegation:N")});
  return flags;
}

std::vector<Flag> QueryFlags(std::vector<Flag> flags) {
  flags.insert(
      flags.end(),
      {Optional("key", "FILE",
                "signs an access token naming the caller (needed with the "
                "node's --require-auth)"),
       Optional("as-of", "DATE", "the day to count on (default: today)"),
       Optional("from", "DATE",
                "with --to: a point on the first day of each month"),
       Optional("to", "DATE", "the end of --from's months"),
       Switch("csv", "print CSV instead of aligned columns"), ServerFlag()});
  return flags;
}

}  // namespace

std::vector<Command> WorkforceCommands() {
  const std::string kTables =
      "a table: as_of, the key columns, then the measures (FTE as "
      "decimals); total rows have * keys; suppressed cells print [c]";
  const std::string dimensions = records::EnumNames(v1::Dimension_descriptor());
  return {
      {{"workforce", "supply"},
       "headcount and FTE of active employments",
       kTables,
       QueryFlags(FilterFlags(
           {Optional("group-by", "D[,D]",
                     absl::StrCat("dimensions to group by (", dimensions,
                                  "; holds groups by whether the worker "
                                  "holds the --holds list)")),
            Optional("icb", "CODE", "only this ICB")})),
       Supply},
      {{"workforce", "coverage"},
       "supply against the ICS's demand plans",
       absl::StrCat(kTables,
                    "; per place and planned role or activity: supplied "
                    "headcount and FTE (of the workers the filters select), "
                    "required FTE, gap"),
       QueryFlags(FilterFlags({Required("icb", "CODE", "the ICB")})),
       Coverage},
      {{"workforce", "expiring"},
       "credentials, competencies and delegation reviews falling due",
       kTables,
       QueryFlags(
           {Optional("within-days", "N", "how far ahead", "90"),
            Optional("group-by", "D[,D]",
                     absl::StrCat("dimensions to group by (", dimensions, ")")),
            Optional("icb", "CODE", "only this ICB"),
            Optional("place", "PLACE", "only this place")}),
       Expiring},
      {{"workforce", "flows"},
       "movements from one employment to the next for the same passport",
       kTables,
       QueryFlags(
           {EnumFlag("between", v1::Dimension_descriptor(),
                     "what a move is between", Flag::Kind::kOptional, "sector"),
            Optional("period-days", "N", "the window a move falls in", "365"),
            Optional("icb", "CODE", "only this ICB")}),
       Flows},
      {{"demand-plan"},
       "a workforce planner records the FTE a place needs for a role or "
       "activity",
       "INDEX RECORD_ID_HEX",
       WriteFlags(
           {Required("key", "FILE", "the planner's key"),
            Required("org", "ID", "the planning organisation (an ICS)"),
            Required("icb", "CODE", "the ICB"),
            Required("place", "PLACE", "the place"),
            Optional("job-role", "N", "ASC-WDS job role id (or --activity)"),
            Optional("activity", "N",
                     "delegated activity category (or --job-role)"),
            Required("start", "DATE", "the period's first day"),
            Required("end", "DATE", "the period's last day"),
            Required("fte", "N", "FTE needed, in thousandths")}),
       DemandPlan},
  };
}

}  // namespace skp::clients::cli
