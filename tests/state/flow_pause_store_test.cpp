// Paused flows and the per-flow listings, on both stores (SQLite and a real PostgreSQL): a
// paused flow's deliveries are neither due nor claimable and come back whole when it resumes;
// the flag is shared by every handle on the store; counts and a flow's deliveries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "state/postgres_server.h"
#include "state/sqlite_state_store.h"
#include "state/state_test_data.h"
#include "test_support.h"

namespace sluice {
namespace flow_pause_store_test {

using state_test_data::item;
using state_test_data::itemKeys;
using state_test_data::poll;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

class FlowPauseStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      url_ = "sqlite:" + dir_.path() + "/state.db";
    } else {
      SLUICE_REQUIRE_POSTGRES(server);
      url_ = server->createDatabase("pause");
    }
    store_ = openStateStore(url_);
  }
  StateStore& store() { return *store_; }

  test::TempDir dir_;
  std::string url_;
  std::unique_ptr<StateStore> store_;
};

TEST_P(FlowPauseStore, PausedDeliveriesWaitAndComeBackWhenResumed) {
  store().commitPoll(poll("c1", 1000, {item("f", "a"), item("g", "b"), item("f", "c")}));
  EXPECT_TRUE(store().pauseFlow("f", 1500));
  EXPECT_FALSE(store().pauseFlow("f", 1600));  // paused already: the first time stays
  EXPECT_THAT(store().pausedFlows(), ElementsAre(Pair("f", 1500)));

  EXPECT_THAT(itemKeys(store().dueDeliveries(2000, 10)), ElementsAre("b"));
  EXPECT_THAT(itemKeys(store().claimDeliveries("A", 2000, 10, 30000)), ElementsAre("b"));
  // An item found while the flow is paused (a shared trigger, a webhook) is queued and waits.
  store().commitPoll(poll("c2", 2100, {item("f", "d")}));
  EXPECT_THAT(store().claimDeliveries("C", 2200, 10, 30000), IsEmpty());
  EXPECT_EQ(store().pendingCount(), 4);  // b is A's, not done: nothing was dropped

  EXPECT_TRUE(store().resumeFlow("f"));
  EXPECT_FALSE(store().resumeFlow("f"));
  EXPECT_THAT(store().pausedFlows(), IsEmpty());
  EXPECT_THAT(itemKeys(store().claimDeliveries("B", 2300, 10, 30000)), ElementsAre("a", "c", "d"));
}

// Another handle (another process on the same store) sees the flag at once.
TEST_P(FlowPauseStore, ThePauseIsSharedByEveryHandleOnTheStore) {
  auto other = openStateStore(url_);
  store().commitPoll(poll("c1", 1000, {item("f", "a")}));
  other->pauseFlow("f", 1000);
  EXPECT_THAT(store().pausedFlows(), ElementsAre(Pair("f", 1000)));
  EXPECT_THAT(store().claimDeliveries("A", 2000, 10, 30000), IsEmpty());
  store().resumeFlow("f");
  EXPECT_THAT(other->pausedFlows(), IsEmpty());
  EXPECT_THAT(itemKeys(other->claimDeliveries("B", 2000, 10, 30000)), ElementsAre("a"));
}

TEST_P(FlowPauseStore, FlowCountsAndAFlowsDeliveriesNewestFirst) {
  store().commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b"), item("g", "c")}));
  store().commitPoll(poll("c2", 5000, {item("f", "d")}));
  auto due = store().dueDeliveries(5000, 10);
  ASSERT_THAT(itemKeys(due), ElementsAre("a", "b", "c", "d"));
  store().markDead(due[0].id, 3, "HTTP 400");
  store().markDone(due[1].id);

  const auto counts = store().flowCounts(4000);
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts.at("f").pending, 1);  // d
  EXPECT_EQ(counts.at("f").dead, 1);     // a
  EXPECT_EQ(counts.at("f").queuedSince, 1);
  EXPECT_EQ(counts.at("g").pending, 1);
  EXPECT_EQ(counts.at("g").dead, 0);
  EXPECT_EQ(counts.at("g").queuedSince, 0);
  EXPECT_EQ(store().flowCounts(0).at("f").queuedSince, 3);

  EXPECT_THAT(itemKeys(store().flowDeliveries("f", 10)), ElementsAre("d", "b", "a"));
  EXPECT_THAT(itemKeys(store().flowDeliveries("f", 2)), ElementsAre("d", "b"));
  EXPECT_THAT(store().flowDeliveries("nope", 10), IsEmpty());

  store().markDead(due[3].id, 3, "HTTP 422");
  store().markDead(due[2].id, 3, "HTTP 422");
  EXPECT_THAT(itemKeys(store().flowDeadLetters("f", 10)), ElementsAre("d", "a"));
  EXPECT_THAT(itemKeys(store().flowDeadLetters("f", 1)), ElementsAre("d"));
  EXPECT_THAT(itemKeys(store().flowDeadLetters("g", 10)), ElementsAre("c"));
  EXPECT_THAT(store().flowDeadLetters("nope", 10), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Stores, FlowPauseStore, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace flow_pause_store_test
}  // namespace sluice
