#include "ledger/validator.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "ledger/hash.h"
#include "ledger/status_macros.h"

namespace skp::ledger {

TrustAnchorValidator::TrustAnchorValidator(
    const std::vector<Verifier>& anchors) {
  for (const Verifier& v : anchors) by_key_id_.emplace(v.entry_key_id(), v);
}

absl::StatusOr<std::vector<Verifier>> ParseTrustAnchors(
    absl::string_view text) {
  std::vector<Verifier> anchors;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    auto verifier = Verifier::Parse(line);
    if (!verifier.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("trust anchors line ", line_number, ": ",
                       verifier.status().message()));
    }
    anchors.push_back(*std::move(verifier));
  }
  return anchors;
}

absl::StatusOr<std::vector<Verifier>> ReadTrustAnchors(
    const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return absl::NotFoundError(
        absl::StrCat("cannot read trust anchors ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseTrustAnchors(text.str());
}

absl::Status TrustAnchorValidator::Validate(
    const IncomingEntry& incoming) const {
  const Entry& entry = incoming.decoded;
  std::string pae = PreAuthEncoding(entry.payload_type, entry.payload);
  for (size_t i = 0; i < entry.signatures.size(); ++i) {
    const EntrySignature& sig = entry.signatures[i];
    auto it = by_key_id_.find(sig.key_id);
    if (it == by_key_id_.end()) {
      // The operator may add it to the anchors later.
      return AwaitingDependency(absl::PermissionDeniedError(
          absl::StrCat("signature ", i, ": key id ", HexEncode(sig.key_id),
                       " is not a trust anchor")));
    }
    if (!it->second.Verify(pae, sig.signature)) {
      return absl::UnauthenticatedError(absl::StrCat(
          "signature ", i, " by ", it->second.name(), " does not verify"));
    }
  }
  return absl::OkStatus();
}

}  // namespace skp::ledger
