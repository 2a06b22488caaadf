// The one place where absl::Status becomes grpc::Status (and back, for
// in-process clients). The canonical codes are the same numbers.
#ifndef SKP_RECORDS_GRPC_STATUS_H_
#define SKP_RECORDS_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace skp::records {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace skp::records

#endif  // SKP_RECORDS_GRPC_STATUS_H_
