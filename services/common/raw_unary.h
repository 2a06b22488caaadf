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
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "records/grpc_status.h"
#include "services/common/rate_limit.h"

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

// Whom a call's limit counts against: the peer's host, or for the HTTP
// gateway's in-process calls the HTTP client it names.
inline std::string CallerOf(const grpc::CallbackServerContext& context) {
  std::string peer = context.peer();
  if (absl::StartsWith(peer, "inproc")) {
    const auto& metadata = context.client_metadata();
    auto it = metadata.find(kHttpClientMetadata);
    if (it != metadata.end())
      return std::string(it->second.data(), it->second.size());
  }
  return CallerHost(peer);
}

// Which limit a call is under; no limiter: none.
struct CallLimit {
  RateLimiter* limiter = nullptr;
  absl::string_view method;
};

// OK, or RESOURCE_EXHAUSTED with the "retry-after-ms" trailing metadata set.
inline absl::Status AdmitCall(grpc::CallbackServerContext* context,
                              const CallLimit& limit) {
  if (limit.limiter == nullptr) return absl::OkStatus();
  absl::Duration wait;
  absl::Status admitted =
      limit.limiter->Admit(CallerOf(*context), limit.method, &wait);
  if (!admitted.ok()) {
    context->AddTrailingMetadata(
        "retry-after-ms", absl::StrCat(absl::ToInt64Milliseconds(wait) + 1));
  }
  return admitted;
}

// Decodes the request, runs `handle(request, response)` (returning
// absl::Status) and finishes with its status; first, refuses a call over its
// rate limit.
template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* HandleUnary(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* raw_request,
                                      grpc::ByteBuffer* raw_response,
                                      Handler handle,
                                      const CallLimit& limit = {}) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::Status status = AdmitCall(context, limit);
  if (!status.ok()) {
    reactor->Finish(records::ToGrpcStatus(status));
    return reactor;
  }
  absl::StatusOr<Request> request = ParseRequest<Request>(*raw_request);
  status = request.status();
  Response response;
  if (status.ok()) status = handle(*request, response);
  if (status.ok()) SerializeTo(response, raw_response);
  reactor->Finish(records::ToGrpcStatus(status));
  return reactor;
}

}  // namespace skp::services

#endif  // SKP_SERVICES_COMMON_RAW_UNARY_H_
