// Ledger entries (FORMAT.md section 2) from untrusted bytes: decoding never
// crashes, and whatever decodes re-encodes to the same bytes (the format has
// one encoding per entry).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ledger/entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<skp::ledger::Entry> entry = skp::ledger::DecodeEntry(bytes);
  if (!entry.ok()) return 0;
  absl::StatusOr<std::string> again = skp::ledger::EncodeEntry(*entry);
  if (!again.ok() || *again != bytes) std::abort();
  return 0;
}
