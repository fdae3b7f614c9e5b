// The poll scheduler and paused flows, through the real pipeline on the fakes: a paused flow's
// trigger is not polled and its cursor stays; a flow sharing the trigger keeps running while the
// paused one's items wait in the outbox; resuming delivers them, nothing lost or doubled.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service/pipeline_fixture.h"
#include "state/postgres_server.h"

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

// Two runners on one PostgreSQL (two processes' handles): a pause written through a third
// handle holds both on their next pass, and so does the resume.
TEST_F(PollSchedulerPause, EveryRunnerOnOnePostgresNoticesThePauseOnItsNextPass) {
  SLUICE_REQUIRE_POSTGRES(server);
  const std::string url = server->createDatabase("pause_runners");
  auto a = openStateStore(url);
  auto b = openStateStore(url);
  auto cli = openStateStore(url);
  configure(customerToContactFlow("customers"));
  // Both run all along: the pause reaches them without a restart.
  Runner runnerA(*catalog_, *config_, *a, *transport_, clock_);
  Runner runnerB(*catalog_, *config_, *b, *transport_, clock_);
  const auto pass = [](Runner& runner) {
    runner.pollAllNow();
    runner.drainOutbox();
  };
  pass(runnerA);  // seeds
  const std::string key = a->triggers().at(0).key;
  const size_t polls = a->history(key, 100).size();
  newCustomer("both@pause.test");
  cli->pauseFlow("customers", clock_.nowMs());
  clock_.advance(10000);
  pass(runnerA);
  pass(runnerB);
  EXPECT_EQ(cli->history(key, 100).size(), polls);
  EXPECT_EQ(contactCount(), 0);
  cli->resumeFlow("customers");
  pass(runnerB);
  EXPECT_EQ(cli->history(key, 100).size(), polls + 1);
  EXPECT_EQ(contactCount(), 1);
}

// A reload builds the next runner from the store while the running one goes on polling, then
// switches: the next one takes the running one's schedule, so a trigger polled in between is
// not polled again at once.
class PollSchedulerReload : public PipelineTest {};

TEST_F(PollSchedulerReload, TheNextRunnerTakesOverTheDueTimesOfPollsMadeSinceItWasBuilt) {
  configure(customerToContactFlow("customers"));  // every 2 s
  runOnce();                                      // seeds
  const std::string key = state_->triggers().at(0).key;
  clock_.advance(3000);  // due again
  Runner next(*catalog_, *config_, *state_, *transport_, clock_);
  Runner stale(*catalog_, *config_, *state_, *transport_, clock_);  // one that does not adopt
  const size_t polls = state_->history(key, 100).size();
  {
    Runner running(*catalog_, *config_, *state_, *transport_, clock_);
    running.pollAllNow();  // the poll the running one makes while the next one waits
    ASSERT_EQ(state_->history(key, 100).size(), polls + 1);
    next.adoptSchedule(running);
  }
  const int64_t stored = state_->loadTrigger(key)->nextDueMs;
  ASSERT_GT(stored, clock_.nowMs());
  EXPECT_EQ(next.triggers().at(0)->nextDueMs, stored);
  EXPECT_EQ(next.triggers().at(0)->slotMs, stored);
  EXPECT_LE(stale.triggers().at(0)->nextDueMs, clock_.nowMs());  // would poll again now
}

}  // namespace poll_scheduler_test
}  // namespace sluice::test
