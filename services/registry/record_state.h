// The state of a record from the status changes that name it, by rules on
// signed fields only (never arrival order), so every node folds the same set
// of changes to the same state: revoked is final; otherwise the latest
// suspension or reinstatement (by issued_at, then record id) decides.
#ifndef SKP_SERVICES_REGISTRY_RECORD_STATE_H_
#define SKP_SERVICES_REGISTRY_RECORD_STATE_H_

#include <string>
#include <vector>

#include "skillspassport/v1/passport.pb.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::registry {

struct StatusEvent {
  int64_t issued_at = 0;
  std::string record_id;  // of the RecordStatusChanged
  skillspassport::v1::StatusChange change =
      skillspassport::v1::STATUS_CHANGE_UNSPECIFIED;
};

// VALID, REVOKED or SUSPENDED.
skillspassport::v1::RecordState FoldStatus(std::vector<StatusEvent> events);

}  // namespace skp::registry

#endif  // SKP_SERVICES_REGISTRY_RECORD_STATE_H_
