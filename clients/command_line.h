// CommandLine: the argument grammar shared by passportd and passport.
//
//   prog WORD... [--flag VALUE | --flag=VALUE | --switch]...
//
// Command words come first; every flag takes a value unless it is one of the
// declared switches. Each command states the flags it accepts, so a typo is
// an error naming the flag, not a silently ignored option.
#ifndef SKP_CLIENTS_COMMAND_LINE_H_
#define SKP_CLIENTS_COMMAND_LINE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace skp::clients {

class CommandLine {
 public:
  static absl::StatusOr<CommandLine> Parse(
      const std::vector<std::string>& args,
      const std::set<std::string>& switches = {});

  const std::vector<std::string>& words() const { return words_; }
  // kInvalidArgument naming the first flag given that is not in `allowed`.
  absl::Status AllowOnly(const std::set<std::string>& allowed) const;

  bool Has(const std::string& flag) const { return flags_.count(flag) > 0; }
  std::string Get(const std::string& flag,
                  const std::string& fallback = "") const;
  // kInvalidArgument if present and not a decimal number.
  absl::StatusOr<std::optional<uint64_t>> GetUint(
      const std::string& flag) const;
  absl::StatusOr<uint64_t> GetUint(const std::string& flag,
                                   uint64_t fallback) const;

 private:
  std::vector<std::string> words_;
  std::map<std::string, std::string> flags_;
};

}  // namespace skp::clients

#endif  // SKP_CLIENTS_COMMAND_LINE_H_
