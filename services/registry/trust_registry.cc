#include "services/registry/trust_registry.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "ledger/dependency.h"
#include "ledger/hash.h"
#include "records/kinds.h"

namespace skp::registry {
namespace {

namespace v1 = skillspassport::v1;
using Kind = v1::Record::KindCase;

ledger::PublicKey ToPublicKey(absl::string_view bytes) {
  ledger::PublicKey key{};
  std::memcpy(key.data(), bytes.data(), std::min(bytes.size(), key.size()));
  return key;
}

std::string KeyIdOf(absl::string_view public_key) {
  return ledger::EntryKeyId(ToPublicKey(public_key));
}

}  // namespace

TrustRegistry::TrustRegistry(const std::vector<ledger::Verifier>& governance) {
  for (const ledger::Verifier& v : governance) {
    keys_.Put(v.entry_key_id(),
              {{records::Principal::kGovernance, v.name(), {}, "", false},
               v.public_key(),
               std::nullopt});
  }
}

std::optional<std::string> TrustRegistry::PassportKey(
    absl::string_view passport) const {
  std::optional<PassportId> id = AsPassportId(passport);
  if (!id.has_value()) return std::nullopt;
  const KeyId* key = passports_.Find(*id);
  if (key == nullptr) return std::nullopt;
  return std::string(key->data(), key->size());
}

bool TrustRegistry::IsRegistryKind(Kind kind) {
  return records::ChangesRegistry(kind);
}

std::optional<KeyEntry> TrustRegistry::FindKey(absl::string_view key_id) const {
  std::shared_lock lock(mu_);
  std::optional<KeyEntry> found = keys_.Find(key_id);
  if (!found.has_value()) return std::nullopt;
  KeyEntry& entry = *found;
  if (entry.signer.principal == records::Principal::kOrganisation) {
    auto org = organisations_.find(entry.signer.owner);
    if (org != organisations_.end()) entry.signer.roles = org->second.roles;
  }
  return entry;
}

absl::StatusOr<KeyEntry> TrustRegistry::RegisteredKey(
    absl::string_view key_id) const {
  std::optional<KeyEntry> key = FindKey(key_id);
  if (!key.has_value()) {
    return ledger::AwaitingDependency(absl::PermissionDeniedError(absl::StrCat(
        "key id ", ledger::HexEncode(key_id), " is not registered")));
  }
  return *std::move(key);
}

absl::StatusOr<records::SignerInfo> TrustRegistry::SignerAt(
    absl::string_view key_id, int64_t issued_at) const {
  absl::StatusOr<KeyEntry> key = RegisteredKey(key_id);
  if (!key.ok()) return key.status();
  if (key->RevokedAt(issued_at)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "key id ", ledger::HexEncode(key_id), " was revoked from ",
        *key->revoked_from, "; the record is issued at ", issued_at));
  }
  return std::move(key->signer);
}

std::vector<KeyRevocation> TrustRegistry::RevocationsBy(
    const v1::Record& record) const {
  const records::RegistryEffect effect = records::EffectOf(record);
  std::vector<KeyRevocation> out;
  std::shared_lock lock(mu_);
  auto add = [&](const std::string& key_id, int64_t from) {
    std::optional<KeyEntry> key = keys_.Find(key_id);
    if (!key.has_value()) return;
    std::optional<int64_t> until = key->revoked_from;
    if (!until.has_value() || from < *until)
      out.push_back({key_id, from, until});
  };
  if (!effect.revoked_key_id.empty()) {
    add(effect.revoked_key_id, effect.revoked_from);
  }
  if (!effect.rebound_passport.empty()) {
    if (std::optional<std::string> lost =
            PassportKey(effect.rebound_passport)) {
      add(*lost, record.issued_at());
    }
  }
  return out;
}

bool TrustRegistry::HasOrganisation(absl::string_view id) const {
  std::shared_lock lock(mu_);
  return organisations_.contains(std::string(id));
}

std::optional<TrustRegistry::OrganisationEntry> TrustRegistry::FindOrganisation(
    absl::string_view id) const {
  std::shared_lock lock(mu_);
  auto it = organisations_.find(std::string(id));
  if (it == organisations_.end()) return std::nullopt;
  return OrganisationEntry{it->second.icb_code, it->second.name};
}

bool TrustRegistry::HasProfessional(absl::string_view id) const {
  std::shared_lock lock(mu_);
  return professionals_.contains(std::string(id));
}

bool TrustRegistry::HasPassport(absl::string_view id) const {
  std::shared_lock lock(mu_);
  std::optional<PassportId> passport = AsPassportId(id);
  return passport.has_value() && passports_.contains(*passport);
}

