#include "services/registry/trust_registry.h"

#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "ledger/hash.h"

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
    keys_[v.entry_key_id()] = {
        {records::Principal::kGovernance, v.name(), {}, "", false},
        v.public_key(),
        std::nullopt};
  }
}

bool TrustRegistry::IsRegistryKind(Kind kind) {
  switch (kind) {
    case Kind::kOrganisationRegistered:
    case Kind::kOrganisationKeyAdded:
    case Kind::kOrganisationRoleGranted:
    case Kind::kKeyRevoked:
    case Kind::kProfessionalRegistered:
    case Kind::kPassportEnrolled:
    case Kind::kPassportKeyRebound:
      return true;
    default:
      return false;
  }
}

std::optional<KeyEntry> TrustRegistry::FindKey(absl::string_view key_id) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(std::string(key_id));
  if (it == keys_.end()) return std::nullopt;
  KeyEntry entry = it->second;
  if (entry.signer.principal == records::Principal::kOrganisation) {
    auto org = organisations_.find(entry.signer.owner);
    if (org != organisations_.end()) entry.signer.roles = org->second.roles;
  }
  return entry;
}

absl::StatusOr<records::SignerInfo> TrustRegistry::SignerAt(absl::string_view key_id,
                                                   int64_t issued_at) const {
  std::optional<KeyEntry> key = FindKey(key_id);
  if (!key.has_value()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "key id ", ledger::HexEncode(key_id), " is not registered"));
  }
  if (key->revoked_from.has_value() && issued_at >= *key->revoked_from) {
    return absl::PermissionDeniedError(absl::StrCat(
        "key id ", ledger::HexEncode(key_id), " was revoked from ",
        *key->revoked_from, "; the record is issued at ", issued_at));
  }
  return key->signer;
}

bool TrustRegistry::HasOrganisation(absl::string_view id) const {
  std::shared_lock lock(mu_);
  return organisations_.contains(std::string(id));
}

std::optional<std::string> TrustRegistry::OrganisationIcb(
    absl::string_view id) const {
  std::shared_lock lock(mu_);
  auto it = organisations_.find(std::string(id));
  if (it == organisations_.end()) return std::nullopt;
  return it->second.icb_code;
}

bool TrustRegistry::HasProfessional(absl::string_view id) const {
  std::shared_lock lock(mu_);
  return professionals_.contains(std::string(id));
}

bool TrustRegistry::HasPassport(absl::string_view id) const {
  std::shared_lock lock(mu_);
  return passports_.contains(std::string(id));
}

absl::Status TrustRegistry::CheckApplicable(const v1::Record& record) const {
  std::shared_lock lock(mu_);
  auto key_is_new = [&](absl::string_view public_key) -> absl::Status {
    if (keys_.contains(KeyIdOf(public_key))) {
      return absl::AlreadyExistsError("that public key is already registered");
    }
    return absl::OkStatus();
  };
  auto organisation_exists = [&](const std::string& id) -> absl::Status {
    if (!organisations_.contains(id)) {
      return absl::FailedPreconditionError(
          absl::StrCat("organisation ", id, " is not registered"));
    }
    return absl::OkStatus();
  };
  switch (record.kind_case()) {
    case Kind::kOrganisationRegistered: {
      const auto& r = record.organisation_registered();
      if (organisations_.contains(r.organisation_id())) {
        return absl::AlreadyExistsError(absl::StrCat(
            "organisation ", r.organisation_id(), " is already registered"));
      }
      return key_is_new(r.public_key());
    }
    case Kind::kOrganisationKeyAdded:
      if (absl::Status s = organisation_exists(
              record.organisation_key_added().organisation_id());
          !s.ok()) {
        return s;
      }
      return key_is_new(record.organisation_key_added().public_key());
    case Kind::kOrganisationRoleGranted:
      return organisation_exists(
          record.organisation_role_granted().organisation_id());
    case Kind::kKeyRevoked: {
      auto it = keys_.find(record.key_revoked().key_id());
      if (it == keys_.end()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "key id ", ledger::HexEncode(record.key_revoked().key_id()),
            " is not registered"));
      }
      if (it->second.signer.principal == records::Principal::kGovernance) {
        return absl::FailedPreconditionError(
            "governance keys are changed in the trust-anchor file");
      }
      return absl::OkStatus();
    }
    case Kind::kProfessionalRegistered: {
      const auto& r = record.professional_registered();
      if (professionals_.contains(r.professional_id())) {
        return absl::AlreadyExistsError(absl::StrCat(
            "professional ", r.professional_id(), " is already registered"));
      }
      return key_is_new(r.public_key());
    }
    case Kind::kPassportEnrolled: {
      const auto& r = record.passport_enrolled();
      if (passports_.contains(records::PassportIdOf(r.public_key()))) {
        return absl::AlreadyExistsError(
            "a passport with that key is already enrolled");
      }
      return key_is_new(r.public_key());
    }
    case Kind::kPassportKeyRebound: {
      const auto& r = record.passport_key_rebound();
      if (!passports_.contains(r.passport_id())) {
        return absl::FailedPreconditionError(
            absl::StrCat("passport ", ledger::HexEncode(r.passport_id()),
                         " is not enrolled"));
      }
      return key_is_new(r.new_public_key());
    }
    default:
      return absl::OkStatus();
  }
}

