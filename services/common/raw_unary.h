// Handlers for gRPC methods registered as raw (ByteBuffer) callback methods.
// Services decode requests themselves so that a malformed protobuf gets
// INVALID_ARGUMENT naming the message type, where gRPC's own decoding answers
// a bare UNIMPLEMENTED.
#ifndef SKP_SERVICES_COMMON_RAW_UNARY_H_
#define SKP_SERVICES_COMMON_RAW_UNARY_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>
#include <grpcpp/support/server_callback.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"

namespace skp::services {

template <typename Message>
absl::StatusOr<Message> ParseRequest(const grpc::ByteBuffer& raw) {
  grpc::ByteBuffer copy(
      raw);  // shares the slices; the reader consumes its buffer
  grpc::ProtoBufferReader reader(&copy);
  Message message;
  if (!message.ParseFromZeroCopyStream(&reader)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request is not a valid ", message.GetTypeName(), " protobuf"));
  }
  return message;
}

inline void SerializeTo(const google::protobuf::MessageLite& message,
                        grpc::ByteBuffer* out) {
  grpc::ProtoBufferWriter writer(out, grpc::kProtoBufferWriterMaxBufferLength,
                                 static_cast<int>(message.ByteSizeLong()));
  message.SerializeToZeroCopyStream(&writer);
}

// Decodes the request, runs `handle(request, response)` (returning
// absl::Status) and finishes with its status.
template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* HandleUnary(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* raw_request,
                                      grpc::ByteBuffer* raw_response,
                                      Handler handle) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Request> request = ParseRequest<Request>(*raw_request);
  absl::Status status = request.status();
  Response response;
  if (status.ok()) status = handle(*request, response);
  if (status.ok()) SerializeTo(response, raw_response);
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace skp::services

#endif  // SKP_SERVICES_COMMON_RAW_UNARY_H_
