// Presentations (ledger/FORMAT.md section 7): the worker's wallet wraps a
// node-attested bundle of records for one audience and signs it; anyone can
// verify it offline with the verifier keys of the nodes they trust.
#ifndef SKP_RECORDS_PRESENTATION_H_
#define SKP_RECORDS_PRESENTATION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ledger/crypto.h"
#include "ledger/note.h"
#include "skillspassport/v1/passport.pb.h"

namespace skp::records {

inline constexpr absl::string_view kBundleType =
    "application/vnd.skillspassport.bundle.v1+protobuf";
inline constexpr absl::string_view kPresentationType =
    "application/vnd.skillspassport.presentation.v1+protobuf";
// Prefix of the compact text form (for QR codes).
inline constexpr absl::string_view kPresentationTextPrefix = "SPP1:";

// The node side: signs a bundle with the node's key.
skillspassport::v1::SignedBundle SignBundle(
    const skillspassport::v1::Bundle& bundle, const ledger::Signer& node_key);

// The wallet: a serialised SignedPresentation of `bundle` for `audience`,
// valid from issued_at to expires_at (Unix seconds), signed by the holder,
// optionally disclosing the holder's identity (its enrolment record must be
// among the bundle's records).
absl::StatusOr<std::string> MakePresentation(
    const skillspassport::v1::SignedBundle& bundle, absl::string_view audience,
    int64_t issued_at, int64_t expires_at, const ledger::Signer& holder,
    const skillspassport::v1::Disclosure* disclosure = nullptr);

// "SPP1:" base64(SignedPresentation), and back.
std::string PresentationToText(absl::string_view presentation);
absl::StatusOr<std::string> PresentationFromText(absl::string_view text);

struct VerifyOptions {
  // The log keys of the nodes trusted to attest bundles and to log records.
  std::vector<ledger::Verifier> trusted_nodes;
  // Witness (cosignature/v1) keys; every checkpoint the presentation relies
  // on must carry at least `quorum` of their cosignatures.
  std::vector<ledger::Verifier> witnesses;
  int quorum = 0;
  std::string audience;  // the verifying organisation
  absl::Time now;
};

// Checks the presentation as a whole (kInvalidArgument if malformed,
// kUnauthenticated if the bundle is not by a trusted node, its checkpoint
// lacks the quorum of cosignatures, or the holder's signature fails,
// kPermissionDenied for another audience, kFailedPrecondition once expired),
// then reports on each record: valid, expired, revoked, suspended, unknown
// issuer, not in log, or tampered. kUnauthenticated unless `note` carries
// `options.quorum` cosignatures by distinct `options.witnesses`.
absl::Status CheckQuorum(const ledger::SignedNote& note,
                         absl::string_view origin,
                         const VerifyOptions& options);
// A signed checkpoint of one of `options.trusted_nodes` (the one named by
// its origin) that passes CheckQuorum.
absl::StatusOr<ledger::Checkpoint> OpenTrustedCheckpoint(
    absl::string_view note, const VerifyOptions& options);

absl::StatusOr<skillspassport::v1::PresentationReport> VerifyPresentation(
    absl::string_view presentation, const VerifyOptions& options);

}  // namespace skp::records

#endif  // SKP_RECORDS_PRESENTATION_H_
