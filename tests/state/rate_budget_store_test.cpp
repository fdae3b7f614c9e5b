// The store's side of shared rate budgets, on SQLite and PostgreSQL: a window grants at most its
// limit however the takers interleave, a later window starts again, an earlier one gets nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "state/postgres_server.h"
#include "state/state_store.h"
#include "test_support.h"

namespace sluice {
namespace rate_budget_store_test {

class RateBudgetStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      url_ = "sqlite:" + dir_.path() + "/state.db";
      return;
    }
    SLUICE_REQUIRE_POSTGRES(server);
    url_ = server->createDatabase("budget");
  }
  // Another process's view of the same store.
  std::unique_ptr<StateStore> open() { return openStateStore(url_); }

  test::TempDir dir_;
  std::string url_;
};

// Slices of 1 s; the limit holds over the current slice and the 10 before it.
int64_t take(StateStore& store, int64_t slice, int64_t want, const std::string& key = "ghl") {
  return store.takeBudget(key, slice * 1000, 1000, 10, 10, want);
}

TEST_P(RateBudgetStoreTest, TheLimitHoldsOverTheLastSlicesAndThenComesBack) {
  auto store = open();
  EXPECT_EQ(take(*store, 100, 4), 4);
  EXPECT_EQ(take(*store, 100, 4), 4);
  EXPECT_EQ(take(*store, 105, 4), 2);  // what is left of the 10
  EXPECT_EQ(take(*store, 106, 4), 0);
  EXPECT_EQ(take(*store, 106, 4, "other"), 4);  // keys do not share
  EXPECT_EQ(take(*store, 110, 4), 0);           // slice 100 is still within the last 11
  EXPECT_EQ(take(*store, 111, 20), 8);          // slice 100 has left the span: its 8 are back
  EXPECT_EQ(take(*store, 116, 20), 2);          // slice 105's 2 have left too
}

TEST_P(RateBudgetStoreTest, AClockBehindCountsWhatLaterSlicesUsed) {
  auto store = open();
  EXPECT_EQ(take(*store, 200, 10), 10);
  EXPECT_EQ(take(*store, 195, 10), 0);
}

TEST_P(RateBudgetStoreTest, ARestartedProcessFindsTheBudgetSpent) {
  auto first = open();
  EXPECT_EQ(take(*first, 300, 10), 10);
  first.reset();
  auto restarted = open();
  EXPECT_EQ(take(*restarted, 301, 10), 0);
}

TEST_P(RateBudgetStoreTest, ConcurrentTakersTogetherGetTheLimit) {
  std::vector<std::unique_ptr<StateStore>> processes;
  for (int i = 0; i < 4; ++i) processes.push_back(open());
  std::atomic<int64_t> granted{0};
  std::vector<std::thread> threads;
  for (auto& store : processes)
    threads.emplace_back([&granted, s = store.get()] {
      for (int i = 0; i < 30; ++i) granted += s->takeBudget("ghl", 7000, 1000, 10, 50, 3);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 50);
}

INSTANTIATE_TEST_SUITE_P(Stores, RateBudgetStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace rate_budget_store_test
}  // namespace sluice
