#include "state/group_commit.h"

namespace sluice {

void GroupCommit::run(Job& job) {
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.push_back(&job);
  while (!job.done) {
    if (writing_) {
      job.wake.wait(lock);
      continue;
    }
    // No writer at work: this thread writes what is queued, its own job among the first
    // kMaxBatch or, after a turn for the earlier ones, in the next round.
    writing_ = true;
    std::vector<Job*> batch;
    while (!queue_.empty() && batch.size() < kMaxBatch) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    try {
      writeBatch_(batch);
    } catch (...) {  // the batch function records errors per job; anything else fails them all
      for (Job* failed : batch)
        if (!failed->error) failed->error = std::current_exception();
    }
    lock.lock();
    for (Job* written : batch) {
      written->done = true;
      if (written != &job) written->wake.notify_one();
    }
    writing_ = false;
    if (!queue_.empty()) queue_.front()->wake.notify_one();  // the next writer
  }
  if (job.error) std::rethrow_exception(job.error);
}

size_t GroupCommit::queued() {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

}  // namespace sluice
