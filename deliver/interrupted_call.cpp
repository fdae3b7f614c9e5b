#include "deliver/interrupted_call.h"

#include <algorithm>

namespace sluice {

int64_t settleMs(const Connection& connection) {
  return std::max<int64_t>(2LL * connection.timeoutMs, 5000);
}

int64_t sentAtMs(const StepResult& started) {
  try {
    return std::stoll(started.resultJson);
  } catch (const std::exception&) {
    return 0;  // marked before the time was kept: long enough ago
  }
}

}  // namespace sluice
