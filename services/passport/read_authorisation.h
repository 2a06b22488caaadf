// Read authorisations: how a caller proves who is reading a passport
// (proto ReadAuthorisation). The signed bytes are
//   "skillspassport/read/v1\n" hex(passport_id) "\n" requested_at "\n"
#ifndef SKP_SERVICES_PASSPORT_READ_AUTHORISATION_H_
#define SKP_SERVICES_PASSPORT_READ_AUTHORISATION_H_

#include <string>

#include "absl/strings/string_view.h"
#include "ledger/crypto.h"
#include "skillspassport/v1/passport.pb.h"

namespace skp::passport {

std::string ReadAuthorisationMessage(absl::string_view passport_id,
                                     int64_t requested_at);

// Signs a request to read `passport_id` at `requested_at` (Unix seconds).
skillspassport::v1::ReadAuthorisation SignReadAuthorisation(
    absl::string_view passport_id, int64_t requested_at,
    const ledger::Signer& reader);

}  // namespace skp::passport

#endif  // SKP_SERVICES_PASSPORT_READ_AUTHORISATION_H_
