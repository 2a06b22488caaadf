// Early-return helpers for absl::Status; Debian's Abseil 20220623 ships none.
#ifndef SKP_LEDGER_STATUS_MACROS_H_
#define SKP_LEDGER_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SKP_RETURN_IF_ERROR(expr)                               \
  do {                                                          \
    if (absl::Status skp_status_ = (expr); !skp_status_.ok()) { \
      return skp_status_;                                       \
    }                                                           \
  } while (0)

#define SKP_CONCAT_INNER_(a, b) a##b
#define SKP_CONCAT_(a, b) SKP_CONCAT_INNER_(a, b)
#define SKP_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return std::move(tmp).status();   \
  lhs = std::move(*tmp)

// SKP_ASSIGN_OR_RETURN(auto x, FunctionReturningStatusOr());
#define SKP_ASSIGN_OR_RETURN(lhs, expr) \
  SKP_ASSIGN_OR_RETURN_IMPL_(SKP_CONCAT_(skp_statusor_, __LINE__), lhs, expr)

#endif  // SKP_LEDGER_STATUS_MACROS_H_
