#include "service/worker_pool.h"

#include <algorithm>
#include <system_error>

#include "core/logger.h"

namespace sluice {

WorkerPool::WorkerPool(int minThreads, int maxThreads, std::chrono::milliseconds idle)
    : minThreads_(static_cast<size_t>(std::max(minThreads, 1))),
      maxThreads_(std::max(minThreads_, static_cast<size_t>(std::max(maxThreads, 0)))),
      idle_(idle) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < minThreads_; ++i) start();
}

WorkerPool::~WorkerPool() {
  std::list<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    joinStopped();
    threads.swap(threads_);
  }
  wake_.notify_all();
  for (auto& t : threads) t.join();
}

void WorkerPool::start() {
  threads_.emplace_back([this] { run(); });
  ++alive_;
}

void WorkerPool::joinStopped() {
  // A stopped thread has left the lock for good and is returning: joining it is immediate.
  for (const std::thread::id id : stopped_) {
    const auto it = std::find_if(threads_.begin(), threads_.end(),
                                 [&](const std::thread& t) { return t.get_id() == id; });
    if (it == threads_.end()) continue;
    it->join();
    threads_.erase(it);
  }
  stopped_.clear();
}

namespace {

void flushLeftover(std::unique_ptr<WorkerPool::Leftover>& leftover) {
  if (!leftover) return;
  leftover->flush();
  leftover.reset();
}

}  // namespace

void WorkerPool::submit(std::function<void()> task) {
  enqueue([task = std::move(task)](std::unique_ptr<Leftover>& leftover) {
    flushLeftover(leftover);
    task();
  });
}

void WorkerPool::submitCarrying(CarryingTask task) {
  enqueue(std::move(task));
}

void WorkerPool::enqueue(CarryingTask task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(task));
    joinStopped();
    // Every thread is busy (most likely waiting on an API): one more, so the task does not
    // wait for a call it has nothing to do with.
    if (queue_.size() > alive_ - running_ && alive_ < maxThreads_) {
      try {
        start();
      } catch (const std::system_error& e) {  // out of threads: the ones there take the task
        logWarn("workers.not_grown", kv("threads", alive_) + " " + kv("error", e.what()));
      }
    }
  }
  wake_.notify_one();
}

size_t WorkerPool::busy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size() + running_;
}

size_t WorkerPool::threads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return alive_;
}

void WorkerPool::waitIdle() {
  std::unique_lock<std::mutex> lock(mutex_);
  drained_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

void WorkerPool::run() {
  std::unique_ptr<Leftover> leftover;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    if (leftover && queue_.empty()) {  // no task to take it: finished alone before waiting
      lock.unlock();
      flushLeftover(leftover);
      lock.lock();
      finishTask();
      continue;
    }
    if (!leftover) {  // a thread holding a leftover is still counted as running
      const bool woken =
          wake_.wait_for(lock, idle_, [this] { return stopping_ || !queue_.empty(); });
      if (!woken && alive_ > minThreads_) {
        --alive_;
        stopped_.push_back(std::this_thread::get_id());  // joined by the next submit
        return;
      }
      if (queue_.empty()) {
        if (stopping_) return;  // stopping and drained
        continue;
      }
      ++running_;
    }
    CarryingTask task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    try {
      task(leftover);
    } catch (const std::exception& e) {
      // A task must handle its own errors; this is the last line that keeps the thread alive.
      logError("task.crashed", kv("error", e.what()));
    }
    lock.lock();
    if (!leftover) finishTask();
  }
}

void WorkerPool::finishTask() {
  --running_;
  if (queue_.empty() && running_ == 0) drained_.notify_all();
}

}  // namespace sluice