void TrustRegistry::AddKey(absl::string_view public_key, records::SignerInfo signer) {
  std::string id = KeyIdOf(public_key);
  keys_[id] = {std::move(signer), ToPublicKey(public_key), std::nullopt};
  undo_.push_back([this, id] { keys_.erase(id); });
}

void TrustRegistry::Apply(const v1::Record& record) {
  std::unique_lock lock(mu_);
  switch (record.kind_case()) {
    case Kind::kOrganisationRegistered: {
      const auto& r = record.organisation_registered();
      Organisation org;
      for (int role : r.roles())
        org.roles.insert(static_cast<v1::OrganisationRole>(role));
      org.icb_code = r.icb_code();
      organisations_[r.organisation_id()] = org;
      undo_.push_back(
          [this, id = r.organisation_id()] { organisations_.erase(id); });
      AddKey(r.public_key(),
             {records::Principal::kOrganisation, r.organisation_id(), {}, "", false});
      break;
    }
    case Kind::kOrganisationKeyAdded: {
      const auto& r = record.organisation_key_added();
      AddKey(r.public_key(),
             {records::Principal::kOrganisation, r.organisation_id(), {}, "", false});
      break;
    }
    case Kind::kOrganisationRoleGranted: {
      const auto& r = record.organisation_role_granted();
      auto& roles = organisations_[r.organisation_id()].roles;
      if (roles.insert(r.role()).second) {
        undo_.push_back([this, id = r.organisation_id(), role = r.role()] {
          organisations_[id].roles.erase(role);
        });
      }
      break;
    }
    case Kind::kKeyRevoked: {
      const auto& r = record.key_revoked();
      KeyEntry& key = keys_[r.key_id()];
      std::optional<int64_t> before = key.revoked_from;
      // The earliest revocation wins, whatever order revocations arrive in.
      key.revoked_from =
          before ? std::min(*before, r.effective_at()) : r.effective_at();
      undo_.push_back(
          [this, id = r.key_id(), before] { keys_[id].revoked_from = before; });
      break;
    }
    case Kind::kProfessionalRegistered: {
      const auto& r = record.professional_registered();
      professionals_[r.professional_id()] = r.organisation_id();
      undo_.push_back(
          [this, id = r.professional_id()] { professionals_.erase(id); });
      AddKey(r.public_key(), {records::Principal::kProfessional,
                              r.professional_id(),
                              {},
                              r.organisation_id(),
                              false});
      break;
    }
    case Kind::kPassportEnrolled: {
      const auto& r = record.passport_enrolled();
      std::string passport = records::PassportIdOf(r.public_key());
      passports_[passport] = KeyIdOf(r.public_key());
      undo_.push_back([this, passport] { passports_.erase(passport); });
      AddKey(r.public_key(),
             {records::Principal::kWorker, ledger::HexEncode(passport), {}, "", false});
      break;
    }
    case Kind::kPassportKeyRebound: {
      const auto& r = record.passport_key_rebound();
      std::string old_key = passports_[r.passport_id()];
      passports_[r.passport_id()] = KeyIdOf(r.new_public_key());
      undo_.push_back(
          [this, id = r.passport_id(), old_key] { passports_[id] = old_key; });
      AddKey(r.new_public_key(), {records::Principal::kWorker,
                                  ledger::HexEncode(r.passport_id()),
                                  {},
                                  "",
                                  false});
      // The lost device's key stops signing from the moment of rebinding.
      KeyEntry& lost = keys_[old_key];
      std::optional<int64_t> before = lost.revoked_from;
      lost.revoked_from =
          before ? std::min(*before, record.issued_at()) : record.issued_at();
      undo_.push_back(
          [this, old_key, before] { keys_[old_key].revoked_from = before; });
      break;
    }
    default:
      break;
  }
}

void TrustRegistry::Commit() { undo_.clear(); }

void TrustRegistry::Rollback() {
  std::unique_lock lock(mu_);
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
  undo_.clear();
}

}  // namespace skp::registry
