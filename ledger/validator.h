// Intake validation: decides whether a decoded entry may enter the log. The
// log takes an EntryValidator through its constructor, so the trust registry
// can later replace the trust-anchor validator without touching the log.
#ifndef SKP_LEDGER_VALIDATOR_H_
#define SKP_LEDGER_VALIDATOR_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ledger/crypto.h"
#include "ledger/entry.h"

namespace skp::ledger {

// Implementations must be thread-safe: Validate runs on many threads at once.
class EntryValidator {
 public:
  virtual ~EntryValidator() = default;
  // OK to accept. Otherwise: kPermissionDenied for an unknown or unauthorised
  // signer, kUnauthenticated for a signature that does not verify,
  // kInvalidArgument for content the log cannot take.
  virtual absl::Status Validate(const Entry& entry) const = 0;
};

// Accepts entries whose every signature verifies under a key listed in the
// node's trust-anchor file. Immutable after construction.
class TrustAnchorValidator : public EntryValidator {
 public:
  // File format: one verifier key string per line; blank lines and lines
  // starting with '#' are ignored.
  static absl::StatusOr<TrustAnchorValidator> Parse(absl::string_view text);
  static absl::StatusOr<TrustAnchorValidator> ReadFile(const std::string& path);
  explicit TrustAnchorValidator(const std::vector<Verifier>& anchors);

  absl::Status Validate(const Entry& entry) const override;
  size_t size() const { return by_key_id_.size(); }

 private:
  absl::flat_hash_map<std::string, Verifier> by_key_id_;
};

}  // namespace skp::ledger

#endif  // SKP_LEDGER_VALIDATOR_H_
