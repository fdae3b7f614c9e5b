// service/poll_timing.cpp: a schedule that keeps time. Polls stay on their interval's grid
// however long each one takes, a poll that overruns skips to the next slot, and new triggers
// spread over their whole interval. Simulated on a fake clock, never timed.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "service/poll_timing.h"

namespace sluice {
namespace poll_timing_test {

using poll_timing::firstSlotMs;
using poll_timing::nextSlotMs;

TEST(PollTiming, TenThousandPollsOfTenSecondsStayOnTheGrid) {
  const int64_t every = 10'000, start = 1'800'000'000'000;
  std::mt19937 random(7);
  std::uniform_int_distribution<int64_t> late(0, 900), takes(20, 8'000);
  int64_t slot = start;
  for (int i = 0; i < 10'000; ++i) {
    const int64_t end = slot + late(random) + takes(random);  // started late, took a while
    const int64_t next = nextSlotMs(slot, end, every);
    ASSERT_EQ(next, slot + every) << "poll " << i;
    slot = next;
  }
  // 10,000 intervals later to the millisecond: the mean interval is exactly `every`.
  EXPECT_EQ(slot, start + 10'000 * every);
}

TEST(PollTiming, APollThatOverrunsSkipsToTheNextSlotOnTheSameGrid) {
  EXPECT_EQ(nextSlotMs(100'000, 125'000, 10'000), 130'000);  // 110 and 120 were missed
  EXPECT_EQ(nextSlotMs(100'000, 110'000, 10'000), 120'000);  // ended on a slot: the next one
  EXPECT_EQ(nextSlotMs(100'000, 109'999, 10'000), 110'000);
  EXPECT_EQ(nextSlotMs(0, 55'000, 10'000), 65'000);  // a forced poll starts a grid at its end
}

TEST(PollTiming, NewTriggersSpreadOverTheirWholeInterval) {
  const int64_t every = 60'000, now = 1'000'000;
  std::vector<int> perSixth(6, 0);
  for (int i = 0; i < 6'000; ++i) {
    const int64_t due = firstSlotMs("trigger-" + std::to_string(i), now, every);
    ASSERT_GE(due, now);
    ASSERT_LT(due, now + every);
    ++perSixth[static_cast<size_t>((due - now) * 6 / every)];
  }
  for (int count : perSixth) {  // about 1,000 each; a tenth of the interval would leave 5 empty
    EXPECT_GT(count, 850);
    EXPECT_LT(count, 1'150);
  }
  EXPECT_EQ(firstSlotMs("same key", now, every), firstSlotMs("same key", now, every));
}

}  // namespace poll_timing_test
}  // namespace sluice
