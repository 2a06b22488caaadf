// TestNetwork: a node's intake path in memory (ledger::Log over a
// MemoryStore, the trust registry, the passport projection) with a small
// network of keys and builders for realistic records. Test code only.
//
// Network() has governance register a care home (CQC:1-101, employer), an
// NHS trust (ODS:RY1, employer and identity checker) and an ICS (ODS:QYG,
// workforce planner); the trust registers a nurse (NMC:12A3456B); the care
// home enrols a worker.
#ifndef SKP_TESTS_TESTING_NETWORK_H_
#define SKP_TESTS_TESTING_NETWORK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "ledger/entry.h"
#include "ledger/log.h"
#include "ledger/memory_store.h"
#include "services/passport/passport_projection.h"
#include "services/passportd/intake.h"
#include "records/reference/reference_data.h"
#include "services/registry/record_validator.h"
#include "services/registry/trust_registry.h"

namespace skp::testing {

namespace v1 = skillspassport::v1;
using absl::StatusCode;

inline constexpr int64_t kNow = 1790000000;  // 2026-09-21
inline constexpr char kIcb[] =
    "E54000008";  // Cheshire and Merseyside, unchanged in 2026

inline std::string Key(const ledger::Signer& s) {
  return std::string(
      reinterpret_cast<const char*>(s.verifier().public_key().data()), 32);
}

inline v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

class TestNetwork {
 public:
  TestNetwork()
      : node_key_(*ledger::Signer::Generate("node")),
        governance_(*ledger::Signer::Generate("governance")),
        care_home_(*ledger::Signer::Generate("care-home")),
        trust_(*ledger::Signer::Generate("trust")),
        ics_(*ledger::Signer::Generate("ics")),
        nurse_(*ledger::Signer::Generate("nurse")),
        worker_(*ledger::Signer::Generate("worker")),
        stranger_(*ledger::Signer::Generate("stranger")),
        reference_(*reference::ReferenceData::Embedded()) {}

  void Open() {
    log_.reset();
    intake_ = *services::Intake::Load(
        &store_, {governance_.verifier()}, &reference_,
        [this] { return absl::FromUnixSeconds(now_); }, {}, snapshot_);
    registry_ = &intake_->registry();
    passports_ = &intake_->passports();
    log_ = *ledger::Log::Open(&store_, &node_key_, &intake_->validator(),
                              {"test/log"});
  }

  v1::Record Rec() {
    v1::Record r;
    r.set_issued_at(now_);
    return r;
  }

  absl::StatusOr<ledger::AppendResult> Submit(
      const v1::Record& record, std::vector<const ledger::Signer*> signers) {
    return log_->AppendAndWait(*ledger::SignEntry(
        ledger::kRecordPayloadType, record.SerializeAsString(), signers));
  }

  void ExpectRefused(const v1::Record& record,
                     std::vector<const ledger::Signer*> signers,
                     StatusCode code, absl::string_view message_part) {
    uint64_t before = *store_.Size();
    auto result = Submit(record, signers);
    EXPECT_EQ(result.status().code(), code) << result.status();
    EXPECT_NE(result.status().message().find(message_part),
              absl::string_view::npos)
        << "message: " << result.status().message();
    EXPECT_EQ(*store_.Size(), before) << "a refused record was written";
  }

  v1::Record RegisterOrganisation(const std::string& id,
                                  const ledger::Signer& key,
                                  std::vector<v1::OrganisationRole> roles) {
    v1::Record r = Rec();
    auto* o = r.mutable_organisation_registered();
    o->set_organisation_id(id);
    o->set_id_scheme(id.rfind("ODS:", 0) == 0 ? v1::ID_SCHEME_ODS
                                              : v1::ID_SCHEME_CQC);
    o->set_name("Organisation " + id);
    o->set_sector(id.rfind("ODS:", 0) == 0 ? v1::SECTOR_NHS
                                           : v1::SECTOR_ADULT_SOCIAL_CARE);
    o->set_icb_code(kIcb);
    o->set_place("Liverpool");
    for (auto role : roles) o->add_roles(role);
    o->set_public_key(Key(key));
    return r;
  }

