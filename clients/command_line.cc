#include "clients/command_line.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace skp::clients {

absl::StatusOr<CommandLine> CommandLine::Parse(
    const std::vector<std::string>& args,
    const std::set<std::string>& switches) {
  CommandLine out;
  size_t i = 0;
  for (; i < args.size() && args[i].rfind("--", 0) != 0; ++i)
    out.words_.push_back(args[i]);
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument \"", arg, "\""));
    }
    std::string name = arg.substr(2), value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (switches.count(name)) {
      value = "true";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " needs a value"));
    }
    if (!out.flags_.emplace(name, value).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " given twice"));
    }
  }
  return out;
}

absl::Status CommandLine::AllowOnly(
    const std::set<std::string>& allowed) const {
  for (const auto& [name, value] : flags_) {
    if (!allowed.count(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " for this command"));
    }
  }
  return absl::OkStatus();
}

std::string CommandLine::Get(const std::string& flag,
                             const std::string& fallback) const {
  auto it = flags_.find(flag);
  return it == flags_.end() ? fallback : it->second;
}

absl::StatusOr<std::optional<uint64_t>> CommandLine::GetUint(
    const std::string& flag) const {
  auto it = flags_.find(flag);
  if (it == flags_.end()) return std::nullopt;
  uint64_t value = 0;
  if (it->second.empty() ||
      it->second.find_first_not_of("0123456789") != std::string::npos ||
      !absl::SimpleAtoi(it->second, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " must be a non-negative integer, got \"",
                     it->second, "\""));
  }
  return value;
}

absl::StatusOr<uint64_t> CommandLine::GetUint(const std::string& flag,
                                              uint64_t fallback) const {
  absl::StatusOr<std::optional<uint64_t>> value = GetUint(flag);
  if (!value.ok()) return value.status();
  return value->value_or(fallback);
}

}  // namespace skp::clients
