// Helpers shared by the `passport` CLI's commands: flags, files, keys, dates
// and submitting records. CLI code only.
#ifndef SKP_CLIENTS_CLI_SUPPORT_H_
#define SKP_CLIENTS_CLI_SUPPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/ledger_client.h"
#include "ledger/crypto.h"
#include "clients/command_line.h"
#include "skillspassport/v1/records.pb.h"

namespace skp::clients::cli {


inline constexpr char kDefaultServer[] = "127.0.0.1:7070";

// kInvalidArgument starting "usage: " (the CLI exits 2 for these).
absl::Status Usage(absl::string_view message);
absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view flag);
absl::Status WriteFile(const std::string& path, absl::string_view bytes);
// Fails with a usage error naming the first missing flag.
absl::Status Require(const CommandLine& cl,
                     std::initializer_list<const char*> flags);
std::shared_ptr<grpc::Channel> Channel(const CommandLine& cl);
// Names the caller on `context` with an access token signed by `key`, for
// the node behind `channel` (its log's origin is the token's audience).
absl::Status AddAccessToken(const std::shared_ptr<grpc::Channel>& channel,
                            const ledger::Signer& key,
                            grpc::ClientContext& context);
// A verifier key string given inline or as a file holding it.
absl::StatusOr<ledger::Verifier> VerifierArgument(const std::string& value,
                                                  absl::string_view flag);
// --flag YYYY-MM-DD.
absl::StatusOr<skillspassport::v1::Date> DateArgument(const CommandLine& cl,
                                                      const char* flag);
// Appends a signed entry and prints "INDEX RECORD_ID_HEX".
absl::Status AppendAndPrint(const CommandLine& cl, const std::string& entry);
// Stamps issued_at = now, signs with `signers`, appends and prints.
absl::Status SubmitRecord(const CommandLine& cl,
                          skillspassport::v1::Record record,
                          std::vector<const ledger::Signer*> signers);

}  // namespace skp::clients::cli

#endif  // SKP_CLIENTS_CLI_SUPPORT_H_
