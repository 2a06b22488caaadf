// Tests use the client library's raw unary call (clients/raw_call.h).
#ifndef SKP_TESTS_TESTING_RAW_CALL_H_
#define SKP_TESTS_TESTING_RAW_CALL_H_

#include "clients/raw_call.h"

namespace skp::testing {
using clients::RawUnaryCall;
}  // namespace skp::testing

#endif  // SKP_TESTS_TESTING_RAW_CALL_H_
