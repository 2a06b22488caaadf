// TrustRegistry: who may sign, as a projection of the log (DESIGN.md section
// 4). Governance keys come from the node's trust-anchor file; everything else
// (organisations, their keys and roles, professionals, passports and their
// keys, revocations) from registry records in log order, so the registry at
// any point of the log is a pure function of the log's prefix.
//
// Thread-safety: lookups may run on any thread; Apply/Commit/Rollback only on
// the log's writer thread. Applied changes are visible to lookups at once and
// undone by Rollback if their batch is not written: lookups only ever feed
// signature checks that Admit repeats against the committed order.
#ifndef SKP_SERVICES_REGISTRY_TRUST_REGISTRY_H_
#define SKP_SERVICES_REGISTRY_TRUST_REGISTRY_H_

#include <array>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "ledger/bytes.h"
#include "ledger/crypto.h"
#include "ledger/sorted_map.h"
#include "ledger/snapshot_file.h"
#include "records/authorization.h"
#include "services/registry/key_table.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::registry {

// Signatures a revocation newly withdraws: those by `key_id` issued in
// [from, until); `until` is the key's earlier revocation, if it had one.
struct KeyRevocation {
  std::string key_id;
  int64_t from = 0;
  std::optional<int64_t> until;
};

class TrustRegistry {
 public:
  explicit TrustRegistry(const std::vector<ledger::Verifier>& governance);

  // The key with this entry key id, with its holder's current roles.
  std::optional<KeyEntry> FindKey(absl::string_view key_id) const;
  // FindKey, or kPermissionDenied (awaiting a dependency) if it is unknown.
  absl::StatusOr<KeyEntry> RegisteredKey(absl::string_view key_id) const;
  // The holder of `key_id` as of `issued_at`: kPermissionDenied if the key is
  // unknown or was revoked at or before `issued_at`.
  absl::StatusOr<records::SignerInfo> SignerAt(absl::string_view key_id,
                                               int64_t issued_at) const;
  // What applying `record` would revoke (a key revocation, or the lost key a
  // rebinding retires), beyond what is revoked already. Writer thread only.
  std::vector<KeyRevocation> RevocationsBy(
      const skillspassport::v1::Record& record) const;
  bool HasOrganisation(absl::string_view organisation_id) const;
  // What the organisation registered as; nullopt if it is unknown.
  struct OrganisationEntry {
    std::string icb_code;
    std::string name;  // its public name
  };
  std::optional<OrganisationEntry> FindOrganisation(
      absl::string_view organisation_id) const;
  bool HasProfessional(absl::string_view professional_id) const;
  bool HasPassport(absl::string_view passport_id) const;

  // Checks that a registry record fits the current state (no duplicate ids or
  // keys, referenced parties exist); kAlreadyExists / kFailedPrecondition.
  absl::Status CheckApplicable(const skillspassport::v1::Record& record) const;
  // Applies a registry record (other kinds are ignored). Writer thread only.
  void Apply(const skillspassport::v1::Record& record);
  void Commit();    // the applied records are durable
  void Rollback();  // undo everything applied since the last Commit

  // The registry as a section of a snapshot (ledger/snapshot_file.h), maps
  // sorted by key so equal registries save equal bytes. Restore replaces
  // everything, governance keys included (a snapshot is only read by a node
  // with the same trust anchors); kDataLoss if the section is malformed.
  void Save(ledger::SnapshotWriter& out) const;
  absl::Status Restore(ledger::SnapshotReader& in);

  // True for the kinds that change the registry.
  static bool IsRegistryKind(skillspassport::v1::Record::KindCase kind);

 private:
  struct Organisation {
    std::set<skillspassport::v1::OrganisationRole> roles;
    std::string icb_code;
    std::string name;
  };
  // Passport ids (16 bytes) and key ids (32), held without heap strings:
  // a registry holds one of each per worker.
  using PassportId = std::array<char, 16>;
  using KeyId = std::array<char, 32>;
  static std::optional<PassportId> AsPassportId(absl::string_view id) {
    return ledger::FixedBytes<sizeof(PassportId)>(id);
  }
  static std::optional<KeyId> AsKeyId(absl::string_view id) {
    return ledger::FixedBytes<sizeof(KeyId)>(id);
  }
  // The key id the passport's current key has, if it is enrolled.
  std::optional<std::string> PassportKey(absl::string_view passport) const;

  void AddKey(absl::string_view public_key, records::SignerInfo signer);
  void Revoke(const std::string& key_id, int64_t from);

  mutable std::shared_mutex mu_;
  KeyTable keys_;  // by entry key id
  absl::flat_hash_map<std::string, Organisation> organisations_;
  absl::flat_hash_map<std::string, std::string>
      professionals_;  // id -> organisation
  ledger::SortedMap<PassportId, KeyId, ledger::BytesLess> passports_;
  std::vector<std::function<void()>> undo_;  // writer thread only
};

}  // namespace skp::registry

#endif  // SKP_SERVICES_REGISTRY_TRUST_REGISTRY_H_
