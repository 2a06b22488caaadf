// Unary gRPC calls with raw request bytes, for sending what no generated stub
// would (malformed protobuf) and for calling services whose protos Debian does
// not ship (grpc.health.v1).
#ifndef SKP_CLIENTS_RAW_CALL_H_
#define SKP_CLIENTS_RAW_CALL_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <future>
#include <string>
#include <utility>

namespace skp::clients {

inline std::pair<grpc::Status, std::string> RawUnaryCall(
    grpc::GenericStub& stub, const std::string& method,
    const std::string& request) {
  grpc::ClientContext context;
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

}  // namespace skp::clients

#endif  // SKP_CLIENTS_RAW_CALL_H_
