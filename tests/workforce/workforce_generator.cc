#include "tests/workforce/workforce_generator.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "records/signing.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "ledger/status_macros.h"
#include "records/authorization.h"
#include "records/record_checks.h"

namespace skp::testing {

namespace v1 = skillspassport::v1;

namespace {

constexpr int kPlacesPerIcb = 3;
constexpr int kCareRoles[] = {10, 25, 39, 11};
// Care Workforce Pathway categories of social care workers: new to care,
// care or support worker, enhanced care worker, supervisor or leader.
constexpr int kPathwayCategories[] = {1, 2, 2, 2, 3, 4};
const char* const kNhsRoles[] = {"H1A", "N0C", "N1C"};
constexpr int kTrainingCategories[] = {4, 7, 10, 13, 20, 22};
constexpr int kActivities[] = {2, 6};  // insulin-type medication, PEG feeding
const absl::CivilDay kEarliestStart(2023, 4, 1);  // the ICBs in the data
const absl::CivilDay kLatestDay(2026, 10, 31);
const absl::CivilDay kPlanStart(2024, 1, 1);
const absl::CivilDay kPlanEnd(2027, 3, 31);
const absl::CivilDay kForever(9999, 12, 31);
constexpr int kJointIndex = 3;  // employment ids W<worker>-3

std::string Place(const std::string& icb, int k) {
  return absl::StrCat(icb, "/", k + 1);
}

}  // namespace

absl::StatusOr<WorkforceGenerator> WorkforceGenerator::Create(
    WorkforceGeneratorOptions options,
    const reference::ReferenceData* reference) {
  WorkforceGenerator g(options, reference);
  g.icbs_ = reference->IcbCodesOn(absl::CivilDay(2024, 1, 1));
  SKP_RETURN_IF_ERROR(g.AddKey("governance").status());
  return g;
}

absl::StatusOr<std::string> WorkforceGenerator::Emit(
    v1::Record& record, const std::vector<const ledger::Signer*>& signers,
    absl::FunctionRef<absl::Status(const std::string&)> sink) {
  record.set_issued_at(IssuedAt());
  SKP_ASSIGN_OR_RETURN(std::string entry, records::SignRecord(record, signers));
  ++entries_;
  SKP_RETURN_IF_ERROR(sink(entry));
  return std::string(ledger::AsBytes(ledger::HashLeaf(entry)));
}

int64_t WorkforceGenerator::IssuedAt() const {
  return options_.issued_at != 0 ? options_.issued_at
                                 : absl::ToUnixSeconds(absl::Now());
}

absl::StatusOr<ledger::Signer> WorkforceGenerator::WorkerKey(int w) const {
  ledger::Hash seed = ledger::Sha256(
      absl::StrCat("workforce-generator/", options_.seed, "/worker/", w));
  return ledger::Signer::FromSeed("synthetic", seed);
}

absl::StatusOr<ledger::Signer> WorkforceGenerator::KeyOf(
    const std::string& label) const {
  ledger::Hash seed = ledger::Sha256(
      absl::StrCat("workforce-generator/", options_.seed, "/", label));
  return ledger::Signer::FromSeed("synthetic", seed);
}

absl::StatusOr<size_t> WorkforceGenerator::AddKey(const std::string& label) {
  SKP_ASSIGN_OR_RETURN(ledger::Signer key, KeyOf(label));
  keys_.push_back(std::move(key));
  return keys_.size() - 1;
}

absl::Status WorkforceGenerator::Generate(
    absl::FunctionRef<absl::Status(const std::string&)> sink,
    absl::FunctionRef<void(int)> progress) {
  SKP_RETURN_IF_ERROR(Setup(sink));
  return Workers(sink, progress);
}

absl::Status WorkforceGenerator::Workers(
    absl::FunctionRef<absl::Status(const std::string&)> sink,
    absl::FunctionRef<void(int)> progress) {
  for (int w = 0; w < options_.workers; ++w) {
    SKP_RETURN_IF_ERROR(Worker(w, sink));
    if ((w + 1) % 1000 == 0) progress(w + 1);
  }
  progress(options_.workers);
  return absl::OkStatus();
}

absl::Status WorkforceGenerator::Setup(
    absl::FunctionRef<absl::Status(const std::string&)> sink) {
  auto emit = [&](v1::Record& r, std::vector<size_t> signers) -> absl::Status {
    std::vector<const ledger::Signer*> by;
    for (size_t k : signers) by.push_back(&keys_[k]);
    return Emit(r, by, sink).status();
  };
  auto register_org =
      [&](Organisation org, v1::IdScheme scheme,
          std::vector<v1::OrganisationRole> roles,
          const std::string& name) -> absl::StatusOr<Organisation> {
    SKP_ASSIGN_OR_RETURN(org.key, AddKey(org.id));
    v1::Record r;
    auto* o = r.mutable_organisation_registered();
    o->set_organisation_id(org.id);
    o->set_id_scheme(scheme);
    o->set_name(name);
    o->set_sector(static_cast<v1::Sector>(org.sector));
    // Registered now, so under the ICB in force now.
    o->set_icb_code(
        reference_->IcbOn(org.icb, org.place,
                          absl::ToCivilDay(absl::FromUnixSeconds(IssuedAt()),
                                           absl::UTCTimeZone())));
    o->set_place(org.place);
    for (v1::OrganisationRole role : roles) o->add_roles(role);
    o->set_public_key(records::PublicKeyBytes(keys_[org.key].verifier()));
    SKP_RETURN_IF_ERROR(emit(r, {0}));
    return org;
  };
  const int providers_per_icb = std::max<int>(
      1, options_.workers /
             (static_cast<int>(icbs_.size()) * options_.workers_per_provider));
  std::mt19937_64 rng(options_.seed);
  for (size_t i = 0; i < icbs_.size(); ++i) {
    const std::string& icb = icbs_[i];
    SKP_ASSIGN_OR_RETURN(Organisation planner,
                         register_org({absl::StrCat("ODS:Q", i), 0,
                                       v1::SECTOR_SYSTEM, icb, Place(icb, 0)},
                                      v1::ID_SCHEME_ODS,
                                      {v1::ORGANISATION_ROLE_WORKFORCE_PLANNER},
                                      absl::StrCat("Synthetic ICS ", i)));
    planners_.push_back(planner);
    SKP_ASSIGN_OR_RETURN(Organisation trust,
                         register_org({absl::StrCat("ODS:R", i), 0,
                                       v1::SECTOR_NHS, icb, Place(icb, 0)},
                                      v1::ID_SCHEME_ODS,
                                      {v1::ORGANISATION_ROLE_EMPLOYER,
                                       v1::ORGANISATION_ROLE_TRAINING_PROVIDER,
                                       v1::ORGANISATION_ROLE_IDENTITY_CHECKER},
                                      absl::StrCat("Synthetic NHS Trust ", i)));
    trusts_.push_back(trust);
    providers_.emplace_back();
    for (int j = 0; j < providers_per_icb; ++j) {
      SKP_ASSIGN_OR_RETURN(
          Organisation provider,
          register_org({absl::StrCat("CQC:1-", i, "-", j), 0,
                        v1::SECTOR_ADULT_SOCIAL_CARE, icb,
                        Place(icb, static_cast<int>(rng() % kPlacesPerIcb))},
                       v1::ID_SCHEME_CQC,
                       {v1::ORGANISATION_ROLE_EMPLOYER,
                        v1::ORGANISATION_ROLE_TRAINING_PROVIDER,
                        v1::ORGANISATION_ROLE_IDENTITY_CHECKER},
                       absl::StrCat("Synthetic Care Provider ", i, "-", j)));
      providers_.back().push_back(provider);
    }
    // A registered nurse, vouched for by the trust.
    std::string number = absl::StrCat("99S", 1000 + i, "E");
    SKP_ASSIGN_OR_RETURN(size_t nurse_key,
                         AddKey(absl::StrCat("NMC:", number)));
    v1::Record r;
    auto* p = r.mutable_professional_registered();
    p->set_professional_id(absl::StrCat("NMC:", number));
    p->set_regulator(v1::REGULATOR_NMC);
    p->set_registration_number(number);
    p->set_profession("Registered nurse (adult)");
    p->set_organisation_id(trust.id);
    p->set_public_key(records::PublicKeyBytes(keys_[nurse_key].verifier()));
    SKP_RETURN_IF_ERROR(emit(r, {trust.key}));
    nurses_.push_back({p->professional_id(), nurse_key});
    // Demand plans for care workers and for insulin-type medication.
    for (int k = 0; k < kPlacesPerIcb; ++k) {
      for (bool activity : {false, true}) {
        v1::Record plan;
        auto* d = plan.mutable_demand_plan();
        d->set_organisation_id(planner.id);
        d->set_icb_code(icb);
        d->set_place(Place(icb, k));
        if (activity) {
          d->set_activity_category(kActivities[0]);
        } else {
          d->set_ascwds_job_role(kCareRoles[0]);
        }
        *d->mutable_period_start() = records::ToDate(kPlanStart);
        *d->mutable_period_end() = records::ToDate(kPlanEnd);
        int64_t scale = std::max(1, options_.workers / 126);
        d->set_required_fte_thousandths(
            static_cast<int32_t>(scale * (activity ? 100 : 500) +
                                 static_cast<int64_t>(rng() % 1000)));
        SKP_RETURN_IF_ERROR(emit(plan, {planner.key}));
        if (options_.keep_truth) {
          plans_.push_back({icb, Place(icb, k),
                            activity ? absl::StrCat("activity:", kActivities[0])
                                     : absl::StrCat("ascwds:", kCareRoles[0]),
                            kPlanStart, kPlanEnd,
                            d->required_fte_thousandths()});
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::Status WorkforceGenerator::Worker(
    int w, absl::FunctionRef<absl::Status(const std::string&)> sink) {
  std::mt19937_64 rng(options_.seed * 0x9E3779B97F4A7C15ull + w);
  auto chance = [&](int percent) {
    return static_cast<int>(rng() % 100) < percent;
  };
  auto days = [&](int lo, int hi) {
    return lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1));
  };
  SKP_ASSIGN_OR_RETURN(ledger::Signer worker, WorkerKey(w));
  const std::string passport_id =
      records::PassportIdOf(records::PublicKeyBytes(worker.verifier()));

  auto emit = [&](v1::Record& r, const ledger::Signer& a,
                  const ledger::Signer* b =
                      nullptr) -> absl::StatusOr<std::string> {
    std::vector<const ledger::Signer*> by = {&a};
    if (b != nullptr) by.push_back(b);
    return Emit(r, by, sink);
  };

  // Where the worker starts: an NHS trust (30%) or a care provider.
  const size_t icb = rng() % icbs_.size();
  auto pick_org = [&](size_t in_icb, bool nhs) -> const Organisation& {
    if (nhs) return trusts_[in_icb];
    const auto& providers = providers_[in_icb];
    return providers[rng() % providers.size()];
  };
  const Organisation* org = &pick_org(icb, chance(30));

  v1::Record enrol;
  auto* e = enrol.mutable_passport_enrolled();
  e->set_public_key(records::PublicKeyBytes(worker.verifier()));
  e->set_identity_commitment(std::string(ledger::AsBytes(ledger::Sha256(
      absl::StrCat("synthetic identity ", options_.seed, "/", w)))));
  e->set_organisation_id(org->id);
  SKP_RETURN_IF_ERROR(emit(enrol, worker, &keys_[org->key]).status());

  auto employ = [&](const Organisation& at, absl::CivilDay start,
                    int index) -> absl::StatusOr<GeneratedEmployment> {
    v1::Record r;
    auto* s = r.mutable_employment_started();
    s->set_passport_id(passport_id);
    s->set_organisation_id(at.id);
    s->set_employment_id(absl::StrCat("W", w, "-", index));
    GeneratedEmployment g{
        w,
        at.id,
        at.icb,
        Place(at.icb, static_cast<int>(rng() % kPlacesPerIcb)),
        "",
        at.sector,
        chance(60) ? 1000 : 500,
        start,
        std::nullopt,
        0,
        index == kJointIndex};
    if (at.sector == v1::SECTOR_NHS) {
      s->set_nhs_role_code(kNhsRoles[rng() % std::size(kNhsRoles)]);
      g.role = absl::StrCat("nhs:", s->nhs_role_code());
    } else {
      s->set_ascwds_job_role(kCareRoles[rng() % std::size(kCareRoles)]);
      g.role = absl::StrCat("ascwds:", s->ascwds_job_role());
      g.pathway =
          kPathwayCategories[rng() % std::size(kPathwayCategories)];
      s->set_care_workforce_pathway_category(g.pathway);
    }
    s->set_sector(static_cast<v1::Sector>(at.sector));
    s->set_icb_code(reference_->IcbOn(at.icb, g.place, start));
    s->set_place(g.place);
    s->set_fte_thousandths(g.fte);
    *s->mutable_start_date() = records::ToDate(start);
    SKP_RETURN_IF_ERROR(emit(r, keys_[at.key]).status());
    return g;
  };

  const absl::CivilDay start = kEarliestStart + days(0, 3 * 365);
  SKP_ASSIGN_OR_RETURN(GeneratedEmployment first, employ(*org, start, 1));
  // A quarter move on, if that happens before the data's end.
  std::optional<absl::CivilDay> end;
  if (chance(25)) {
    absl::CivilDay day = start + days(200, 1200);
    if (day < kLatestDay - 60) end = day;
  }
  const absl::CivilDay last_active = end.value_or(kLatestDay);

  // Training, from the employer; one in fifty first certificates revoked.
  for (int t = 0; t < 3; ++t) {
    v1::Record r;
    auto* c = r.mutable_credential_issued();
    c->set_passport_id(passport_id);
    c->set_organisation_id(org->id);
    c->set_kind(v1::CREDENTIAL_KIND_TRAINING);
    int category = kTrainingCategories[rng() % std::size(kTrainingCategories)];
    c->set_ascwds_training_category(category);
    c->set_level(2);
    c->set_evidence_digest(std::string(ledger::AsBytes(ledger::Sha256(
        absl::StrCat("evidence ", options_.seed, "/", w, "/", t)))));
    absl::CivilDay awarded = start + days(0, 200);
    absl::CivilDay until = awarded + 365 * days(1, 3);
    *c->mutable_awarded() = records::ToDate(awarded);
    *c->mutable_valid_until() = records::ToDate(until);
    SKP_ASSIGN_OR_RETURN(std::string id, emit(r, keys_[org->key]));
    bool revoked = t == 0 && chance(2);
    if (revoked) {
      v1::Record s;
      auto* change = s.mutable_record_status_changed();
      change->set_target_record(id);
      change->set_change(v1::STATUS_CHANGE_REVOKED);
      change->set_reason(v1::REVOCATION_REASON_ISSUED_IN_ERROR);
      SKP_RETURN_IF_ERROR(emit(s, keys_[org->key]).status());
    }
    if (options_.keep_truth) {
      holdings_.push_back(
          {w, absl::StrCat("training:", category), awarded, until, revoked});
    }
  }

  if (org->sector == v1::SECTOR_ADULT_SOCIAL_CARE) {
    // Care Certificate: 40% complete all 16 standards (2025), 20% half.
    int standards = chance(40) ? 16 : chance(33) ? 8 : 0;
    absl::CivilDay completed = start;
    for (int s = 1; s <= standards; ++s) {
      v1::Record r;
      auto* m = r.mutable_care_certificate_standard_met();
      m->set_passport_id(passport_id);
      m->set_organisation_id(org->id);
      m->set_version(2025);
      m->set_standard(s);
      m->set_assessor("senior care worker");
      m->set_method("observation");
      absl::CivilDay met = start + days(14, 120);
      completed = std::max(completed, met);
      *m->mutable_met_on() = records::ToDate(met);
      SKP_RETURN_IF_ERROR(emit(r, keys_[org->key]).status());
    }
    if (standards == 16 && options_.keep_truth) {
      holdings_.push_back({w, "care-certificate", completed, kForever});
    }

    // The Level 2 Adult Social Care Certificate: a quarter, within two
    // years of starting.
    if (chance(25)) {
      v1::Record r;
      auto* c = r.mutable_credential_issued();
      c->set_passport_id(passport_id);
      c->set_organisation_id(org->id);
      c->set_kind(v1::CREDENTIAL_KIND_QUALIFICATION);
      c->set_qualification(reference::kLevel2AdultSocialCareCertificate);
      c->set_level(2);
      c->set_evidence_digest(std::string(ledger::AsBytes(ledger::Sha256(
          absl::StrCat("level 2 ", options_.seed, "/", w)))));
      absl::CivilDay awarded = start + days(90, 730);
      *c->mutable_awarded() = records::ToDate(awarded);
      SKP_RETURN_IF_ERROR(emit(r, keys_[org->key]).status());
      if (options_.keep_truth) {
        holdings_.push_back(
            {w,
             absl::StrCat("qualification:",
                          reference::kLevel2AdultSocialCareCertificate),
             awarded, kForever});
      }
    }

    // A competency, assessed by the ICB's nurse, and usually a delegation.
    absl::CivilDay assessed = start + days(30, 300);
    if (chance(15) && assessed + 30 < last_active) {
      const auto& [nurse_id, nurse_key] = nurses_[icb];
      const ledger::Signer& nurse = keys_[nurse_key];
      int activity = kActivities[rng() % std::size(kActivities)];
      absl::CivilDay reassess = assessed + 365;
      v1::Record r;
      auto* c = r.mutable_competency_assessed();
      c->set_passport_id(passport_id);
      c->set_professional_id(nurse_id);
      c->set_activity_category(activity);
      c->set_procedure(activity == 2 ? "subcutaneous insulin by pen"
                                     : "PEG feed by gravity");
      c->set_competent(true);
      *c->mutable_assessed_on() = records::ToDate(assessed);
      *c->mutable_reassess_by() = records::ToDate(reassess);
      SKP_ASSIGN_OR_RETURN(std::string competency_id, emit(r, nurse));
      if (options_.keep_truth) {
        holdings_.push_back(
            {w, absl::StrCat("competency:", activity), assessed, reassess});
      }
      if (chance(67)) {
        absl::CivilDay on = assessed + 7;
        v1::Record d;
        auto* a = d.mutable_activity_delegated();
        a->set_delegation_id(absl::StrCat("D-", options_.seed, "-", w));
        a->set_passport_id(passport_id);
        a->set_professional_id(nurse_id);
        a->set_profession("Registered nurse (adult)");
        a->set_regulator(v1::REGULATOR_NMC);
        a->set_registration_number(nurse_id.substr(4));
        a->set_activity_category(activity);
        a->set_procedure(c->procedure());
        a->set_person_reference(absl::StrCat("person-", w));
        a->set_setting(org->id);
        a->set_conditions("as in the care plan");
        a->set_supervision_contact("district nursing team");
        a->set_competency_record(competency_id);
        *a->mutable_delegated_on() = records::ToDate(on);
        *a->mutable_review_by() = records::ToDate(on + 182);
        SKP_RETURN_IF_ERROR(emit(d, nurse).status());
        absl::CivilDay until = kForever;
        if (chance(10)) {
          v1::Record x;
          auto* wd = x.mutable_delegation_withdrawn();
          wd->set_delegation_id(a->delegation_id());
          wd->set_professional_id(nurse_id);
          until = on + 100;
          *wd->mutable_withdrawn_on() = records::ToDate(until);
          wd->set_reason(v1::REVOCATION_REASON_CHANGE_IN_PERSONS_CONDITION);
          SKP_RETURN_IF_ERROR(emit(x, nurse).status());
          until -= 1;
        }
        if (options_.keep_truth) {
          holdings_.push_back(
              {w, absl::StrCat("delegation:", activity), on, until});
        }
      }
    }
  }

  if (end.has_value()) {
    v1::Record r;
    auto* x = r.mutable_employment_ended();
    x->set_passport_id(passport_id);
    x->set_organisation_id(org->id);
    x->set_employment_id("W" + std::to_string(w) + "-1");
    *x->mutable_end_date() = records::ToDate(*end);
    x->set_reason("moved on");
    SKP_RETURN_IF_ERROR(emit(r, keys_[org->key]).status());
    first.end = end;
  }
  if (options_.keep_truth) employments_.push_back(first);
  if (end.has_value()) {
    // The next job: the other sector half the time, another ICB a fifth.
    size_t next_icb = chance(20) ? rng() % icbs_.size() : icb;
    bool nhs = (org->sector == v1::SECTOR_NHS) != chance(50);
    SKP_ASSIGN_OR_RETURN(
        GeneratedEmployment second,
        employ(pick_org(next_icb, nhs), *end + days(0, 60), 2));
    if (options_.keep_truth) employments_.push_back(second);
  }
  // A joint role: 8% also work in the other sector from within
  // a hundred days of starting (before any move, so it is no move itself).
  if (chance(8)) {
    bool nhs = org->sector != v1::SECTOR_NHS;
    SKP_ASSIGN_OR_RETURN(
        GeneratedEmployment joint,
        employ(pick_org(icb, nhs), start + days(1, 100), kJointIndex));
    if (options_.keep_truth) employments_.push_back(joint);
  }
  return absl::OkStatus();
}

}  // namespace skp::testing
