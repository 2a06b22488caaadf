#include "records/reference/reference_data.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/status_macros.h"
#include "reference_embedded.h"
#include "records/reference/csv.h"

namespace skp::reference {
namespace {

absl::StatusOr<int> Int(const CsvRow& row, const std::string& column) {
  int value = 0;
  auto it = row.find(column);
  if (it == row.end() || !absl::SimpleAtoi(it->second, &value)) {
    return absl::InternalError(absl::StrCat("reference data: bad ", column));
  }
  return value;
}

absl::StatusOr<absl::CivilDay> Day(absl::string_view text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    return absl::InternalError(absl::StrCat("reference data: bad date ", text));
  }
  return day;
}

absl::Status Unknown(absl::string_view what, absl::string_view code) {
  return absl::InvalidArgumentError(absl::StrCat("unknown ", what, " ", code,
                                                 " (reference data v",
                                                 kReferenceDataVersion, ")"));
}

}  // namespace

absl::StatusOr<ReferenceData> ReferenceData::Embedded() {
  ReferenceData data;
  SKP_ASSIGN_OR_RETURN(auto standards,
                       ParseCsv(embedded::k_care_certificate_standards));
  for (const CsvRow& row : standards) {
    SKP_ASSIGN_OR_RETURN(int number, Int(row, "number"));
    data.standards_[number] = {row.at("title_2015"), row.at("title_2025")};
  }
  SKP_ASSIGN_OR_RETURN(auto activities,
                       ParseCsv(embedded::k_delegated_activities));
  for (const CsvRow& row : activities) {
    SKP_ASSIGN_OR_RETURN(int id, Int(row, "id"));
    data.delegated_activities_[id] = row.at("title");
  }
  SKP_ASSIGN_OR_RETURN(auto roles, ParseCsv(embedded::k_job_roles));
  for (const CsvRow& row : roles) {
    SKP_ASSIGN_OR_RETURN(int id, Int(row, "id"));
    data.job_roles_[id] = {row.at("title"),
                           row.at("can_do_delegated_activities") == "Y"};
  }
  SKP_ASSIGN_OR_RETURN(auto training,
                       ParseCsv(embedded::k_training_categories));
  for (const CsvRow& row : training) {
    SKP_ASSIGN_OR_RETURN(int id, Int(row, "id"));
    data.training_categories_[id] = row.at("title");
  }
  SKP_ASSIGN_OR_RETURN(auto pathway,
                       ParseCsv(embedded::k_care_workforce_pathway));
  for (const CsvRow& row : pathway) {
    SKP_ASSIGN_OR_RETURN(int id, Int(row, "id"));
    data.pathway_categories_[id] = row.at("title");
  }
  SKP_ASSIGN_OR_RETURN(
      auto units, ParseCsv(embedded::k_level2_adult_social_care_certificate));
  for (const CsvRow& row : units) {
    SKP_ASSIGN_OR_RETURN(int unit, Int(row, "unit"));
    data.level2_units_[unit] = row.at("title");
  }
  SKP_ASSIGN_OR_RETURN(auto icbs, ParseCsv(embedded::k_icbs));
  for (const CsvRow& row : icbs) {
    Icb icb{row.at("name"), {}, std::nullopt};
    SKP_ASSIGN_OR_RETURN(icb.valid_from, Day(row.at("valid_from")));
    if (!row.at("valid_to").empty()) {
      SKP_ASSIGN_OR_RETURN(absl::CivilDay to, Day(row.at("valid_to")));
      icb.valid_to = to;
    }
    data.icbs_[row.at("ons_code")] = std::move(icb);
  }
  SKP_ASSIGN_OR_RETURN(auto successors, ParseCsv(embedded::k_icb_successors));
  for (const CsvRow& row : successors) {
    Successor successor{row.at("new_icb"), {}};
    SKP_ASSIGN_OR_RETURN(successor.effective_from,
                         Day(row.at("effective_from")));
    data.successors_[absl::StrCat(row.at("old_icb"), std::string(1, '\0'),
                                  row.at("place"))] = std::move(successor);
  }
  return data;
}

int ReferenceData::CareCertificateStandardCount(int version) const {
  int count = 0;
  for (const auto& [number, titles] : standards_) {
    const std::string& title = version == 2015 ? titles.first : titles.second;
    if ((version == 2015 || version == 2025) && !title.empty()) ++count;
  }
  return count;
}