  // Governance registers a care home, an NHS trust and an ICS; the trust
  // registers a nurse; the care home enrols a worker.
  void Network() {
    ASSERT_TRUE(Submit(RegisterOrganisation("CQC:1-101", care_home_,
                                            {v1::ORGANISATION_ROLE_EMPLOYER}),
                       {&governance_})
                    .ok());
    ASSERT_TRUE(
        Submit(RegisterOrganisation("ODS:RY1", trust_,
                                    {v1::ORGANISATION_ROLE_EMPLOYER,
                                     v1::ORGANISATION_ROLE_IDENTITY_CHECKER}),
               {&governance_})
            .ok());
    ASSERT_TRUE(
        Submit(RegisterOrganisation("ODS:QYG", ics_,
                                    {v1::ORGANISATION_ROLE_WORKFORCE_PLANNER}),
               {&governance_})
            .ok());
    v1::Record nurse = Rec();
    auto* n = nurse.mutable_professional_registered();
    n->set_professional_id("NMC:12A3456B");
    n->set_regulator(v1::REGULATOR_NMC);
    n->set_registration_number("12A3456B");
    n->set_profession("Registered nurse (adult), diabetes specialist");
    n->set_organisation_id("ODS:RY1");
    n->set_public_key(Key(nurse_));
    ASSERT_TRUE(Submit(nurse, {&trust_}).ok());
    v1::Record enrol = Rec();
    enrol.mutable_passport_enrolled()->set_public_key(Key(worker_));
    enrol.mutable_passport_enrolled()->set_identity_commitment(
        std::string(32, 'c'));
    enrol.mutable_passport_enrolled()->set_organisation_id("CQC:1-101");
    ASSERT_TRUE(Submit(enrol, {&worker_, &care_home_}).ok());
  }

  std::string Passport() { return records::PassportIdOf(Key(worker_)); }

  v1::Record Employment(const std::string& org) {
    v1::Record r = Rec();
    auto* e = r.mutable_employment_started();
    e->set_passport_id(Passport());
    e->set_organisation_id(org);
    e->set_employment_id("E-1");
    e->set_ascwds_job_role(10);
    e->set_sector(v1::SECTOR_ADULT_SOCIAL_CARE);
    e->set_icb_code(kIcb);
    e->set_place("Liverpool");
    e->set_fte_thousandths(1000);
    *e->mutable_start_date() = D(2026, 5, 1);
    return r;
  }

  v1::Record Standard(int version, int standard) {
    v1::Record r = Rec();
    auto* s = r.mutable_care_certificate_standard_met();
    s->set_passport_id(Passport());
    s->set_organisation_id("CQC:1-101");
    s->set_version(version);
    s->set_standard(standard);
    s->set_assessor("senior care worker");
    s->set_method("observation");
    *s->mutable_met_on() = D(2026, 6, 1);
    return r;
  }

  v1::Record Competency() {
    v1::Record r = Rec();
    auto* c = r.mutable_competency_assessed();
    c->set_passport_id(Passport());
    c->set_professional_id("NMC:12A3456B");
    c->set_activity_category(2);
    c->set_procedure("subcutaneous insulin by pen");
    c->set_competent(true);
    *c->mutable_assessed_on() = D(2026, 7, 1);
    *c->mutable_reassess_by() = D(2027, 7, 1);
    return r;
  }

  // An insulin delegation by the nurse, backed by `competency`.
  v1::Record Delegation(const ledger::Hash& competency) {
    v1::Record r = Rec();
    auto* d = r.mutable_activity_delegated();
    d->set_delegation_id("D-1");
    d->set_passport_id(Passport());
    d->set_professional_id("NMC:12A3456B");
    d->set_profession("Registered nurse");
    d->set_regulator(v1::REGULATOR_NMC);
    d->set_registration_number("12A3456B");
    d->set_activity_category(2);
    d->set_procedure("subcutaneous insulin by pen");
    d->set_person_reference("P-7f3a");
    d->set_setting("CQC:1-101");
    d->set_conditions("blood glucose checked first; no dose changes");
    d->set_supervision_contact("community diabetes team duty line");
    d->set_competency_record(std::string(ledger::AsBytes(competency)));
    *d->mutable_delegated_on() = D(2026, 7, 2);
    *d->mutable_review_by() = D(2026, 10, 2);
    return r;
  }

  v1::Record Consent(const std::string& id, const std::string& organisation,
                     int64_t expires_at) {
    v1::Record r = Rec();
    auto* c = r.mutable_consent_granted();
    c->set_consent_id(id);
    c->set_passport_id(Passport());
    c->set_grantee_organisation_id(organisation);
    c->set_scope("passport:read");
    c->set_expires_at(expires_at);
    return r;
  }

  int64_t now_ = kNow;
  std::string snapshot_;  // the snapshot file Open starts from, if any
  ledger::Signer node_key_, governance_, care_home_, trust_, ics_, nurse_,
      worker_, stranger_;
  reference::ReferenceData reference_;
  ledger::MemoryStore store_;
  std::unique_ptr<services::Intake> intake_;
  const registry::TrustRegistry* registry_ = nullptr;
  const passport::PassportProjection* passports_ = nullptr;
  std::unique_ptr<ledger::Log> log_;
};

}  // namespace skp::testing

#endif  // SKP_TESTS_TESTING_NETWORK_H_
