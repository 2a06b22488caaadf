// credentials_bench: W3C credential issuance and status lists on one core
// (records/credentials.h), against the Ed25519 signature every credential
// costs, measured in the same run.
//
//   credentials_bench [--benchmark_repetitions=3]
// Its "bytes" counter is a status list credential's size as served.
#include <benchmark/benchmark.h>

#include <random>

#include "ledger/hash.h"
#include "records/credentials.h"
#include "records/signing.h"

namespace skp {
namespace {

namespace v1 = skillspassport::v1;

struct Fixture {
  ledger::Signer node = *ledger::Signer::Generate("node.example/log");
  ledger::Signer organisation = *ledger::Signer::Generate("sunrise");
  ledger::Signer holder = *ledger::Signer::Generate("tom");
  reference::ReferenceData reference = *reference::ReferenceData::Embedded();
  records::CredentialIssuer issuer{&node, &reference,
                                   "https://node.example/credentials/status"};
  v1::Bundle bundle;

  Fixture() {
    std::string passport_id(16, '\x42');
    v1::Record record;
    record.set_issued_at(1790000000);
    v1::CredentialIssued* c = record.mutable_credential_issued();
    c->set_passport_id(passport_id);
    c->set_organisation_id("sunrise");
    c->set_kind(v1::CREDENTIAL_KIND_TRAINING);
    c->set_ascwds_training_category(10);
    c->mutable_awarded()->set_year(2026);
    c->mutable_awarded()->set_month(3);
    c->mutable_awarded()->set_day(3);
    const ledger::Signer* signers[] = {&organisation};
    bundle.set_passport_id(passport_id);
    bundle.set_checkpoint("node.example/log\n1000000\nroot\n— node sig\n");
    v1::PresentedRecord* presented = bundle.add_records();
    presented->set_entry(*records::SignRecord(record, signers));
    presented->set_index(999999);
    for (int i = 0; i < 20; ++i)  // a proof in a log of a million entries
      presented->add_inclusion_proof(std::string(32, static_cast<char>(i)));
    for (auto [key, principal, owner] :
         {std::tuple{&holder, "worker", ledger::HexEncode(passport_id)},
          std::tuple{&organisation, "organisation", std::string("sunrise")}}) {
      v1::PresentedKey* k = bundle.add_keys();
      k->set_key_id(key->verifier().entry_key_id());
      k->set_public_key(records::PublicKeyBytes(key->verifier()));
      k->set_principal(principal);
      k->set_owner(owner);
    }
  }
};

void BM_Ed25519Sign(benchmark::State& state) {
  Fixture f;
  std::string message(400, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(f.node.Sign(message));
}
BENCHMARK(BM_Ed25519Sign);

void BM_IssueOneCredential(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) {
    auto credentials = records::IssueRecordCredentials(f.bundle, {999999},
                                                       f.issuer);
    benchmark::DoNotOptimize(credentials);
  }
}
BENCHMARK(BM_IssueOneCredential);

// A status list with `range(0)` of its 131,072 records revoked, at random
// places (a regular pattern would compress better than real lists do).
void BM_StatusList(benchmark::State& state) {
  Fixture f;
  std::mt19937_64 random(42);
  std::vector<uint64_t> revoked;
  for (int64_t i = 0; i < state.range(0); ++i)
    revoked.push_back(random() % records::kStatusListSize);
  size_t bytes = 0;
  for (auto _ : state) {
    auto list = records::IssueStatusList("revocation", 0, revoked, 1790000000,
                                         f.issuer);
    bytes = list->size();
    benchmark::DoNotOptimize(list);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_StatusList)->Arg(0)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace skp

BENCHMARK_MAIN();
