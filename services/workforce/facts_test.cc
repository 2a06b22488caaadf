#include "services/workforce/facts.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/workforce_tables.h"

namespace skp::workforce {
namespace {

namespace v1 = skillspassport::v1;

v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

DayNumber N(int y, int m, int d) {
  return ToDayNumber(absl::CivilDay(y, m, d));
}

std::string Passport(int i) { return absl::StrCat("passport-", 1000 + i); }

using ::skp::testing::Cells;

class FactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto reference = reference::ReferenceData::Embedded();
    ASSERT_TRUE(reference.ok());
    reference_.emplace(*std::move(reference));
    // Exact numbers: these tests check counting; tables_test and the
    // disclosure tests below check rounding.
    facts_.emplace(&*reference_, Disclosure{3, 0});
  }

  std::string Add(v1::Record record) {
    std::string id = absl::StrCat("record-", next_id_++);
    record.set_issued_at(1700000000 + next_id_);
    facts_->Apply({*MakeFact(record, id)});
    return id;
  }
  std::string Employ(int worker, const std::string& org, int role,
                     const std::string& icb, const std::string& place,
                     v1::Sector sector, v1::Date start, int fte = 1000) {
    return Add(Employment(worker, org, role, icb, place, sector, start, fte));
  }
  v1::Record Employment(int worker, const std::string& org, int role,
                        const std::string& icb, const std::string& place,
                        v1::Sector sector, v1::Date start, int fte) {
    v1::Record r;
    auto* e = r.mutable_employment_started();
    e->set_passport_id(Passport(worker));
    e->set_organisation_id(org);
    e->set_employment_id(absl::StrCat("e", worker, org));
    e->set_ascwds_job_role(role);
    e->set_sector(sector);
    e->set_icb_code(icb);
    e->set_place(place);
    e->set_fte_thousandths(fte);
    *e->mutable_start_date() = start;
    return r;
  }
  void End(int worker, const std::string& org, v1::Date end) {
    v1::Record r;
    auto* e = r.mutable_employment_ended();
    e->set_passport_id(Passport(worker));
    e->set_organisation_id(org);
    e->set_employment_id(absl::StrCat("e", worker, org));
    *e->mutable_end_date() = end;
    Add(r);
  }
  std::string Competency(int worker, int activity, v1::Date on,
                         v1::Date reassess_by) {
    v1::Record r;
    auto* c = r.mutable_competency_assessed();
    c->set_passport_id(Passport(worker));
    c->set_activity_category(activity);
    c->set_competent(true);
    *c->mutable_assessed_on() = on;
    *c->mutable_reassess_by() = reassess_by;
    return Add(r);
  }
  // Liverpool's 2024 plans: 5 FTE of role 23, 2 FTE able to do activity 3.
  void PlanLiverpool2024() {
    for (auto [role, activity, fte] :
         {std::tuple{23, 0, 5000}, {0, 3, 2000}}) {
      v1::Record r;
      auto* p = r.mutable_demand_plan();
      p->set_icb_code("E54000008");
      p->set_place("Liverpool");
      if (role) p->set_ascwds_job_role(role);
      if (activity) p->set_activity_category(activity);
      *p->mutable_period_start() = D(2024, 1, 1);
      *p->mutable_period_end() = D(2024, 12, 31);
      p->set_required_fte_thousandths(fte);
      Add(r);
    }
  }
  void Status(const std::string& target, v1::StatusChange change) {
    v1::Record r;
    r.mutable_record_status_changed()->set_target_record(target);
    r.mutable_record_status_changed()->set_change(change);
    Add(r);
  }

  std::optional<reference::ReferenceData> reference_;
  std::optional<WorkforceFacts> facts_;
  int next_id_ = 0;
};

