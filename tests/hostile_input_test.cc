// Hostile input over the real gRPC port of a passportd process: random bytes
// as the request of every method, oversized messages, and garbage that is
// not HTTP/2 at all. The node answers each with a status, stays up, and
// writes nothing.
#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/rocksdb_store.h"
#include "skillspassport/v1/admin.pb.h"
#include "skillspassport/v1/passport.pb.h"
#include "tests/testing/node_process.h"
#include "tests/testing/raw_call.h"
#include "tests/testing/temp_dir.h"

namespace skp::testing {
namespace {

// Every unary method a client may call.
const char* const kMethods[] = {
    "/skillspassport.v1.Admin/Backup",
    "/skillspassport.v1.Ledger/Append",
    "/skillspassport.v1.Ledger/GetCheckpoint",
    "/skillspassport.v1.Ledger/GetInclusionProof",
    "/skillspassport.v1.Ledger/GetConsistencyProof",
    "/skillspassport.v1.Ledger/AddCheckpoint",
    "/skillspassport.v1.Ledger/GetReplication",
    "/skillspassport.v1.Passport/Submit",
    "/skillspassport.v1.Passport/GetPassport",
    "/skillspassport.v1.Passport/Present",
    "/skillspassport.v1.Passport/VerifyPresentation",
    "/skillspassport.v1.Passport/RequiredCredentials",
    "/skillspassport.v1.Workforce/Supply",
    "/skillspassport.v1.Workforce/Coverage",
    "/skillspassport.v1.Workforce/Expiring",
    "/skillspassport.v1.Workforce/Flows",
};

bool Healthy(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  // An empty HealthCheckRequest asks about the whole server.
  auto [status, body] =
      RawUnaryCall(stub, "/grpc.health.v1.Health/Check", std::string());
  return status.ok();
}

// Writes `bytes` to the port on a raw TCP connection, then closes it.
void SendRaw(int port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_GT(write(fd, bytes.data(), bytes.size()), 0);
  close(fd);
}

TEST(HostileInputTest, TheNodeAnswersStaysUpAndWritesNothing) {
  TempDir dir;
  NodeProcess node(PASSPORTD_PATH, {"--data-dir", dir.File("data")});
  ASSERT_FALSE(node.address().empty()) << "passportd did not start";
  auto channel =
      grpc::CreateChannel(node.address(), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  ASSERT_TRUE(Healthy(channel));

  std::mt19937_64 rng(20261122);
  int answered = 0;
  for (const char* method : kMethods) {
    for (int i = 0; i < 25; ++i) {
      std::string junk(rng() % 2048, '\0');
      for (char& c : junk) c = static_cast<char>(rng());
      auto [status, body] = RawUnaryCall(stub, method, junk);
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE) << method;
      EXPECT_NE(status.error_code(), grpc::StatusCode::INTERNAL) << method;
      ++answered;
    }
    // Over the 256 KiB limit: refused before the service sees it.
    auto [status, body] =
        RawUnaryCall(stub, method, std::string(300 * 1024, 'x'));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << method;
  }
  EXPECT_EQ(answered, 25 * static_cast<int>(std::size(kMethods)));

  // Garbage access tokens on the calls that need one: refused, never a crash.
  const char* const kPrefixes[] = {"", "v4.public.", "v4.public.AAAA."};
  for (int i = 0; i < 60; ++i) {
    std::string token = kPrefixes[i % 3];
    for (size_t n = rng() % 600; n > 0; --n)
      token += static_cast<char>(0x21 + rng() % 94);  // printable, no space
    // Well-formed requests: a passport id; a backup directory.
    skillspassport::v1::GetPassportRequest read;
    read.set_passport_id(std::string(16, 'p'));
    skillspassport::v1::BackupRequest backup;
    backup.set_to_dir(dir.File("stolen"));
    for (const auto& [method, request] :
         {std::pair<std::string, std::string>{
              "/skillspassport.v1.Passport/GetPassport",
              read.SerializeAsString()},
          std::pair<std::string, std::string>{"/skillspassport.v1.Admin/Backup",
                                              backup.SerializeAsString()}}) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + token);
      grpc::Slice slice(request);
      grpc::ByteBuffer request_buffer(&slice, 1), response_buffer;
      std::promise<grpc::Status> done;
      stub.UnaryCall(&context, method, grpc::StubOptions(), &request_buffer,
                     &response_buffer,
                     [&done](grpc::Status s) { done.set_value(std::move(s)); });
      EXPECT_EQ(done.get_future().get().error_code(),
                grpc::StatusCode::UNAUTHENTICATED)
          << method;
    }
  }

