#include "services/passportd/backup.h"

#include <sys/stat.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/status_macros.h"
#include "services/common/raw_unary.h"
#include "services/passportd/data_dir.h"

namespace skp::services {

namespace v1 = skillspassport::v1;

absl::StatusOr<v1::BackupResponse> BackupDataDir(ledger::RocksDbStore& store,
                                                 const std::string& data_dir,
                                                 const std::string& to_dir) {
  if (to_dir.empty()) return absl::InvalidArgumentError("to_dir is required");
  std::error_code error;
  if (std::filesystem::exists(to_dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat(to_dir, " exists"));
  }
  if (!std::filesystem::create_directories(to_dir, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", to_dir, ": ", error.message()));
  }
  ::chmod(to_dir.c_str(), 0700);
  const DataDir from_dir(data_dir), backup(to_dir);
  SKP_RETURN_IF_ERROR(store.Checkpoint(backup.Ledger()));
  for (const char* name : DataDir::kKeyFiles) {
    std::string from = from_dir.File(name);
    if (!std::filesystem::exists(from)) continue;
    std::string to = backup.File(name);
    if (!std::filesystem::copy_file(from, to, error)) {
      return absl::InternalError(
          absl::StrCat("cannot copy ", name, ": ", error.message()));
    }
    if (absl::EndsWith(name, ".key")) ::chmod(to.c_str(), 0600);
  }
  SKP_ASSIGN_OR_RETURN(auto copy, ledger::RocksDbStore::Open(backup.Ledger()));
  v1::BackupResponse response;
  SKP_ASSIGN_OR_RETURN(uint64_t size, copy->Size());
  response.set_size(size);
  if (size > 0) {
    SKP_ASSIGN_OR_RETURN(*response.mutable_checkpoint(),
                         copy->LatestCheckpoint());
  }
  return response;
}

grpc::ServerUnaryReactor* AdminService::Backup(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return HandleUnary<v1::BackupRequest, v1::BackupResponse>(
      context, request, response,
      [&](const v1::BackupRequest& req,
          v1::BackupResponse& out) -> absl::Status {
        SKP_RETURN_IF_ERROR(
            operators_->AuthenticateOperator(*context).status());
        SKP_ASSIGN_OR_RETURN(out,
                             BackupDataDir(*store_, data_dir_, req.to_dir()));
        return absl::OkStatus();
      });
}

}  // namespace skp::services