absl::Status TrustRegistry::CheckApplicable(const v1::Record& record) const {
  const records::RegistryEffect effect = records::EffectOf(record);
  std::shared_lock lock(mu_);
  const std::string& organisation = effect.organisation_id;
  if (effect.organisation == records::RegistryEffect::kRegisters &&
      organisations_.contains(organisation)) {
    return absl::AlreadyExistsError(
        absl::StrCat("organisation ", organisation, " is already registered"));
  }
  if (effect.organisation == records::RegistryEffect::kMustExist &&
      !organisations_.contains(organisation)) {
    return ledger::AwaitingDependency(absl::FailedPreconditionError(
        absl::StrCat("organisation ", organisation, " is not registered")));
  }
  if (!effect.revoked_key_id.empty()) {
    std::optional<KeyEntry> key = keys_.Find(effect.revoked_key_id);
    if (!key.has_value()) {
      return ledger::AwaitingDependency(absl::FailedPreconditionError(
          absl::StrCat("key id ", ledger::HexEncode(effect.revoked_key_id),
                       " is not registered")));
    }
    if (key->signer.principal == records::Principal::kGovernance) {
      return absl::FailedPreconditionError(
          "governance keys are changed in the trust-anchor file");
    }
  }
  if (!effect.professional_id.empty() &&
      professionals_.contains(effect.professional_id)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "professional ", effect.professional_id, " is already registered"));
  }
  if (!effect.enrolled_passport.empty() &&
      PassportKey(effect.enrolled_passport).has_value()) {
    return absl::AlreadyExistsError(
        "a passport with that key is already enrolled");
  }
  if (!effect.rebound_passport.empty() &&
      !PassportKey(effect.rebound_passport).has_value()) {
    return ledger::AwaitingDependency(absl::FailedPreconditionError(
        absl::StrCat("passport ", ledger::HexEncode(effect.rebound_passport),
                     " is not enrolled")));
  }
  if (!effect.new_public_key.empty() &&
      keys_.Contains(KeyIdOf(effect.new_public_key))) {
    return absl::AlreadyExistsError("that public key is already registered");
  }
  return absl::OkStatus();
}

void TrustRegistry::AddKey(absl::string_view public_key,
                           records::SignerInfo signer) {
  std::string id = KeyIdOf(public_key);
  keys_.Put(id, {std::move(signer), ToPublicKey(public_key), std::nullopt});
  undo_.push_back([this, id] { keys_.Erase(id); });
}

void TrustRegistry::Revoke(const std::string& key_id, int64_t from) {
  std::optional<KeyEntry> key = keys_.Find(key_id);
  // Checked before it is applied (CheckApplicable).
  if (!key.has_value()) return;
  std::optional<int64_t> before = key->revoked_from;
  // The earliest revocation wins, whatever order revocations arrive in.
  keys_.SetRevokedFrom(key_id, before ? std::min(*before, from) : from);
  undo_.push_back(
      [this, key_id, before] { keys_.SetRevokedFrom(key_id, before); });
}

void TrustRegistry::Apply(const v1::Record& record) {
  const records::RegistryEffect effect = records::EffectOf(record);
  std::unique_lock lock(mu_);
  const std::string& id = effect.organisation_id;
  if (effect.organisation == records::RegistryEffect::kRegisters) {
    organisations_[id] = {effect.roles, effect.icb_code,
                          effect.organisation_name};
    undo_.push_back([this, id] { organisations_.erase(id); });
  } else if (effect.organisation == records::RegistryEffect::kMustExist) {
    auto& roles = organisations_[id].roles;
    for (v1::OrganisationRole role : effect.roles) {
      if (roles.insert(role).second) {
        undo_.push_back(
            [this, id, role] { organisations_[id].roles.erase(role); });
      }
    }
  }
  if (!effect.revoked_key_id.empty()) {
    Revoke(effect.revoked_key_id, effect.revoked_from);
  }
  if (!effect.professional_id.empty()) {
    professionals_[effect.professional_id] = id;
    undo_.push_back([this, professional = effect.professional_id] {
      professionals_.erase(professional);
    });
  }
  if (std::optional<PassportId> passport =
          AsPassportId(effect.enrolled_passport)) {
    passports_.Put(*passport, *AsKeyId(KeyIdOf(effect.new_public_key)));
    undo_.push_back([this, id = *passport] { passports_.Erase(id); });
  }
  if (!effect.new_public_key.empty()) {
    AddKey(effect.new_public_key, effect.new_key_signer);
  }
  if (std::optional<PassportId> passport =
          AsPassportId(effect.rebound_passport)) {
    KeyId& current = passports_[*passport];
    const KeyId lost_key = current;
    current = *AsKeyId(KeyIdOf(effect.new_public_key));
    undo_.push_back([this, id = *passport, lost_key] {
      passports_.Put(id, lost_key);
    });
    // The lost device's key stops signing from the moment of rebinding.
    Revoke(std::string(lost_key.data(), lost_key.size()), record.issued_at());
  }
}

