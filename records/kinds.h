// The table of record kinds (records/kinds.cc; DESIGN.md section 4): for each
// kind, who may sign it (authorization.h), the parties and passport it is
// about, its content checks (record_checks.h) and its effect on the trust
// registry, declared here. A new kind is one entry in that table plus the
// projection cases that truly differ. Pure functions; thread-safe.
#ifndef SKP_RECORDS_KINDS_H_
#define SKP_RECORDS_KINDS_H_

#include <cstdint>
#include <set>
#include <string>

#include "records/authorization.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::records {

// What a record changes in the trust registry, and what the registry must
// already hold (or not) for the record to apply. The registry is a pure
// function of these (TrustRegistry applies them).
struct RegistryEffect {
  enum Organisation { kNone, kRegisters, kMustExist };
  Organisation organisation = kNone;
  std::string organisation_id;
  // kRegisters: the organisation's roles; kMustExist: roles granted.
  std::set<skillspassport::v1::OrganisationRole> roles;
  std::string icb_code;  // kRegisters
  std::string organisation_name;  // kRegisters: its public name
  // A key the record registers (it must be new), held by this signer.
  std::string new_public_key;
  SignerInfo new_key_signer;
  std::string professional_id;    // registered (must be new)
  std::string enrolled_passport;  // enrolled (must be new)
  // Bound to new_public_key (must be enrolled); its key so far stops signing
  // at the record's issued_at.
  std::string rebound_passport;
  // Revoked (must be registered, and not a governance key) from this time.
  std::string revoked_key_id;
  int64_t revoked_from = 0;
};

// The record's registry effect; empty for kinds without one.
RegistryEffect EffectOf(const skillspassport::v1::Record& record);
// True for the kinds that change the registry.
bool ChangesRegistry(skillspassport::v1::Record::KindCase kind);

}  // namespace skp::records

#endif  // SKP_RECORDS_KINDS_H_
