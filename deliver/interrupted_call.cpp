#include "deliver/interrupted_call.h"

#include <algorithm>

namespace sluice {

Interruption interruptionRule(const Operation& op, const App& app) {
  // A key the API dedupes is the surest: no read can race a write that is still landing.
  if (!app.idempotencyHeader.empty() &&
      (op.request.method == "POST" || op.request.method == "PATCH"))
    return Interruption::Deduped;
  if (op.lookup) return Interruption::LookedUp;
  if (op.idempotent) return Interruption::Repeated;
  return Interruption::DeadLetter;
}

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