void TrustRegistry::Commit() { undo_.clear(); }

void TrustRegistry::Rollback() {
  std::unique_lock lock(mu_);
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
  undo_.clear();
}

namespace {

void SaveRoles(const std::set<v1::OrganisationRole>& roles,
               ledger::SnapshotWriter& out) {
  out.U32(static_cast<uint32_t>(roles.size()));
  for (v1::OrganisationRole role : roles) out.U32(static_cast<uint32_t>(role));
}

std::set<v1::OrganisationRole> RestoreRoles(ledger::SnapshotReader& in) {
  std::set<v1::OrganisationRole> roles;
  for (uint32_t i = in.U32(); i > 0 && in.status().ok(); --i)
    roles.insert(static_cast<v1::OrganisationRole>(in.U32()));
  return roles;
}

}  // namespace

void TrustRegistry::Save(ledger::SnapshotWriter& out) const {
  std::shared_lock lock(mu_);
  out.U64(keys_.size());
  keys_.ForEachSorted([&](absl::string_view id, const KeyEntry& key) {
    out.Bytes(id);
    out.U8(static_cast<uint8_t>(key.signer.principal));
    out.Bytes(key.signer.owner);
    SaveRoles(key.signer.roles, out);
    out.Bytes(key.signer.organisation_id);
    out.U8(key.signer.is_record_key);
    out.Bytes(absl::string_view(reinterpret_cast<const char*>(
                                    key.public_key.data()),
                                key.public_key.size()));
    out.U8(key.revoked_from.has_value());
    out.I64(key.revoked_from.value_or(0));
  });
  out.U64(organisations_.size());
  for (const auto* entry : ledger::SortedEntries(organisations_)) {
    out.Bytes(entry->first);
    SaveRoles(entry->second.roles, out);
    out.Bytes(entry->second.icb_code);
    out.Bytes(entry->second.name);
  }
  out.U64(professionals_.size());
  for (const auto* entry : ledger::SortedEntries(professionals_)) {
    out.Bytes(entry->first);
    out.Bytes(entry->second);
  }
  out.U64(passports_.size());
  passports_.ForEach([&](const PassportId& passport, const KeyId& key) {
    out.Bytes(absl::string_view(passport.data(), passport.size()));
    out.Bytes(absl::string_view(key.data(), key.size()));
  });
}

absl::Status TrustRegistry::Restore(ledger::SnapshotReader& in) {
  std::unique_lock lock(mu_);
  keys_.clear();
  organisations_.clear();
  professionals_.clear();
  passports_.clear();
  undo_.clear();
  const uint64_t keys = in.U64();
  // Every key takes more than its 32-byte id in the snapshot.
  keys_.reserve(std::min<uint64_t>(keys, in.remaining() / 32));
  for (uint64_t i = keys; i > 0 && in.status().ok(); --i) {
    const std::string id(in.Bytes());
    KeyEntry key;
    uint8_t principal = in.U8();
    if (principal > static_cast<uint8_t>(records::Principal::kWorker)) {
      return absl::DataLossError("a snapshot key has an unknown principal");
    }
    key.signer.principal = static_cast<records::Principal>(principal);
    key.signer.owner = std::string(in.Bytes());
    key.signer.roles = RestoreRoles(in);
    key.signer.organisation_id = std::string(in.Bytes());
    key.signer.is_record_key = in.U8() != 0;
    key.public_key = ToPublicKey(in.Bytes());
    bool revoked = in.U8() != 0;
    int64_t from = in.I64();
    if (revoked) key.revoked_from = from;
    keys_.Put(id, key);
  }
  for (uint64_t i = in.U64(); i > 0 && in.status().ok(); --i) {
    Organisation& organisation = organisations_[std::string(in.Bytes())];
    organisation.roles = RestoreRoles(in);
    organisation.icb_code = std::string(in.Bytes());
    organisation.name = std::string(in.Bytes());
  }
  for (uint64_t i = in.U64(); i > 0 && in.status().ok(); --i) {
    std::string id(in.Bytes());
    professionals_[std::move(id)] = std::string(in.Bytes());
  }
  const uint64_t passports = in.U64();
  passports_.reserve(std::min<uint64_t>(passports, in.remaining()));
  for (uint64_t i = 0; i < passports && in.status().ok(); ++i) {
    std::optional<PassportId> passport = AsPassportId(in.Bytes());
    std::optional<KeyId> key = AsKeyId(in.Bytes());
    if (!passport.has_value() || !key.has_value()) {
      return absl::DataLossError("a snapshot passport has a malformed id");
    }
    passports_.Put(*passport, *key);
  }
  return in.status();
}

}  // namespace skp::registry
