// `passport workforce supply|coverage|expiring|flows`: workforce leads'
// aggregate queries, printed as aligned tables or (--csv) CSV. Suppressed
// cells print as "[c]".
#ifndef SKP_CLIENTS_CLI_WORKFORCE_H_
#define SKP_CLIENTS_CLI_WORKFORCE_H_

#include "absl/status/statusor.h"
#include "clients/command_line.h"

namespace skp::clients::cli {

// False if the command line is not a workforce command.
absl::StatusOr<bool> RunWorkforceCommand(const clients::CommandLine& cl);

}  // namespace skp::clients::cli

#endif  // SKP_CLIENTS_CLI_WORKFORCE_H_
