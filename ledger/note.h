// C2SP signed-note and tlog-checkpoint: the text form in which a log commits
// to its size and root. Byte-compatible with golang.org/x/mod/sumdb/note.
//
//   <text, one or more lines each ending in "\n">
//   "\n"
//   "— " <key name> " " base64(key_hash[4] || ed25519_signature[64]) "\n"  (1+)
//
// A checkpoint's text is "<origin>\n<decimal size>\n<base64 root>\n".
#ifndef SKP_LEDGER_NOTE_H_
#define SKP_LEDGER_NOTE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ledger/crypto.h"
#include "ledger/hash.h"

namespace skp::ledger {

inline constexpr size_t kMaxNoteSize = 16384;
inline constexpr size_t kMaxNoteSignatures = 100;

struct NoteSignature {
  std::string name;
  uint32_t key_hash;
  std::string signature;
};

struct SignedNote {
  std::string text;  // the signed bytes, ending in "\n"
  std::vector<NoteSignature> signatures;
};

// Returns text + "\n" + the signer's signature line.
absl::StatusOr<std::string> SignNote(absl::string_view text,
                                     const Signer& signer);
absl::StatusOr<SignedNote> ParseNote(absl::string_view note);
// OK if the note carries a valid signature by `verifier`; signatures by other
// keys are ignored, as C2SP says.
absl::Status VerifyNote(const SignedNote& note, const Verifier& verifier);

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
};

std::string CheckpointText(const Checkpoint& checkpoint);
absl::StatusOr<Checkpoint> ParseCheckpointText(absl::string_view text);
// The checkpoint a signed note carries, checking no signature: for routing
// and sizes only, never for trust.
absl::StatusOr<Checkpoint> PeekCheckpoint(absl::string_view note);
// Parses a signed checkpoint and checks `verifier`'s signature on it.
absl::StatusOr<Checkpoint> OpenCheckpoint(absl::string_view note,
                                          const Verifier& verifier);

// ---- cosignatures (C2SP tlog-cosignature, Ed25519 cosignature/v1) ----

// "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint text.
std::string CosignatureMessage(absl::string_view checkpoint_text,
                               uint64_t timestamp);
// A note signature line: "— <name> base64(key hash || u64 timestamp ||
// signature)\n". `witness` must be a kAlgCosignatureV1 key.
std::string Cosign(const Signer& witness, absl::string_view checkpoint_text,
                   uint64_t timestamp);
// The timestamp of `witness`'s valid cosignature on `note`; kUnauthenticated
// if it has none (cosignatures by other keys are ignored).
absl::StatusOr<uint64_t> VerifyCosignature(const SignedNote& note,
                                           const Verifier& witness);
// How many of `witnesses` (distinct keys) validly cosigned `note`.
int CountCosignatures(const SignedNote& note,
                      absl::Span<const Verifier> witnesses);

}  // namespace skp::ledger

#endif  // SKP_LEDGER_NOTE_H_
