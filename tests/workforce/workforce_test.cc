// Workforce queries over a generated workforce that went through the node's
// real intake (signatures, registry, authorisation, admission), checked
// against counts computed from the generator's own decisions; restart and
// rebuild give the same answers; and the gRPC service.
#include <grpcpp/grpcpp.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "records/access_token.h"
#include "gtest/gtest.h"
#include "ledger/log.h"
#include "ledger/memory_store.h"
#include "services/common/server.h"
#include "services/passportd/intake.h"
#include "services/workforce/workforce_service.h"
#include "skillspassport/v1/workforce.grpc.pb.h"
#include "tests/testing/raw_call.h"
#include "tests/testing/workforce_tables.h"
#include "tests/workforce/workforce_generator.h"

namespace skp::testing {
namespace {

namespace v1 = skillspassport::v1;
using workforce::DayNumber;
using workforce::ToDayNumber;

constexpr int64_t kIssuedAt = 1790000000;  // 2026-09-21
constexpr int kWorkers = 900;

bool Active(const GeneratedEmployment& e, absl::CivilDay day) {
  return e.start <= day && (!e.end || day <= *e.end);
}

class GeneratedWorkforceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    reference_ =
        new reference::ReferenceData(*reference::ReferenceData::Embedded());
    generator_ = new WorkforceGenerator(
        *WorkforceGenerator::Create({.seed = 7,
                                     .workers = kWorkers,
                                     .workers_per_provider = 10,
                                     .issued_at = kIssuedAt},
                                    reference_));
    store_ = new ledger::MemoryStore();
    node_key_ = new ledger::Signer(*ledger::Signer::Generate("node"));
    Open();
    absl::Status generated = generator_->Generate([](const std::string& entry) {
      return log_->AppendAndWait(entry).status();
    });
    ASSERT_TRUE(generated.ok()) << generated.ToString();
  }
  static void TearDownTestSuite() {
    log_.reset();
    intake_.reset();
    delete store_;
    delete node_key_;
    delete generator_;
    delete reference_;
  }
  static void Open() {
    log_.reset();
    intake_ = *services::Intake::Load(
        store_, {generator_->governance().verifier()}, reference_,
        [] { return absl::FromUnixSeconds(kIssuedAt); },
        // Exact numbers, to compare with the generator's truth.
        workforce::Disclosure{.threshold = 5, .rounding_base = 0});
    log_ = *ledger::Log::Open(store_, node_key_, &intake_->validator(),
                              {"test/workforce"});
  }
  static const workforce::WorkforceFacts& facts() {
    return intake_->workforce();
  }

  static inline reference::ReferenceData* reference_;
  static inline WorkforceGenerator* generator_;
  static inline ledger::MemoryStore* store_;
  static inline ledger::Signer* node_key_;
  static inline std::unique_ptr<services::Intake> intake_;
  static inline std::unique_ptr<ledger::Log> log_;
};

TEST_F(GeneratedWorkforceTest, EveryRecordWasAdmitted) {
  EXPECT_EQ(*store_->Size(), generator_->entries());
  EXPECT_GT(generator_->entries(), 8u * kWorkers);
}

