// Presentations (FORMAT.md section 7), binary and "SPP1:" text, from
// untrusted bytes: verification never crashes and reports, for anything it
// accepts, one verdict per presented record.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/time/time.h"
#include "records/presentation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  static const auto* node =
      new skp::ledger::Signer(*skp::ledger::Signer::FromSeed(
          "fuzz.example/log", std::array<uint8_t, 32>{1}));
  skp::records::VerifyOptions options{.trusted_nodes = {node->verifier()},
                                      .audience = "ODS:RY1",
                                      .now = absl::FromUnixSeconds(1790000000)};
  for (const std::string& input :
       {bytes, skp::records::PresentationFromText(bytes).value_or("")}) {
    absl::StatusOr<skillspassport::v1::PresentationReport> report =
        skp::records::VerifyPresentation(input, options);
    if (!report.ok()) continue;
    for (const auto& record : report->records()) {
      if (record.verdict() == skillspassport::v1::RECORD_VERDICT_UNSPECIFIED)
        std::abort();
    }
  }
  return 0;
}
