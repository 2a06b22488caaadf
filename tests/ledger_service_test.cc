// The Ledger service through its public gRPC API, on a real server (loopback
// TCP, the node's own server settings) over an in-memory store.
#include "services/ledger/ledger_service.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>

#include "clients/ledger_client.h"
#include "gtest/gtest.h"
#include "ledger/entry.h"
#include "ledger/memory_store.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "services/common/server.h"
#include "tests/testing/raw_call.h"

namespace skp {
namespace {

using absl::StatusCode;

class LedgerServiceTest : public ::testing::Test {
 protected:
  LedgerServiceTest()
      : node_key_(*ledger::Signer::Generate("test.example/log")),
        author_(*ledger::Signer::Generate("author")),
        stranger_(*ledger::Signer::Generate("stranger")),
        validator_(std::vector<ledger::Verifier>{author_.verifier()}) {}

  void SetUp() override {
    log_ = *ledger::Log::Open(&store_, &node_key_, &validator_,
                              {"test.example/log"});
    service_ = std::make_unique<services::LedgerService>(log_.get());
    auto running = services::StartServer("127.0.0.1:0", {service_.get()});
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = std::move(running->server);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(running->port),
                                   grpc::InsecureChannelCredentials());
    client_ = std::make_unique<clients::LedgerClient>(channel_);
  }
  void TearDown() override { server_->Shutdown(); }

  std::string Signed(absl::string_view payload, const ledger::Signer& by) {
    const ledger::Signer* signers[] = {&by};
    return *ledger::SignEntry(ledger::kRecordPayloadType, payload, signers);
  }

  // Appends `entry` and expects `code`; then checks nothing was written.
  void ExpectRejected(const std::string& entry, StatusCode code,
                      absl::string_view message_part) {
    uint64_t before = *store_.Size();
    std::string checkpoint_before = *store_.LatestCheckpoint();
    auto result = client_->Append(entry);
    EXPECT_EQ(result.status().code(), code) << result.status();
    EXPECT_NE(result.status().message().find(message_part),
              absl::string_view::npos)
        << result.status();
    EXPECT_EQ(*store_.Size(), before);
    EXPECT_EQ(*store_.LatestCheckpoint(), checkpoint_before);
  }

  ledger::Signer node_key_, author_, stranger_;
  ledger::TrustAnchorValidator validator_;
  ledger::MemoryStore store_;
  std::unique_ptr<ledger::Log> log_;
  std::unique_ptr<services::LedgerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<clients::LedgerClient> client_;
};

TEST_F(LedgerServiceTest, AppendProveAndReadBack) {
  std::vector<std::string> entries;
  for (int i = 0; i < 5; ++i) {
    entries.push_back(Signed("record " + std::to_string(i), author_));
    auto response = client_->Append(entries.back());
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->index(), static_cast<uint64_t>(i));
    EXPECT_EQ(response->leaf_hash(),
              std::string(ledger::AsBytes(ledger::HashLeaf(entries.back()))));
    EXPECT_TRUE(
        ledger::OpenCheckpoint(response->checkpoint(), node_key_.verifier())
            .ok());
  }
  auto checkpoint = client_->Checkpoint();
  ASSERT_TRUE(checkpoint.ok());
  auto cp = ledger::OpenCheckpoint(*checkpoint, node_key_.verifier());
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->size, 5u);

  for (uint64_t i = 0; i < 5; ++i) {
    auto proof = client_->Inclusion(i, 0);
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_TRUE(
        clients::VerifyInclusionProof(*proof, *checkpoint, node_key_.verifier())
            .ok());
  }
  auto by_hash = client_->InclusionByLeafHash(ledger::HashLeaf(entries[3]), 4);
  ASSERT_TRUE(by_hash.ok());
  EXPECT_EQ(by_hash->index, 3u);
  EXPECT_EQ(by_hash->tree_size, 4u);

  auto consistency = client_->Consistency(2, 0);
  ASSERT_TRUE(consistency.ok());
  EXPECT_TRUE(clients::VerifyConsistencyProof(
                  *consistency, *checkpoint, std::nullopt, node_key_.verifier())
                  .ok());

  std::vector<std::string> read;
  ASSERT_TRUE(client_
                  ->Entries(1, 4,
                            [&](uint64_t, const std::string& e) {
                              read.push_back(e);
                              return absl::OkStatus();
                            })
                  .ok());
  EXPECT_EQ(read,
            std::vector<std::string>(entries.begin() + 1, entries.begin() + 4));
}

TEST_F(LedgerServiceTest, DuplicateAppendReturnsTheFirstIndexAndWritesNothing) {
  std::string entry = Signed("once", author_);
  ASSERT_TRUE(client_->Append(Signed("first", author_)).ok());
  auto first = client_->Append(entry);
  ASSERT_TRUE(first.ok());
  std::string checkpoint = *store_.LatestCheckpoint();
  auto again = client_->Append(entry);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->index(), first->index());
  EXPECT_TRUE(again->already_present());
  EXPECT_EQ(*store_.Size(), 2u);
  EXPECT_EQ(*store_.LatestCheckpoint(), checkpoint);
}

