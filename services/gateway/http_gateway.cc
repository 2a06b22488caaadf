#include "services/gateway/http_gateway.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver.h>
#include <google/protobuf/util/type_resolver_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <sstream>
#include <string_view>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/status_macros.h"
#include "nlohmann/json.hpp"
#include "records/grpc_status.h"
#include "records/raw_call.h"
#include "services/common/rate_limit.h"
#include "services/common/server.h"

namespace skp::services {
namespace {

namespace pb = google::protobuf;

// The web build names its scripts and stylesheet NAME-HASH.js and
// NAME-HASH.css, the hash of their content (clients/web/build.mjs).
bool NamedByHash(std::string_view path) {
  size_t dot = path.rfind('.');
  size_t dash = path.rfind('-');
  if (dot == std::string_view::npos || dash == std::string_view::npos ||
      dash > dot) {
    return false;
  }
  std::string_view ext = path.substr(dot);
  std::string_view hash = path.substr(dash + 1, dot - dash - 1);
  return (ext == ".js" || ext == ".css") && hash.size() >= 8 &&
         std::all_of(hash.begin(), hash.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c));
         });
}

// Connect's name and HTTP status for each gRPC code (the protocol's table).
struct ConnectCode {
  const char* name;
  int http_status;
};
ConnectCode ConnectCodeOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return {"canceled", 499};
    case grpc::StatusCode::INVALID_ARGUMENT:
      return {"invalid_argument", 400};
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return {"deadline_exceeded", 504};
    case grpc::StatusCode::NOT_FOUND:
      return {"not_found", 404};
    case grpc::StatusCode::ALREADY_EXISTS:
      return {"already_exists", 409};
    case grpc::StatusCode::PERMISSION_DENIED:
      return {"permission_denied", 403};
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return {"resource_exhausted", 429};
    case grpc::StatusCode::FAILED_PRECONDITION:
      return {"failed_precondition", 400};
    case grpc::StatusCode::ABORTED:
      return {"aborted", 409};
    case grpc::StatusCode::OUT_OF_RANGE:
      return {"out_of_range", 400};
    case grpc::StatusCode::UNIMPLEMENTED:
      return {"unimplemented", 501};
    case grpc::StatusCode::INTERNAL:
      return {"internal", 500};
    case grpc::StatusCode::UNAVAILABLE:
      return {"unavailable", 503};
    case grpc::StatusCode::DATA_LOSS:
      return {"data_loss", 500};
    case grpc::StatusCode::UNAUTHENTICATED:
      return {"unauthenticated", 401};
    default:
      return {"unknown", 500};
  }
}

void SetConnectError(httplib::Response& res, grpc::StatusCode code,
                     absl::string_view message, int http_status = 0) {
  ConnectCode connect = ConnectCodeOf(code);
  res.status = http_status != 0 ? http_status : connect.http_status;
  nlohmann::json body = {{"code", connect.name},
                         {"message", std::string(message)}};
  res.set_content(body.dump(), "application/json");
}

// Headers every response carries: pages may load only their own origin's
// files, never run inline script, never sit in a frame, never leak a
// referrer (a /verify#SPP1:... link holds a presentation).
httplib::Headers SecurityHeaders() {
  return {{"Content-Security-Policy",
           "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
           "form-action 'self'; object-src 'none'"},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "no-referrer"},
          {"X-Frame-Options", "DENY"},
          {"Cross-Origin-Opener-Policy", "same-origin"}};
}

const char* ContentTypeOf(absl::string_view path) {
  static constexpr std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"}};
  for (const auto& [ext, type] : kTypes) {
    if (absl::EndsWith(path, ext)) return type;
  }
  return nullptr;
}

enum class Codec { kJson, kProto };

constexpr char kTypeUrlPrefix[] = "type.googleapis.com";
constexpr absl::string_view kStatusListPrefix = "/credentials/status/";

}  // namespace

