// Backups of a node's data directory (`passportd backup`, the Admin
// service): a consistent RocksDB checkpoint of the ledger with the node key
// and key lists, runnable as a node by `passportd serve --data-dir`.
// The backup holds the node's private key: keep it as safe as the node.
#ifndef SKP_SERVICES_PASSPORTD_BACKUP_H_
#define SKP_SERVICES_PASSPORTD_BACKUP_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <string>

#include "absl/status/statusor.h"
#include "ledger/rocksdb_store.h"
#include "services/access/authenticator.h"
#include "skillspassport/v1/admin.grpc.pb.h"

namespace skp::services {

// Copies `store` (the open database of `data_dir`) and the directory's keys
// into `to_dir`, which must not exist; reports the backup's size and signed
// checkpoint, read back from the copy.
absl::StatusOr<skillspassport::v1::BackupResponse> BackupDataDir(
    ledger::RocksDbStore& store, const std::string& data_dir,
    const std::string& to_dir);

// Admin.Backup over the node's open store, for the node's operators: a call
// without an operator's access token gets UNAUTHENTICATED.
class AdminService final
    : public skillspassport::v1::Admin::WithRawCallbackMethod_Backup<
          skillspassport::v1::Admin::Service> {
 public:
  // `store` and `operators` must outlive the service.
  AdminService(ledger::RocksDbStore* store, std::string data_dir,
               Authenticator* operators)
      : store_(store), data_dir_(std::move(data_dir)), operators_(operators) {}

  grpc::ServerUnaryReactor* Backup(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;

 private:
  ledger::RocksDbStore* const store_;
  const std::string data_dir_;
  Authenticator* const operators_;
};

}  // namespace skp::services

#endif  // SKP_SERVICES_PASSPORTD_BACKUP_H_
