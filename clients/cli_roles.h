// The `passport` CLI's commands for each role (README "Tom's journey"):
// governance registers organisations and grants roles; employers register
// professionals, enrol, hire, end employment and sign off Care Certificate
// standards; identity checkers rebind passports to new keys; professionals
// assess and delegate; workers consent, show and present their passport;
// verifiers check a presentation offline.
#ifndef SKP_CLIENTS_CLI_ROLES_H_
#define SKP_CLIENTS_CLI_ROLES_H_

#include <vector>

#include "clients/cli_command.h"

namespace skp::clients::cli {

std::vector<Command> RoleCommands();

}  // namespace skp::clients::cli

#endif  // SKP_CLIENTS_CLI_ROLES_H_
