// Tests use the client library's raw unary call (records/raw_call.h).
#ifndef SKP_TESTS_TESTING_RAW_CALL_H_
#define SKP_TESTS_TESTING_RAW_CALL_H_

#include "records/raw_call.h"

namespace skp::testing {
using records::RawUnaryCall;
}  // namespace skp::testing

#endif  // SKP_TESTS_TESTING_RAW_CALL_H_
