// service/worker_pool.h: the pool runs its minimum of threads; while tasks wait and every
// thread is busy (a call waiting on an API), it starts more, never beyond its maximum; the
// extra threads stop after a while without work; tasks that never wait leave it at its minimum;
// queued tasks finish before it is destroyed. What a task leaves on its thread goes to the next
// task that takes it, and is flushed before any other task runs or the thread waits.
#include "service/worker_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice {
namespace {

using namespace std::chrono_literals;

// Tasks that hold their thread until released, as a call waiting for an answer does; counts
// how many ran at once.
class Blockers {
 public:
  std::function<void()> task() {
    return [this] {
      std::unique_lock<std::mutex> lock(mutex_);
      ++now_;
      most_ = std::max(most_, now_);
      changed_.notify_all();
      changed_.wait_for(lock, 30s, [this] { return released_; });  // bounded: never hangs
      --now_;
    };
  }
  // Waits (bounded) until n tasks run at once; whether they did.
  bool waitForRunning(int n) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, 30s, [&] { return now_ >= n; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  int most() {
    std::lock_guard<std::mutex> lock(mutex_);
    return most_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int now_ = 0, most_ = 0;
  bool released_ = false;
};

TEST(WorkerPoolTest, TasksWaitingForBusyThreadsGetNewOnesUpToTheMaximum) {
  WorkerPool pool(2, 6);
  EXPECT_EQ(pool.threads(), 2u);
  Blockers blockers;
  for (int i = 0; i < 10; ++i) pool.submit(blockers.task());
  EXPECT_TRUE(blockers.waitForRunning(6));  // with 2 threads only, 2 would ever run
  EXPECT_EQ(pool.threads(), 6u);
  EXPECT_EQ(pool.busy(), 10u);
  blockers.release();
  pool.waitIdle();
  EXPECT_EQ(blockers.most(), 6);  // never more than the maximum
  EXPECT_EQ(pool.busy(), 0u);
}

TEST(WorkerPoolTest, TheExtraThreadsStopAfterAWhileWithoutWork) {
  WorkerPool pool(1, 4, 20ms);
  Blockers blockers;
  for (int i = 0; i < 4; ++i) pool.submit(blockers.task());
  ASSERT_TRUE(blockers.waitForRunning(4));
  blockers.release();
  pool.waitIdle();
  // Bounded wait for the idle threads to stop; the minimum stays.
  for (int i = 0; i < 3000 && pool.threads() > 1; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(pool.threads(), 1u);
  std::atomic<int> ran{0};
  pool.submit([&] { ++ran; });  // and the pool still works (the stopped ones are joined)
  pool.waitIdle();
  EXPECT_EQ(ran, 1);
}

TEST(WorkerPoolTest, TasksThatNeverWaitForAThreadLeaveThePoolAtItsMinimum) {
  WorkerPool pool(2, 8);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) {
    pool.submit([&] { ++ran; });
    pool.waitIdle();
  }
  EXPECT_EQ(ran, 50);
  EXPECT_EQ(pool.threads(), 2u);
}

TEST(WorkerPoolTest, AFixedPoolNeverGrowsAndQueuedTasksFinishBeforeItIsGone) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(2);  // no maximum given: the minimum
    Blockers blockers;
    for (int i = 0; i < 2; ++i) pool.submit(blockers.task());
    ASSERT_TRUE(blockers.waitForRunning(2));
    for (int i = 0; i < 20; ++i) pool.submit([&] { ++ran; });
    EXPECT_EQ(pool.threads(), 2u);
    blockers.release();
  }
  EXPECT_EQ(ran, 20);
}

// A leftover that logs its flush into the events of the test.
class LoggedLeftover : public WorkerPool::Leftover {
 public:
  LoggedLeftover(std::vector<std::string>& events, std::mutex& mutex, std::string name)
      : events_(events), mutex_(mutex), name(std::move(name)) {}
  void flush() noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back("flush " + name);
  }

 private:
  std::vector<std::string>& events_;
  std::mutex& mutex_;

 public:
  const std::string name;
};

class LeftoverTest : public ::testing::Test {
 protected:
  // A task that logs what it was left, then leaves `leaves` (none if empty).
  WorkerPool::CarryingTask carrying(const std::string& name, const std::string& leaves) {
    return [this, name, leaves](std::unique_ptr<WorkerPool::Leftover>& left) {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto* got = dynamic_cast<LoggedLeftover*>(left.get());
      events_.push_back(name + " took " + (got ? got->name : "nothing"));
      left.reset();
      if (!leaves.empty()) left = std::make_unique<LoggedLeftover>(events_, mutex_, leaves);
    };
  }
  std::function<void()> plain(const std::string& name) {
    return [this, name] {
      std::lock_guard<std::mutex> lock(mutex_);
      events_.push_back(name + " ran");
    };
  }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }

  std::mutex mutex_;
  std::vector<std::string> events_;
};

// One thread, tasks queued behind one that holds it: each carrying task takes what the one
// before left; a plain task runs only after the leftover was flushed; the last leftover is
// flushed when the queue is empty, before waitIdle returns.
TEST_F(LeftoverTest, TheNextTaskTakesItAnyOtherFindsItFlushedAndNoneIsLost) {
  WorkerPool pool(1, 1);
  Blockers blockers;
  pool.submit(blockers.task());
  ASSERT_TRUE(blockers.waitForRunning(1));
  pool.submitCarrying(carrying("a", "from a"));
  pool.submitCarrying(carrying("b", "from b"));
  pool.submit(plain("c"));
  pool.submitCarrying(carrying("d", "from d"));
  blockers.release();
  pool.waitIdle();
  EXPECT_EQ(events(), (std::vector<std::string>{"a took nothing", "b took from a", "flush from b",
                                                "c ran", "d took nothing", "flush from d"}));
  EXPECT_EQ(pool.busy(), 0u);
}

// A thread holding a leftover counts as busy: waitIdle waits for the flush, and the flush comes
// before the thread waits for more work, not when the next task arrives.
TEST_F(LeftoverTest, ALeftoverIsFlushedBeforeItsThreadWaits) {
  WorkerPool pool(1, 1);
  pool.submitCarrying(carrying("a", "from a"));
  pool.waitIdle();
  EXPECT_EQ(events(), (std::vector<std::string>{"a took nothing", "flush from a"}));
  pool.submitCarrying(carrying("b", ""));
  pool.waitIdle();
  EXPECT_EQ(events().back(), "b took nothing");
}

}  // namespace
}  // namespace sluice
