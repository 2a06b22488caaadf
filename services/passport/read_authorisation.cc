#include "services/passport/read_authorisation.h"

#include "absl/strings/str_cat.h"
#include "ledger/hash.h"

namespace skp::passport {

std::string ReadAuthorisationMessage(absl::string_view passport_id,
                                     int64_t requested_at) {
  return absl::StrCat("skillspassport/read/v1\n",
                      ledger::HexEncode(passport_id), "\n", requested_at, "\n");
}

skillspassport::v1::ReadAuthorisation SignReadAuthorisation(
    absl::string_view passport_id, int64_t requested_at,
    const ledger::Signer& reader) {
  skillspassport::v1::ReadAuthorisation auth;
  auth.set_passport_id(std::string(passport_id));
  auth.set_requested_at(requested_at);
  auth.set_key_id(reader.verifier().entry_key_id());
  auth.set_signature(
      reader.Sign(ReadAuthorisationMessage(passport_id, requested_at)));
  return auth;
}

}  // namespace skp::passport
