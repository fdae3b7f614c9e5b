// Group commit: callers that ask while a batch is being written go into the next batch
// together, each returns only once its own job is written, and each gets its own error.
#include "state/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

namespace sluice {
namespace group_commit_test {

const std::function<void(SqlTransaction&)> kNoBody = [](SqlTransaction&) {};

TEST(GroupCommitTest, CallersArrivingDuringAWriteGoTogetherIntoTheNext) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::vector<size_t> batches;
  std::atomic<bool> writing{false};
  GroupCommit commits([&](const std::vector<GroupCommit::Job*>& batch) {
    if (batches.empty()) {  // the first write holds the writer
      writing = true;
      released.wait();
    }
    batches.push_back(batch.size());
    for (GroupCommit::Job* job : batch)
      if (std::string(job->what) == "bad")
        job->error = std::make_exception_ptr(std::runtime_error("bad"));
  });
  const std::string subject = "s";
  std::thread first([&] {
    GroupCommit::Job job{"first", subject, kNoBody};
    commits.run(job);
  });
  while (!writing) std::this_thread::yield();
  // The first job is being written (taken off the queue); these five queue behind it.
  std::atomic<int> failed{0}, written{0};
  std::vector<std::thread> others;
  for (int i = 0; i < 5; ++i)
    others.emplace_back([&, i] {
      GroupCommit::Job job{i == 2 ? "bad" : "good", subject, kNoBody};
      try {
        commits.run(job);
        ++written;
      } catch (const std::runtime_error&) {
        ++failed;
      }
    });
  while (commits.queued() != 5) std::this_thread::yield();
  release.set_value();
  first.join();
  for (auto& t : others) t.join();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0], 1u);
  EXPECT_EQ(batches[1], 5u);  // one write for the five
  EXPECT_EQ(written.load(), 4);
  EXPECT_EQ(failed.load(), 1);  // only the job that failed sees its error
}

TEST(GroupCommitTest, ABatchIsNeverLargerThanTheCap) {
  std::vector<size_t> batches;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> writing{false};
  GroupCommit commits([&](const std::vector<GroupCommit::Job*>& batch) {
    if (batches.empty()) {
      writing = true;
      released.wait();
    }
    batches.push_back(batch.size());
  });
  const std::string subject = "s";
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    GroupCommit::Job job{"first", subject, kNoBody};
    commits.run(job);
  });
  while (!writing) std::this_thread::yield();
  const size_t n = GroupCommit::kMaxBatch + 10;
  for (size_t i = 0; i < n; ++i)
    threads.emplace_back([&] {
      GroupCommit::Job job{"job", subject, kNoBody};
      commits.run(job);
    });
  while (commits.queued() != n) std::this_thread::yield();
  release.set_value();
  for (auto& t : threads) t.join();
  size_t total = 0;
  for (size_t b : batches) {
    EXPECT_LE(b, GroupCommit::kMaxBatch);
    total += b;
  }
  EXPECT_EQ(total, n + 1);  // every job written once
}

TEST(GroupCommitTest, AWriterThatThrowsFailsItsBatchAndTheNextOneWrites) {
  int calls = 0;
  GroupCommit commits([&](const std::vector<GroupCommit::Job*>&) {
    if (++calls == 1) throw std::runtime_error("writer broke");
  });
  const std::string subject = "s";
  GroupCommit::Job one{"one", subject, kNoBody}, two{"two", subject, kNoBody};
  EXPECT_THROW(commits.run(one), std::runtime_error);
  EXPECT_NO_THROW(commits.run(two));  // not stuck
}

}  // namespace group_commit_test
}  // namespace sluice
