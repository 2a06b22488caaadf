#include "services/registry/record_state.h"

#include <algorithm>
#include <tuple>

namespace skp::registry {

namespace v1 = skillspassport::v1;

v1::RecordState FoldStatus(std::vector<StatusEvent> events) {
  std::sort(events.begin(), events.end(),
            [](const StatusEvent& a, const StatusEvent& b) {
              return std::tie(a.issued_at, a.record_id) <
                     std::tie(b.issued_at, b.record_id);
            });
  v1::RecordState state = v1::RECORD_STATE_VALID;
  for (const StatusEvent& e : events) {
    switch (e.change) {
      case v1::STATUS_CHANGE_REVOKED:
        return v1::RECORD_STATE_REVOKED;
      case v1::STATUS_CHANGE_SUSPENDED:
        state = v1::RECORD_STATE_SUSPENDED;
        break;
      case v1::STATUS_CHANGE_REINSTATED:
        state = v1::RECORD_STATE_VALID;
        break;
      default:
        break;
    }
  }
  return state;
}

}  // namespace skp::registry
