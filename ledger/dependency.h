// A refusal that may pass later: the entry refers to something this node
// does not hold yet (a signer's key or role, a registration, a passport, a
// target record), which another log may still bring. The code and message
// stay those of the status. The log parks a mirrored entry refused this way
// and refuses any other for good. Header-only: validators in records/ and
// services/ mark their refusals without linking the log.
#ifndef SKP_LEDGER_DEPENDENCY_H_
#define SKP_LEDGER_DEPENDENCY_H_

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"

namespace skp::ledger {

inline constexpr absl::string_view kAwaitingDependencyPayload =
    "type.skillspassport.uk/awaiting-dependency";

inline absl::Status AwaitingDependency(absl::Status status) {
  status.SetPayload(kAwaitingDependencyPayload, absl::Cord());
  return status;
}

inline bool IsAwaitingDependency(const absl::Status& status) {
  return status.GetPayload(kAwaitingDependencyPayload).has_value();
}

}  // namespace skp::ledger

#endif  // SKP_LEDGER_DEPENDENCY_H_
