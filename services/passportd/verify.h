// `passportd verify`: an fsck of a stopped node's data directory.
// Recomputes the Merkle tree of the node's log and of every mirror from
// their entries alone and checks every stored node and checkpoint (the
// node's, signed by its key; each mirror's, signed by the peer's key when
// --peers names it). Then replays every log into a scratch copy, as
// `passportd rebuild` does (each signature against the trust registry as it
// stood when the record was issued, every admission rule), and compares
// every projection row. Reports the first inconsistency precisely.
#ifndef SKP_SERVICES_PASSPORTD_VERIFY_H_
#define SKP_SERVICES_PASSPORTD_VERIFY_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/passportd/node.h"

namespace skp::services {

// A one-line summary when everything checks; kDataLoss naming the first
// inconsistency otherwise (kFailedPrecondition if the node is running).
absl::StatusOr<std::string> VerifyDataDir(const NodeOptions& options);

// `passportd restore`: verifies the backup in `from` as VerifyDataDir does
// (with `options`' trust anchors and peers), then copies it into
// options.data_dir, which must not exist yet. The copy is made beside it and
// renamed into place, so a failed restore never leaves a half data
// directory. Returns the verification summary.
absl::StatusOr<std::string> RestoreDataDir(const NodeOptions& options,
                                           const std::string& from);

}  // namespace skp::services

#endif  // SKP_SERVICES_PASSPORTD_VERIFY_H_
