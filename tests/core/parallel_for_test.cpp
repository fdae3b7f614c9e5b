// core/parallel_for: every index once, in ranges on several threads, the calling thread one.
#include "core/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace sluice::test {
namespace parallel_for_test {

TEST(ParallelForTest, EveryIndexIsCalledOnceWhateverTheCountAndThreads) {
  for (size_t count : {0u, 1u, 3u, 100u, 1001u}) {
    for (size_t threads : {1u, 2u, 4u, 7u}) {
      std::vector<std::atomic<int>> calls(count);
      parallelFor(count, threads, [&](size_t i) { ++calls[i]; });
      for (size_t i = 0; i < count; ++i)
        ASSERT_EQ(calls[i].load(), 1) << i << " of " << count << " on " << threads;
    }
  }
}

TEST(ParallelForTest, RangesRunOnThreadsOfTheirOwnAndTheCallingThreadTakesTheFirst) {
  std::mutex lock;
  std::vector<std::thread::id> by(8);
  parallelFor(by.size(), 4, [&](size_t i) {
    const std::lock_guard<std::mutex> guard(lock);
    by[i] = std::this_thread::get_id();
  });
  EXPECT_EQ(by[0], std::this_thread::get_id());
  EXPECT_EQ(by[0], by[1]);  // contiguous ranges of two
  EXPECT_EQ(std::set<std::thread::id>(by.begin(), by.end()).size(), 4u);
}

TEST(ParallelForTest, CoresToUseStaysWithinItsBounds) {
  EXPECT_GE(coresToUse(4), 1u);
  EXPECT_LE(coresToUse(4), 4u);
  EXPECT_EQ(coresToUse(1), 1u);
  EXPECT_EQ(coresToUse(0), 1u);
}

}  // namespace parallel_for_test
}  // namespace sluice::test
