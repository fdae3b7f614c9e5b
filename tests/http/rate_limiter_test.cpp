// http/rate_limiter.h: a token bucket driven by explicit nowMs values, plus what the server
// says in its rate-limit headers. No sleeps: time is whatever the test passes.
#include "http/rate_limiter.h"

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "test_support.h"

namespace sluice {
namespace rate_limiter_test {

// GHL's header names, as apps/ghl/app.yaml declares them.
RateLimitSpec ghlHeaders() {
  RateLimitSpec spec;
  spec.requests = 100;
  spec.perSeconds = 10;
  spec.headers["limit"] = "X-RateLimit-Max";
  spec.headers["remaining"] = "X-RateLimit-Remaining";
  spec.headers["window_ms"] = "X-RateLimit-Interval-Milliseconds";
  spec.headers["reset"] = "X-RateLimit-Reset";
  return spec;
}

HttpResponse response(HttpHeaders headers, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

// Takes n requests at nowMs; returns how many had to wait.
int takeWaiting(RateLimiter& limiter, int n, int64_t nowMs) {
  int waited = 0;
  for (int i = 0; i < n; ++i) waited += limiter.reserve(nowMs) > 0;
  return waited;
}

// ---------------------------------------------------------------- bucket

TEST(RateLimiterTest, BurstUpToCapacityGoesWithoutWaiting) {
  RateLimiter limiter(100, 10000);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(limiter.reserve(0), 0) << "request " << i;
}

TEST(RateLimiterTest, NextAfterBurstWaitsOneRefillInterval) {
  RateLimiter limiter(100, 10000);  // one token per 100 ms
  takeWaiting(limiter, 100, 0);
  const int64_t wait = limiter.reserve(0);
  EXPECT_GE(wait, 100);
  EXPECT_LE(wait, 101);
}

TEST(RateLimiterTest, LaterCallersQueueBehindEarlierOnes) {
  RateLimiter limiter(10, 1000);  // one token per 100 ms
  takeWaiting(limiter, 10, 0);
  const int64_t first = limiter.reserve(0);
  const int64_t second = limiter.reserve(0);
  const int64_t third = limiter.reserve(0);
  EXPECT_NEAR(first, 100, 1);
  EXPECT_NEAR(second, 200, 1);
  EXPECT_NEAR(third, 300, 1);
}

TEST(RateLimiterTest, RefillsOverTime) {
  RateLimiter limiter(100, 10000);
  EXPECT_EQ(takeWaiting(limiter, 100, 0), 0);
  // 500 ms later five tokens are back: five go, the sixth waits.
  EXPECT_EQ(takeWaiting(limiter, 5, 500), 0);
  const int64_t wait = limiter.reserve(500);
  EXPECT_GE(wait, 100);
  EXPECT_LE(wait, 101);
}

TEST(RateLimiterTest, WaitingTheAnnouncedTimeIsEnough) {
  RateLimiter limiter(100, 10000);
  takeWaiting(limiter, 100, 0);
  const int64_t wait = limiter.reserve(0);  // this request goes at `wait`
  ASSERT_GT(wait, 0);
  // The request after it, one interval later, finds the bucket as it should be.
  const int64_t next = limiter.reserve(wait + 100);
  EXPECT_EQ(next, 0);
}

TEST(RateLimiterTest, RefillIsCappedAtCapacity) {
  RateLimiter limiter(10, 1000);
  takeWaiting(limiter, 10, 0);
  // An hour of idleness refills ten tokens, not 36,000.
  EXPECT_EQ(takeWaiting(limiter, 10, 3600000), 0);
  EXPECT_GT(limiter.reserve(3600000), 0);
}

TEST(RateLimiterTest, UnlimitedWhenRequestsIsZero) {
  RateLimiter limiter(0, 1000);
  EXPECT_EQ(takeWaiting(limiter, 10000, 0), 0);
}

TEST(RateLimiterTest, UnlimitedStillHonoursAPause) {
  RateLimiter limiter(0, 0);
  limiter.pause(0, 2000);
  EXPECT_EQ(limiter.reserve(500), 1500);
  EXPECT_EQ(limiter.reserve(2000), 0);
}

// ---------------------------------------------------------------- server headers

TEST(RateLimiterTest, RemainingZeroBlocksUntilTheWindowPasses) {
  RateLimiter limiter(100, 10000);
  limiter.observe(
      ghlHeaders(),
      response({{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Interval-Milliseconds", "10000"}}),
      1000);
  EXPECT_EQ(limiter.reserve(1000), 10000);
  EXPECT_EQ(limiter.reserve(6000), 5000);
  EXPECT_EQ(limiter.reserve(11000), 0);
}

TEST(RateLimiterTest, HeaderNamesMatchCaseInsensitively) {
  RateLimiter limiter(100, 10000);
  limiter.observe(
      ghlHeaders(),
      response({{"x-ratelimit-remaining", "0"}, {"x-ratelimit-interval-milliseconds", "3000"}}), 0);
  EXPECT_EQ(limiter.reserve(0), 3000);
}

TEST(RateLimiterTest, RemainingZeroWithResetSecondsBlocksThatLong) {
  RateLimiter limiter(100, 10000);
  limiter.observe(ghlHeaders(),
                  response({{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "7"}}), 0);
  EXPECT_EQ(limiter.reserve(0), 7000);
}

TEST(RateLimiterTest, RemainingZeroWithoutWindowBlocksOneSecond) {
  RateLimiter limiter(100, 10000);
  limiter.observe(ghlHeaders(), response({{"X-RateLimit-Remaining", "0"}}), 0);
  EXPECT_EQ(limiter.reserve(0), 1000);
}

TEST(RateLimiterTest, ServerRemainingLowersOurBudget) {
  RateLimiter limiter(100, 10000);
  // Other clients of the same location used most of it: only 3 left.
  limiter.observe(ghlHeaders(), response({{"X-RateLimit-Remaining", "3"}}), 0);
  EXPECT_EQ(takeWaiting(limiter, 3, 0), 0);
  EXPECT_GT(limiter.reserve(0), 0);
}

TEST(RateLimiterTest, ServerRemainingNeverRaisesOurBudget) {
  RateLimiter limiter(10, 1000);
  takeWaiting(limiter, 10, 0);
  limiter.observe(ghlHeaders(), response({{"X-RateLimit-Remaining", "99"}}), 0);
  EXPECT_GT(limiter.reserve(0), 0);
}

TEST(RateLimiterTest, ResponseWithoutRateLimitHeadersChangesNothing) {
  RateLimiter limiter(100, 10000);
  limiter.observe(ghlHeaders(), response({{"Content-Type", "application/json"}}), 0);
  EXPECT_EQ(takeWaiting(limiter, 100, 0), 0);
}

TEST(RateLimiterTest, SpecWithoutHeaderNamesIgnoresHeaders) {
  RateLimiter limiter(100, 10000);
  limiter.observe(RateLimitSpec{}, response({{"X-RateLimit-Remaining", "0"}}), 0);
  EXPECT_EQ(limiter.reserve(0), 0);
}

// ---------------------------------------------------------------- 429

TEST(RateLimiterTest, PauseAfter429BlocksUntilItEnds) {
  RateLimiter limiter(100, 10000);
  limiter.pause(1000, 30000);  // Retry-After: 30
  EXPECT_EQ(limiter.reserve(1000), 30000);
  EXPECT_EQ(limiter.reserve(30999), 1);
  EXPECT_EQ(limiter.reserve(31000), 0);
}

TEST(RateLimiterTest, ShorterPauseDoesNotCutALongerOne) {
  RateLimiter limiter(100, 10000);
  limiter.pause(0, 10000);
  limiter.pause(0, 2000);
  EXPECT_EQ(limiter.reserve(0), 10000);
}

TEST(RateLimiterTest, PauseAndEmptyBucketTakeTheLongerWait) {
  RateLimiter limiter(1, 60000);
  EXPECT_EQ(limiter.reserve(0), 0);
  limiter.pause(0, 500);
  // The bucket wants ~60 s, the pause 0.5 s: the caller waits for both.
  EXPECT_GE(limiter.reserve(0), 60000);
}

// ---------------------------------------------------------------- from app.yaml

TEST(RateLimiterTest, ForAppUsesTheCatalogBudget) {
  const Catalog catalog = Catalog::load(test::catalogRoot());
  const App* ghl = catalog.app("ghl");
  ASSERT_NE(ghl, nullptr);
  RateLimiter limiter = RateLimiter::forApp(*ghl, false);  // 100 per 10 s
  EXPECT_EQ(takeWaiting(limiter, 100, 0), 0);
  EXPECT_NEAR(limiter.reserve(0), 100, 1);
  // The catalog names GHL's headers: remaining 0 + interval blocks.
  RateLimiter observed = RateLimiter::forApp(*ghl, false);
  observed.observe(
      ghl->rateLimit,
      response({{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Interval-Milliseconds", "10000"}}),
      0);
  EXPECT_EQ(observed.reserve(0), 10000);
}

TEST(RateLimiterTest, ForAppTestModeUsesTheTestBudget) {
  const Catalog catalog = Catalog::load(test::catalogRoot());
  const App* stripe = catalog.app("stripe");
  ASSERT_NE(stripe, nullptr);
  RateLimiter test = RateLimiter::forApp(*stripe, true);  // 25/s
  EXPECT_EQ(takeWaiting(test, 25, 0), 0);
  EXPECT_NEAR(test.reserve(0), 40, 1);
  RateLimiter live = RateLimiter::forApp(*stripe, false);  // 100/s
  EXPECT_EQ(takeWaiting(live, 100, 0), 0);
  EXPECT_NEAR(live.reserve(0), 10, 1);
}

}  // namespace rate_limiter_test
}  // namespace sluice