  // Not gRPC at all: random bytes, a truncated HTTP/2 preface, HTTP/1.1.
  const int port = [&] {
    int p = 0;
    EXPECT_TRUE(absl::SimpleAtoi(
        node.address().substr(node.address().rfind(':') + 1), &p));
    return p;
  }();
  for (int i = 0; i < 20; ++i) {
    std::string junk(1 + rng() % 8192, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    SendRaw(port, junk);
  }
  SendRaw(port, "PRI * HTTP/2.0\r\n\r\nSM\r\n");
  SendRaw(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(Healthy(channel));

  EXPECT_FALSE(std::filesystem::exists(dir.File("stolen")));
  EXPECT_EQ(node.Stop(SIGTERM), 0);
  auto store = ledger::RocksDbStore::Open(dir.File("data") + "/ledger");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->Size(), 0u);
}

// The HTTP front door refuses bad requests with precise Connect errors, stays
// up under garbage, and writes nothing.
TEST(HostileInputTest, TheHttpGatewayRefusesPreciselyAndWritesNothing) {
  TempDir dir;
  NodeProcess node(PASSPORTD_PATH, {"--data-dir", dir.File("data"),
                                    "--http-listen", "127.0.0.1:0"});
  ASSERT_FALSE(node.http_address().empty()) << "no HTTP listener";
  httplib::Client http("http://" + node.http_address());
  struct Case {
    const char* what;
    const char* path;
    const char* content_type;
    std::string body;
    int http_status;
    const char* code;
    const char* message_part;
  };
  const std::string checkpoint = "/skillspassport.v1.Ledger/GetCheckpoint";
  const Case cases[] = {
      {"malformed JSON", "/skillspassport.v1.Ledger/Append", "application/json",
       "{\"entry\": ", 400, "invalid_argument", "AppendRequest in JSON"},
      {"unknown field", "/skillspassport.v1.Ledger/Append", "application/json",
       "{\"entry\": \"AAAA\", \"owner\": 1}", 400, "invalid_argument", "owner"},
      {"wrong content type", "/skillspassport.v1.Ledger/Append", "text/plain",
       "{}", 415, "invalid_argument", "text/plain"},
      {"truncated protobuf", "/skillspassport.v1.Ledger/Append",
       "application/proto", std::string("\x0a\x40\x01\x02", 4), 400,
       "invalid_argument", "AppendRequest protobuf"},
      {"10 MB body", "/skillspassport.v1.Ledger/Append", "application/proto",
       std::string(10 << 20, '\x01'), 413, "resource_exhausted", "limit"},
      {"an entry that is not one", "/skillspassport.v1.Ledger/Append",
       "application/json", "{\"entry\": \"aGVsbG8=\"}", 400, "invalid_argument",
       "malformed entry"},
      {"unknown method", "/skillspassport.v1.Ledger/Rewrite",
       "application/json", "{}", 404, "unimplemented", "no method"},
      {"a stream", "/skillspassport.v1.Ledger/GetEntries", "application/json",
       "{}", 501, "unimplemented", "streams"},
      {"an operator's method", "/skillspassport.v1.Admin/Backup",
       "application/json", "{\"toDir\": \"/tmp/x\"}", 404, "unimplemented",
       "no method"},
      {"a path with ..", "/verify/../../etc/passwd", "application/json", "{}",
       400, "invalid_argument", ".."},
  };
  for (const Case& c : cases) {
    httplib::Result result = http.Post(c.path, c.body, c.content_type);
    ASSERT_TRUE(result) << c.what;
    EXPECT_EQ(result->status, c.http_status) << c.what;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json")
        << c.what;
    EXPECT_THAT(result->body,
                ::testing::HasSubstr(absl::StrCat("\"code\":\"", c.code, "\"")))
        << c.what;
    EXPECT_THAT(result->body, ::testing::HasSubstr(c.message_part)) << c.what;
    EXPECT_FALSE(result->get_header_value("Content-Security-Policy").empty())
        << c.what;
  }
  // Other HTTP methods on a method's path.
  httplib::Result get = http.Get(checkpoint);
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
  // No CORS unless asked for.
  httplib::Result cross =
      http.Post(checkpoint, {{"Origin", "https://evil.example"}}, "{}",
                "application/json");
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 200);
  EXPECT_FALSE(cross->has_header("Access-Control-Allow-Origin"));

  int port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(
      node.http_address().substr(node.http_address().rfind(':') + 1), &port));
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    std::string junk(1 + rng() % 8192, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    SendRaw(port, junk);
  }
  SendRaw(port,
          "POST /skillspassport.v1.Ledger/Append HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/proto\r\nContent-Length: 100\r\n\r\nab");
  httplib::Result after = http.Post(checkpoint, "{}", "application/json");
  ASSERT_TRUE(after) << "the gateway went down";
  EXPECT_EQ(after->status, 200);
  EXPECT_THAT(after->body, ::testing::HasSubstr("\"checkpoint\""));

  EXPECT_EQ(node.Stop(SIGTERM), 0);
  auto store = ledger::RocksDbStore::Open(dir.File("data") + "/ledger");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->Size(), 0u);
}

}  // namespace
}  // namespace skp::testing
