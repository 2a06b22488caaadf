// The `passport` CLI's commands for each role (README "Tom's journey"):
// operators and employers register professionals, enrol, hire, end
// employment and sign off Care Certificate standards; professionals assess
// and delegate; workers consent, show and present their passport; verifiers
// check a presentation offline.
#ifndef SKP_CLIENTS_CLI_ROLES_H_
#define SKP_CLIENTS_CLI_ROLES_H_

#include "absl/status/statusor.h"
#include "clients/command_line.h"

namespace skp::clients::cli {

// Runs the command named by cl.words() if it is a role command; returns
// false (and does nothing) if it is not one.
absl::StatusOr<bool> RunRoleCommand(const clients::CommandLine& cl);

}  // namespace skp::clients::cli

#endif  // SKP_CLIENTS_CLI_ROLES_H_