TEST_F(GeneratedWorkforceTest, SupplyMatchesTheGenerator) {
  const std::vector<std::pair<std::vector<v1::Dimension>, bool>> groupings = {
      {{v1::DIMENSION_PLACE, v1::DIMENSION_ROLE}, false},
      {{v1::DIMENSION_ICB, v1::DIMENSION_SECTOR}, true}};
  for (const auto& [group_by, by_icb] : groupings) {
    for (absl::CivilDay day :
         {absl::CivilDay(2023, 6, 1), absl::CivilDay(2025, 1, 1)}) {
      std::map<std::string, std::set<int>> expected;
      std::map<std::string, int64_t> expected_fte;
      std::set<int> everyone;
      for (const GeneratedEmployment& e : generator_->employments()) {
        if (!Active(e, day)) continue;
        std::string cell = by_icb ? absl::StrCat(e.icb, "|",
                                                 e.sector == v1::SECTOR_NHS
                                                     ? "NHS"
                                                     : "ADULT_SOCIAL_CARE")
                                  : absl::StrCat(e.place, "|", e.role);
        expected[cell].insert(e.worker);
        expected_fte[cell] += e.fte;
        everyone.insert(e.worker);
      }
      auto table = facts().Supply({}, group_by, ToDayNumber(day));
      ASSERT_TRUE(table.ok()) << table.status();
      auto got = Cells(*table);
      auto got_fte = Cells(*table, 1);
      int64_t cells = 0, published = 0;
      for (const auto& [cell, workers] : expected) {
        const int64_t n = static_cast<int64_t>(workers.size());
        cells += n;
        ASSERT_TRUE(got.contains(cell)) << cell;
        if (n < 5) {
          EXPECT_EQ(got[cell], -1) << cell;  // small: always suppressed
        } else if (got[cell] != -1) {
          EXPECT_EQ(got[cell], n) << cell;
          EXPECT_EQ(got_fte[cell], expected_fte[cell]) << cell;
          ++published;
        }
      }
      // Joint roles: in two cells, once in the total.
      EXPECT_EQ(got["*|*"], static_cast<int64_t>(everyone.size()));
      if (by_icb) {
        EXPECT_GT(cells, got["*|*"]);
      }
      // Small cells suppressed; most cells of the coarse grouping published.
      if (by_icb && day.year() == 2025) {
        EXPECT_GT(published, 30);
      }
    }
  }
}

TEST_F(GeneratedWorkforceTest, CoverageOfOneIcsMatchesTheGenerator) {
  const std::string icb = generator_->icbs()[3];
  const absl::CivilDay day(2025, 6, 1);
  // Workers holding a valid competency for the planned activity.
  std::set<int> competent;
  for (const GeneratedHolding& h : generator_->holdings()) {
    if (h.key == "competency:2" && !h.revoked && h.from <= day &&
        day <= h.until) {
      competent.insert(h.worker);
    }
  }
  v1::WorkforceFilter ics;
  ics.set_icb_code(icb);
  auto table = facts().Coverage(ics, ToDayNumber(day));
  ASSERT_TRUE(table.ok()) << table.status();
  auto headcount = Cells(*table, 0), supplied = Cells(*table, 1),
       required = Cells(*table, 2);
  int rows = 0;
  std::map<std::string, std::set<int>> ics_total;  // need -> workers
  for (const GeneratedPlan& plan : generator_->plans()) {
    if (plan.icb != icb) continue;
    std::set<int> workers;
    int64_t fte = 0;
    for (const GeneratedEmployment& e : generator_->employments()) {
      if (e.icb != icb || e.place != plan.place || !Active(e, day)) continue;
      bool supplies = plan.need == "activity:2" ? competent.contains(e.worker)
                                                : e.role == plan.need;
      if (!supplies) continue;
      workers.insert(e.worker);
      ics_total[plan.need].insert(e.worker);
      fte += e.fte;
    }
    const std::string cell = absl::StrCat(plan.place, "|", plan.need);
    ++rows;
    EXPECT_EQ(required[cell], plan.required_fte) << cell;
    if (workers.size() >= 5) {
      EXPECT_EQ(headcount[cell], static_cast<int64_t>(workers.size())) << cell;
      EXPECT_EQ(supplied[cell], fte) << cell;
    } else {
      EXPECT_EQ(headcount[cell], workers.empty() ? 0 : -1) << cell;
    }
  }
  EXPECT_EQ(rows, 6);
  // The cells, then each need's ICS total.
  EXPECT_EQ(table->rows_size(), 6 + static_cast<int>(ics_total.size()));
  for (const auto& [need, workers] : ics_total) {
    const int64_t got = headcount[absl::StrCat("*|", need)];
    if (got != -1) {
      EXPECT_EQ(got, static_cast<int64_t>(workers.size()));
    }
  }
}

