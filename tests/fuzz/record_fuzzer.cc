// Record payloads (proto/skillspassport/v1/records.proto) from untrusted
// bytes: the content checks every node runs before admission never crash.
#include <cstdint>
#include <string>

#include "records/reference/reference_data.h"
#include "records/record_checks.h"
#include "skillspassport/v1/records.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* reference = new skp::reference::ReferenceData(
      *skp::reference::ReferenceData::Embedded());
  skillspassport::v1::Record record;
  if (!record.ParseFromArray(data, static_cast<int>(size))) return 0;
  (void)skp::records::CheckRecordContent(record, *reference);
  return 0;
}
