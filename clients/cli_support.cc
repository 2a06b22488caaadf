#include "clients/cli_support.h"

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "ledger/hash.h"
#include "ledger/note.h"
#include "ledger/status_macros.h"
#include "records/access_token.h"
#include "records/signing.h"
#include "records/tls.h"

namespace skp::clients::cli {

absl::Status Usage(absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("usage: ", message));
}

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view flag) {
  if (path.empty()) return Usage(absl::StrCat("--", flag, " is required"));
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status WriteFile(const std::string& path, absl::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status Require(const Args& args,
                     std::initializer_list<const char*> flags) {
  for (const char* flag : flags) {
    if (!args.Has(flag)) return Usage(absl::StrCat("--", flag, " is required"));
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> Channel(const Args& args) {
  // PASSPORT_TLS_CA names the PEM roots of a node serving TLS (the same for
  // every command, so it is not a flag of each).
  const char* ca = std::getenv("PASSPORT_TLS_CA");
  if (ca == nullptr || *ca == '\0')
    return LedgerClient::Connect(args.Get("server"));
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      records::ChannelCredentialsFor({.ca = ca});
  if (!credentials.ok()) {
    std::fprintf(stderr, "passport: PASSPORT_TLS_CA: %s\n",
                 std::string(credentials.status().message()).c_str());
    std::exit(2);
  }
  return grpc::CreateChannel(args.Get("server"), *credentials);
}

absl::Status AddAccessToken(const std::shared_ptr<grpc::Channel>& channel,
                            const ledger::Signer& key,
                            grpc::ClientContext& context) {
  SKP_ASSIGN_OR_RETURN(std::string note, LedgerClient(channel).Checkpoint());
  SKP_ASSIGN_OR_RETURN(ledger::Checkpoint checkpoint,
                       ledger::PeekCheckpoint(note));
  context.AddMetadata("authorization",
                      "Bearer " + records::SignAccessToken(
                                      key, checkpoint.origin, absl::Now()));
  return absl::OkStatus();
}

absl::StatusOr<ledger::Verifier> VerifierArgument(const std::string& value,
                                                  absl::string_view flag) {
  std::string text = value;
  if (text.empty()) return Usage(absl::StrCat("--", flag, " is required"));
  if (text.find('+') == std::string::npos) {
    SKP_ASSIGN_OR_RETURN(text, ReadFile(text, flag));
  }
  return ledger::Verifier::Parse(absl::StripAsciiWhitespace(text));
}

absl::StatusOr<skillspassport::v1::Date> DateArgument(const Args& args,
                                                      const char* flag) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(args.Get(flag), &day)) {
    return Usage(absl::StrCat("--", flag, " must be a date YYYY-MM-DD"));
  }
  skillspassport::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

absl::Status AppendAndPrint(const Args& args, const std::string& entry) {
  SKP_ASSIGN_OR_RETURN(
      int durability,
      records::ParseEnumName(skillspassport::v1::Durability_descriptor(),
                             args.Get("durability")));
  SKP_ASSIGN_OR_RETURN(
      auto response,
      LedgerClient(Channel(args))
          .Append(entry,
                  static_cast<skillspassport::v1::Durability>(durability)));
  std::printf("%llu %s\n", static_cast<unsigned long long>(response.index()),
              ledger::HexEncode(response.leaf_hash()).c_str());
  return absl::OkStatus();
}

absl::Status SubmitRecord(const Args& args, skillspassport::v1::Record record,
                          std::vector<const ledger::Signer*> signers) {
  record.set_issued_at(absl::ToUnixSeconds(absl::Now()));
  SKP_ASSIGN_OR_RETURN(std::string entry, records::SignRecord(record, signers));
  return AppendAndPrint(args, entry);
}

}  // namespace skp::clients::cli
