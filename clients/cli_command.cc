#include "clients/cli_command.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "records/signing.h"

namespace skp::clients::cli {

constexpr char kDefaultServer[] = "127.0.0.1:7070";

Flag Optional(std::string name, std::string value, std::string help,
              std::string fallback) {
  return {std::move(name), std::move(value), std::move(help),
          std::move(fallback), Flag::Kind::kOptional};
}

Flag Required(std::string name, std::string value, std::string help) {
  return {std::move(name), std::move(value), std::move(help), "",
          Flag::Kind::kRequired};
}

Flag Switch(std::string name, std::string help) {
  return {std::move(name), "", std::move(help), "", Flag::Kind::kSwitch};
}

Flag EnumFlag(std::string name, const google::protobuf::EnumDescriptor* type,
              std::string help, Flag::Kind kind, std::string fallback) {
  return {std::move(name), "NAME",
          absl::StrCat(help, " (", records::EnumNames(type), ")"),
          std::move(fallback), kind};
}

Flag ServerFlag() {
  return Optional("server", "ADDR", "the node's gRPC address (HOST:PORT)",
                  kDefaultServer);
}

std::vector<Flag> WriteFlags(std::vector<Flag> flags) {
  flags.push_back(ServerFlag());
  flags.push_back(Optional(
      "durability", "D",
      "local: answer once synced on the node; mirrored: once also held by "
      "the node's --mirrored-copies peers",
      "local"));
  return flags;
}

void Args::Set(const std::string& name, std::string value, bool given) {
  values_[name] = std::move(value);
  if (given) given_.insert(name);
}

std::string Args::Get(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::string() : it->second;
}

absl::StatusOr<std::optional<uint64_t>> Args::GetUint(
    const std::string& name) const {
  const std::string value = Get(name);
  if (value.empty()) return std::nullopt;
  uint64_t number = 0;
  if (value.find_first_not_of("0123456789") != std::string::npos ||
      !absl::SimpleAtoi(value, &number)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", name, " must be a non-negative integer, got \"", value, "\""));
  }
  return number;
}

absl::StatusOr<uint64_t> Args::Uint(const std::string& name) const {
  absl::StatusOr<std::optional<uint64_t>> value = GetUint(name);
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("usage: --", name, " is required"));
  }
  return **value;
}

}  // namespace skp::clients::cli
