// Unary gRPC calls with raw request bytes: for sending what no generated stub
// would (malformed protobuf), for calling services whose protos Debian does
// not ship (grpc.health.v1), and for the HTTP gateway, which calls any method
// by name. Blocks the calling thread until the call completes.
#ifndef SKP_RECORDS_RAW_CALL_H_
#define SKP_RECORDS_RAW_CALL_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <future>
#include <string>
#include <utility>

namespace skp::records {

// `context` carries the caller's metadata and deadline in, and the server's
// metadata out.
inline std::pair<grpc::Status, std::string> RawUnaryCall(
    grpc::GenericStub& stub, const std::string& method,
    const std::string& request, grpc::ClientContext& context) {
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1), response_buffer;
  std::promise<grpc::Status> done;
  stub.UnaryCall(
      &context, method, grpc::StubOptions(), &request_buffer, &response_buffer,
      [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  std::string response;
  if (status.ok()) {
    std::vector<grpc::Slice> slices;
    (void)response_buffer.Dump(&slices);
    for (const grpc::Slice& s : slices) {
      response.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return {status, response};
}

inline std::pair<grpc::Status, std::string> RawUnaryCall(
    grpc::GenericStub& stub, const std::string& method,
    const std::string& request) {
  grpc::ClientContext context;
  return RawUnaryCall(stub, method, request, context);
}

}  // namespace skp::records

#endif  // SKP_RECORDS_RAW_CALL_H_
