#include "services/common/call_observer.h"

#include <grpcpp/server_context.h>

#include <chrono>
#include <mutex>
#include <string>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace skp::services {
namespace {

using grpc::experimental::InterceptionHookPoints;

class CallObserver : public grpc::experimental::Interceptor {
 public:
  CallObserver(Metrics* metrics, const RequestLogSink* log, const char* method,
               std::string fresh_id)
      : metrics_(metrics),
        log_(log),
        method_(method),
        request_id_(std::move(fresh_id)),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      for (const auto& [key, value] : *methods->GetRecvInitialMetadata()) {
        absl::string_view id(value.data(), value.size());
        if (absl::string_view(key.data(), key.size()) == kRequestIdHeader &&
            IsUsableRequestId(id)) {
          request_id_ = std::string(id);
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdHeader, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      Finished(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Finished(grpc::StatusCode code) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
            .count();
    if (metrics_ != nullptr) metrics_->ObserveRpc(method_, code, seconds);
    if (*log_) {
      (*log_)("rpc", absl::StrFormat("request_id=%s method=%s code=%s ms=%.3f",
                                     request_id_, method_,
                                     absl::StatusCodeToString(
                                         static_cast<absl::StatusCode>(code)),
                                     seconds * 1e3));
    }
  }

  Metrics* const metrics_;
  const RequestLogSink* const log_;
  const std::string method_;
  std::string request_id_;
  const std::chrono::steady_clock::time_point start_;
};

class CallObserverFactoryImpl
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallObserverFactoryImpl(Metrics* metrics, RequestLogSink log)
      : metrics_(metrics), log_(std::move(log)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallObserver(metrics_, &log_, info->method(), FreshId());
  }

 private:
  std::string FreshId() {
    char bytes[16];
    {
      std::lock_guard lock(mu_);
      for (char& b : bytes)
        b = static_cast<char>(absl::Uniform<uint8_t>(bits_));
    }
    return absl::BytesToHexString(absl::string_view(bytes, sizeof bytes));
  }

  Metrics* const metrics_;
  const RequestLogSink log_;
  std::mutex mu_;
  absl::BitGen bits_;  // guarded by mu_
};

}  // namespace

bool IsUsableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
CallObserverFactory(Metrics* metrics, RequestLogSink log) {
  return std::make_unique<CallObserverFactoryImpl>(metrics, std::move(log));
}

}  // namespace skp::services
