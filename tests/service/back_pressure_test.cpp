// Back-pressure's view: which flows are behind, with a margin before they count as caught up,
// and the log lines when they fall behind and catch up.
#include "service/back_pressure.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "core/logger.h"

namespace sluice {
namespace {

using ::testing::HasSubstr;

class BackPressureTest : public ::testing::Test {
 protected:
  void SetUp() override { Logger::instance().setSink(&log_); }
  void TearDown() override { Logger::instance().setSink(nullptr); }
  std::ostringstream log_;
  BackPressure pressure_{100, 60000};  // 100 pending, 1 minute
};

TEST_F(BackPressureTest, AFlowPastEitherBoundIsBehind) {
  pressure_.update({{"small", 100, 0}, {"long", 101, 0}, {"slow", 3, 1000}, {"fresh", 5, 50000}},
                   62000);
  EXPECT_FALSE(pressure_.behind("small"));  // at the bound, not past it
  EXPECT_TRUE(pressure_.behind("long"));
  EXPECT_TRUE(pressure_.behind("slow"));  // waited 61 s
  EXPECT_FALSE(pressure_.behind("fresh"));
  EXPECT_FALSE(pressure_.behind("absent"));
  const auto behind = pressure_.behindFlows();
  ASSERT_EQ(behind.size(), 2u);
  EXPECT_EQ(behind[0].flow, "long");  // the longest backlog first
  EXPECT_EQ(behind[1].lagMs, 61000);
  EXPECT_THAT(log_.str(), HasSubstr("flow.behind flow=long pending=101 lag_s=0 max_backlog=100"));
  EXPECT_THAT(log_.str(), HasSubstr("flow.behind flow=slow pending=3 lag_s=61"));
}

TEST_F(BackPressureTest, ItCatchesUpOnlyUnderNinetyPercentOfBothBounds) {
  pressure_.update({{"f", 150, 0}}, 1000);
  pressure_.update({{"f", 95, 0}}, 6000);
  EXPECT_TRUE(pressure_.behind("f")) << "still within the margin";
  EXPECT_EQ(pressure_.behindFlows()[0].sinceMs, 1000);
  pressure_.update({{"f", 90, 0}}, 11000);
  EXPECT_FALSE(pressure_.behind("f"));
  EXPECT_THAT(log_.str(), HasSubstr("flow.caught_up flow=f behind_s=10"));
  pressure_.update({{"f", 95, 0}}, 16000);
  EXPECT_FALSE(pressure_.behind("f")) << "under the bound: not behind again";
}

TEST_F(BackPressureTest, AFlowWithNothingPendingHasCaughtUp) {
  pressure_.update({{"f", 500, 0}}, 1000);
  pressure_.update({}, 6000);
  EXPECT_TRUE(pressure_.behindFlows().empty());
}

}  // namespace
}  // namespace sluice
