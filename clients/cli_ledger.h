// The `passport` CLI's node and log commands: keys, the node's status, and
// the transparency log's checkpoints, entries and proofs (with offline
// verification).
#ifndef SKP_CLIENTS_CLI_LEDGER_H_
#define SKP_CLIENTS_CLI_LEDGER_H_

#include <vector>

#include "clients/cli_command.h"

namespace skp::clients::cli {

std::vector<Command> LedgerCommands();

}  // namespace skp::clients::cli

#endif  // SKP_CLIENTS_CLI_LEDGER_H_
