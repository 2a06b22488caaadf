// Who may sign which record kind (DESIGN.md sections 3 and 4): the signer
// column of the table of record kinds (kinds.cc), tested row by row. Pure
// functions; thread-safe.
#ifndef SKP_RECORDS_AUTHORIZATION_H_
#define SKP_RECORDS_AUTHORIZATION_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::records {

enum class Principal { kGovernance, kOrganisation, kProfessional, kWorker };

// Who made one signature, as the registry knows them.
struct SignerInfo {
  Principal principal;
  std::string owner;  // organisation id, professional id, or hex passport id
  std::set<skillspassport::v1::OrganisationRole> roles;  // organisations only
  // For professionals: the organisation that registered them.
  std::string organisation_id;
  // The signature was made by the new key a record itself introduces
  // (enrolment, key rebinding): proof of possession.
  bool is_record_key = false;
};

// The parties a record is about, for the table's relations.
struct RecordSubjects {
  std::string organisation_id;  // the organisation acting or concerned
  std::string professional_id;
  std::string passport_id;   // the passport the record is about (16 bytes)
  std::string passport_hex;  // ... in hex
  std::string key_owner;     // for KeyRevoked: the owner of the revoked key
  std::string
      key_owner_organisation;  // ... and, for professionals, their organisation
  std::string target_issuer;   // for RecordStatusChanged: who signed the target
  std::string target_record;   // for RecordStatusChanged: the target's id
  std::string delegation_id;   // for the delegation kinds
};

// Passport id = first 16 bytes of SHA-256(public key) (DESIGN.md section 3).
std::string PassportIdOf(absl::string_view public_key);

// The passport id (16 bytes) a record is about, if any.
std::optional<std::string> PassportOf(const skillspassport::v1::Record& record);

// Returns the subjects of a record (empty strings where not applicable).
RecordSubjects SubjectsOf(const skillspassport::v1::Record& record);

// OK if the signers together satisfy the kind's rule and every one of them is
// allowed by it; kPermissionDenied naming the kind and the problem otherwise.
absl::Status Authorize(const skillspassport::v1::Record& record,
                       const std::vector<SignerInfo>& signers,
                       const RecordSubjects& subjects);

// The record kind's name, e.g. "employment_started" (for messages and tests).
std::string KindName(skillspassport::v1::Record::KindCase kind);

}  // namespace skp::records

#endif  // SKP_RECORDS_AUTHORIZATION_H_
