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

absl::StatusOr<int> IntFlag(const CommandLine& cl, const char* flag,
                            int fallback) {
  if (!cl.Has(flag)) return fallback;
  int value = 0;
  if (!absl::SimpleAtoi(cl.Get(flag), &value)) {
    return Usage(absl::StrCat("--", flag, " must be a number"));
  }
  return value;
}

// --as-of DATE, or --from DATE --to DATE for monthly points; neither: today.
absl::StatusOr<v1::When> WhenFlags(const CommandLine& cl) {
  v1::When when;
  if (cl.Has("from") || cl.Has("to")) {
    SKP_RETURN_IF_ERROR(Require(cl, {"from", "to"}));
    SKP_ASSIGN_OR_RETURN(*when.mutable_monthly()->mutable_from(),
                         DateArgument(cl, "from"));
    SKP_ASSIGN_OR_RETURN(*when.mutable_monthly()->mutable_to(),
                         DateArgument(cl, "to"));
  } else if (cl.Has("as-of")) {
    SKP_ASSIGN_OR_RETURN(*when.mutable_as_of(), DateArgument(cl, "as-of"));
  }
  return when;
}

absl::StatusOr<std::vector<v1::Dimension>> DimensionsFlag(const CommandLine& cl,
                                                          const char* flag) {
  std::vector<v1::Dimension> out;
  if (!cl.Has(flag)) return out;
  for (absl::string_view name : absl::StrSplit(cl.Get(flag), ',')) {
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
absl::Status Call(const CommandLine& cl, const Request& request,
                  grpc::Status (v1::Workforce::Stub::*method)(
                      grpc::ClientContext*, const Request&, v1::Tables*)) {
  std::shared_ptr<grpc::Channel> channel = Channel(cl);
  auto stub = v1::Workforce::NewStub(channel);
  grpc::ClientContext context;
  if (cl.Has("key")) {
    SKP_ASSIGN_OR_RETURN(ledger::Signer key,
                         ledger::ReadKeyFile(cl.Get("key")));
    SKP_RETURN_IF_ERROR(AddAccessToken(channel, key, context));
  }
  v1::Tables tables;
  grpc::Status status = ((*stub).*method)(&context, request, &tables);
  if (!status.ok()) return records::FromGrpcStatus(status);
  Print(tables, cl.Has("csv"));
  return absl::OkStatus();
}

absl::Status Supply(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"server", "key", "as-of", "from", "to",
                                    "icb", "place", "sector", "job-role",
                                    "nhs-role", "holds", "group-by", "csv"}));
  v1::SupplyRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_when(), WhenFlags(cl));
  v1::WorkforceFilter* f = request.mutable_filter();
  f->set_icb_code(cl.Get("icb"));
  f->set_place(cl.Get("place"));
  if (cl.Has("sector")) {
    SKP_ASSIGN_OR_RETURN(
        int sector,
        records::ParseEnumName(v1::Sector_descriptor(), cl.Get("sector")));
    f->set_sector(static_cast<v1::Sector>(sector));
  }
  SKP_ASSIGN_OR_RETURN(int job_role, IntFlag(cl, "job-role", 0));
  f->set_ascwds_job_role(job_role);
  f->set_nhs_role_code(cl.Get("nhs-role"));
  if (cl.Has("holds")) {
    for (absl::string_view h : absl::StrSplit(cl.Get("holds"), ',')) {
      SKP_ASSIGN_OR_RETURN(*f->add_holds(), ParseHolding(h));
    }
  }
  SKP_ASSIGN_OR_RETURN(std::vector<v1::Dimension> group_by,
                       DimensionsFlag(cl, "group-by"));
  for (v1::Dimension d : group_by) request.add_group_by(d);
  return Call(cl, request, &v1::Workforce::Stub::Supply);
}

absl::Status Coverage(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "as-of", "from", "to", "icb", "csv"}));
  SKP_RETURN_IF_ERROR(Require(cl, {"icb"}));
  v1::CoverageRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_when(), WhenFlags(cl));
  request.set_icb_code(cl.Get("icb"));
  return Call(cl, request, &v1::Workforce::Stub::Coverage);
}

absl::Status Expiring(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(
      cl.AllowOnly({"server", "key", "as-of", "from", "to", "icb", "place",
                    "within-days", "group-by", "csv"}));
  v1::ExpiringRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_when(), WhenFlags(cl));
  SKP_ASSIGN_OR_RETURN(int within, IntFlag(cl, "within-days", 90));
  request.set_within_days(within);
  request.set_icb_code(cl.Get("icb"));
  request.set_place(cl.Get("place"));
  SKP_ASSIGN_OR_RETURN(std::vector<v1::Dimension> group_by,
                       DimensionsFlag(cl, "group-by"));
  for (v1::Dimension d : group_by) request.add_group_by(d);
  return Call(cl, request, &v1::Workforce::Stub::Expiring);
}

absl::Status Flows(const CommandLine& cl) {
  SKP_RETURN_IF_ERROR(cl.AllowOnly({"server", "key", "as-of", "from", "to",
                                    "icb", "between", "period-days", "csv"}));
  v1::FlowsRequest request;
  SKP_ASSIGN_OR_RETURN(*request.mutable_when(), WhenFlags(cl));
  SKP_ASSIGN_OR_RETURN(int period, IntFlag(cl, "period-days", 365));
  request.set_period_days(period);
  request.set_icb_code(cl.Get("icb"));
  SKP_ASSIGN_OR_RETURN(int between,
                       records::ParseEnumName(v1::Dimension_descriptor(),
                                              cl.Get("between", "sector")));
  request.set_between(static_cast<v1::Dimension>(between));
  return Call(cl, request, &v1::Workforce::Stub::Flows);
}

}  // namespace

absl::StatusOr<bool> RunWorkforceCommand(const CommandLine& cl) {
  const std::vector<std::string>& words = cl.words();
  if (words.size() != 2 || words[0] != "workforce") return false;
  const std::string& command = words[1];
  absl::Status status;
  if (command == "supply") {
    status = Supply(cl);
  } else if (command == "coverage") {
    status = Coverage(cl);
  } else if (command == "expiring") {
    status = Expiring(cl);
  } else if (command == "flows") {
    status = Flows(cl);
  } else {
    return Usage("passport workforce supply|coverage|expiring|flows");
  }
  if (!status.ok()) return status;
  return true;
}

}  // namespace skp::clients::cli