TEST_F(GeneratedWorkforceTest, FlowsCountEveryMove) {
  // Moves whose first job ended in 2024, by sector.
  std::map<int, std::vector<const GeneratedEmployment*>> by_worker;
  for (const GeneratedEmployment& e : generator_->employments()) {
    by_worker[e.worker].push_back(&e);
  }
  int64_t moves = 0;
  for (const auto& [worker, jobs] : by_worker) {
    const bool moved = std::count_if(jobs.begin(), jobs.end(), [](auto* j) {
                         return !j->joint;
                       }) == 2;
    if (moved && jobs[0]->end && jobs[0]->end->year() == 2024) ++moves;
  }
  auto table = facts().Flows(v1::DIMENSION_SECTOR, "",
                             ToDayNumber(absl::CivilDay(2024, 1, 1)),
                             ToDayNumber(absl::CivilDay(2024, 12, 31)));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(Cells(*table)["*|*"], moves);
  EXPECT_EQ(Cells(*table, 1)["*|*"], moves);  // one move each: as many people
  EXPECT_GT(moves, 10);
}

TEST_F(GeneratedWorkforceTest, PathwayCategoriesAndLevel2Certificates) {
  const absl::CivilDay day(2025, 6, 1);
  std::map<std::string, std::set<int>> by_pathway;
  std::set<int> level2, certified_in_care;
  for (const GeneratedHolding& h : generator_->holdings()) {
    if (h.key == "qualification:610/4009/5" && h.from <= day) {
      level2.insert(h.worker);
    }
  }
  for (const GeneratedEmployment& e : generator_->employments()) {
    if (!Active(e, day)) continue;
    by_pathway[e.pathway ? absl::StrCat("cwp:", e.pathway) : "none"].insert(
        e.worker);
    if (level2.contains(e.worker)) certified_in_care.insert(e.worker);
  }
  auto table = facts().Supply({}, {v1::DIMENSION_PATHWAY}, ToDayNumber(day));
  ASSERT_TRUE(table.ok()) << table.status();
  for (const auto& [category, workers] : by_pathway) {
    EXPECT_EQ(Cells(*table)[category], static_cast<int64_t>(workers.size()))
        << category;
  }
  v1::WorkforceFilter filter;
  filter.add_holds()->set_level2_adult_social_care_certificate(true);
  filter.set_pathway_category(3);
  table = facts().Supply(filter, {}, ToDayNumber(day));
  ASSERT_TRUE(table.ok()) << table.status();
  std::set<int> expected;
  for (const GeneratedEmployment& e : generator_->employments()) {
    if (Active(e, day) && e.pathway == 3 && level2.contains(e.worker)) {
      expected.insert(e.worker);
    }
  }
  EXPECT_EQ(Cells(*table)[""], static_cast<int64_t>(expected.size()));
  EXPECT_GT(certified_in_care.size(), 20u);
}

TEST_F(GeneratedWorkforceTest, ParallelScansGiveTheSameAnswers) {
  workforce::WorkforceFacts parallel(reference_, {5, 0},
                                     /*parallel_scan_rows=*/1);
  ASSERT_TRUE(workforce::WorkforceProjection::Load(*store_, parallel).ok());
  v1::WorkforceFilter filter;
  filter.add_holds()->set_ascwds_training_category(4);
  for (const auto& group_by : std::vector<std::vector<v1::Dimension>>{
           {v1::DIMENSION_PLACE, v1::DIMENSION_ROLE},
           {v1::DIMENSION_ORGANISATION},
           {}}) {
    for (const v1::WorkforceFilter& f : {v1::WorkforceFilter(), filter}) {
      const DayNumber day = ToDayNumber(absl::CivilDay(2025, 3, 1));
      EXPECT_EQ(parallel.Supply(f, group_by, day)->SerializeAsString(),
                facts().Supply(f, group_by, day)->SerializeAsString());
    }
  }
  // Expiring's filter of holding rows, split in two, over every ICS and one.
  const DayNumber day = ToDayNumber(absl::CivilDay(2025, 3, 1));
  for (const std::string icb : {"", "E54000008"}) {
    for (const auto& group_by : std::vector<std::vector<v1::Dimension>>{
             {v1::DIMENSION_PLACE}, {v1::DIMENSION_ORGANISATION}, {}}) {
      auto split = parallel.Expiring(icb, "", 90, group_by, day);
      ASSERT_TRUE(split.ok()) << split.status();
      EXPECT_GT(split->rows_size(), 1);
      EXPECT_EQ(split->SerializeAsString(),
                facts().Expiring(icb, "", 90, group_by, day)
                    ->SerializeAsString());
    }
  }
}