absl::Status ReferenceData::CheckCareCertificateStandard(int version,
                                                         int standard) const {
  if (version != 2015 && version != 2025) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown Care Certificate version ", version, " (2015 or 2025)"));
  }
  if (CareCertificateStandardTitle(version, standard).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Care Certificate ", version, " has standards 1 to ",
        CareCertificateStandardCount(version), ", not ", standard));
  }
  return absl::OkStatus();
}

std::string ReferenceData::CareCertificateStandardTitle(int version,
                                                        int standard) const {
  auto it = standards_.find(standard);
  if (it == standards_.end()) return "";
  return version == 2015   ? it->second.first
         : version == 2025 ? it->second.second
                           : "";
}

absl::Status ReferenceData::CheckPathwayCategory(int category) const {
  if (!pathway_categories_.contains(category)) {
    return Unknown("Care Workforce Pathway role category",
                   absl::StrCat(category));
  }
  return absl::OkStatus();
}

std::string ReferenceData::PathwayCategoryTitle(int category) const {
  auto it = pathway_categories_.find(category);
  return it == pathway_categories_.end() ? "" : it->second;
}

absl::Status ReferenceData::CheckDelegatedActivity(int category) const {
  if (!delegated_activities_.contains(category)) {
    return Unknown("delegated healthcare activity category",
                   absl::StrCat(category));
  }
  return absl::OkStatus();
}

std::string ReferenceData::DelegatedActivityTitle(int category) const {
  auto it = delegated_activities_.find(category);
  return it == delegated_activities_.end() ? "" : it->second;
}

std::string ReferenceData::TrainingCategoryTitle(int category) const {
  auto it = training_categories_.find(category);
  return it == training_categories_.end() ? "" : it->second;
}

std::string ReferenceData::JobRoleTitle(int job_role) const {
  auto it = job_roles_.find(job_role);
  return it == job_roles_.end() ? "" : it->second.title;
}

absl::Status ReferenceData::CheckJobRole(int job_role) const {
  if (!job_roles_.contains(job_role))
    return Unknown("ASC-WDS job role", absl::StrCat(job_role));
  return absl::OkStatus();
}

bool ReferenceData::JobRoleMayDoDelegatedActivities(int job_role) const {
  auto it = job_roles_.find(job_role);
  return it != job_roles_.end() && it->second.may_do_delegated_activities;
}

absl::Status ReferenceData::CheckTrainingCategory(int category) const {
  if (!training_categories_.contains(category)) {
    return Unknown("ASC-WDS training category", absl::StrCat(category));
  }
  return absl::OkStatus();
}

absl::Status ReferenceData::CheckIcb(absl::string_view ons_code,
                                     absl::CivilDay day) const {
  auto it = icbs_.find(std::string(ons_code));
  if (it == icbs_.end()) return Unknown("ICB code", ons_code);
  const Icb& icb = it->second;
  if (day < icb.valid_from ||
      (icb.valid_to.has_value() && day > *icb.valid_to)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ICB ", ons_code, " is not in force on ", absl::FormatCivilTime(day),
        " (valid ", absl::FormatCivilTime(icb.valid_from), " to ",
        icb.valid_to ? absl::FormatCivilTime(*icb.valid_to)
                     : std::string("now"),
        ")"));
  }
  return absl::OkStatus();
}

std::vector<std::string> ReferenceData::IcbCodesOn(absl::CivilDay day) const {
  std::vector<std::string> codes;
  for (const auto& [code, icb] : icbs_) {
    if (CheckIcb(code, day).ok()) codes.push_back(code);
  }
  std::sort(codes.begin(), codes.end());
  return codes;
}

std::string ReferenceData::IcbOn(absl::string_view stated_icb,
                                 absl::string_view place,
                                 absl::CivilDay day) const {
  std::string icb(stated_icb);
  // Follows successive mergers; bounded in case of a cycle in the data.
  for (int hop = 0; hop < 4; ++hop) {
    auto it = icbs_.find(icb);
    if (it == icbs_.end() || !it->second.valid_to.has_value() ||
        day <= *it->second.valid_to) {
      return icb;
    }
    std::string key = absl::StrCat(icb, std::string(1, '\0'));
    auto next = successors_.find(absl::StrCat(key, place));
    if (next == successors_.end()) next = successors_.find(key);
    if (next == successors_.end() || day < next->second.effective_from) {
      return icb;
    }
    icb = next->second.icb;
  }
  return icb;
}

}  // namespace skp::reference
