// The minute's summary line: what it counts, when it is due, and that counts start again.
#include "service/activity_summary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice {
namespace {

using ::testing::HasSubstr;

TEST(ActivitySummaryTest, NoLineBeforeAMinuteHasPassed) {
  ActivitySummary summary(1000);
  summary.pollFinished(true, 3);
  EXPECT_FALSE(summary.due(1000 + 59999));
  EXPECT_FALSE(summary.lineIfDue(1000 + 59999, 0).has_value());
  EXPECT_TRUE(summary.due(1000 + 60000));
}

TEST(ActivitySummaryTest, CountsPollsDeliveriesAndTheirOutcomes) {
  ActivitySummary summary(0);
  summary.pollFinished(true, 0);
  summary.pollFinished(true, 2);
  summary.pollFinished(true, 1);
  summary.pollFinished(false, 0);
  summary.pollLate();
  for (const char* outcome : {"done", "done", "filtered", "retry", "dead", "error"})
    summary.delivered(outcome);
  const auto line = summary.lineIfDue(61000, 7);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(*line,
            "period_s=61 polls=4 polls_found=2 polls_failed=1 polls_late=1 items_new=3 "
            "deliveries=6 done=2 filtered=1 retry=1 dead=1 pending=7");
}

TEST(ActivitySummaryTest, EachLineCountsOnlyItsOwnPeriod) {
  ActivitySummary summary(0);
  summary.pollFinished(true, 5);
  ASSERT_TRUE(summary.lineIfDue(60000, std::nullopt).has_value());
  EXPECT_FALSE(summary.lineIfDue(60001, std::nullopt).has_value());  // the next period began
  summary.delivered("done");
  const auto line = summary.lineIfDue(120000, std::nullopt);
  ASSERT_TRUE(line.has_value());
  EXPECT_THAT(*line, HasSubstr("polls=0 "));
  EXPECT_THAT(*line, HasSubstr("items_new=0 "));
  EXPECT_THAT(*line, HasSubstr("done=1 "));
  EXPECT_EQ(line->find("pending"), std::string::npos) << "the store did not answer";
}

}  // namespace
}  // namespace sluice