TEST_F(FactsTest, SupplyCountsActiveEmploymentsOnTheDay) {
  for (int i = 0; i < 4; ++i) {
    Employ(i, "CQC:1", 23, "E54000008", "Liverpool",
           v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1), 500);
  }
  Employ(9, "ODS:RX1", 1, "E54000008", "Wirral", v1::SECTOR_NHS, D(2025, 1, 1));
  End(0, "CQC:1", D(2024, 6, 30));
  auto table = facts_->Supply({}, {v1::DIMENSION_PLACE}, N(2024, 6, 30));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(Cells(*table)["Liverpool"], 4);  // the end day still counts
  EXPECT_EQ(Cells(*table, 1)["Liverpool"], 2000);
  EXPECT_EQ(Cells(*table).count("Wirral"), 0u);  // not started yet

  table = facts_->Supply({}, {v1::DIMENSION_PLACE}, N(2025, 2, 1));
  ASSERT_TRUE(table.ok());
  // One worker in Wirral: suppressed, and so is Liverpool's 3 (the total
  // would give Wirral away).
  EXPECT_EQ(Cells(*table)["Wirral"], -1);
  EXPECT_EQ(Cells(*table)["Liverpool"], -1);
  EXPECT_EQ(Cells(*table)["*"], 4);
}

TEST_F(FactsTest, AWorkerInTwoJobsIsCountedOncePerCell) {
  for (int i = 0; i < 3; ++i) {
    Employ(i, "CQC:1", 23, "E54000008", "Liverpool",
           v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1), 600);
    Employ(i, "CQC:2", 23, "E54000008", "Liverpool",
           v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1), 400);
  }
  auto table = facts_->Supply({}, {v1::DIMENSION_ROLE}, N(2024, 3, 1));
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(Cells(*table)["ascwds:23"], 3);
  EXPECT_EQ(Cells(*table, 1)["ascwds:23"], 3000);
}

TEST_F(FactsTest, RevokedAndSuspendedRecordsDoNotCount) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Employ(i, "CQC:1", 23, "E54000008", "Liverpool",
                         v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1)));
  }
  Status(ids[0], v1::STATUS_CHANGE_REVOKED);
  Status(ids[1], v1::STATUS_CHANGE_SUSPENDED);
  auto count = [&] {
    auto table = facts_->Supply({}, {}, N(2024, 3, 1));
    return Cells(*table)[""];
  };
  EXPECT_EQ(count(), 3);
  Status(ids[1], v1::STATUS_CHANGE_REINSTATED);
  EXPECT_EQ(count(), 4);
}

TEST_F(FactsTest, ExportGivesTheLiveFacts) {
  std::string revoked = Employ(0, "CQC:1", 23, "E54000008", "Liverpool",
                               v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1));
  Employ(1, "CQC:1", 23, "E54000008", "Wirral", v1::SECTOR_ADULT_SOCIAL_CARE,
         D(2024, 1, 1), 400);
  End(1, "CQC:1", D(2024, 5, 31));
  Competency(1, 2, D(2024, 2, 1), D(2025, 2, 1));
  Status(revoked, v1::STATUS_CHANGE_REVOKED);
  std::vector<std::string> rows;
  facts_->Export(
      [&](const WorkforceFacts::EmploymentRow& e) {
        rows.push_back(absl::StrCat(e.place, " ", e.role, " ", e.fte, " ",
                                    e.end == N(2024, 5, 31)));
      },
      [&](const WorkforceFacts::HoldingRow& h) {
        rows.push_back(absl::StrCat(h.key, " ", h.until == N(2025, 2, 1),
                                    " due ", h.due == N(2025, 2, 1)));
      },
      [&](const WorkforceFacts::PlanRow&) { rows.push_back("plan"); });
  EXPECT_EQ(rows, (std::vector<std::string>{"Wirral ascwds:23 400 1",
                                            "competency:2 1 due 1"}));
}

TEST_F(FactsTest, StatusBeforeItsTargetStillApplies) {
  // Mirrors may deliver a revocation before the record it names.
  v1::Record revoke;
  revoke.mutable_record_status_changed()->set_target_record("later");
  revoke.mutable_record_status_changed()->set_change(v1::STATUS_CHANGE_REVOKED);
  facts_->Apply({*MakeFact(revoke, "revocation")});
  v1::Record r;
  auto* e = r.mutable_employment_started();
  e->set_passport_id(Passport(1));
  e->set_icb_code("E54000008");
  e->set_place("Liverpool");
  *e->mutable_start_date() = D(2024, 1, 1);
  facts_->Apply({*MakeFact(r, "later")});
  EXPECT_EQ(Cells(*facts_->Supply({}, {}, N(2024, 3, 1)))[""], 0);
}

