// Intake validation: decides whether a decoded entry may enter the log. The
// log takes an EntryValidator through its constructor, so the trust registry
// replaces the trust-anchor validator without touching the log.
//
// Two phases: Validate runs on the caller's thread, in parallel, for checks
// that need no log state beyond what is committed (decoding, signatures).
// Admit runs on the log's single writer thread, in log order, for each entry
// about to take an index: checks that depend on earlier entries (a key
// revoked earlier in the same batch) and the projection rows the entry
// produces, which are written in the same atomic batch as the entry.
#ifndef SKP_LEDGER_VALIDATOR_H_
#define SKP_LEDGER_VALIDATOR_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ledger/crypto.h"
#include "ledger/dependency.h"
#include "ledger/entry.h"
#include "ledger/hash.h"

namespace skp::ledger {

// Rows a batch writes to the projections table, in order.
using ProjectionRows = std::vector<std::pair<std::string, std::string>>;

// What a validator makes of an entry's payload (for the node: the parsed
// record). Made once at intake and carried to admission.
class ParsedPayload {
 public:
  virtual ~ParsedPayload() = default;
};

// One entry on the write path: decoded, hashed and its payload parsed once
// when it arrives, then validated and admitted from this one value.
struct IncomingEntry {
  Entry decoded;
  Hash leaf_hash{};
  std::unique_ptr<const ParsedPayload> parsed;  // null if nothing was parsed
};

// Parse and Validate must be thread-safe; Admit, Committed and Aborted are
// only ever called from the log's writer thread.
class EntryValidator {
 public:
  virtual ~EntryValidator() = default;
  // The payload as this validator reads it, or kInvalidArgument if it
  // cannot be read. The default reads nothing.
  virtual absl::StatusOr<std::unique_ptr<const ParsedPayload>> Parse(
      const Entry& entry) const {
    return nullptr;
  }
  // OK to accept. Otherwise: kPermissionDenied for an unknown or unauthorised
  // signer, kUnauthenticated for a signature that does not verify,
  // kInvalidArgument for content the log cannot take.
  virtual absl::Status Validate(const IncomingEntry& entry) const = 0;
  // For an entry another node's log already holds (a mirrored entry): the
  // checks of Validate that do not depend on when the entry arrives. The
  // default is Validate.
  virtual absl::Status ValidateLogged(const IncomingEntry& entry) const {
    return Validate(entry);
  }
  // The entry will take `location` (a RecordLocation) if this returns OK; it
  // may then stage state and append to `rows`. On error it must stage
  // nothing.
  virtual absl::Status Admit(const IncomingEntry& entry, uint64_t location,
                             ProjectionRows& rows) {
    return absl::OkStatus();
  }
  // The batch whose entries were admitted since the last call is durable
  // (Committed) or was not written (Aborted).
  virtual void Committed() {}
  virtual void Aborted() {}
};

// A trust-anchor file: one verifier key string per line; blank lines and
// lines starting with '#' are ignored.
absl::StatusOr<std::vector<Verifier>> ParseTrustAnchors(absl::string_view text);
absl::StatusOr<std::vector<Verifier>> ReadTrustAnchors(const std::string& path);

// Accepts entries whose every signature verifies under a trust anchor,
// whatever their payload: a plain ledger with no record rules (the node uses
// the trust registry instead). Immutable after construction.
class TrustAnchorValidator : public EntryValidator {
 public:
  explicit TrustAnchorValidator(const std::vector<Verifier>& anchors);

  absl::Status Validate(const IncomingEntry& entry) const override;
  size_t size() const { return by_key_id_.size(); }

 private:
  absl::flat_hash_map<std::string, Verifier> by_key_id_;
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_VALIDATOR_H_
