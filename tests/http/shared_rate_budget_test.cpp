// Shared rate budgets: processes on one store, and a process that restarts, never send more
// than the limit in any span of one window, and still get most of it.
#include "http/shared_rate_budget.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <vector>

#include "state/state_store.h"
#include "test_support.h"

namespace sluice {
namespace shared_rate_budget_test {

constexpr int64_t kLimit = 100, kWindowMs = 10'000;

// The most requests any span of one window holds, over sorted send times.
size_t busiestWindow(const std::vector<int64_t>& sent) {
  size_t most = 0, from = 0;
  for (size_t i = 0; i < sent.size(); ++i) {
    while (sent[i] - sent[from] >= kWindowMs) ++from;
    most = std::max(most, i - from + 1);
  }
  return most;
}

class SharedRateBudgetTest : public ::testing::Test {
 protected:
  std::unique_ptr<StateStore> process() {
    return openStateStore("sqlite:" + dir_.path() + "/state.db");
  }
  test::TempDir dir_;
};

TEST_F(SharedRateBudgetTest, ThreeProcessesTogetherStayWithinOneLimit) {
  std::vector<std::unique_ptr<StateStore>> stores;
  std::vector<std::unique_ptr<SharedRateBudget>> budgets;
  for (int i = 0; i < 3; ++i) {
    stores.push_back(process());
    budgets.push_back(std::make_unique<SharedRateBudget>(*stores.back(), "ghl", kLimit, kWindowMs));
  }
  // Each process sends as fast as its budget lets it for a minute, 5 ms apart.
  std::vector<int64_t> sent;
  for (int64_t now = 1'000'000; now < 1'060'000; now += 5)
    for (auto& b : budgets)
      if (b->reserve(now) == 0) sent.push_back(now);
  EXPECT_LE(busiestWindow(sent), static_cast<size_t>(kLimit));
  // Together they still get most of one budget: 100 per 11 s at the least.
  EXPECT_GE(sent.size(), 6u * 90);
}

TEST_F(SharedRateBudgetTest, ARestartDoesNotStartWithAFullBucket) {
  std::vector<int64_t> sent;
  int64_t now = 2'000'000;
  // A kill loop: the process restarts every 700 ms and sends what its budget lets it.
  for (int life = 0; life < 60; ++life) {
    auto store = process();
    SharedRateBudget budget(*store, "ghl", kLimit, kWindowMs);
    for (const int64_t end = now + 700; now < end; now += 5)
      if (budget.reserve(now) == 0) sent.push_back(now);
  }
  EXPECT_LE(busiestWindow(sent), static_cast<size_t>(kLimit));
  EXPECT_GE(sent.size(), 350u);  // 42 s of sending: most of the budget, not a trickle
}

TEST_F(SharedRateBudgetTest, ASpentBudgetSaysHowLongToWaitForTheNextSlice) {
  auto store = process();
  SharedRateBudget budget(*store, "ghl", kLimit, kWindowMs);
  const int64_t start = 3'000'000;                                           // a slice boundary
  for (int i = 0; i < kLimit; ++i) EXPECT_EQ(budget.reserve(start + 1), 0);  // a whole burst
  EXPECT_EQ(budget.reserve(start + 100), budget.sliceMs() - 100);
  // The burst's slice counts until it leaves the span of the last 11 slices.
  EXPECT_GT(budget.reserve(start + 10 * budget.sliceMs()), 0);
  EXPECT_EQ(budget.reserve(start + 11 * budget.sliceMs()), 0);
}

}  // namespace shared_rate_budget_test
}  // namespace sluice
