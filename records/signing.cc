#include "records/signing.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "ledger/entry.h"
#include "ledger/hash.h"

namespace skp::records {
namespace {

// SECTOR_ADULT_SOCIAL_CARE -> adult-social-care, given the prefix "SECTOR_".
std::string ShortName(const google::protobuf::EnumValueDescriptor* value,
                      absl::string_view prefix) {
  std::string name = value->name().substr(prefix.size());
  absl::AsciiStrToLower(&name);
  return absl::StrReplaceAll(name, {{"_", "-"}});
}

std::string EnumPrefix(const google::protobuf::EnumDescriptor* type) {
  // Every enum here starts with an UNSPECIFIED value named PREFIX_UNSPECIFIED.
  std::string first = type->value(0)->name();
  return first.substr(0, first.size() - std::string("UNSPECIFIED").size());
}

}  // namespace

absl::StatusOr<std::string> SignRecord(
    const skillspassport::v1::Record& record,
    absl::Span<const ledger::Signer* const> signers) {
  return ledger::SignEntry(ledger::kRecordPayloadType,
                           record.SerializeAsString(), signers);
}

std::string IdentityCommitment(absl::string_view salt,
                               absl::string_view identity) {
  return std::string(ledger::AsBytes(
      ledger::Sha256Parts({"skillspassport/identity/v1\n", salt, identity})));
}

std::string PublicKeyBytes(const ledger::Verifier& verifier) {
  return std::string(
      reinterpret_cast<const char*>(verifier.public_key().data()),
      verifier.public_key().size());
}

std::string EnumNames(const google::protobuf::EnumDescriptor* type) {
  std::string prefix = EnumPrefix(type), names;
  for (int i = 1; i < type->value_count(); ++i) {
    absl::StrAppend(&names, names.empty() ? "" : ", ",
                    ShortName(type->value(i), prefix));
  }
  return names;
}

absl::StatusOr<int> ParseEnumName(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view name) {
  std::string prefix = EnumPrefix(type);
  for (int i = 1; i < type->value_count(); ++i) {
    if (ShortName(type->value(i), prefix) == name)
      return type->value(i)->number();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown ", type->name(), " \"", name,
                   "\" (one of: ", EnumNames(type), ")"));
}

}  // namespace skp::records
