// A `passport` command as data: the words that name it, what it does and
// prints, its flags with their defaults, and the function that runs it.
// passport_main.cc builds the CLI11 parser, every --help and the README's
// CLI reference from these tables (CLI11 stays in main.cc: it costs seconds
// of compile time per file), then calls the command with the parsed Args.
#ifndef SKP_CLIENTS_CLI_COMMAND_H_
#define SKP_CLIENTS_CLI_COMMAND_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"

namespace skp::clients::cli {

struct Flag {
  enum class Kind { kOptional, kRequired, kSwitch };
  std::string name;   // without the leading "--"
  std::string value;  // what the value is, for help: FILE, DATE, N...
  std::string help;
  std::string fallback;  // the value when the flag is not given; "" none
  Kind kind = Kind::kOptional;
};

Flag Optional(std::string name, std::string value, std::string help,
              std::string fallback = "");
Flag Required(std::string name, std::string value, std::string help);
Flag Switch(std::string name, std::string help);
// A flag whose value names a value of a proto enum (records::ParseEnumName);
// its help lists the choices.
Flag EnumFlag(std::string name, const google::protobuf::EnumDescriptor* type,
              std::string help, Flag::Kind kind = Flag::Kind::kRequired,
              std::string fallback = "");
// --server, for every command that calls a node.
Flag ServerFlag();
// `flags` and what every command that writes takes: --server, --durability.
std::vector<Flag> WriteFlags(std::vector<Flag> flags);

// The flags of one parsed command line. Values are strings as given; a flag
// not given reads as its fallback.
class Args {
 public:
  void Set(const std::string& name, std::string value, bool given);

  // Given on the command line (not just defaulted).
  bool Has(const std::string& name) const { return given_.count(name) > 0; }
  // The value given, else the flag's fallback; "" if neither.
  std::string Get(const std::string& name) const;
  // nullopt if the value is empty; kInvalidArgument (a usage error) if it is
  // not a decimal number.
  absl::StatusOr<std::optional<uint64_t>> GetUint(
      const std::string& name) const;
  // As GetUint, and a usage error if the value is empty.
  absl::StatusOr<uint64_t> Uint(const std::string& name) const;

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> given_;
};

struct Command {
  std::vector<std::string> words;  // {"org", "register"}
  std::string about;               // one line, in the parent's command list
  std::string prints;              // on success; closes the command's help
  std::vector<Flag> flags;
  absl::Status (*run)(const Args&);
};

}  // namespace skp::clients::cli

#endif  // SKP_CLIENTS_CLI_COMMAND_H_
