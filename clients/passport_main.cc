// passport: the command-line client. The commands are tables in
// clients/cli_*.cc (cli_command.h); this file turns them into one CLI11
// parser, so `passport --help`, `passport help COMMAND` and
// `passport COMMAND --help` describe every command and flag with its
// default. README.md's CLI reference is that help (tests/cli_help.sh keeps
// them equal). Output formats are public interface: keep them stable.
//
// Exit status: 0 success; 1 failure ("passport: CODE: message" on stderr);
// 2 usage error (a mistyped or missing flag names it and prints the
// command's help).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli_command.h"
#include "clients/cli_ledger.h"
#include "clients/cli_roles.h"
#include "clients/cli_workforce.h"

namespace {

namespace cli = skp::clients::cli;
using Words = std::vector<std::string>;

// What a group of commands is about (it has no command of its own).
std::string GroupAbout(const std::string& group) {
  static const auto* kAbout = new std::map<std::string, std::string>{
      {"ledger", "the transparency log"},
      {"org", "organisations"},
      {"professional", "registered professionals"},
      {"key", "signing keys"},
      {"record", "records already written"},
      {"workforce", "workforce leads' aggregate queries"},
  };
  auto it = kAbout->find(group);
  return it == kAbout->end() ? group : it->second;
}

// The CLI11 parser of the command tables, and the parsed values.
class Parser {
 public:
  explicit Parser(const std::vector<cli::Command>& commands)
      : app_("passport: the skills passport command-line client", "passport") {
    app_.require_subcommand(1);
    app_.footer(
        "passport help COMMAND or passport COMMAND --help describes a "
        "command and its flags.\nExit status: 0 success; 1 failure "
        "(\"passport: CODE: message\" on stderr); 2 usage error.\n"
        "PASSPORT_TLS_CA=FILE: the PEM roots of a node serving TLS.");
    nodes_[{}] = &app_;
    for (const cli::Command& command : commands) Add(command);
    for (const auto& [words, children] : groups_) {
      nodes_.at(words)->description(absl::StrCat(
          GroupAbout(words.back()), ": ", absl::StrJoin(children, ", ")));
    }
  }

  // `passport help WORDS...` is `passport WORDS... --help`. nullopt when
  // WORDS name no command.
  std::optional<std::vector<std::string>> Arguments(int argc,
                                                    char** argv) const {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] != "help") return args;
    args.erase(args.begin());
    if (!nodes_.count(args)) return std::nullopt;
    args.push_back("--help");
    return args;
  }

  // Runs the command `args` name; the process's exit status.
  int Run(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    try {
      app_.parse(args);
    } catch (const CLI::CallForHelp& e) {
      return app_.exit(e);
    } catch (const CLI::ParseError& e) {
      // CLI11 reports a missing command before an unknown word: name the
      // word, which is likely the command mistyped.
      const std::vector<std::string> unknown = app_.remaining(true);
      return UsageError(unknown.empty()
                            ? e.what()
                            : absl::StrCat("unexpected argument \"",
                                           absl::StrJoin(unknown, " "), "\""));
    }
    const CLI::App* leaf = &app_;
    while (!leaf->get_subcommands().empty())
      leaf = leaf->get_subcommands().front();
    const Bound& bound = bound_.at(leaf);
    cli::Args parsed;
    for (const auto& [flag, option] : bound.options) {
      const bool given = option->count() > 0;
      if (flag->kind == cli::Flag::Kind::kRequired && !given)
        return UsageError(absl::StrCat("--", flag->name, " is required"));
      parsed.Set(flag->name,
                 flag->kind == cli::Flag::Kind::kSwitch ? (given ? "true" : "")
                 : given ? bound.values.at(flag->name)
                         : flag->fallback,
                 given);
    }
    absl::Status status = bound.command->run(parsed);
    if (status.ok()) return 0;
    std::fprintf(stderr, "passport: %s: %s\n",
                 absl::StatusCodeToString(status.code()).c_str(),
                 std::string(status.message()).c_str());
    return absl::IsInvalidArgument(status) &&
                   status.message().rfind("usage:", 0) == 0
               ? 2
               : 1;
  }

  // A usage error: the message, then the help of the command it is about.
  int UsageError(const std::string& message) {
    std::cerr << "passport: usage: " << message << "\n\n" << app_.help();
    return 2;
  }

 private:
  struct Bound {
    const cli::Command* command = nullptr;
    std::vector<std::pair<const cli::Flag*, CLI::Option*>> options;
    std::map<std::string, std::string> values;  // the options write here
  };

  CLI::App* Node(const Words& words) {
    auto it = nodes_.find(words);
    if (it != nodes_.end()) return it->second;
    const Words parent_words(words.begin(), words.end() - 1);
    CLI::App* parent = Node(parent_words);
    CLI::App* node = parent->add_subcommand(words.back());
    // A group's description lists its commands once they are all known.
    node->require_subcommand(1);
    groups_[words];
    if (groups_.count(parent_words))
      groups_[parent_words].push_back(words.back());
    return nodes_[words] = node;
  }

  void Add(const cli::Command& command) {
    const Words parent_words(command.words.begin(), command.words.end() - 1);
    CLI::App* parent = Node(parent_words);
    if (groups_.count(parent_words))
      groups_[parent_words].push_back(command.words.back());
    CLI::App* app = parent->add_subcommand(command.words.back(), command.about);
    nodes_[command.words] = app;
    // A command may have commands of its own (consent withdraw).
    app->require_subcommand(0, 1);
    app->footer(absl::StrCat("Prints: ", command.prints));
    Bound& bound = bound_[app];
    bound.command = &command;
    for (const cli::Flag& flag : command.flags) {
      const std::string name = "--" + flag.name;
      CLI::Option* option;
      if (flag.kind == cli::Flag::Kind::kSwitch) {
        option = app->add_flag(name, flag.help);
      } else {
        option = app->add_option(name, bound.values[flag.name], flag.help)
                     ->type_name(flag.value);
        if (!flag.fallback.empty()) option->default_str(flag.fallback);
        // Checked in Run, for the command run only: CLI11 would also ask
        // `consent`'s required flags of `consent withdraw`, and would name
        // a missing flag before a mistyped one. Help shows it as CLI11 does.
        if (flag.kind == cli::Flag::Kind::kRequired)
          option->type_name(flag.value + " REQUIRED");
      }
      bound.options.emplace_back(&flag, option);
    }
  }

  CLI::App app_;
  std::map<Words, CLI::App*> nodes_;
  std::map<Words, std::vector<std::string>> groups_;  // group -> commands
  std::map<const CLI::App*, Bound> bound_;
};

std::vector<cli::Command> AllCommands() {
  std::vector<cli::Command> all = cli::LedgerCommands();
  for (auto* more : {&cli::RoleCommands, &cli::WorkforceCommands}) {
    std::vector<cli::Command> commands = (*more)();
    all.insert(all.end(), std::make_move_iterator(commands.begin()),
               std::make_move_iterator(commands.end()));
  }
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<cli::Command> commands = AllCommands();
  Parser parser(commands);
  std::optional<std::vector<std::string>> args = parser.Arguments(argc, argv);
  if (!args.has_value()) {
    return parser.UsageError(absl::StrCat(
        "no command \"", absl::StrJoin(argv + 2, argv + argc, " "), "\""));
  }
  return parser.Run(*std::move(args));
}
