// Helpers shared by the `passport` CLI's commands: flags, files, keys, dates
// and submitting records. CLI code only.
#ifndef SKP_CLIENTS_CLI_SUPPORT_H_
#define SKP_CLIENTS_CLI_SUPPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/cli_command.h"
#include "clients/ledger_client.h"
#include "ledger/crypto.h"
#include "records/grpc_status.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::clients::cli {

// kInvalidArgument starting "usage: " (the CLI exits 2 for these).
absl::Status Usage(absl::string_view message);
absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view flag);
absl::Status WriteFile(const std::string& path, absl::string_view bytes);
// Fails with a usage error naming the first missing flag (for flags needed
// together or in some cases only: the parser checks Flag::Kind::kRequired).
absl::Status Require(const Args& args,
                     std::initializer_list<const char*> flags);
// A channel to --server.
std::shared_ptr<grpc::Channel> Channel(const Args& args);
// Names the caller on `context` with an access token signed by `key`, for
// the node behind `channel` (its log's origin is the token's audience).
absl::Status AddAccessToken(const std::shared_ptr<grpc::Channel>& channel,
                            const ledger::Signer& key,
                            grpc::ClientContext& context);
// Calls `method` of a service's `Stub` on --server, as `caller` (an access
// token signed by its key) when there is one.
template <typename Stub, typename Request, typename Response>
absl::Status CallNode(const Args& args, const ledger::Signer* caller,
                      grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                   const Request&, Response*),
                      const Request& request, Response* response) {
  std::shared_ptr<grpc::Channel> channel = Channel(args);
  grpc::ClientContext context;
  if (caller != nullptr) {
    absl::Status named = AddAccessToken(channel, *caller, context);
    if (!named.ok()) return named;
  }
  Stub stub(channel);
  return records::FromGrpcStatus((stub.*method)(&context, request, response));
}

// A verifier key string given inline or as a file holding it.
absl::StatusOr<ledger::Verifier> VerifierArgument(const std::string& value,
                                                  absl::string_view flag);
// --flag YYYY-MM-DD.
absl::StatusOr<skillspassport::v1::Date> DateArgument(const Args& args,
                                                      const char* flag);
// Appends a signed entry with --durability and prints "INDEX RECORD_ID_HEX".
absl::Status AppendAndPrint(const Args& args, const std::string& entry);
// Stamps issued_at = now, signs with `signers`, appends and prints.
absl::Status SubmitRecord(const Args& args, skillspassport::v1::Record record,
                          std::vector<const ledger::Signer*> signers);

}  // namespace skp::clients::cli

#endif  // SKP_CLIENTS_CLI_SUPPORT_H_
