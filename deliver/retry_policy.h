// One retry policy for every failure of a delivery: after a failed attempt, either try again at
// a time (exponential backoff with "equal jitter", at least the server's Retry-After, at most
// settings.max_retry_delay) or give up (a fatal error, or settings.max_attempts used up).
#pragma once

#include <cstdint>
#include <mutex>
#include <random>

#include "core/outcome.h"

namespace sluice {

struct RetryDecision {
  bool giveUp = false;
  int attempts = 0;           // attempts made, this one included
  int64_t nextAttemptMs = 0;  // when to try again (unless giveUp)
};

class RetryPolicy {
 public:
  RetryPolicy(int maxAttempts, int64_t maxDelayMs);

  // previousAttempts: the delivery's attempts before this one; retryAfterMs: -1 = none.
  RetryDecision afterFailure(Outcome outcome, int previousAttempts, int64_t retryAfterMs,
                             int64_t nowMs);
  // The wait before attempt number `attempts` (1-based), jittered, at least retryAfterMs.
  int64_t backoffMs(int attempts, int64_t retryAfterMs);

 private:
  const int maxAttempts_;
  const int64_t maxDelayMs_;
  std::mutex rngMutex_;
  std::mt19937_64 rng_;
};

}  // namespace sluice
