// ReferenceData: the versioned reference data records are checked against
// (records/reference/data, embedded at build time). Immutable after
// construction; thread-safe. Each Check* returns kInvalidArgument naming the
// unknown code.
#ifndef SKP_RECORDS_REFERENCE_REFERENCE_DATA_H_
#define SKP_RECORDS_REFERENCE_REFERENCE_DATA_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace skp::reference {

inline constexpr int kReferenceDataVersion = 1;
// The Ofqual number of the Level 2 Adult Social Care Certificate: a
// qualification credential naming it is that certificate.
inline constexpr char kLevel2AdultSocialCareCertificate[] = "610/4009/5";

class ReferenceData {
 public:
  static absl::StatusOr<ReferenceData> Embedded();

  // Number of Care Certificate standards of a version (2015: 15, 2025: 16).
  absl::Status CheckCareCertificateStandard(int version, int standard) const;
  int CareCertificateStandardCount(int version) const;
  absl::Status CheckDelegatedActivity(int category) const;
  absl::Status CheckJobRole(int job_role) const;
  // ASC-WDS marks which job roles may take on delegated healthcare activities.
  bool JobRoleMayDoDelegatedActivities(int job_role) const;
  absl::Status CheckTrainingCategory(int category) const;
  // Care Workforce Pathway role categories (ASC-WDS ids 1-7, 101, 102).
  absl::Status CheckPathwayCategory(int category) const;
  std::string PathwayCategoryTitle(int category) const;
  // The units of the Level 2 Adult Social Care Certificate, by number.
  const absl::flat_hash_map<int, std::string>& Level2CertificateUnits() const {
    return level2_units_;
  }
  // The ICB code must be in force on `day` (ICBs merged on 2026-04-01).
  absl::Status CheckIcb(absl::string_view ons_code, absl::CivilDay day) const;

  // The ICB a place belongs to on `day`: `stated_icb` while it is in force,
  // then its successor (by place where the ICB was split). Unknown codes are
  // returned unchanged.
  std::string IcbOn(absl::string_view stated_icb, absl::string_view place,
                    absl::CivilDay day) const;

  // The ICB codes in force on `day`, sorted.
  std::vector<std::string> IcbCodesOn(absl::CivilDay day) const;

  // Titles for people to read; empty for an unknown id.
  std::string DelegatedActivityTitle(int category) const;
  std::string TrainingCategoryTitle(int category) const;
  std::string JobRoleTitle(int job_role) const;
  std::string CareCertificateStandardTitle(int version, int standard) const;

 private:
  struct JobRole {
    std::string title;
    bool may_do_delegated_activities;
  };
  struct Icb {
    std::string name;
    absl::CivilDay valid_from;
    std::optional<absl::CivilDay> valid_to;
  };

  absl::flat_hash_map<int, std::pair<std::string, std::string>>
      standards_;  // 2015, 2025 titles
  absl::flat_hash_map<int, std::string> delegated_activities_;
  absl::flat_hash_map<int, JobRole> job_roles_;
  absl::flat_hash_map<int, std::string> training_categories_;
  absl::flat_hash_map<int, std::string> pathway_categories_;
  absl::flat_hash_map<int, std::string> level2_units_;
  absl::flat_hash_map<std::string, Icb> icbs_;
  struct Successor {
    std::string icb;
    absl::CivilDay effective_from;
  };
  // Keyed by old ICB code "\0" place; an empty place is the default.
  absl::flat_hash_map<std::string, Successor> successors_;
};

}  // namespace skp::reference

#endif  // SKP_RECORDS_REFERENCE_REFERENCE_DATA_H_