TEST_F(FactsTest, StatusChangesFindRowsLoadedAndAdmittedAfterTheLoad) {
  // As a node starts: its stored rows loaded, then records admitted.
  facts_->BeginLoad();
  std::vector<std::string> employments, last_standards;
  for (int i = 0; i < 6; ++i) {
    employments.push_back(Employ(i, "CQC:1", 23, "E54000008", "Liverpool",
                                 v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1)));
    for (int s = 1; s <= 16; ++s) {
      v1::Record r;
      auto* m = r.mutable_care_certificate_standard_met();
      m->set_passport_id(Passport(i));
      m->set_version(2025);
      m->set_standard(s);
      *m->mutable_met_on() = D(2024, 2, s);
      std::string id = Add(r);
      if (s == 16) last_standards.push_back(id);
    }
  }
  // Folded after their targets while loading: they apply when it ends.
  Status(employments[0], v1::STATUS_CHANGE_REVOKED);
  Status(last_standards[1], v1::STATUS_CHANGE_REVOKED);
  facts_->EndLoad();
  auto workers = [&] {
    return Cells(*facts_->Supply({}, {}, N(2024, 3, 1)))[""];
  };
  v1::WorkforceFilter certificate;
  certificate.add_holds()->set_care_certificate(true);
  auto certified = [&] {
    return Cells(*facts_->Supply(certificate, {}, N(2024, 3, 1)))[""];
  };
  EXPECT_EQ(workers(), 5);
  EXPECT_EQ(certified(), 4);  // worker 0 is not employed, worker 1 lacks one

  // A status change after the load finds a loaded row.
  Status(last_standards[3], v1::STATUS_CHANGE_SUSPENDED);
  EXPECT_EQ(certified(), 3);
  Status(employments[2], v1::STATUS_CHANGE_SUSPENDED);
  EXPECT_EQ(workers(), 4);
  Status(employments[2], v1::STATUS_CHANGE_REINSTATED);
  EXPECT_EQ(workers(), 5);
  EXPECT_EQ(certified(), 3);

  // And a row admitted after the load.
  std::string later = Employ(6, "CQC:1", 23, "E54000008", "Liverpool",
                             v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1));
  EXPECT_EQ(workers(), 6);
  Status(later, v1::STATUS_CHANGE_REVOKED);
  EXPECT_EQ(workers(), 5);

  // A change naming no row changes nothing.
  Status("no-such-record", v1::STATUS_CHANGE_REVOKED);
  EXPECT_EQ(workers(), 5);
  EXPECT_EQ(certified(), 3);
}

TEST_F(FactsTest, GeographyFollowsTheIcbMergers) {
  for (int i = 0; i < 3; ++i) {
    Employ(i, "CQC:1", 23, "E54000023", "06T", v1::SECTOR_ADULT_SOCIAL_CARE,
           D(2024, 1, 1));
    Employ(10 + i, "CQC:2", 23, "E54000023", "06L",
           v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1));
  }
  auto before = facts_->Supply({}, {v1::DIMENSION_ICB}, N(2026, 3, 31));
  EXPECT_EQ(Cells(*before)["E54000023"], 6);
  auto after = facts_->Supply({}, {v1::DIMENSION_ICB}, N(2026, 4, 1));
  EXPECT_EQ(Cells(*after)["E54000066"], 3);  // North East Essex -> Essex
  EXPECT_EQ(Cells(*after)["E54000068"], 3);  // Suffolk -> Norfolk and Suffolk
  v1::WorkforceFilter essex;
  essex.set_icb_code("E54000066");
  EXPECT_EQ(Cells(*facts_->Supply(essex, {}, N(2026, 4, 1)))[""], 3);
}

