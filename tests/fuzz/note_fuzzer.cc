// Signed notes, checkpoints and cosignatures (FORMAT.md sections 4 and 8)
// from untrusted bytes: parsing and verification never crash, and nothing
// forged verifies under the fixed keys.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ledger/crypto.h"
#include "ledger/note.h"
#include "ledger/replication.h"

namespace {

// The keys make_corpus signs the seeds with.
const skp::ledger::Verifier& LogKey() {
  static const auto* key = new skp::ledger::Verifier(
      skp::ledger::Signer::FromSeed("fuzz.example/log", {1})->verifier());
  return *key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string note(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<skp::ledger::SignedNote> parsed = skp::ledger::ParseNote(note);
  if (!parsed.ok()) return 0;
  (void)skp::ledger::ParseCheckpointText(parsed->text);
  (void)skp::ledger::OpenCheckpoint(note, LogKey());
  static const auto* witness = new skp::ledger::Verifier(
      skp::ledger::Signer::FromSeed("fuzz.example/witness", {2},
                                    skp::ledger::kAlgCosignatureV1)
          ->verifier());
  (void)skp::ledger::VerifyCosignature(*parsed, *witness);
  skp::ledger::Verifier keys[] = {*witness, *witness};
  if (skp::ledger::CountCosignatures(*parsed, keys) > 1) std::abort();
  return 0;
}
