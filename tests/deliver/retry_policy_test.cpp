// deliver/retry_policy.h: when a failed attempt is tried again, and when it is given up.
#include "deliver/retry_policy.h"

#include <gtest/gtest.h>

namespace sluice {
namespace retry_policy_test {

struct Case {
  const char* what;
  Outcome outcome;
  int previousAttempts;
  int64_t retryAfterMs;
  bool giveUp;
  int64_t minWaitMs;  // when not given up: the wait is within [minWaitMs, maxWaitMs]
  int64_t maxWaitMs;
};

class RetryPolicyTable : public ::testing::TestWithParam<Case> {};

TEST_P(RetryPolicyTable, Decides) {
  const Case& c = GetParam();
  RetryPolicy policy(/*maxAttempts=*/5, /*maxDelayMs=*/60000);
  for (int round = 0; round < 50; ++round) {  // the jitter is random: every draw must fit
    const RetryDecision d =
        policy.afterFailure(c.outcome, c.previousAttempts, c.retryAfterMs, 1000);
    EXPECT_EQ(d.attempts, c.previousAttempts + 1) << c.what;
    EXPECT_EQ(d.giveUp, c.giveUp) << c.what;
    if (d.giveUp) continue;
    EXPECT_GE(d.nextAttemptMs - 1000, c.minWaitMs) << c.what;
    EXPECT_LE(d.nextAttemptMs - 1000, c.maxWaitMs) << c.what;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RetryPolicyTable,
    ::testing::Values(Case{"first retry waits 0.5-1 s", Outcome::Retry, 0, -1, false, 500, 1000},
                      Case{"third retry waits 2-4 s", Outcome::Retry, 2, -1, false, 2000, 4000},
                      Case{"Retry-After is a floor", Outcome::Retry, 0, 30000, false, 30000, 30000},
                      Case{"the ceiling caps Retry-After", Outcome::Retry, 0, 600000, false, 60000,
                           60000},
                      Case{"fourth retry waits 4-8 s", Outcome::Retry, 3, -1, false, 4000, 8000},
                      Case{"a fatal error is not retried", Outcome::Fatal, 0, -1, true, 0, 0},
                      Case{"the last attempt gives up", Outcome::Retry, 4, -1, true, 0, 0}));

TEST(RetryPolicy, BackoffNeverExceedsTheCeiling) {
  RetryPolicy policy(100, 15000);
  for (int attempts = 1; attempts < 80; ++attempts)
    EXPECT_LE(policy.backoffMs(attempts, -1), 15000) << attempts;
}

}  // namespace retry_policy_test
}  // namespace sluice