TEST_F(FactsTest, HoldingFiltersAndCareCertificates) {
  for (int i = 0; i < 4; ++i) {
    Employ(i, "CQC:1", 23, "E54000008", "Liverpool",
           v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1));
    Competency(i, 3, D(2024, 2, 1), D(2025, 2, 1));
  }
  // Worker 0 meets all 16 standards of the 2025 version, the last in March.
  for (int s = 1; s <= 16; ++s) {
    v1::Record r;
    auto* m = r.mutable_care_certificate_standard_met();
    m->set_passport_id(Passport(0));
    m->set_version(2025);
    m->set_standard(s);
    *m->mutable_met_on() = s == 16 ? D(2024, 3, 10) : D(2024, 2, 1);
    Add(r);
  }
  v1::WorkforceFilter insulin;
  insulin.add_holds()->set_competency_activity(3);
  EXPECT_EQ(Cells(*facts_->Supply(insulin, {}, N(2024, 6, 1)))[""], 4);
  EXPECT_EQ(Cells(*facts_->Supply(insulin, {}, N(2025, 2, 2)))[""], 0);

  // Grouped rather than filtered: competent workers against the rest.
  insulin.add_holds()->set_competency_activity(3);  // a repeat changes nothing
  auto grouped = facts_->Supply(insulin, {v1::DIMENSION_HOLDS}, N(2025, 2, 2));
  ASSERT_TRUE(grouped.ok()) << grouped.status();
  EXPECT_EQ(Cells(*grouped)["no"], 4);
  EXPECT_EQ(Cells(*grouped).count("yes"), 0u);
  EXPECT_EQ(
      Cells(*facts_->Supply(insulin, {v1::DIMENSION_HOLDS, v1::DIMENSION_PLACE},
                            N(2024, 6, 1)))["yes|Liverpool"],
      4);
  EXPECT_FALSE(facts_->Supply({}, {v1::DIMENSION_HOLDS}, N(2024, 6, 1)).ok());

  v1::WorkforceFilter certificate;
  certificate.add_holds()->set_care_certificate(true);
  EXPECT_EQ(Cells(*facts_->Supply(certificate, {}, N(2024, 3, 9)))[""], 0);
  // One worker: a suppressed count.
  EXPECT_EQ(Cells(*facts_->Supply(certificate, {}, N(2024, 3, 10)))[""], -1);
}

TEST_F(FactsTest, CoverageComparesSupplyWithThePlan) {
  for (int i = 0; i < 4; ++i) {
    Employ(i, "CQC:1", 23, "E54000008", "Liverpool",
           v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1), 750);
  }
  Competency(0, 3, D(2024, 2, 1), D(2025, 2, 1));
  PlanLiverpool2024();
  v1::WorkforceFilter ics;
  ics.set_icb_code("E54000008");
  auto table = facts_->Coverage(ics, N(2024, 6, 1));
  ASSERT_TRUE(table.ok()) << table.status();
  auto rows = Cells(*table);
  EXPECT_EQ(rows["Liverpool|ascwds:23"], 4);
  EXPECT_EQ(Cells(*table, 1)["Liverpool|ascwds:23"], 3000);
  EXPECT_EQ(Cells(*table, 3)["Liverpool|ascwds:23"], 2000);  // the gap
  // One competent worker: supply and gap suppressed, the plan shown.
  EXPECT_EQ(rows["Liverpool|activity:3"], -1);
  EXPECT_EQ(Cells(*table, 2)["Liverpool|activity:3"], 2000);
  EXPECT_EQ(Cells(*table, 3)["Liverpool|activity:3"], -1);
  // The ICS total of each need.
  EXPECT_EQ(rows["*|ascwds:23"], 4);
  // The plans themselves, with their periods.
  auto plans = facts_->Plans("E54000008", N(2024, 6, 1));
  ASSERT_TRUE(plans.ok()) << plans.status();
  EXPECT_EQ(Cells(*plans)["Liverpool|ascwds:23|2024-01-01|2024-12-31"], 5000);
  EXPECT_EQ(Cells(*plans)["Liverpool|activity:3|2024-01-01|2024-12-31"], 2000);
  EXPECT_FALSE(facts_->Coverage({}, N(2024, 6, 1)).ok());
}

