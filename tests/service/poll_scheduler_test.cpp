// The poll scheduler and paused flows, through the real pipeline on the fakes: a paused flow's
// trigger is not polled and its cursor stays; a flow sharing the trigger keeps running while the
// paused one's items wait in the outbox; resuming delivers them, nothing lost or doubled.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service/pipeline_fixture.h"

namespace sluice::test {
namespace poll_scheduler_test {

class PollSchedulerPause : public PipelineTest {
 protected:
  std::string triggerKey() { return state_->triggers().at(0).key; }
};

TEST_F(PollSchedulerPause, APausedFlowIsNotPolledAndKeepsItsCursorUntilResumed) {
  configure(customerToContactFlow("customers"));
  runOnce();  // seeds
  const std::string key = triggerKey();
  const auto seeded = state_->loadTrigger(key);
  ASSERT_TRUE(seeded);
  const size_t polls = state_->history(key, 100).size();

  newCustomer("paused@pause.test");
  ASSERT_TRUE(state_->pauseFlow("customers", clock_.nowMs()));
  runOnce();
  EXPECT_EQ(state_->history(key, 100).size(), polls);  // not polled
  EXPECT_EQ(state_->loadTrigger(key)->cursorJson, seeded->cursorJson);
  EXPECT_EQ(contactCount(), 0);
  EXPECT_THAT(log_.str(), ::testing::HasSubstr("flow.paused flow=customers"));

  ASSERT_TRUE(state_->resumeFlow("customers"));
  runOnce();
  EXPECT_EQ(state_->history(key, 100).size(), polls + 1);
  EXPECT_EQ(contactCount(), 1);
  EXPECT_EQ(state_->pendingCount(), 0);
}

TEST_F(PollSchedulerPause, AFlowSharingTheTriggerRunsWhileThePausedOnesItemsWait) {
  configure(customerToContactFlow("running") + customerToContactFlow("paused"));
  runOnce();  // seeds the shared trigger
  ASSERT_EQ(state_->triggers().size(), 1u);
  state_->pauseFlow("paused", clock_.nowMs());
  newCustomer("shared@pause.test");
  runOnce();
  EXPECT_EQ(contactCount(), 1);  // by the running flow
  auto counts = state_->flowCounts(0);
  EXPECT_EQ(counts["running"].pending, 0);
  EXPECT_EQ(counts["paused"].pending, 1);
  EXPECT_EQ(counts["paused"].dead, 0);

  // Longer than any retry: a pause never turns waiting items into dead letters.
  clock_.advance(3600 * 1000);
  runOnce();
  EXPECT_EQ(state_->flowCounts(0)["paused"].pending, 1);

  state_->resumeFlow("paused");
  runOnce();
  counts = state_->flowCounts(0);
  EXPECT_EQ(counts["paused"].pending, 0);
  EXPECT_EQ(counts["paused"].dead, 0);
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 2);  // one per flow, none doubled
}

}  // namespace poll_scheduler_test
}  // namespace sluice::test
