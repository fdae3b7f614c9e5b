// settings.keep_done: finished deliveries are deleted after a while so that a process running
// for years keeps a bounded state file; pending work and dead letters are never deleted.
#include <gmock/gmock.h>

#include "service/pipeline_fixture.h"

namespace sluice::test {
namespace retention_test {

using ::testing::HasSubstr;

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

TEST_F(PipelineTest, FinishedDeliveriesAreDeletedAfterKeepDoneAndNothingFiresAgain) {
  const std::string text = "settings: { demo_mode: true, keep_done: 2d }\n" + connections() +
                           "flows:\n" + customerToContactFlow();
  config_ = std::make_unique<Config>(loadConfigText(text, "test.yaml", *catalog_, &env_));
  EXPECT_EQ(config_->settings.keepDoneMs, 2 * kDayMs);
  runOnce();
  newCustomer("kept@x.test");
  runOnce();
  ASSERT_EQ(state_->deliveries(DeliveryStatus::Done, 10).size(), 1u);

  Runner runner(*catalog_, *config_, *state_, *transport_, clock_);
  clock_.advance(kDayMs);
  EXPECT_EQ(runner.pruneFinished(), 0);  // younger than keep_done
  clock_.advance(2 * kDayMs);
  EXPECT_EQ(runner.pruneFinished(), 1);
  EXPECT_TRUE(state_->deliveries(std::nullopt, 10).empty());
  EXPECT_THAT(log_.str(), HasSubstr("state.pruned deliveries=1"));

  runOnce();  // the customer is still listed: its trigger has seen it, so it does not fire
  EXPECT_EQ(contactCount(), 1);
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 1);
  EXPECT_TRUE(state_->deliveries(std::nullopt, 10).empty());
}

TEST_F(PipelineTest, KeepDoneMustBeADurationOfAtLeastAnHour) {
  const std::string text =
      "settings: { keep_done: 5m }\n" + connections() + "flows:\n" + customerToContactFlow();
  try {
    loadConfigText(text, "test.yaml", *catalog_, &env_);
    FAIL() << "keep_done: 5m was accepted";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("test.yaml:1:"));
    EXPECT_THAT(e.what(), HasSubstr("'keep_done': expected a duration of at least 1h"));
  }
}

}  // namespace retention_test
}  // namespace sluice::test
