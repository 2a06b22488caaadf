#include "services/common/call_observer.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/common/server.h"

namespace skp::services {
namespace {

constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";

// A server hosting only gRPC's health service, logging into `lines`.
class CallObserverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto running =
        StartServer("127.0.0.1:0", {},
                    {.metrics = &metrics_,
                     .request_log = [this](absl::string_view event,
                                           absl::string_view fields) {
                       std::lock_guard lock(mu_);
                       lines_.push_back(absl::StrCat(event, " ", fields));
                     }});
    ASSERT_TRUE(running.ok()) << running.status();
    running_ = std::move(*running);
    stub_ = std::make_unique<grpc::GenericStub>(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", running_.port),
                            grpc::InsecureChannelCredentials()));
  }

  // Calls the health check for `service`, sending `request_id` if not
  // empty; returns the status and the id the server answered with.
  std::pair<grpc::StatusCode, std::string> Check(
      const std::string& service, const std::string& request_id) {
    grpc::ClientContext context;
    if (!request_id.empty()) context.AddMetadata(kRequestIdHeader, request_id);
    std::string request;  // HealthCheckRequest{service}: field 1, bytes
    if (!service.empty()) {
      request =
          std::string("\x0a", 1) + static_cast<char>(service.size()) + service;
    }
    grpc::Slice slice(request);
    grpc::ByteBuffer request_buffer(&slice, 1), response_buffer;
    std::promise<grpc::Status> done;
    stub_->UnaryCall(
        &context, kHealthCheck, grpc::StubOptions(), &request_buffer,
        &response_buffer,
        [&done](grpc::Status status) { done.set_value(std::move(status)); });
    grpc::Status status = done.get_future().get();
    auto id = context.GetServerInitialMetadata().find(kRequestIdHeader);
    return {status.error_code(),
            id == context.GetServerInitialMetadata().end()
                ? ""
                : std::string(id->second.data(), id->second.size())};
  }

  std::vector<std::string> Lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }

  Metrics metrics_;
  RunningServer running_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::mutex mu_;
  std::vector<std::string> lines_;
};

TEST_F(CallObserverTest, KeepsTheClientsRequestIdAndLogsOneLinePerCall) {
  auto [code, id] = Check("", "walkthrough-7.a_b");
  EXPECT_EQ(code, grpc::StatusCode::OK);
  EXPECT_EQ(id, "walkthrough-7.a_b");
  std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(lines[0],
                               "rpc request_id=walkthrough-7.a_b method=" +
                                   std::string(kHealthCheck) + " code=OK ms="))
      << lines[0];
  EXPECT_TRUE(absl::StrContains(
      metrics_.Render(), "method=\"/grpc.health.v1.Health/Check\",code=\"0\""));
}

TEST_F(CallObserverTest, GivesAFreshIdWhenTheClientsIsMissingOrUnusable) {
  auto [code1, first] = Check("", "");
  auto [code2, second] = Check("", "has spaces; and=equals");
  auto [code3, third] = Check("", std::string(65, 'a'));
  for (const std::string& id : {first, second, third}) {
    EXPECT_EQ(id.size(), 32u) << id;
    EXPECT_TRUE(IsUsableRequestId(id));
  }
  EXPECT_NE(first, second);
  EXPECT_NE(second, third);
  for (const std::string& line : Lines()) {
    EXPECT_FALSE(absl::StrContains(line, "spaces")) << line;
  }
}

TEST_F(CallObserverTest, LogsTheFailureCodeButNotTheStatusMessage) {
  // The message would name the unknown service: messages may name people.
  auto [code, id] = Check("no-such-service-named-here", "req-1");
  EXPECT_EQ(code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(id, "req-1");
  std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(absl::StrContains(lines[0], " code=NOT_FOUND ms=")) << lines[0];
  EXPECT_FALSE(absl::StrContains(lines[0], "no-such-service")) << lines[0];
}

TEST(RequestIdTest, AcceptsOnlyShortPlainTokens) {
  EXPECT_TRUE(IsUsableRequestId("a"));
  EXPECT_TRUE(IsUsableRequestId(std::string(64, 'Z')));
  EXPECT_FALSE(IsUsableRequestId(""));
  EXPECT_FALSE(IsUsableRequestId(std::string(65, 'Z')));
  EXPECT_FALSE(IsUsableRequestId("a b"));
  EXPECT_FALSE(IsUsableRequestId("a\nevent=forged"));
}

}  // namespace
}  // namespace skp::services