TEST_F(FactsTest, CoverageCountsWhatTheFilterSelectsAsSupplyDoes) {
  // Role 23 in Liverpool: five in adult social care (0.75 FTE each), three
  // in a local authority (0.5 each); three NHS staff beside them.
  for (int i = 0; i < 8; ++i) {
    Employ(i, i < 5 ? "CQC:1" : "LA:1", 23, "E54000008", "Liverpool",
           i < 5 ? v1::SECTOR_ADULT_SOCIAL_CARE : v1::SECTOR_LOCAL_AUTHORITY,
           D(2024, 1, 1), i < 5 ? 750 : 500);
  }
  for (int i = 8; i < 11; ++i) {
    v1::Record r = Employment(i, "ODS:RQ6", 0, "E54000008", "Liverpool",
                              v1::SECTOR_NHS, D(2024, 1, 1), 1000);
    r.mutable_employment_started()->set_nhs_role_code("N0C");
    Add(r);
  }
  for (int i : {0, 1, 2, 5}) Competency(i, 3, D(2024, 2, 1), D(2025, 2, 1));
  PlanLiverpool2024();
  const DayNumber day = N(2024, 6, 1);
  v1::WorkforceFilter ics;
  ics.set_icb_code("E54000008");
  auto all = facts_->Coverage(ics, day);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(Cells(*all, 1)["Liverpool|ascwds:23"], 5 * 750 + 3 * 500);
  EXPECT_EQ(Cells(*all, 1)["Liverpool|activity:3"], 3 * 750 + 500);

  // Supply's FTE for the same filter, place and role (or activity holders).
  auto supply_fte = [&](v1::WorkforceFilter filter, int activity) {
    if (activity) filter.add_holds()->set_competency_activity(activity);
    auto t =
        facts_->Supply(filter, {v1::DIMENSION_PLACE, v1::DIMENSION_ROLE}, day);
    EXPECT_TRUE(t.ok()) << t.status();
    return activity ? Cells(*t, 1)["Liverpool|*"]
                    : Cells(*t, 1)["Liverpool|ascwds:23"];
  };
  v1::WorkforceFilter care = ics;
  care.set_sector(v1::SECTOR_ADULT_SOCIAL_CARE);
  auto filtered = facts_->Coverage(care, day);
  ASSERT_TRUE(filtered.ok()) << filtered.status();
  // Less by exactly the local authority workers' FTE; people as before.
  EXPECT_EQ(Cells(*filtered, 1)["Liverpool|ascwds:23"],
            Cells(*all, 1)["Liverpool|ascwds:23"] - 3 * 500);
  EXPECT_EQ(Cells(*filtered, 1)["Liverpool|activity:3"],
            Cells(*all, 1)["Liverpool|activity:3"] - 500);
  EXPECT_EQ(Cells(*filtered, 0)["Liverpool|ascwds:23"], 5);
  EXPECT_EQ(Cells(*filtered, 3)["Liverpool|ascwds:23"], 5000 - 3750);
  EXPECT_EQ(Cells(*filtered, 1)["Liverpool|ascwds:23"], supply_fte(care, 0));
  EXPECT_EQ(Cells(*filtered, 1)["Liverpool|activity:3"], supply_fte(care, 3));

  // A holding: only the competent count towards the role too.
  v1::WorkforceFilter competent = ics;
  competent.add_holds()->set_competency_activity(3);
  auto holders = facts_->Coverage(competent, day);
  ASSERT_TRUE(holders.ok()) << holders.status();
  EXPECT_EQ(Cells(*holders, 1)["Liverpool|ascwds:23"],
            Cells(*all, 1)["Liverpool|ascwds:23"] - 2 * 750 - 2 * 500);
  EXPECT_EQ(Cells(*holders, 1)["Liverpool|ascwds:23"],
            supply_fte(competent, 0));

  // Suppression as before: one competent local authority worker.
  v1::WorkforceFilter council = ics;
  council.set_sector(v1::SECTOR_LOCAL_AUTHORITY);
  auto few = facts_->Coverage(council, day);
  ASSERT_TRUE(few.ok()) << few.status();
  EXPECT_EQ(Cells(*few, 0)["Liverpool|ascwds:23"], 3);
  EXPECT_EQ(Cells(*few, 1)["Liverpool|ascwds:23"], supply_fte(council, 0));
  EXPECT_EQ(Cells(*few, 1)["Liverpool|activity:3"], -1);
  EXPECT_EQ(Cells(*few, 3)["Liverpool|activity:3"], -1);
  EXPECT_EQ(Cells(*few, 2)["Liverpool|activity:3"], 2000);

  // An NHS role: selects its employments; a code nobody holds is refused.
  v1::WorkforceFilter nhs = ics;
  nhs.set_nhs_role_code("N0C");
  auto nurses = facts_->Supply(nhs, {}, day);
  ASSERT_TRUE(nurses.ok()) << nurses.status();
  EXPECT_EQ(Cells(*nurses, 0)[""], 3);
  EXPECT_EQ(Cells(*facts_->Coverage(nhs, day), 1)["Liverpool|ascwds:23"], 0);
  nhs.set_nhs_role_code("N0X");
  EXPECT_EQ(facts_->Supply(nhs, {}, day).status().message(),
            "filter.nhs_role_code: no employment names the NHS role \"N0X\"");
  EXPECT_EQ(facts_->Coverage(nhs, day).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(FactsTest, ExpiringAndFlows) {
  for (int i = 0; i < 4; ++i) {
    Employ(i, "CQC:1", 23, "E54000008", "Liverpool",
           v1::SECTOR_ADULT_SOCIAL_CARE, D(2023, 1, 1));
    Competency(i, 3, D(2024, 2, 1), D(2024, 8, 1));
    End(i, "CQC:1", D(2024, 9, 30));
    Employ(i, "ODS:RX1", 1, "E54000008", "Liverpool", v1::SECTOR_NHS,
           D(2024, 10, 1));
  }
  auto due =
      facts_->Expiring("", "", 90, {v1::DIMENSION_ORGANISATION}, N(2024, 6, 1));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(Cells(*due)["CQC:1|competency"], 4);
  EXPECT_EQ(Cells(*facts_->Expiring("", "", 30, {}, N(2024, 6, 1)))
                .count("competency"),
            0u);
  EXPECT_FALSE(facts_->Expiring("", "", 0, {}, N(2024, 6, 1)).ok());

  auto flows =
      facts_->Flows(v1::DIMENSION_SECTOR, "", N(2024, 9, 1), N(2024, 9, 30));
  ASSERT_TRUE(flows.ok()) << flows.status();
  EXPECT_EQ(Cells(*flows)["ADULT_SOCIAL_CARE|NHS"], 4);
  EXPECT_EQ(Cells(*facts_->Flows(v1::DIMENSION_SECTOR, "", N(2024, 10, 1),
                                 N(2024, 10, 31)))
                .count("ADULT_SOCIAL_CARE|NHS"),
            0u);
}

TEST_F(FactsTest, JointRolesCountOnceInEveryTotal) {
  // Workers 0-5 work in a care home; 0-2 also in an NHS trust at once (a
  // joint role); 6-11 in the trust only.
  for (int i = 0; i < 6; ++i) {
    Employ(i, "CQC:1", 23, "E54000008", "Liverpool",
           v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1), 600);
  }
  for (int i : {0, 1, 2, 6, 7, 8, 9, 10, 11}) {
    Employ(i, "ODS:RX1", 23, "E54000008", i < 3 ? "Liverpool" : "Wirral",
           v1::SECTOR_NHS, D(2024, 1, 1), 400);
  }
  auto by_sector = facts_->Supply({}, {v1::DIMENSION_SECTOR}, N(2024, 3, 1));
  ASSERT_TRUE(by_sector.ok()) << by_sector.status();
  EXPECT_EQ(Cells(*by_sector)["ADULT_SOCIAL_CARE"], 6);
  EXPECT_EQ(Cells(*by_sector)["NHS"], 9);
  EXPECT_EQ(Cells(*by_sector)["*"], 12);  // distinct people, not 6 + 9
  EXPECT_EQ(Cells(*by_sector, 1)["*"], 6 * 600 + 9 * 400);  // FTE sums

  auto grid = facts_->Supply({}, {v1::DIMENSION_PLACE, v1::DIMENSION_SECTOR},
                             N(2024, 3, 1));
  ASSERT_TRUE(grid.ok()) << grid.status();
  auto cells = Cells(*grid);
  EXPECT_EQ(cells["Liverpool|ADULT_SOCIAL_CARE"], 6);
  EXPECT_EQ(cells["Liverpool|NHS"], 3);
  EXPECT_EQ(cells["Liverpool|*"], 6);  // 0-2 once
  EXPECT_EQ(cells["*|NHS"], 9);
  EXPECT_EQ(cells["*|*"], 12);
  EXPECT_EQ(Cells(*facts_->Supply({}, {}, N(2024, 3, 1)))[""], 12);

  // Expiring: worker 0's competency, due in 20 days, is one item, shown in
  // each place it works in (Liverpool twice over, and Wirral) and once in
  // the totals.
  for (int i : {0, 1, 2, 3, 9, 10}) {
    Competency(i, 3, D(2024, 2, 1), D(2024, 3, 21));
  }
  Employ(0, "CQC:9", 23, "E54000008", "Wirral", v1::SECTOR_ADULT_SOCIAL_CARE,
         D(2024, 1, 1));
  auto due = facts_->Expiring("", "", 30, {v1::DIMENSION_PLACE}, N(2024, 3, 1));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(Cells(*due)["Liverpool|competency"], 4);     // workers
  EXPECT_EQ(Cells(*due, 1)["Liverpool|competency"], 4);  // items, not 5
  EXPECT_EQ(Cells(*due, 1)["Wirral|competency"], 3);
  EXPECT_EQ(Cells(*due, 1)["*|competency"], 6);  // not 7
  EXPECT_EQ(Cells(*due)["*|*"], 6);
}

TEST_F(FactsTest, FlowsCountMovesAndPeople) {
  // Workers 0-5 move from social care to the NHS; 0-2 move back.
  for (int i = 0; i < 6; ++i) {
    Employ(i, "CQC:1", 23, "E54000008", "Liverpool",
           v1::SECTOR_ADULT_SOCIAL_CARE, D(2023, 1, 1));
    End(i, "CQC:1", D(2024, 3, 31));
    Employ(i, "ODS:RX1", 23, "E54000008", "Liverpool", v1::SECTOR_NHS,
           D(2024, 4, 1));
  }
  for (int i = 0; i < 3; ++i) {
    End(i, "ODS:RX1", D(2024, 6, 30));
    Employ(i, "CQC:2", 23, "E54000008", "Liverpool",
           v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 7, 1));
  }
  auto flows =
      facts_->Flows(v1::DIMENSION_SECTOR, "", N(2024, 1, 1), N(2024, 12, 31));
  ASSERT_TRUE(flows.ok()) << flows.status();
  auto moves = Cells(*flows, 0), people = Cells(*flows, 1);
  EXPECT_EQ(moves["ADULT_SOCIAL_CARE|NHS"], 6);
  EXPECT_EQ(people["ADULT_SOCIAL_CARE|NHS"], 6);
  EXPECT_EQ(moves["NHS|ADULT_SOCIAL_CARE"], 3);
  EXPECT_EQ(moves["*|*"], 9);
  EXPECT_EQ(people["*|*"], 6);
  EXPECT_EQ(people["ADULT_SOCIAL_CARE|*"], 6);
}

