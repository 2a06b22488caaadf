// Structured one-line logs: "ts=... prog=passportd event=NAME k=v ...".
// Callers pass no personal data, keys or tokens: origins, sizes, counts and
// status messages only.
#ifndef SKP_SERVICES_COMMON_LOG_EVENT_H_
#define SKP_SERVICES_COMMON_LOG_EVENT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace skp::services {

void LogEvent(absl::string_view event, absl::string_view fields);

}  // namespace skp::services

#endif  // SKP_SERVICES_COMMON_LOG_EVENT_H_
