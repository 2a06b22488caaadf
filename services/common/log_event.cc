#include "services/common/log_event.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace skp::services {

void LogEvent(absl::string_view event, absl::string_view fields) {
  // One write per line, so lines from different threads never interleave.
  std::string line = absl::StrCat(
      "ts=",
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                       absl::UTCTimeZone()),
      " prog=passportd event=", event, fields.empty() ? "" : " ", fields, "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace skp::services