TEST_F(GeneratedWorkforceTest, RestartAndRebuildGiveTheSameAnswers) {
  auto query = [] {
    v1::WorkforceFilter filter;
    filter.add_holds()->set_care_certificate(true);
    auto a = facts().Supply(filter, {v1::DIMENSION_ICB, v1::DIMENSION_ROLE},
                            ToDayNumber(absl::CivilDay(2026, 6, 1)));
    auto b = facts().Expiring("", "", 90, {v1::DIMENSION_ICB},
                              ToDayNumber(absl::CivilDay(2025, 3, 1)));
    return absl::StrCat(a->SerializeAsString(), b->SerializeAsString());
  };
  const std::string before = query();
  Open();  // facts loaded from the projection rows alone
  EXPECT_EQ(query(), before);
  log_.reset();
  ASSERT_TRUE(services::Intake::Rebuild(store_, *node_key_,
                                        {generator_->governance().verifier()},
                                        reference_)
                  .ok());
  Open();
  EXPECT_EQ(query(), before);
}

TEST_F(GeneratedWorkforceTest, TheServiceAnswersOverGrpc) {
  workforce::WorkforceService service(
      &facts(), [] { return absl::FromUnixSeconds(kIssuedAt); });
  auto running = *services::StartServer("127.0.0.1:0", {&service});
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", running.port),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::Workforce::NewStub(channel);

  v1::SupplyRequest request;
  auto* monthly = request.mutable_when()->mutable_monthly();
  monthly->mutable_from()->set_year(2025);
  monthly->mutable_from()->set_month(1);
  monthly->mutable_from()->set_day(1);
  *monthly->mutable_to() = monthly->from();
  monthly->mutable_to()->set_month(4);
  request.add_group_by(v1::DIMENSION_SECTOR);
  v1::Tables tables;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->Supply(&context, request, &tables).ok());
  }
  ASSERT_EQ(tables.tables_size(), 4);
  EXPECT_EQ(tables.suppression_threshold(), 5);
  EXPECT_EQ(tables.tables(3).as_of().month(), 4);
  auto direct = facts().Supply({}, {v1::DIMENSION_SECTOR},
                               ToDayNumber(absl::CivilDay(2025, 4, 1)));
  v1::Table served = tables.tables(3);
  served.clear_as_of();
  EXPECT_EQ(served.SerializeAsString(), direct->SerializeAsString());

  // Bad input: a precise INVALID_ARGUMENT.
  request.add_group_by(v1::DIMENSION_SECTOR);
  {
    grpc::ClientContext context;
    grpc::Status status = stub->Supply(&context, request, &tables);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(), "group_by: DIMENSION_SECTOR is repeated");
  }
  v1::CoverageRequest coverage;
  coverage.mutable_when()->mutable_as_of()->set_year(2025);
  coverage.mutable_when()->mutable_as_of()->set_month(2);
  coverage.mutable_when()->mutable_as_of()->set_day(30);
  coverage.set_icb_code(generator_->icbs()[0]);
  {
    grpc::ClientContext context;
    grpc::Status status = stub->Coverage(&context, coverage, &tables);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(),
              "when.as_of: is not a valid date (2025-2-30)");
  }
  // Coverage's filter, served as the facts answer it; about its own ICS only.
  coverage.mutable_when()->mutable_as_of()->set_day(1);
  coverage.mutable_filter()->set_sector(v1::SECTOR_ADULT_SOCIAL_CARE);
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->Coverage(&context, coverage, &tables).ok());
    v1::WorkforceFilter filter = coverage.filter();
    filter.set_icb_code(coverage.icb_code());
    v1::Table served_coverage = tables.tables(0);
    served_coverage.clear_as_of();
    EXPECT_EQ(served_coverage.SerializeAsString(),
              facts()
                  .Coverage(filter, ToDayNumber(absl::CivilDay(2025, 2, 1)))
                  ->SerializeAsString());
  }
  coverage.mutable_filter()->set_icb_code(generator_->icbs()[1]);
  {
    grpc::ClientContext context;
    grpc::Status status = stub->Coverage(&context, coverage, &tables);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(),
              "filter.icb_code: leave it empty or give the icb_code asked "
              "about");
  }
  grpc::GenericStub generic(channel);
  auto [malformed, body] =
      RawUnaryCall(generic, "/skillspassport.v1.Workforce/Flows",
                   std::string("\xff\xff\xff", 3));
  EXPECT_EQ(malformed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(malformed.error_message(),
            "request is not a valid skillspassport.v1.FlowsRequest protobuf");
  running.server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace
TEST_F(GeneratedWorkforceTest, AWorkforcePlannerSeesItsOwnIcsOnly) {
  const std::string origin = "test.example/log";
  const absl::Time now = absl::FromUnixSeconds(kIssuedAt);
  services::Authenticator authenticator(&intake_->registry(), {}, origin,
                                        [&] { return now; });
  workforce::WorkforceService service(
      &facts(), [&] { return now; }, nullptr, &authenticator,
      &intake_->registry());
  auto running = *services::StartServer("127.0.0.1:0", {&service});
  auto stub = v1::Workforce::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", running.port),
                          grpc::InsecureChannelCredentials()));
  auto call = [&](const std::string& token, auto method, const auto& request,
                  v1::Tables* out) {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    return ((*stub).*method)(&context, request, out);
  };
  v1::SupplyRequest supply;
  supply.mutable_when()->mutable_as_of()->set_year(2025);
  supply.mutable_when()->mutable_as_of()->set_month(6);
  supply.mutable_when()->mutable_as_of()->set_day(30);
  supply.add_group_by(v1::DIMENSION_ICB);
  v1::Tables tables;
  EXPECT_EQ(
      call("", &v1::Workforce::Stub::Supply, supply, &tables).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);

  const std::string own = generator_->icbs()[0], other = generator_->icbs()[1];
  ledger::Signer planner = *generator_->KeyOf("ODS:Q0");
  std::string token = records::SignAccessToken(planner, origin, now);
  ASSERT_TRUE(call(token, &v1::Workforce::Stub::Supply, supply, &tables).ok());
  ASSERT_EQ(tables.tables_size(), 1);
  EXPECT_GT(tables.tables(0).rows_size(), 0);
  for (const v1::TableRow& row : tables.tables(0).rows()) {
    EXPECT_TRUE(row.keys(0) == own || row.keys(0) == "*") << row.keys(0);
  }
  // Each token once; another ICS is refused; so is anyone but a planner.
  EXPECT_EQ(
      call(token, &v1::Workforce::Stub::Supply, supply, &tables).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  v1::CoverageRequest coverage;
  *coverage.mutable_when() = supply.when();
  coverage.set_icb_code(other);
  grpc::Status refused =
      call(records::SignAccessToken(planner, origin, now),
           &v1::Workforce::Stub::Coverage, coverage, &tables);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      refused.error_message(),
      absl::StrCat("ODS:Q0 may query its own ICS (", own, "), not ", other));
  EXPECT_EQ(
      call(records::SignAccessToken(*generator_->KeyOf("ODS:R0"), origin, now),
           &v1::Workforce::Stub::Coverage, coverage, &tables)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(call(records::SignAccessToken(planner, "another/log", now),
                 &v1::Workforce::Stub::Coverage, coverage, &tables)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(
      call(records::SignAccessToken(planner, origin, now - absl::Minutes(10)),
           &v1::Workforce::Stub::Coverage, coverage, &tables)
          .error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  // Governance sees every ICS.
  EXPECT_TRUE(
      call(records::SignAccessToken(generator_->governance(), origin, now),
           &v1::Workforce::Stub::Coverage, coverage, &tables)
          .ok());
  running.server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace skp::testing
