// The Passport service through its public gRPC API: submitting records and
// reading a passport, with the access rules (holder, or live consent).
#include "services/passport/passport_service.h"

#include <grpcpp/create_channel.h>
#include <zlib.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "records/access_token.h"
#include "records/credentials.h"
#include "records/presentation.h"
#include "records/signing.h"
#include "gtest/gtest.h"
#include "services/common/server.h"
#include "tests/testing/network.h"
#include "tests/testing/raw_call.h"

namespace skp {
namespace {

using testing::kNow;
namespace v1 = skillspassport::v1;

class PassportServiceTest : public ::testing::Test,
                            public testing::TestNetwork {
 protected:
  void SetUp() override {
    Open();
    authenticator_ = std::make_unique<services::Authenticator>(
        registry_, std::vector<ledger::Verifier>{}, node_key_.name(),
        [this] { return absl::FromUnixSeconds(now_); });
    service_ = std::make_unique<passport::PassportService>(
        log_.get(), nullptr, passports_, registry_, authenticator_.get(),
        &node_key_, [this] { return absl::FromUnixSeconds(now_); }, nullptr,
        passport::CredentialOptions{
            .reference = &reference_, .status_base_url = [] {
              return std::string("https://node.example/credentials/status");
            }});
    auto running = services::StartServer("127.0.0.1:0", {service_.get()});
    ASSERT_TRUE(running.ok());
    server_ = std::move(running->server);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(running->port),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::Passport::NewStub(channel_);
  }
  void TearDown() override { server_->Shutdown(); }

  grpc::Status SubmitRpc(const v1::Record& record,
                         std::vector<const ledger::Signer*> signers,
                         v1::SubmitResponse* response) {
    grpc::ClientContext context;
    v1::SubmitRequest request;
    request.set_entry(*ledger::SignEntry(ledger::kRecordPayloadType,
                                         record.SerializeAsString(), signers));
    return stub_->Submit(&context, request, response);
  }

  // Names `reader` on the call with an access token issued at `issued_at`.
  void SignIn(grpc::ClientContext& context, const ledger::Signer& reader,
              int64_t issued_at) {
    context.AddMetadata(
        "authorization",
        "Bearer " + records::SignAccessToken(reader, node_key_.name(),
                                             absl::FromUnixSeconds(issued_at)));
  }

  grpc::Status Read(const ledger::Signer& reader, v1::PassportView* view,
                    int64_t requested_at = kNow) {
    grpc::ClientContext context;
    SignIn(context, reader, requested_at);
    v1::GetPassportRequest request;
    request.set_passport_id(Passport());
    *request.mutable_as_of() = testing::D(2026, 8, 1);
    return stub_->GetPassport(&context, request, view);
  }

  // Through the service: the network, an employment and a Care Certificate
  // standard.
  void Populate() {
    Network();
    v1::SubmitResponse response;
    ASSERT_TRUE(
        SubmitRpc(Employment("CQC:1-101"), {&care_home_}, &response).ok());
    ASSERT_TRUE(SubmitRpc(Standard(2025, 1), {&care_home_}, &response).ok());
    EXPECT_EQ(response.record_id().size(), 32u);
    EXPECT_FALSE(response.checkpoint().empty());
  }

  std::unique_ptr<services::Authenticator> authenticator_;
  std::unique_ptr<passport::PassportService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Passport::Stub> stub_;
};

TEST_F(PassportServiceTest, TheHolderReadsTheirPassport) {
  Populate();
  v1::PassportView view;
  grpc::Status status = Read(worker_, &view);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(view.employments_size(), 1);
  ASSERT_EQ(view.care_certificates_size(), 1);
  EXPECT_EQ(view.care_certificates(0).standards_met_size(), 1);
}

TEST_F(PassportServiceTest, AnOrganisationNeedsALiveConsent) {
  Populate();
  v1::PassportView view;
  grpc::Status refused = Read(trust_, &view);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(refused.error_message().find("ODS:RY1 has no live consent"),
            std::string::npos);
  v1::SubmitResponse response;
  ASSERT_TRUE(
      SubmitRpc(Consent("C-1", "ODS:RY1", kNow + 600), {&worker_}, &response)
          .ok());
  EXPECT_TRUE(Read(trust_, &view).ok());
  // Once the consent has expired, the reading stops.
  now_ = kNow + 601;
  EXPECT_EQ(Read(trust_, &view, now_).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(PassportServiceTest, ReadsWithoutAValidUnusedTokenAreRefused) {
  Populate();
  v1::PassportView view;
  // Expired (issued an hour ago, for two minutes).
  grpc::Status expired = Read(worker_, &view, kNow - 3600);
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(expired.error_message(), "access token: expired");
  grpc::Status unregistered = Read(stranger_, &view);
  EXPECT_EQ(unregistered.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(unregistered.error_message(),
            "access token: signed by an unknown key");
  v1::GetPassportRequest request;
  request.set_passport_id(Passport());
  {
    grpc::ClientContext context;
    grpc::Status missing = stub_->GetPassport(&context, request, &view);
    EXPECT_EQ(missing.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(missing.error_message(),
              "this call needs an access token: authorization: Bearer <token>");
  }
  std::string token = records::SignAccessToken(worker_, node_key_.name(),
                                               absl::FromUnixSeconds(kNow));
  {
    std::string forged = token;
    forged[20] = forged[20] == 'A' ? 'B' : 'A';
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + forged);
    EXPECT_EQ(stub_->GetPassport(&context, request, &view).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    EXPECT_TRUE(stub_->GetPassport(&context, request, &view).ok());
  }
  grpc::ClientContext replay;
  replay.AddMetadata("authorization", "Bearer " + token);
  grpc::Status replayed = stub_->GetPassport(&replay, request, &view);
  EXPECT_EQ(replayed.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(replayed.error_message(), "access token: already used");
  // A token for another node is refused.
  grpc::ClientContext elsewhere;
  elsewhere.AddMetadata(
      "authorization",
      "Bearer " + records::SignAccessToken(worker_, "other.example/log",
                                           absl::FromUnixSeconds(kNow)));
  EXPECT_EQ(stub_->GetPassport(&elsewhere, request, &view).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(PassportServiceTest, BadSubmissionsAreRefusedAndWriteNothing) {
  Populate();
  uint64_t before = *store_.Size();
  v1::SubmitResponse response;
  grpc::Status status = SubmitRpc(Standard(2015, 16), {&care_home_}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "care_certificate_standard_met.standard: Care Certificate 2015 has "
            "standards 1 to 15, "
            "not 16");
  status = SubmitRpc(Employment("CQC:1-101"), {&stranger_}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  grpc::GenericStub generic(channel_);
  auto [raw_status, body] =
      testing::RawUnaryCall(generic, "/skillspassport.v1.Passport/Submit",
                            std::string("\x0a\x64x", 3));
  EXPECT_EQ(raw_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(raw_status.error_message(),
            "request is not a valid skillspassport.v1.SubmitRequest protobuf");
  EXPECT_EQ(*store_.Size(), before);
}

TEST_F(PassportServiceTest,
       RequiredCredentialsShowWhatTheNewEmployerStillNeeds) {
  Populate();
  v1::SubmitResponse response;
  ASSERT_TRUE(
      SubmitRpc(Consent("C-1", "ODS:RY1", kNow + 600), {&worker_}, &response)
          .ok());
  auto ask = [&](v1::RequiredCredentialsResponse* out) {
    grpc::ClientContext context;
    SignIn(context, trust_, now_);
    v1::RequiredCredentialsRequest request;
    request.set_passport_id(Passport());
    request.add_checklist()->set_care_certificate_version(2025);
    request.add_checklist()->set_competency_activity(2);
    request.add_checklist()->set_ascwds_training_category(1);
    *request.mutable_as_of() = testing::D(2026, 8, 1);
    return stub_->RequiredCredentials(&context, request, out);
  };
  v1::RequiredCredentialsResponse before;
  ASSERT_TRUE(ask(&before).ok());
  EXPECT_EQ(before.satisfied(), 0);
  EXPECT_EQ(before.still_needed(), 3);

  for (int standard = 2; standard <= 16; ++standard) {
    ASSERT_TRUE(
        SubmitRpc(Standard(2025, standard), {&care_home_}, &response).ok());
  }
  ASSERT_TRUE(SubmitRpc(Competency(), {&nurse_}, &response).ok());
  v1::RequiredCredentialsResponse after;
  ASSERT_TRUE(ask(&after).ok());
  EXPECT_EQ(after.satisfied(), 2);
  EXPECT_EQ(after.still_needed(), 1);
  EXPECT_TRUE(after.results(0).satisfied());
  EXPECT_EQ(after.results(0).record_ids_size(), 16);
  EXPECT_TRUE(after.results(1).satisfied());
  EXPECT_FALSE(after.results(2).satisfied());

  grpc::ClientContext context;
  SignIn(context, worker_, now_);
  v1::RequiredCredentialsRequest empty;
  empty.set_passport_id(Passport());
  EXPECT_EQ(stub_->RequiredCredentials(&context, empty, &after).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// Presentations: the worker asks the node for an attested bundle, wraps it
// for one employer, and the employer verifies it offline.
class PresentationTest : public PassportServiceTest {
 protected:
  void SetUp() override {
    PassportServiceTest::SetUp();
    Network();
    v1::SubmitResponse r;
    ASSERT_TRUE(SubmitRpc(Employment("CQC:1-101"), {&care_home_}, &r).ok());
    ASSERT_TRUE(SubmitRpc(Standard(2025, 1), {&care_home_}, &r).ok());
    ids_.push_back(r.record_id());
    ASSERT_TRUE(SubmitRpc(Competency(), {&nurse_}, &r).ok());
    ids_.push_back(r.record_id());
    ASSERT_TRUE(SubmitRpc(Delegation(*ledger::HashFromBytes(r.record_id())),
                          {&nurse_}, &r)
                    .ok());
    ids_.push_back(r.record_id());
  }

  grpc::Status Bundle(const ledger::Signer& asker,
                      const std::vector<std::string>& ids,
                      v1::SignedBundle* bundle) {
    grpc::ClientContext context;
    SignIn(context, asker, now_);
    v1::PresentRequest request;
    request.set_passport_id(Passport());
    for (const std::string& id : ids) request.add_record_ids(id);
    return stub_->Present(&context, request, bundle);
  }

  std::string Presentation(int64_t lifetime = 3600) {
    v1::SignedBundle bundle;
    grpc::Status status = Bundle(worker_, ids_, &bundle);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return *records::MakePresentation(bundle, "ODS:RY1", now_, now_ + lifetime,
                                      worker_);
  }

  absl::StatusOr<v1::PresentationReport> Verify(
      const std::string& presentation, std::string audience = "ODS:RY1",
      int64_t at = kNow) {
    return records::VerifyPresentation(presentation,
                                       {.trusted_nodes = {node_key_.verifier()},
                                        .audience = std::move(audience),
                                        .now = absl::FromUnixSeconds(at)});
  }

  std::vector<std::string> ids_;
};

TEST_F(PresentationTest, AnEmployerVerifiesEveryRecordOffline) {
  std::string presentation = Presentation();
  auto text = records::PresentationToText(presentation);
  EXPECT_EQ(text.rfind("SPP1:", 0), 0u);
  auto report = Verify(*records::PresentationFromText(text));
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->records_size(), 3);
  for (const auto& r : report->records()) {
    EXPECT_EQ(r.verdict(), v1::RECORD_VERDICT_VALID)
        << r.kind() << ": " << r.detail();
  }
  EXPECT_EQ(report->records(0).kind(), "care_certificate_standard_met");
  EXPECT_EQ(report->records(0).issuer(), "CQC:1-101");
  EXPECT_EQ(report->records(0).issuer_name(), "Organisation CQC:1-101");
  EXPECT_EQ(report->records(2).issuer(), "NMC:12A3456B");
  EXPECT_EQ(report->records(2).issuer_name(), "");  // a professional
  // The node's own VerifyPresentation agrees.
  grpc::ClientContext context;
  v1::VerifyPresentationRequest request;
  request.set_presentation(presentation);
  request.set_audience("ODS:RY1");
  v1::PresentationReport remote;
  ASSERT_TRUE(stub_->VerifyPresentation(&context, request, &remote).ok());
  EXPECT_EQ(remote.records_size(), 3);
}

TEST_F(PresentationTest, AudienceExpiryAndTrustAreEnforced) {
  std::string presentation = Presentation(600);
  EXPECT_EQ(Verify(presentation, "CQC:1-999").status().code(),
            absl::StatusCode::kPermissionDenied);
  // Replayed after it expired.
  EXPECT_EQ(Verify(presentation, "ODS:RY1", kNow + 601).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ledger::Signer other_node = *ledger::Signer::Generate("other-node");
  EXPECT_EQ(records::VerifyPresentation(
                presentation, {.trusted_nodes = {other_node.verifier()},
                               .audience = "ODS:RY1",
                               .now = absl::FromUnixSeconds(kNow)})
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(PresentationTest, AnyFlippedByteIsCaught) {
  std::string presentation = Presentation();
  for (size_t i = 0; i < presentation.size(); ++i) {
    std::string bad = presentation;
    bad[i] ^= 0x01;
    auto report = Verify(bad);
    bool caught = !report.ok();
    if (report.ok()) {
      for (const auto& r : report->records())
        caught |= r.verdict() != v1::RECORD_VERDICT_VALID;
    }
    ASSERT_TRUE(caught) << "flipping byte " << i << " went unnoticed";
  }
}

TEST_F(PresentationTest, RevokedAndLapsedRecordsAreReported) {
  v1::Record revoke = Rec();
  revoke.mutable_record_status_changed()->set_target_record(ids_[0]);
  revoke.mutable_record_status_changed()->set_change(v1::STATUS_CHANGE_REVOKED);
  revoke.mutable_record_status_changed()->set_reason(
      v1::REVOCATION_REASON_ISSUED_IN_ERROR);
  v1::SubmitResponse r;
  ASSERT_TRUE(SubmitRpc(revoke, {&care_home_}, &r).ok());
  auto report =
      Verify(Presentation(400 * 86400), "ODS:RY1", kNow + 300 * 86400);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->records(0).verdict(), v1::RECORD_VERDICT_REVOKED);
  EXPECT_EQ(report->records(1).verdict(),
            v1::RECORD_VERDICT_EXPIRED);  // reassess_by passed
  EXPECT_EQ(report->records(2).verdict(),
            v1::RECORD_VERDICT_EXPIRED);  // review_by passed
}

TEST_F(PresentationTest, AnIdentityDisclosureMustMatchTheEnrolmentCommitment) {
  // A second worker enrolled with a real salted commitment.
  ledger::Signer amy = *ledger::Signer::Generate("amy");
  std::string identity = "identity attributes", salt(32, 's');
  v1::Record enrol = Rec();
  enrol.mutable_passport_enrolled()->set_public_key(testing::Key(amy));
  enrol.mutable_passport_enrolled()->set_identity_commitment(
      records::IdentityCommitment(salt, identity));
  enrol.mutable_passport_enrolled()->set_organisation_id("CQC:1-101");
  v1::SubmitResponse enrolled;
  ASSERT_TRUE(SubmitRpc(enrol, {&amy, &care_home_}, &enrolled).ok());
  std::string amy_passport = records::PassportIdOf(testing::Key(amy));
  auto present = [&](std::vector<std::string> ids,
                     const v1::Disclosure& disclosure) {
    grpc::ClientContext context;
    SignIn(context, amy, now_);
    v1::PresentRequest request;
    request.set_passport_id(amy_passport);
    for (const std::string& id : ids) request.add_record_ids(id);
    v1::SignedBundle bundle;
    EXPECT_TRUE(stub_->Present(&context, request, &bundle).ok());
    return Verify(*records::MakePresentation(bundle, "ODS:RY1", now_,
                                             now_ + 600, amy, &disclosure));
  };
  v1::Disclosure disclosure;
  disclosure.set_identity(identity);
  disclosure.set_salt(salt);
  auto report = present({enrolled.record_id()}, disclosure);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->verified_identity(), identity);
  disclosure.set_identity("someone else");
  EXPECT_EQ(present({enrolled.record_id()}, disclosure).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(PresentationTest, OnlyTheHolderPresentsTheirOwnRecords) {
  v1::SignedBundle bundle;
  v1::SubmitResponse consent;
  ASSERT_TRUE(
      SubmitRpc(Consent("C-1", "ODS:RY1", kNow + 600), {&worker_}, &consent)
          .ok());
  EXPECT_EQ(Bundle(trust_, ids_, &bundle).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::SubmitResponse other;
  ASSERT_TRUE(SubmitRpc(RegisterOrganisation("CQC:1-555", stranger_, {}),
                        {&governance_}, &other)
                  .ok());
  EXPECT_EQ(Bundle(worker_, {other.record_id()}, &bundle).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Bundle(worker_, {}, &bundle).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// W3C credentials: the holder asks for records as vc+jwt; a status change on
// the ledger flips the record's bit in the next status list.
class CredentialTest : public PresentationTest {
 protected:
  grpc::Status Issue(const ledger::Signer& asker,
                     const std::vector<std::string>& ids,
                     v1::IssueCredentialsResponse* response) {
    grpc::ClientContext context;
    SignIn(context, asker, now_);
    v1::IssueCredentialsRequest request;
    request.set_passport_id(Passport());
    for (const std::string& id : ids) request.add_record_ids(id);
    return stub_->IssueCredentials(&context, request, response);
  }
  static nlohmann::json Payload(const std::string& jwt) {
    std::vector<std::string> parts = absl::StrSplit(jwt, '.');
    std::string payload;
    EXPECT_TRUE(absl::WebSafeBase64Unescape(parts.at(1), &payload));
    return nlohmann::json::parse(payload);
  }
  // Whether the status list of `purpose` has the bit of `credential` set:
  // the list fetched through the RPC, gunzipped here.
  bool BitSet(absl::string_view purpose, const nlohmann::json& credential) {
    for (const nlohmann::json& entry : credential["credentialStatus"]) {
      if (entry["statusPurpose"].get<std::string>() != purpose) continue;
      std::string url = entry["statusListCredential"];
      grpc::ClientContext context;
      v1::GetStatusListRequest request;
      request.set_purpose(std::string(purpose));
      request.set_list(std::stoull(url.substr(url.rfind('/') + 1)));
      v1::StatusListCredential list;
      EXPECT_TRUE(stub_->GetStatusList(&context, request, &list).ok());
      std::string encoded =
          Payload(list.credential())["credentialSubject"]["encodedList"];
      std::string gzipped, bits(records::kStatusListSize / 8, '\0');
      EXPECT_TRUE(absl::WebSafeBase64Unescape(encoded.substr(1), &gzipped));
      uLongf size = bits.size();
      z_stream stream{};
      inflateInit2(&stream, 15 + 16);
      stream.next_in = reinterpret_cast<Bytef*>(gzipped.data());
      stream.avail_in = gzipped.size();
      stream.next_out = reinterpret_cast<Bytef*>(bits.data());
      stream.avail_out = size;
      EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
      inflateEnd(&stream);
      uint64_t index = std::stoull(entry["statusListIndex"].get<std::string>());
      return (static_cast<uint8_t>(bits[index / 8]) >> (7 - index % 8)) & 1;
    }
    ADD_FAILURE() << "no " << purpose << " entry";
    return false;
  }
  void ChangeStatus(const std::string& id, v1::StatusChange change) {
    v1::Record record = Rec();
    record.mutable_record_status_changed()->set_target_record(id);
    record.mutable_record_status_changed()->set_change(change);
    record.mutable_record_status_changed()->set_reason(
        v1::REVOCATION_REASON_ISSUED_IN_ERROR);
    ++now_;  // a new issued_at: the same change twice is a new record
    record.set_issued_at(now_);
    v1::SubmitResponse r;
    ASSERT_TRUE(SubmitRpc(record, {&care_home_}, &r).ok());
  }
};

TEST_F(CredentialTest, TheHolderGetsOneSignedCredentialPerRecord) {
  v1::IssueCredentialsResponse response;
  grpc::Status status = Issue(worker_, ids_, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.credentials_size(), 3);
  for (int i = 0; i < 3; ++i) {
    nlohmann::json vc = Payload(response.credentials(i));
    EXPECT_EQ(vc["id"], "urn:skillspassport:record:" +
                            ledger::HexEncode(ids_[i]));
    EXPECT_EQ(vc["issuer"]["id"],
              records::DidKeyOf(node_key_.verifier().public_key()));
    EXPECT_EQ(vc["credentialSubject"]["id"],
              records::DidKeyOf(worker_.verifier().public_key()));
  }
  nlohmann::json standard = Payload(response.credentials(0));
  EXPECT_EQ(standard["credentialSubject"]["achievement"]["name"],
            "Care Certificate (2025) standard 1: " +
                reference_.CareCertificateStandardTitle(2025, 1));
}

TEST_F(CredentialTest, OnlyTheHolderAndOnlyTheirOwnLoggedRecords) {
  v1::IssueCredentialsResponse response;
  EXPECT_EQ(Issue(care_home_, ids_, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::SubmitResponse other;
  ASSERT_TRUE(SubmitRpc(RegisterOrganisation("CQC:1-555", stranger_, {}),
                        {&governance_}, &other)
                  .ok());
  grpc::Status not_theirs = Issue(worker_, {other.record_id()}, &response);
  EXPECT_EQ(not_theirs.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(not_theirs.error_message().find("is not about this passport"),
            std::string::npos);
  grpc::Status missing = Issue(worker_, {std::string(32, '\x07')}, &response);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(missing.error_message().find(ledger::HexEncode(std::string(32, '\x07')) +
                                         " is not in this node's log"),
            std::string::npos)
      << missing.error_message();
  EXPECT_EQ(response.credentials_size(), 0);
}

TEST_F(CredentialTest, StatusChangesFlipTheRecordsBitInTheNextList) {
  v1::IssueCredentialsResponse response;
  ASSERT_TRUE(Issue(worker_, ids_, &response).ok());
  nlohmann::json standard = Payload(response.credentials(0));
  nlohmann::json competency = Payload(response.credentials(1));
  EXPECT_FALSE(BitSet("revocation", standard));
  EXPECT_FALSE(BitSet("suspension", standard));

  ChangeStatus(ids_[0], v1::STATUS_CHANGE_SUSPENDED);
  EXPECT_FALSE(BitSet("revocation", standard));
  EXPECT_TRUE(BitSet("suspension", standard));
  ChangeStatus(ids_[0], v1::STATUS_CHANGE_REINSTATED);
  EXPECT_FALSE(BitSet("suspension", standard));
  ChangeStatus(ids_[0], v1::STATUS_CHANGE_REVOKED);
  EXPECT_TRUE(BitSet("revocation", standard));
  EXPECT_FALSE(BitSet("revocation", competency));  // its neighbour is not
}

TEST_F(CredentialTest, AStatusListForAnUnknownPurposeIsRefused) {
  grpc::ClientContext context;
  v1::GetStatusListRequest request;
  request.set_purpose("expiry");
  v1::StatusListCredential list;
  grpc::Status status = stub_->GetStatusList(&context, request, &list);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("expiry"), std::string::npos);
}

}  // namespace
}  // namespace skp
