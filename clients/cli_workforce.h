// `passport workforce supply|coverage|expiring|flows`: workforce leads'
// aggregate queries, printed as aligned tables or (--csv) CSV; suppressed
// cells print as "[c]". `passport demand-plan`: what the queries' coverage
// compares supply with.
#ifndef SKP_CLIENTS_CLI_WORKFORCE_H_
#define SKP_CLIENTS_CLI_WORKFORCE_H_

#include <vector>

#include "clients/cli_command.h"

namespace skp::clients::cli {

std::vector<Command> WorkforceCommands();

}  // namespace skp::clients::cli

#endif  // SKP_CLIENTS_CLI_WORKFORCE_H_
