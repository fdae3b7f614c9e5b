// The threads that run polls and deliveries: 10,000 flows share a handful of them. A poll or a
// delivery spends most of its time waiting for an API's answer, so a fixed few threads would
// deliver at the pace of the pool, not of the network: while tasks wait for a thread and none
// is free, the pool starts another, up to its maximum, and a thread it started that finds no
// task for a while stops again, down to the minimum.
//
// A task may leave something for the next task on its thread (a delivery's last write, which
// goes out with the next delivery's first write): a task that takes it gets it, and it is
// flushed before the thread runs any other task or waits for one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice {

class WorkerPool {
 public:
  // What a task leaves for the next task on its thread.
  class Leftover {
   public:
    virtual ~Leftover() = default;
    // Finishes it alone; handles its own errors.
    virtual void flush() noexcept = 0;
  };
  // A task that takes what the task before it on its thread left (null if nothing), and may
  // leave something in its place.
  using CarryingTask = std::function<void(std::unique_ptr<Leftover>& leftover)>;

  // minThreads run from the start and always; the pool grows up to maxThreads (at least
  // minThreads) while tasks wait; a thread beyond the minimum stops after idle without a task.
  explicit WorkerPool(int minThreads, int maxThreads = 0,
                      std::chrono::milliseconds idle = std::chrono::seconds(30));
  ~WorkerPool();  // finishes queued tasks, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<void()> task);
  void submitCarrying(CarryingTask task);
  // Tasks queued or running (a thread still holding a leftover counts as running one).
  size_t busy() const;
  // Threads running now (between the minimum and the maximum).
  size_t threads() const;
  // Blocks until no task is queued or running.
  void waitIdle();

 private:
  void start();        // mutex_ held
  void joinStopped();  // mutex_ held
  void enqueue(CarryingTask task);
  void run();
  void finishTask();  // mutex_ held
  const size_t minThreads_, maxThreads_;
  const std::chrono::milliseconds idle_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<CarryingTask> queue_;
  size_t running_ = 0;  // tasks running, and threads holding a leftover
  size_t alive_ = 0;    // threads started and not stopped
  bool stopping_ = false;
  std::list<std::thread> threads_;
  std::vector<std::thread::id> stopped_;  // threads that stopped for want of work, to join
};

}  // namespace sluice
