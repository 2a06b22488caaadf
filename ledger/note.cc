#include "ledger/note.h"

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/status_macros.h"

namespace skp::ledger {
namespace {

constexpr absl::string_view kSigPrefix =
    "\xe2\x80\x94 ";  // U+2014 EM DASH, space

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
  uint32_t h = signer.verifier().key_hash();
  std::string blob = {static_cast<char>(h >> 24), static_cast<char>(h >> 16),
                      static_cast<char>(h >> 8), static_cast<char>(h)};
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
    sig.key_hash = uint32_t{static_cast<uint8_t>((*blob)[0])} << 24 |
                   uint32_t{static_cast<uint8_t>((*blob)[1])} << 16 |
                   uint32_t{static_cast<uint8_t>((*blob)[2])} << 8 |
                   uint32_t{static_cast<uint8_t>((*blob)[3])};
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

}  // namespace skp::ledger
