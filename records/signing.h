// Building and signing records on the client side (CLI, wallets, tests).
#ifndef SKP_RECORDS_SIGNING_H_
#define SKP_RECORDS_SIGNING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ledger/crypto.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::records {

// Serialises the record once and signs those bytes (DSSE PAE) with each
// signer: the ledger entry to append.
absl::StatusOr<std::string> SignRecord(
    const skillspassport::v1::Record& record,
    absl::Span<const ledger::Signer* const> signers);

// The identity commitment an enrolment carries (DESIGN.md section 7):
// SHA-256("skillspassport/identity/v1\n" || salt || identity).
std::string IdentityCommitment(absl::string_view salt,
                               absl::string_view identity);

// The public key bytes of a verifier, as records carry them.
std::string PublicKeyBytes(const ledger::Verifier& verifier);

// Parses a value of a proto enum from its lower-case, dash-separated name
// without the enum's prefix: ParseEnumName(Sector_descriptor(),
// "adult-social-care") is SECTOR_ADULT_SOCIAL_CARE. kInvalidArgument listing
// the choices.
absl::StatusOr<int> ParseEnumName(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view name);
// The names ParseEnumName accepts, comma-separated, in declaration order
// ("nhs, adult-social-care, ..."): for help texts.
std::string EnumNames(const google::protobuf::EnumDescriptor* type);

}  // namespace skp::records

#endif  // SKP_RECORDS_SIGNING_H_
