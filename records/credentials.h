// W3C Verifiable Credentials 2.0 of logged records (ledger/FORMAT.md section
// 11): a node attests that a record about a passport is in its log and was
// signed by a registered issuer, as a credential secured with JOSE
// (`application/vc+jwt`, EdDSA over Ed25519), which wallets and verifiers
// that know nothing of this ledger can read. Each credential carries two
// Bitstring Status List entries (revocation, suspension) whose lists the node
// serves; the index is the record's location on the node, so a list of
// kStatusListSize entries covers kStatusListSize locations.
//
// Pure functions: no store, no clock (the caller passes `now`).
#ifndef SKP_RECORDS_CREDENTIALS_H_
#define SKP_RECORDS_CREDENTIALS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ledger/crypto.h"
#include "records/reference/reference_data.h"
#include "skillspassport/v1/passport.pb.h"

namespace skp::records {

// Entries per status list: the Bitstring Status List spec's minimum (16 KiB),
// large enough that fetching a list does not tell which credential is checked.
inline constexpr uint64_t kStatusListSize = 131072;

// The two purposes a credential's status entries name.
inline constexpr absl::string_view kStatusPurposes[] = {"revocation",
                                                        "suspension"};

// "did:key:z6Mk..." of an Ed25519 public key (W3C did:key, multicodec 0xed).
std::string DidKeyOf(const ledger::PublicKey& public_key);

struct CredentialIssuer {
  const ledger::Signer* node_key = nullptr;
  const reference::ReferenceData* reference = nullptr;
  // Where this node serves its status lists, e.g.
  // "https://node.example/credentials/status" (no trailing slash).
  std::string status_base_url;
};

// One credential per record of `bundle` (which this node made for the
// passport's holder), in its order; `locations[i]` is record i's location on
// this node, its status list index. The holder's current key must be among
// the bundle's keys: it is the credential's subject.
absl::StatusOr<std::vector<std::string>> IssueRecordCredentials(
    const skillspassport::v1::Bundle& bundle,
    const std::vector<uint64_t>& locations, const CredentialIssuer& issuer);

// The status list credential number `list` of `purpose`, with a bit set for
// every location in `set` (others in `set` are ignored), as a JWT.
absl::StatusOr<std::string> IssueStatusList(absl::string_view purpose,
                                            uint64_t list,
                                            const std::vector<uint64_t>& set,
                                            int64_t now,
                                            const CredentialIssuer& issuer);

// The multibase base64url GZIP of `bits` (a status list's encodedList).
std::string EncodeStatusBits(const std::vector<uint8_t>& bits);

}  // namespace skp::records

#endif  // SKP_RECORDS_CREDENTIALS_H_
