#include "ledger/note.h"

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/bytes.h"
#include "ledger/status_macros.h"

namespace skp::ledger {
namespace {

constexpr absl::string_view kSigPrefix =
    "\xe2\x80\x94 ";  // U+2014 EM DASH, space
constexpr size_t kTimestampedSignatureSize = 8 + kSignatureSize;

absl::Status Corrupt(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed note: ", what));
}

absl::Status CheckText(absl::string_view text) {
  if (text.empty() || text.back() != '\n')
    return Corrupt("text must end with a newline");
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\n') || c == 0x7f)
      return Corrupt("text has a control character");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> SignNote(absl::string_view text,
                                     const Signer& signer) {
  SKP_RETURN_IF_ERROR(CheckText(text));
  if (text.find("\n\n") != absl::string_view::npos)
    return Corrupt("text has a blank line");
  std::string blob = BigEndian32(signer.verifier().key_hash());
  blob += signer.Sign(text);
  return absl::StrCat(text, "\n", kSigPrefix, signer.name(), " ",
                      Base64Encode(blob), "\n");
}

absl::StatusOr<SignedNote> ParseNote(absl::string_view note) {
  if (note.size() > kMaxNoteSize) return Corrupt("too long");
  size_t split = note.rfind("\n\n");
  if (split == absl::string_view::npos)
    return Corrupt("no blank line before signatures");
  SignedNote out;
  out.text = std::string(note.substr(0, split + 1));
  SKP_RETURN_IF_ERROR(CheckText(out.text));
  absl::string_view sigs = note.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n')
    return Corrupt("signature block must end with a newline");
  sigs.remove_suffix(1);
  for (absl::string_view line : absl::StrSplit(sigs, '\n')) {
    if (out.signatures.size() == kMaxNoteSignatures)
      return Corrupt("too many signatures");
    if (line.substr(0, kSigPrefix.size()) != kSigPrefix)
      return Corrupt("signature line must start with an em dash");
    line.remove_prefix(kSigPrefix.size());
    size_t space = line.find(' ');
    if (space == absl::string_view::npos)
      return Corrupt("signature line has no key name");
    NoteSignature sig;
    sig.name = std::string(line.substr(0, space));
    SKP_RETURN_IF_ERROR(ValidateKeyName(sig.name));
    auto blob = Base64Decode(line.substr(space + 1));
    if (!blob.ok() || blob->size() < 5)
      return Corrupt("signature is not base64 of key hash and signature");
    sig.key_hash = static_cast<uint32_t>(ReadBigEndian(blob->substr(0, 4)));
    sig.signature = blob->substr(4);
    out.signatures.push_back(std::move(sig));
  }
  return out;
}

absl::Status VerifyNote(const SignedNote& note, const Verifier& verifier) {
  for (const NoteSignature& sig : note.signatures) {
    if (sig.name != verifier.name() || sig.key_hash != verifier.key_hash())
      continue;
    if (!verifier.Verify(note.text, sig.signature)) {
      return absl::UnauthenticatedError(absl::StrCat(
          "note signature by ", verifier.name(), " does not verify"));
    }
    return absl::OkStatus();
  }
  return absl::UnauthenticatedError(
      absl::StrCat("note has no signature by ", verifier.name()));
}

std::string CheckpointText(const Checkpoint& checkpoint) {
  return absl::StrCat(checkpoint.origin, "\n", checkpoint.size, "\n",
                      Base64Encode(AsBytes(checkpoint.root)), "\n");
}

absl::StatusOr<Checkpoint> ParseCheckpointText(absl::string_view text) {
  SKP_RETURN_IF_ERROR(CheckText(text));
  std::vector<absl::string_view> lines =
      absl::StrSplit(text.substr(0, text.size() - 1), '\n');
  if (lines.size() < 3)
    return Corrupt("a checkpoint has origin, size and root lines");
  Checkpoint cp;
  if (lines[0].empty()) return Corrupt("empty origin");
  cp.origin = std::string(lines[0]);
  absl::string_view size = lines[1];
  if (size.empty() || size.size() > 20 || (size.size() > 1 && size[0] == '0') ||
      size.find_first_not_of("0123456789") != absl::string_view::npos ||
      !absl::SimpleAtoi(size, &cp.size)) {
    return Corrupt("tree size is not a canonical decimal number");
  }
  auto root = Base64Decode(lines[2]);
  if (!root.ok() || root->size() != 32)
    return Corrupt("root is not base64 of 32 bytes");
  std::memcpy(cp.root.data(), root->data(), 32);
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return Corrupt("empty extension line");
  }
  return cp;
}

absl::StatusOr<Checkpoint> PeekCheckpoint(absl::string_view note) {
  SKP_ASSIGN_OR_RETURN(SignedNote parsed, ParseNote(note));
  return ParseCheckpointText(parsed.text);
}

absl::StatusOr<Checkpoint> OpenCheckpoint(absl::string_view note,
                                          const Verifier& verifier) {
  SKP_ASSIGN_OR_RETURN(SignedNote parsed, ParseNote(note));
  SKP_RETURN_IF_ERROR(VerifyNote(parsed, verifier));
  return ParseCheckpointText(parsed.text);
}

// ---- cosignatures (C2SP tlog-cosignature) ----

std::string CosignatureMessage(absl::string_view checkpoint_text,
                               uint64_t timestamp) {
  return absl::StrCat("cosignature/v1\ntime ", timestamp, "\n",
                      checkpoint_text);
}

std::string Cosign(const Signer& witness, absl::string_view checkpoint_text,
                   uint64_t timestamp) {
  std::string blob = BigEndian32(witness.verifier().key_hash());
  blob += BigEndian64(timestamp);
  blob += witness.Sign(CosignatureMessage(checkpoint_text, timestamp));
  return absl::StrCat(kSigPrefix, witness.name(), " ", Base64Encode(blob),
                      "\n");
}

absl::StatusOr<uint64_t> VerifyCosignature(const SignedNote& note,
                                           const Verifier& witness) {
  for (const NoteSignature& sig : note.signatures) {
    if (sig.name != witness.name() || sig.key_hash != witness.key_hash() ||
        sig.signature.size() != kTimestampedSignatureSize) {
      continue;
    }
    uint64_t timestamp = ReadBigEndian(sig.signature.substr(0, 8));
    if (timestamp >> 63 == 0 &&
        witness.Verify(CosignatureMessage(note.text, timestamp),
                       absl::string_view(sig.signature).substr(8))) {
      return timestamp;
    }
  }
  return absl::UnauthenticatedError(
      absl::StrCat("note has no valid cosignature by ", witness.name()));
}

int CountCosignatures(const SignedNote& note,
                      absl::Span<const Verifier> witnesses) {
  int count = 0;
  for (size_t i = 0; i < witnesses.size(); ++i) {
    bool repeated = false;
    for (size_t j = 0; j < i; ++j)
      repeated |= witnesses[j].public_key() == witnesses[i].public_key();
    if (!repeated && VerifyCosignature(note, witnesses[i]).ok()) ++count;
  }
  return count;
}

}  // namespace skp::ledger
