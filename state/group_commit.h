// Group commit: write transactions asked for while another is being written wait, and the next
// writer takes them all (up to kMaxBatch) into one transaction. Nobody waits for a timer: an
// idle store writes each call at once, and under load the queue fills by itself while the
// single writer works, so N polls and step records that finish together cost one commit (one
// WAL append of the pages they share) instead of N. Each caller still returns only once its
// own work is committed, with its own outcome: a body that throws is undone alone (the writer
// wraps each in a savepoint), and a database failure in a batch makes the writer run every
// body of it alone again, so each caller sees exactly what it would have seen unbatched.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "state/sql_database.h"

namespace sluice {

class GroupCommit {
 public:
  static constexpr size_t kMaxBatch = 64;

  // One caller's write transaction: its body and what it is for (errors name them), and its
  // outcome.
  struct Job {
    const char* what;
    const std::string& subject;
    const std::function<void(SqlTransaction&)>& body;
    std::exception_ptr error = nullptr;  // what the body (or the database) threw, rethrown
    bool done = false;
    // Wakes this caller alone (its job written, or its turn to write): with dozens of workers
    // waiting, waking all of them for each batch cost more than the batch saved.
    std::condition_variable wake{};
  };
  // Writes a batch of jobs (in order) as the database sees fit, setting each one's error.
  using WriteBatch = std::function<void(const std::vector<Job*>&)>;

  explicit GroupCommit(WriteBatch writeBatch) : writeBatch_(std::move(writeBatch)) {}

  // Returns once job has been written, in a batch this thread wrote or another one did;
  // rethrows the job's error.
  void run(Job& job);
  // Jobs waiting for a writer (for tests and diagnostics).
  size_t queued();

 private:
  WriteBatch writeBatch_;
  std::mutex mutex_;  // guards queue_, writing_ and the jobs' done flags
  std::deque<Job*> queue_;
  bool writing_ = false;
};

}  // namespace sluice