TEST_F(LedgerServiceTest, MalformedEntriesAreRejected) {
  std::string good = Signed("payload", author_);
  ExpectRejected("", StatusCode::kInvalidArgument, "version is truncated");
  ExpectRejected(good.substr(0, good.size() - 5), StatusCode::kInvalidArgument,
                 "signature length 64 exceeds");
  ExpectRejected(good + "x", StatusCode::kInvalidArgument, "1 trailing bytes");
  std::string long_type = good;
  long_type[1] = '\x7f';  // payload type length far beyond the buffer
  ExpectRejected(long_type, StatusCode::kInvalidArgument,
                 "payload type length 32561 exceeds");
  std::string bad_version = good;
  bad_version[0] = 9;
  ExpectRejected(bad_version, StatusCode::kInvalidArgument,
                 "unknown version 9");
}

TEST_F(LedgerServiceTest, OversizedEntryAndOversizedMessageAreRejected) {
  ExpectRejected(std::string(100 * 1024, '\x01'), StatusCode::kInvalidArgument,
                 "entry is 102400 bytes; the limit is 65535");
  // Beyond the server's message limit gRPC refuses it before our code runs.
  ExpectRejected(std::string(services::kMaxRequestBytes + 1, '\x01'),
                 StatusCode::kResourceExhausted, "");
}

TEST_F(LedgerServiceTest, SignatureProblemsAreRejected) {
  ExpectRejected(Signed("payload", stranger_), StatusCode::kPermissionDenied,
                 "is not a trust anchor");
  ledger::Entry entry = *ledger::DecodeEntry(Signed("payload", author_));
  entry.signatures[0].signature[0] ^= 1;
  ExpectRejected(*ledger::EncodeEntry(entry), StatusCode::kUnauthenticated,
                 "signature 0 by author does not verify");
  // A valid signature, but over other bytes.
  entry = *ledger::DecodeEntry(Signed("payload", author_));
  entry.signatures = ledger::DecodeEntry(Signed("other", author_))->signatures;
  ExpectRejected(*ledger::EncodeEntry(entry), StatusCode::kUnauthenticated,
                 "does not verify");
  // An extra unknown co-signature poisons an otherwise good entry.
  const ledger::Signer* both[] = {&author_, &stranger_};
  ExpectRejected(
      *ledger::SignEntry(ledger::kRecordPayloadType, "payload", both),
      StatusCode::kPermissionDenied, "is not a trust anchor");
}

TEST_F(LedgerServiceTest, MalformedProtobufIsRejected) {
  grpc::GenericStub stub(channel_);
  // Field 1 declared as a 100-byte string with 1 byte present.
  auto [status, body] = testing::RawUnaryCall(
      stub, "/skillspassport.v1.Ledger/Append", std::string("\x0a\x64x", 3));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "request is not a valid skillspassport.v1.AppendRequest protobuf");
  EXPECT_EQ(*store_.Size(), 0u);
}

