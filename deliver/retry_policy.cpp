#include "deliver/retry_policy.h"

#include <algorithm>

namespace sluice {

RetryPolicy::RetryPolicy(int maxAttempts, int64_t maxDelayMs)
    : maxAttempts_(maxAttempts), maxDelayMs_(maxDelayMs), rng_(std::random_device{}()) {}

RetryDecision RetryPolicy::afterFailure(Outcome outcome, int previousAttempts, int64_t retryAfterMs,
                                        int64_t nowMs) {
  RetryDecision d;
  d.attempts = previousAttempts + 1;
  d.giveUp = outcome == Outcome::Fatal || d.attempts >= maxAttempts_;
  if (!d.giveUp) d.nextAttemptMs = nowMs + backoffMs(d.attempts, retryAfterMs);
  return d;
}

int64_t RetryPolicy::backoffMs(int attempts, int64_t retryAfterMs) {
  const int64_t base = std::min<int64_t>(maxDelayMs_, 1000LL << std::min(attempts - 1, 20));
  double factor;
  {
    std::lock_guard<std::mutex> lock(rngMutex_);
    factor = std::uniform_real_distribution<double>(0.5, 1.0)(rng_);  // "equal jitter"
  }
  const int64_t jittered = static_cast<int64_t>(base * factor);
  return std::min(maxDelayMs_, std::max(jittered, retryAfterMs));
}

}  // namespace sluice