TEST_F(FactsTest, OneIcsCountsMovesInAndOutAndItsOwnWorkersItems) {
  // Three workers each: leaving Liverpool (E54000008) for Leeds, entering
  // it from Leeds, moving within Leeds, moving within Liverpool. Each holds
  // a competency falling due in May 2024.
  const std::pair<const char*, const char*> moves[] = {
      {"Liverpool", "Leeds"},
      {"Leeds", "Liverpool"},
      {"Leeds", "Leeds"},
      {"Liverpool", "Liverpool"}};
  auto icb = [](absl::string_view place) {
    return place == "Leeds" ? "E54000054" : "E54000008";
  };
  for (int m = 0; m < 4; ++m) {
    for (int k = 0; k < 3; ++k) {
      const int i = 3 * m + k;
      auto [from, to] = moves[m];
      Employ(i, "CQC:1", 23, icb(from), from, v1::SECTOR_ADULT_SOCIAL_CARE,
             D(2023, 1, 1));
      End(i, "CQC:1", D(2024, 3, 31));
      Employ(i, "ODS:RX1", 23, icb(to), to, v1::SECTOR_NHS, D(2024, 4, 1));
      Competency(i, 3, D(2024, 2, 1), D(2024, 5, 20));
    }
  }
  const DayNumber from = N(2024, 1, 1), to = N(2024, 12, 31);
  auto liverpool = facts_->Flows(v1::DIMENSION_SECTOR, "E54000008", from, to);
  ASSERT_TRUE(liverpool.ok()) << liverpool.status();
  EXPECT_EQ(Cells(*liverpool)["ADULT_SOCIAL_CARE|NHS"], 9);
  EXPECT_EQ(Cells(*liverpool, 1)["*|*"], 9);
  EXPECT_EQ(Cells(*facts_->Flows(v1::DIMENSION_SECTOR, "E54000054", from,
                                 to))["ADULT_SOCIAL_CARE|NHS"],
            9);
  EXPECT_EQ(Cells(*facts_->Flows(v1::DIMENSION_SECTOR, "", from, to))
                ["ADULT_SOCIAL_CARE|NHS"],
            12);
  EXPECT_EQ(Cells(*facts_->Flows(v1::DIMENSION_SECTOR, "E54000099", from, to))
                .count("ADULT_SOCIAL_CARE|NHS"),
            0u);

  // On 1 May those working in Liverpool hold 6 of the 12 items due.
  auto due = facts_->Expiring("E54000008", "", 30, {v1::DIMENSION_PLACE},
                              N(2024, 5, 1));
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(Cells(*due)["Liverpool|competency"], 6);
  EXPECT_EQ(Cells(*due, 1)["*|*"], 6);
  EXPECT_EQ(Cells(*due).count("Leeds|competency"), 0u);
  EXPECT_EQ(Cells(*facts_->Expiring("", "", 30, {}, N(2024, 5, 1)), 1)["*"],
            12);
}

