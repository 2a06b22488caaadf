// Unary gRPC calls with raw request bytes: for sending what no generated stub
// would (malformed protobuf), for calling services whose protos Debian does
// not ship (grpc.health.v1), and for the HTTP gateway, which calls any method
// by name. Blocks the calling thread until the call completes.
#ifndef SKP_RECORDS_RAW_CALL_H_
#define SKP_RECORDS_RAW_CALL_H_

#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace skp::records {

// How the calling thread waits for the reply.
enum class RawCallWait {
  // gRPC's callback thread completes the call and wakes the caller: suits a
  // channel to another process, whose sockets gRPC's own threads poll.
  kCallback,
  // The caller drives a completion queue of its own, as a generated blocking
  // stub does. On an in-process channel (the HTTP gateway's) this saves the
  // hop through the callback thread; on a socket each caller would poll.
  kOwnQueue,
};

// `context` carries the caller's metadata and deadline in, and the server's
// metadata out.
inline std::pair<grpc::Status, std::string> RawUnaryCall(
    grpc::GenericStub& stub, const std::string& method,
    const std::string& request, grpc::ClientContext& context,
    RawCallWait wait = RawCallWait::kCallback) {
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1), response_buffer;
  grpc::Status status;
  if (wait == RawCallWait::kCallback) {
    std::promise<grpc::Status> done;
    stub.UnaryCall(
        &context, method, grpc::StubOptions(), &request_buffer,
        &response_buffer,
        [&done](grpc::Status status) { done.set_value(std::move(status)); });
    status = done.get_future().get();
  } else {
    grpc::CompletionQueue queue;
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
        stub.PrepareUnaryCall(&context, method, request_buffer, &queue);
    call->StartCall();
    call->Finish(&response_buffer, &status, nullptr);
    void* tag;
    bool ok;
    (void)queue.Next(&tag, &ok);  // Finish always completes
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
  }
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
