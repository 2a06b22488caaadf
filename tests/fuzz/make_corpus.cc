// Writes the seed corpus of the fuzzers (tests/fuzz/corpus/<fuzzer>/), from
// real encodings signed with the fuzzers' fixed keys:
//   make_corpus DIR
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "records/access_token.h"
#include "records/presentation.h"
#include "records/signing.h"
#include "ledger/entry.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/replication.h"

namespace v1 = skillspassport::v1;
using skp::ledger::Signer;

namespace {

void Write(const std::string& dir, const std::string& name,
           const std::string& bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream(absl::StrCat(dir, "/", name), std::ios::binary) << bytes;
}

v1::Record Employment() {
  v1::Record r;
  r.set_issued_at(1790000000);
  auto* e = r.mutable_employment_started();
  e->set_passport_id(std::string(16, 'p'));
  e->set_organisation_id("CQC:1-101");
  e->set_employment_id("E-1");
  e->set_ascwds_job_role(10);
  e->set_sector(v1::SECTOR_ADULT_SOCIAL_CARE);
  e->set_icb_code("E54000008");
  e->set_place("Liverpool");
  e->set_fte_thousandths(1000);
  e->mutable_start_date()->set_year(2025);
  e->mutable_start_date()->set_month(4);
  e->mutable_start_date()->set_day(1);
  return r;
}

v1::Record Credential() {
  v1::Record r;
  r.set_issued_at(1790000000);
  auto* c = r.mutable_credential_issued();
  c->set_passport_id(std::string(16, 'p'));
  c->set_organisation_id("ODS:RY1");
  c->set_kind(v1::CREDENTIAL_KIND_TRAINING);
  c->set_ascwds_training_category(4);
  c->mutable_awarded()->set_year(2025);
  c->mutable_awarded()->set_month(5);
  c->mutable_awarded()->set_day(2);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_corpus DIR\n");
    return 2;
  }
  std::string root = argv[1];
  Signer node = *Signer::FromSeed("fuzz.example/log", {1});
  Signer witness = *Signer::FromSeed("fuzz.example/witness", {2},
                                     skp::ledger::kAlgCosignatureV1);
  Signer issuer = *Signer::FromSeed("issuer", {3});
  Signer holder = *Signer::FromSeed("holder", {4});

  std::vector<std::string> entries;
  for (const v1::Record& record : {Employment(), Credential()}) {
    const Signer* by[] = {&issuer};
    entries.push_back(*skp::records::SignRecord(record, by));
    Write(root + "/record", absl::StrCat("record", entries.size()),
          record.SerializeAsString());
  }
  for (size_t i = 0; i < entries.size(); ++i)
    Write(root + "/entry", absl::StrCat("entry", i), entries[i]);

  std::vector<skp::ledger::Hash> leaves;
  for (const std::string& e : entries)
    leaves.push_back(skp::ledger::HashLeaf(e));
  skp::ledger::Checkpoint cp{"fuzz.example/log", leaves.size(),
                             skp::ledger::RootOfLeaves(leaves)};
  std::string text = skp::ledger::CheckpointText(cp);
  std::string note = *skp::ledger::SignNote(text, node);
  Write(root + "/note", "checkpoint", note);
  Write(root + "/note", "cosigned",
        note + skp::ledger::Cosign(witness, text, 1790000000));

  v1::Bundle bundle;
  bundle.set_passport_id(std::string(16, 'p'));
  bundle.set_checkpoint(note);
  bundle.set_attested_at(1790000000);
  auto* presented = bundle.add_records();
  presented->set_entry(entries[0]);
  presented->set_index(0);
  presented->add_inclusion_proof(std::string(skp::ledger::AsBytes(leaves[1])));
  presented->set_state(v1::RECORD_STATE_VALID);
  std::string presentation = *skp::records::MakePresentation(
      skp::records::SignBundle(bundle, node), "ODS:RY1", 1790000000, 1790000600,
      holder);
  Write(root + "/presentation", "binary", presentation);
  Write(root + "/presentation", "text",
        skp::records::PresentationToText(presentation));
  Signer ics = *Signer::FromSeed("fuzz.example/ics", {5});
  Write(root + "/token", "valid",
        skp::records::SignAccessToken(ics, "fuzz.example/log",
                                      absl::FromUnixSeconds(1790000000)));
  return 0;
}
