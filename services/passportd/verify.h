// `passportd verify`: an fsck of a stopped node's data directory. Replays the
// log from its entries alone into an in-memory replica, checking every
// signature against the trust registry as it stood when each record was
// issued and every admission rule; then compares every stored Merkle node,
// every projection row and the latest signed checkpoint (its signature by
// the node key, its size and root) with the replica's. Reports the first
// inconsistency precisely.
#ifndef SKP_SERVICES_PASSPORTD_VERIFY_H_
#define SKP_SERVICES_PASSPORTD_VERIFY_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/passportd/node.h"

namespace skp::services {

// A one-line summary when everything checks; kDataLoss naming the first
// inconsistency otherwise (kFailedPrecondition if the node is running).
absl::StatusOr<std::string> VerifyDataDir(const NodeOptions& options);

}  // namespace skp::services

#endif  // SKP_SERVICES_PASSPORTD_VERIFY_H_