TEST_F(LedgerServiceTest, ProofRequestsOutsideTheTreeAreRejected) {
  ASSERT_TRUE(client_->Append(Signed("a", author_)).ok());
  ASSERT_TRUE(client_->Append(Signed("b", author_)).ok());
  EXPECT_EQ(client_->Inclusion(0, 3).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(client_->Inclusion(2, 2).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->Inclusion(7, 0).status().message(),
            "index 7 is not below tree size 2");
  EXPECT_EQ(client_->InclusionByLeafHash(ledger::HashLeaf("absent"), 0)
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(client_->Consistency(2, 1).status().message(),
            "old size 2 is greater than new size 1");
  EXPECT_EQ(client_->Consistency(1, 5).status().code(),
            StatusCode::kOutOfRange);
  auto drain = [](uint64_t, const std::string&) { return absl::OkStatus(); };
  EXPECT_EQ(client_->Entries(0, 3, drain).code(), StatusCode::kOutOfRange);

  grpc::GenericStub stub(channel_);
  skillspassport::v1::GetInclusionProofRequest bad_hash;
  bad_hash.set_leaf_hash("short");
  auto [status, body] =
      testing::RawUnaryCall(stub, "/skillspassport.v1.Ledger/GetInclusionProof",
                            bad_hash.SerializeAsString());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "a hash is 32 bytes, got 5");
}

TEST_F(LedgerServiceTest, GetEntriesBoundsAreChecked) {
  auto stub = skillspassport::v1::Ledger::NewStub(channel_);
  auto call = [&](uint64_t from, uint64_t to) {
    grpc::ClientContext context;
    skillspassport::v1::GetEntriesRequest request;
    request.set_from(from);
    request.set_to(to);
    auto reader = stub->GetEntries(&context, request);
    skillspassport::v1::LogEntry entry;
    while (reader->Read(&entry)) {
    }
    return reader->Finish();
  };
  EXPECT_EQ(call(2, 1).error_message(), "from 2 is after to 1");
  EXPECT_EQ(call(0, 20000).error_message(),
            "at most 10000 entries per call; asked for 20000");
  EXPECT_EQ(call(0, 1).error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_TRUE(call(0, 0).ok());
}

TEST_F(LedgerServiceTest, CorruptedCheckpointFailsVerification) {
  ASSERT_TRUE(client_->Append(Signed("a", author_)).ok());
  std::string checkpoint = *client_->Checkpoint();
  auto proof = client_->Inclusion(0, 0);
  ASSERT_TRUE(proof.ok());
  std::string corrupted = checkpoint;
  corrupted[corrupted.find('\n') + 1] = '7';  // claims another size
  EXPECT_EQ(
      clients::VerifyInclusionProof(*proof, corrupted, node_key_.verifier())
          .code(),
      StatusCode::kUnauthenticated);
}

TEST_F(LedgerServiceTest, HealthCheckServes) {
  grpc::GenericStub stub(channel_);
  auto [status, body] =
      testing::RawUnaryCall(stub, "/grpc.health.v1.Health/Check", "");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(body, std::string("\x08\x01", 2));  // status: SERVING
}

TEST_F(LedgerServiceTest, ReflectionListsTheLedgerService) {
  // Debian ships no reflection.proto: the request is hand-encoded
  // (ServerReflectionRequest.list_services = "", field 7).
  grpc::GenericStub stub(channel_);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  auto call = stub.PrepareCall(
      &context,
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  auto await = [&cq](intptr_t tag) {
    void* got = nullptr;
    bool ok = false;
    return cq.Next(&got, &ok) && ok && got == reinterpret_cast<void*>(tag);
  };
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(await(1));
  grpc::Slice slice(std::string("\x3a\x00", 2));
  grpc::ByteBuffer request(&slice, 1), response;
  call->Write(request, reinterpret_cast<void*>(2));
  ASSERT_TRUE(await(2));
  call->Read(&response, reinterpret_cast<void*>(3));
  ASSERT_TRUE(await(3));
  call->WritesDone(reinterpret_cast<void*>(4));
  ASSERT_TRUE(await(4));
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  ASSERT_TRUE(await(5));
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_NE(bytes.find("skillspassport.v1.Ledger"), std::string::npos);
}

}  // namespace
}  // namespace skp

namespace skp {
namespace {

TEST(RateLimitedLedgerTest,
     CallsOverTheLimitGetResourceExhaustedWithARetryHint) {
  ledger::MemoryStore store;
  ledger::Signer node_key = *ledger::Signer::Generate("test.example/log");
  ledger::Signer author = *ledger::Signer::Generate("author");
  ledger::TrustAnchorValidator validator(
      std::vector<ledger::Verifier>{author.verifier()});
  auto log =
      *ledger::Log::Open(&store, &node_key, &validator, {"test.example/log"});
  absl::Time now = absl::FromUnixSeconds(1000);
  services::RateLimiter limiter(1, [&] { return now; });
  services::LedgerService service(log.get(), nullptr, &limiter);
  auto running = *services::StartServer("127.0.0.1:0", {&service});
  auto stub = skillspassport::v1::Ledger::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(running.port),
                          grpc::InsecureChannelCredentials()));
  auto call = [&](grpc::ClientContext& context) {
    skillspassport::v1::GetCheckpointResponse response;
    return stub->GetCheckpoint(&context, {}, &response);
  };
  grpc::ClientContext first, second, third;
  EXPECT_TRUE(call(first).ok());
  grpc::Status refused = call(second);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("retry in 1000 ms"), std::string::npos)
      << refused.error_message();
  auto hint = second.GetServerTrailingMetadata().find("retry-after-ms");
  ASSERT_NE(hint, second.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(hint->second.data(), hint->second.size()), "1001");
  // A refused append writes nothing.
  const ledger::Signer* by[] = {&author};
  skillspassport::v1::AppendRequest append;
  append.set_entry(*ledger::SignEntry(ledger::kRecordPayloadType, "x", by));
  skillspassport::v1::AppendResponse appended;
  grpc::ClientContext append_context;
  EXPECT_TRUE(stub->Append(&append_context, append, &appended).ok());
  grpc::ClientContext again;
  EXPECT_EQ(stub->Append(&again, append, &appended).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(*store.Size(), 1u);
  now += absl::Seconds(1);
  EXPECT_TRUE(call(third).ok());
  running.server->Shutdown();
}

}  // namespace
}  // namespace skp