TEST_F(FactsTest, BadQueriesAreRefused) {
  EXPECT_EQ(facts_
                ->Supply({}, {v1::DIMENSION_PLACE, v1::DIMENSION_PLACE},
                         N(2024, 1, 1))
                .status()
                .message(),
            "group_by: DIMENSION_PLACE is repeated");
  v1::WorkforceFilter empty_holding;
  empty_holding.add_holds();
  EXPECT_FALSE(facts_->Supply(empty_holding, {}, N(2024, 1, 1)).ok());
  EXPECT_FALSE(facts_->Flows(v1::DIMENSION_ORGANISATION, "", 0, 10).ok());
  Employ(0, "CQC:1", 23, "E54000008", "Liverpool",
         v1::SECTOR_ADULT_SOCIAL_CARE, D(2024, 1, 1));
  v1::WorkforceFilter elsewhere;
  elsewhere.set_icb_code("E54000008");
  elsewhere.set_place("Leeds");
  EXPECT_EQ(facts_->Supply(elsewhere, {}, N(2024, 1, 1)).status().message(),
            "filter.place: \"Leeds\" is not a place of the ICS E54000008");
  EXPECT_EQ(facts_->Expiring("E54000008", "Leeds", 30, {}, N(2024, 1, 1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace skp::workforce
