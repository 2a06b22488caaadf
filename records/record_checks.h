// Stateless checks of a record's content: required fields, sizes, dates and
// their order, and codes against the reference data. Thread-safe.
#ifndef SKP_RECORDS_RECORD_CHECKS_H_
#define SKP_RECORDS_RECORD_CHECKS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "records/reference/reference_data.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::records {

// Longest string any record field may hold.
inline constexpr size_t kMaxFieldBytes = 512;

// The day `date` names, or kInvalidArgument "<field>: is not a valid date".
absl::StatusOr<absl::CivilDay> CheckedDay(absl::string_view field,
                                          const skillspassport::v1::Date& date);

skillspassport::v1::Date ToDate(absl::CivilDay day);

// kInvalidArgument naming "<kind>.<field>" and the problem.
absl::Status CheckRecordContent(const skillspassport::v1::Record& record,
                                const reference::ReferenceData& reference);

}  // namespace skp::records

#endif  // SKP_RECORDS_RECORD_CHECKS_H_
