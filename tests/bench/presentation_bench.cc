// Verifying a presentation of 10 records offline, against the Ed25519
// verifications it needs, on one core (Google Benchmark; the ratio goes in
// tests/bench/RESULTS.md).
//
// A presentation of N records needs N + 3 verifications: the node's bundle
// signature, its checkpoint signature, the holder's signature and one per
// record (each signed by one issuer).
//
// With --presentation=FILE --node-vkey=VKEY --audience=ID it also times
// BM_VerifyPresentationFile: the C++ verifier on a presentation another
// verifier is timed on (clients/web/test/browser.mjs, the Verify page).
#include <benchmark/benchmark.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "records/presentation.h"
#include "records/signing.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "records/authorization.h"

namespace skp::bench {
namespace {

namespace v1 = skillspassport::v1;
constexpr int kRecords = 10;

struct Fixture {
  Fixture()
      : node(*ledger::Signer::Generate("node")),
        holder(*ledger::Signer::Generate("holder")),
        issuer(*ledger::Signer::Generate("issuer")) {
    std::string passport =
        records::PassportIdOf(records::PublicKeyBytes(holder.verifier()));
    int64_t now = absl::ToUnixSeconds(absl::Now());
    std::vector<std::string> entries;
    std::vector<ledger::Hash> leaves;
    for (int i = 0; i < kRecords; ++i) {
      v1::Record record;
      record.set_issued_at(now);
      auto* s = record.mutable_care_certificate_standard_met();
      s->set_passport_id(passport);
      s->set_organisation_id("CQC:1-101");
      s->set_version(2025);
      s->set_standard(i + 1);
      const ledger::Signer* signers[] = {&issuer};
      entries.push_back(*records::SignRecord(record, signers));
      leaves.push_back(ledger::HashLeaf(entries.back()));
    }
    v1::Bundle bundle;
    bundle.set_passport_id(passport);
    bundle.set_checkpoint(
        *ledger::SignNote(ledger::CheckpointText(
                              {"node", kRecords, ledger::RootOfLeaves(leaves)}),
                          node));
    for (int i = 0; i < kRecords; ++i) {
      v1::PresentedRecord* r = bundle.add_records();
      r->set_entry(entries[i]);
      r->set_index(i);
      r->set_state(v1::RECORD_STATE_VALID);
      std::vector<ledger::Hash> proof =
          *ledger::InclusionProof(i, kRecords, [&](int l, uint64_t x) {
            return ledger::SubtreeOfLeaves(leaves, l, x);
          });
      for (const ledger::Hash& h : proof)
        r->add_inclusion_proof(std::string(ledger::AsBytes(h)));
    }
    for (auto [signer, principal, owner] :
         {std::tuple{&holder, "worker", ledger::HexEncode(passport)},
          std::tuple{&issuer, "organisation", std::string("CQC:1-101")}}) {
      v1::PresentedKey* k = bundle.add_keys();
      k->set_key_id(signer->verifier().entry_key_id());
      k->set_public_key(records::PublicKeyBytes(signer->verifier()));
      k->set_principal(principal);
      k->set_owner(owner);
    }
    presentation = *records::MakePresentation(
        records::SignBundle(bundle, node), "ODS:RY1", now, now + 3600, holder);
  }

  ledger::Signer node, holder, issuer;
  std::string presentation;
};

void BM_VerifyPresentation10(benchmark::State& state) {
  Fixture f;
  records::VerifyOptions options{.trusted_nodes = {f.node.verifier()},
                                 .audience = "ODS:RY1",
                                 .now = absl::Now()};
  for (auto _ : state) {
    auto report = records::VerifyPresentation(f.presentation, options);
    if (!report.ok() || report->records_size() != kRecords ||
        report->records(0).verdict() != v1::RECORD_VERDICT_VALID) {
      state.SkipWithError("verification failed");
      break;
    }
  }
}
BENCHMARK(BM_VerifyPresentation10)->Unit(benchmark::kMicrosecond);

// The limit: the Ed25519 verifications alone.
void BM_Ed25519Verifications13(benchmark::State& state) {
  ledger::Signer signer = *ledger::Signer::Generate("k");
  std::string message(300, 'm');
  std::string signature = signer.Sign(message);
  for (auto _ : state) {
    for (int i = 0; i < kRecords + 3; ++i) {
      benchmark::DoNotOptimize(signer.verifier().Verify(message, signature));
    }
  }
}
BENCHMARK(BM_Ed25519Verifications13)->Unit(benchmark::kMicrosecond);

void BM_VerifyPresentationFile(benchmark::State& state,
                               const std::string& presentation,
                               const records::VerifyOptions& given) {
  records::VerifyOptions options = given;
  options.now = absl::Now();
  for (auto _ : state) {
    if (!records::VerifyPresentation(presentation, options).ok()) {
      state.SkipWithError("verification failed");
      break;
    }
  }
}

int Main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::string file, vkey, audience;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--presentation=")) {
      file = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--node-vkey=")) {
      vkey = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--audience=")) {
      audience = std::string(arg);
    } else {
      std::cerr << "unknown argument " << arg << "\n";
      return 2;
    }
  }
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    std::string presentation{std::istreambuf_iterator<char>(in), {}};
    absl::StatusOr<ledger::Verifier> node = ledger::Verifier::Parse(vkey);
    if (!in || !node.ok()) {
      std::cerr << "cannot read " << file << " or the --node-vkey\n";
      return 2;
    }
    benchmark::RegisterBenchmark(
        "BM_VerifyPresentationFile", BM_VerifyPresentationFile, presentation,
        records::VerifyOptions{.trusted_nodes = {*node}, .audience = audience})
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace
}  // namespace skp::bench

int main(int argc, char** argv) { return skp::bench::Main(argc, argv); }
