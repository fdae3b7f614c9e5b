// The threads that run polls and deliveries: 10,000 flows share a handful of them. A poll or a
// delivery spends most of its time waiting for an API's answer, so a fixed few threads would
// deliver at the pace of the pool, not of the network: while tasks wait for a thread and none
// is free, the pool starts another, up to its maximum, and a thread it started that finds no
// task for a while stops again, down to the minimum.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice {

class WorkerPool {
 public:
  // minThreads run from the start and always; the pool grows up to maxThreads (at least
  // minThreads) while tasks wait; a thread beyond the minimum stops after idle without a task.
  explicit WorkerPool(int minThreads, int maxThreads = 0,
                      std::chrono::milliseconds idle = std::chrono::seconds(30));
  ~WorkerPool();  // finishes queued tasks, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<void()> task);
  // Tasks queued or running.
  size_t busy() const;
  // Threads running now (between the minimum and the maximum).
  size_t threads() const;
  // Blocks until no task is queued or running.
  void waitIdle();

 private:
  void start();        // mutex_ held
  void joinStopped();  // mutex_ held
  void run();
  const size_t minThreads_, maxThreads_;
  const std::chrono::milliseconds idle_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<std::function<void()>> queue_;
  size_t running_ = 0;  // tasks running
  size_t alive_ = 0;    // threads started and not stopped
  bool stopping_ = false;
  std::list<std::thread> threads_;
  std::vector<std::thread::id> stopped_;  // threads that stopped for want of work, to join
};

}  // namespace sluice
