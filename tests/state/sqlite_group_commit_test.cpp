// SQLite's batched writes (state/group_commit.h under state/sqlite_database.cpp): polls that
// commit at the same time from many threads each land whole, with their cursor; one whose lease
// is lost, or whose statement fails, is undone alone and its caller told, while the others stand.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/error.h"
#include "state/sqlite_state_store.h"
#include "state/state_test_data.h"
#include "test_support.h"

namespace sluice {
namespace sqlite_group_commit_test {

using state_test_data::item;
using state_test_data::poll;

constexpr int kThreads = 6;
constexpr int kPolls = 40;

std::string key(int thread) {
  return "trigger-" + std::to_string(thread);
}

// Thread t's poll n: its own trigger, one new item, the cursor "c<n>".
PollCommit pollOf(int t, int n, const std::string& leaseOwner = "") {
  PollCommit c = poll("c" + std::to_string(n), 1000 + n,
                      {item("f", key(t) + "/" + std::to_string(n))}, {}, key(t));
  c.leaseOwner = leaseOwner;
  return c;
}

class SqliteGroupCommitTest : public ::testing::Test {
 protected:
  std::string dbPath() const { return dir_.path() + "/state.db"; }
  test::TempDir dir_;
};

TEST_F(SqliteGroupCommitTest, ConcurrentPollsEachLandWholeAndALostLeaseIsUndoneAlone) {
  SqliteStateStore store(dbPath());
  const int lostThread = kThreads - 1;
  store.commitPoll(pollOf(lostThread, 0));
  ASSERT_EQ(store.claimTriggers({key(lostThread)}, "other-process", 1000, 3600 * 1000, true).size(),
            1u);
  std::atomic<int> lost{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int n = 1; n <= kPolls; ++n) {
        try {
          store.commitPoll(pollOf(t, n, t == lostThread ? "this-process" : ""));
        } catch (const LeaseLostError&) {
          ++lost;
        } catch (const StateError&) {
          ++failed;
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(lost.load(), kPolls);
  EXPECT_EQ(failed.load(), 0);
  for (int t = 0; t < lostThread; ++t)
    EXPECT_EQ(store.loadTrigger(key(t))->cursorJson, "c" + std::to_string(kPolls));
  EXPECT_EQ(store.loadTrigger(key(lostThread))->cursorJson, "c0");  // none of its commits
  EXPECT_EQ(store.pendingCount(), lostThread * kPolls + 1);
}

TEST_F(SqliteGroupCommitTest, AFailingStatementFailsOnlyItsOwnPoll) {
  SqliteStateStore store(dbPath());
  store.commitPoll(pollOf(0, 0));
  {
    SQLite::Database raw(dbPath(), SQLite::OPEN_READWRITE);
    raw.exec(
        "CREATE TRIGGER sabotage BEFORE INSERT ON outbox WHEN NEW.item_key LIKE '%/bad'"
        " BEGIN SELECT RAISE(ABORT, 'sabotaged insert'); END");
  }
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int n = 1; n <= kPolls; ++n) {
        PollCommit c = pollOf(t, n);
        if (n % 10 == 0) c.items.push_back(item("f", key(t) + "/bad"));  // fails the whole poll
        try {
          store.commitPoll(c);
        } catch (const StateError&) {
          ++failed;
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), kThreads * (kPolls / 10));
  // Every poll but the failed ones landed with its item; a failed one left nothing behind.
  EXPECT_EQ(store.pendingCount(), 1 + kThreads * (kPolls - kPolls / 10));
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(store.loadTrigger(key(t))->cursorJson, "c" + std::to_string(kPolls - 1));
}

}  // namespace sqlite_group_commit_test
}  // namespace sluice