class HttpGateway::Impl {
 public:
  Impl(HttpGatewayOptions options, grpc::Server* server, const Metrics* metrics)
      : options_(std::move(options)), metrics_(metrics) {
    if (server != nullptr) {
      stub_ = std::make_unique<grpc::GenericStub>(
          server->InProcessChannel(grpc::ChannelArguments()));
    }
    // Every method of the served services, by its HTTP path.
    for (const std::string& name : options_.services) {
      const pb::ServiceDescriptor* service =
          pb::DescriptorPool::generated_pool()->FindServiceByName(name);
      for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
        const pb::MethodDescriptor* method = service->method(i);
        methods_[absl::StrCat("/", name, "/", method->name())] = method;
      }
    }
  }

  absl::Status Listen() {
    SKP_RETURN_IF_ERROR(records::CheckPlaintext(options_.listen, options_.tls,
                                                options_.allow_plaintext));
    if (options_.tls.cert.empty()) {
      http_ = std::make_unique<httplib::Server>();
    } else {
      auto https = std::make_unique<httplib::SSLServer>(
          options_.tls.cert.c_str(), options_.tls.key.c_str());
      if (!https->is_valid()) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot serve HTTPS with ", options_.tls.cert, " and ",
                         options_.tls.key));
      }
      http_ = std::move(https);
    }
    http_->set_default_headers(SecurityHeaders());
    // Small responses go out at once, not after the peer's delayed ACK.
    http_->set_tcp_nodelay(true);
    // cpp-httplib closes a kept-alive connection after 5 requests by default,
    // so a busy client paid a TCP connect, an accept and a thread pool
    // hand-off every fifth call. A connection still gives its pool thread
    // back after this many requests, or when idle for the keep-alive timeout.
    http_->set_keep_alive_max_count(100);
    // Bodies past this never reach a handler; a JSON body of the largest
    // gRPC request is well under it.
    http_->set_payload_max_length(4 * static_cast<size_t>(kMaxRequestBytes));
    http_->set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty())
            return httplib::Server::HandlerResponse::Unhandled;
          if (res.status == 413) {
            SetConnectError(res, grpc::StatusCode::RESOURCE_EXHAUSTED,
                            "request body is over the size limit", 413);
          } else {
            SetConnectError(res, grpc::StatusCode::INVALID_ARGUMENT,
                            "malformed HTTP request", res.status);
          }
          return httplib::Server::HandlerResponse::Handled;
        }));
    auto handle = [this](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res);
    };
    http_->Get(".*", handle);
    http_->Post(".*", handle);
    http_->Put(".*", handle);
    http_->Patch(".*", handle);
    http_->Delete(".*", handle);
    http_->Options(".*", handle);

    size_t colon = options_.listen.rfind(':');
    int port = 0;
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(options_.listen.substr(colon + 1), &port)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "an HTTP listen address is HOST:PORT, not ", options_.listen));
    }
    std::string host = options_.listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[')
      host = host.substr(1, host.size() - 2);
    if (port == 0) {
      port = http_->bind_to_any_port(host);
    } else if (!http_->bind_to_port(host, port)) {
      port = -1;
    }
    if (port <= 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen for HTTP on ", options_.listen));
    }
    port_ = port;
    thread_ = std::thread([this] { http_->listen_after_bind(); });
    return absl::OkStatus();
  }

  ~Impl() {
    if (http_) http_->stop();
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    AllowOrigin(req, res);
    if (absl::StrContains(req.path, "..")) {
      SetConnectError(res, grpc::StatusCode::INVALID_ARGUMENT,
                      "a path may not contain \"..\"");
      return;
    }
    if (req.path == "/metrics") {
      if (!IsRead(req, res)) return;
      res.set_content(metrics_->Render(), "text/plain; version=0.0.4");
      return;
    }
    if (!options_.serve_api) {
      SetConnectError(res, grpc::StatusCode::NOT_FOUND,
                      "this port serves /metrics only");
      return;
    }
    const pb::MethodDescriptor* method = MethodAt(req.path);
    if (method != nullptr) {
      if (req.method == "OPTIONS" && !options_.allow_origin.empty()) {
        return;  // a CORS preflight: AllowOrigin set the answer
      }
      if (req.method != "POST") {
        res.set_header("Allow", "POST");
        SetConnectError(res, grpc::StatusCode::UNIMPLEMENTED,
                        absl::StrCat(req.method, " is not allowed: call ",
                                     req.path, " with POST"),
                        405);
        return;
      }
      CallMethod(*method, req, res);
      return;
    }
    if (LooksLikeMethod(req.path)) {
      SetConnectError(res, grpc::StatusCode::UNIMPLEMENTED,
                      absl::StrCat("no method ", req.path), 404);
      return;
    }
    if (options_.tlogs && absl::StartsWith(req.path, kTlogPrefix)) {
      if (!IsRead(req, res)) return;
      TlogAnswer answer = ServeTlog(options_.tlogs, req.path);
      res.status = answer.http_status;
      res.set_header("Cache-Control", answer.cache_control);
      res.set_content(answer.body, answer.content_type);
      return;
    }
    if (options_.status_lists &&
        absl::StartsWith(req.path, kStatusListPrefix)) {
      if (!IsRead(req, res)) return;
      ServeStatusList(req.path.substr(kStatusListPrefix.size()), res);
      return;
    }
    if (req.path == "/node.vkey") {
      if (!IsRead(req, res)) return;
      res.set_content(options_.node_vkey + "\n", "text/plain; charset=utf-8");
      return;
    }
    ServeFile(req, res);
  }

  // "PURPOSE/LIST" of a status list credential.
  void ServeStatusList(absl::string_view path, httplib::Response& res) {
    std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
    uint64_t list = 0;
    if (parts.size() != 2 || parts[1].empty() || parts[1].size() > 20 ||
        !std::all_of(parts[1].begin(), parts[1].end(), absl::ascii_isdigit) ||
        !absl::SimpleAtoi(parts[1], &list)) {
      SetConnectError(res, grpc::StatusCode::NOT_FOUND,
                      absl::StrCat("no status list at ", kStatusListPrefix,
                                   path, ": the path is PURPOSE/LIST, LIST "
                                   "a whole number"),
                      404);
      return;
    }
    absl::StatusOr<std::string> credential =
        options_.status_lists(parts[0], list);
    if (!credential.ok()) {
      grpc::Status status = records::ToGrpcStatus(credential.status());
      SetConnectError(res, status.error_code(), status.error_message());
      return;
    }
    // A verifier may keep it briefly; a status change shows within a minute.
    res.set_header("Cache-Control", "public, max-age=60");
    res.set_content(*credential, "application/vc+jwt");
  }

  // GET or HEAD; anything else is refused with 405.
  bool IsRead(const httplib::Request& req, httplib::Response& res) {
    if (req.method == "GET" || req.method == "HEAD") return true;
    res.set_header("Allow", "GET, HEAD");
    SetConnectError(res, grpc::StatusCode::UNIMPLEMENTED,
                    absl::StrCat(req.method, " is not allowed on ", req.path),
                    405);
    return false;
  }

  void AllowOrigin(const httplib::Request& req, httplib::Response& res) {
    if (options_.allow_origin.empty() ||
        req.get_header_value("Origin") != options_.allow_origin) {
      return;
    }
    res.set_header("Access-Control-Allow-Origin", options_.allow_origin);
    res.set_header("Vary", "Origin");
    res.set_header("Access-Control-Expose-Headers",
                   "x-request-id, retry-after-ms");
    if (req.method == "OPTIONS") {
      res.set_header("Access-Control-Allow-Methods", "POST");
      res.set_header("Access-Control-Allow-Headers",
                     "content-type, connect-protocol-version, "
                     "connect-timeout-ms, authorization, x-request-id");
      res.set_header("Access-Control-Max-Age", "600");
      res.status = 204;
    }
  }

  static bool LooksLikeMethod(absl::string_view path) {
    return absl::StartsWith(path, "/skillspassport.") ||
           absl::StartsWith(path, "/grpc.");
  }

  // The method `path` names, if it is one of the served services'.
  const pb::MethodDescriptor* MethodAt(const std::string& path) const {
    auto it = methods_.find(path);
    return it == methods_.end() ? nullptr : it->second;
  }

  void CallMethod(const pb::MethodDescriptor& method,
                  const httplib::Request& req, httplib::Response& res) {
    if (method.client_streaming() || method.server_streaming()) {
      SetConnectError(
          res, grpc::StatusCode::UNIMPLEMENTED,
          absl::StrCat(method.full_name(), " streams: call it over gRPC"));
      return;
    }
    std::string version = req.get_header_value("Connect-Protocol-Version");
    if (!version.empty() && version != "1") {
      SetConnectError(res, grpc::StatusCode::INVALID_ARGUMENT,
                      absl::StrCat("Connect-Protocol-Version ", version,
                                   " is not supported; use 1"));
      return;
    }
    std::string content_type =
        absl::AsciiStrToLower(req.get_header_value("Content-Type"));
    content_type = content_type.substr(0, content_type.find(';'));
    Codec codec;
    if (content_type == "application/json") {
      codec = Codec::kJson;
    } else if (content_type == "application/proto") {
      codec = Codec::kProto;
    } else {
      SetConnectError(res, grpc::StatusCode::INVALID_ARGUMENT,
                      absl::StrCat("Content-Type \"", content_type,
                                   "\" is not application/json or "
                                   "application/proto"),
                      415);
      return;
    }
    // A binary body goes to the service as it came: the service decodes it
    // and names a malformed one. JSON becomes those bytes first.
    std::string json_request;
    const std::string* request_bytes = &req.body;
    if (codec == Codec::kJson) {
      pb::util::JsonParseOptions parse;
      parse.ignore_unknown_fields = false;
      auto parsed = pb::util::JsonToBinaryString(
          type_resolver_.get(), TypeUrl(*method.input_type()), req.body,
          &json_request, parse);
      if (!parsed.ok()) {
        SetConnectError(
            res, grpc::StatusCode::INVALID_ARGUMENT,
            absl::StrCat("the body is not a ", method.input_type()->full_name(),
                         " in JSON: ", std::string(parsed.message())));
        return;
      }
      request_bytes = &json_request;
    }
    if (request_bytes->size() > static_cast<size_t>(kMaxRequestBytes)) {
      SetConnectError(res, grpc::StatusCode::RESOURCE_EXHAUSTED,
                      absl::StrCat("the request is ", request_bytes->size(),
                                   " bytes; the limit is ", kMaxRequestBytes),
                      413);
      return;
    }

    grpc::ClientContext context;
    for (const char* header : {"authorization", "x-request-id"}) {
      if (req.has_header(header)) {
        context.AddMetadata(header, req.get_header_value(header));
      }
    }
    context.AddMetadata(kHttpClientMetadata, req.remote_addr);
    int64_t timeout_ms = 0;
    if (absl::SimpleAtoi(req.get_header_value("Connect-Timeout-Ms"),
                         &timeout_ms) &&
        timeout_ms > 0) {
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::milliseconds(timeout_ms));
    }
    auto [status, response_bytes] = records::RawUnaryCall(
        *stub_,
        absl::StrCat("/", method.service()->full_name(), "/", method.name()),
        *request_bytes, context, records::RawCallWait::kOwnQueue);

    CopyMetadata(context.GetServerInitialMetadata(), res);
    CopyMetadata(context.GetServerTrailingMetadata(), res);
    if (!status.ok()) {
      SetConnectError(res, status.error_code(), status.error_message());
      return;
    }
    if (codec == Codec::kProto) {
      res.set_content(response_bytes, "application/proto");
      return;
    }
    std::string json;
    if (!pb::util::BinaryToJsonString(type_resolver_.get(),
                                      TypeUrl(*method.output_type()),
                                      response_bytes, &json)
             .ok()) {
      SetConnectError(res, grpc::StatusCode::INTERNAL,
                      "cannot render the response as JSON");
      return;
    }
    res.set_content(json, "application/json");
  }

  static std::string TypeUrl(const pb::Descriptor& type) {
    return absl::StrCat(kTypeUrlPrefix, "/", type.full_name());
  }

  // The server's request id and retry hint become response headers.
  static void CopyMetadata(
      const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
      httplib::Response& res) {
    for (const char* key : {"x-request-id", "retry-after-ms"}) {
      auto it = metadata.find(key);
      if (it != metadata.end()) {
        res.set_header(key, std::string(it->second.data(), it->second.size()));
      }
    }
  }

  void ServeFile(const httplib::Request& req, httplib::Response& res) {
    if (!IsRead(req, res)) return;
    std::string path = req.path == "/" ? "/index.html" : req.path;
    // A page is named without its extension: /verify is verify.html.
    if (path.find('.', path.rfind('/')) == std::string::npos) path += ".html";
    const char* type = ContentTypeOf(path);
    bool plain = std::all_of(path.begin(), path.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '/' ||
             c == '.' || c == '-' || c == '_';
    });
    std::ifstream in;
    if (type != nullptr && plain && !options_.web_root.empty()) {
      in.open(options_.web_root + path, std::ios::binary);
    }
    if (!in) {
      SetConnectError(res, grpc::StatusCode::NOT_FOUND,
                      absl::StrCat("nothing at ", req.path));
      return;
    }
    // The build writes NAME.gz beside each text file: sent as it is, because
    // the HTTP library would compress the file afresh on every request, with
    // Brotli at its slowest setting when the browser accepts it (1.8 s for
    // the dashboard's charts script on this machine kind).
    std::ifstream gz;
    if (absl::StrContains(req.get_header_value("Accept-Encoding"), "gzip")) {
      gz.open(options_.web_root + path + ".gz", std::ios::binary);
    }
    // A stream never opened still tests true: ask whether it is open.
    const bool gzipped = gz.is_open();
    std::stringstream content;
    content << (gzipped ? gz.rdbuf() : in.rdbuf());
    res.set_header("Vary", "Accept-Encoding");
    // Pages and the service worker are checked on every load, so a rebuilt
    // app is never served stale; what they name by its content's hash is
    // kept, so a return visit neither fetches nor compiles it again.
    res.set_header("Cache-Control", NamedByHash(path)
                                        ? "public, max-age=31536000, immutable"
                                        : "no-cache");
    if (!gzipped) {
      res.set_content(content.str(), type);
      return;
    }
    res.set_header("Content-Encoding", "gzip");
    // A body of known length from a provider is sent uncompressed by the
    // library (it compresses only bodies it holds and chunked ones).
    auto body = std::make_shared<std::string>(content.str());
    res.set_content_provider(
        body->size(), type,
        [body](size_t offset, size_t length, httplib::DataSink& sink) {
          return sink.write(body->data() + offset, length);
        });
  }

  HttpGatewayOptions options_;
  const Metrics* metrics_;
  std::unique_ptr<grpc::GenericStub> stub_;
  absl::flat_hash_map<std::string, const pb::MethodDescriptor*> methods_;
  // JSON straight to and from the wire bytes, with no message in between.
  std::unique_ptr<pb::util::TypeResolver> type_resolver_{
      pb::util::NewTypeResolverForDescriptorPool(
          kTypeUrlPrefix, pb::DescriptorPool::generated_pool())};
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

HttpGateway::HttpGateway(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpGateway::~HttpGateway() = default;

absl::StatusOr<std::unique_ptr<HttpGateway>> HttpGateway::Start(
    HttpGatewayOptions options, grpc::Server* server, const Metrics* metrics) {
  auto impl = std::make_unique<Impl>(std::move(options), server, metrics);
  absl::Status listening = impl->Listen();
  if (!listening.ok()) return listening;
  return std::unique_ptr<HttpGateway>(new HttpGateway(std::move(impl)));
}

int HttpGateway::port() const { return impl_->port(); }

}  // namespace skp::services
