// SQLite's connections (state/sqlite_database.h): while a write transaction is open, reads run
// on reader connections of their own, so a read is never held up by it and never sees it before
// its commit; threads beyond the readers wait for one; a read-only call that would write is
// refused, whichever connection it runs on; a private in-memory database reads through its
// writer; a write's statement journal stays in memory.
#include "state/sqlite_database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "test_support.h"

namespace sluice {
namespace {

constexpr char kInsertPause[] = "INSERT INTO paused_flows(flow, paused_ms) VALUES($1, 1)";
constexpr char kCountPauses[] = "SELECT count(*) FROM paused_flows";

int64_t countPauses(SqliteDatabase& db) {
  int64_t count = -1;
  db.transact("count", "", SqlAccess::Query, [&](SqlTransaction& tx) {
    tx.query(kCountPauses, {}, [&](const SqlRow& row) { count = row.integer(0); });
  });
  return count;
}

TEST(SqliteDatabaseTest, AReadIsNotHeldUpByAWriteInProgressAndSeesOnlyWhatIsCommitted) {
  test::TempDir dir;
  SqliteDatabase db(dir.path() + "/state.db", {});
  db.transact("pause", "a", SqlAccess::Write,
              [](SqlTransaction& tx) { tx.exec(kInsertPause, {std::string("a")}); });

  std::thread reader;
  std::future<int64_t> seen;
  bool readWhileWriting = false;
  db.transact("pause", "b", SqlAccess::Write, [&](SqlTransaction& tx) {
    tx.exec(kInsertPause, {std::string("b")});
    // The write stays open until the read is back (or, were reads to wait for it, until the
    // bound runs out and the test fails instead of hanging).
    std::packaged_task<int64_t()> read([&] { return countPauses(db); });
    seen = read.get_future();
    reader = std::thread(std::move(read));
    readWhileWriting = seen.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  });
  reader.join();
  EXPECT_TRUE(readWhileWriting);
  EXPECT_EQ(seen.get(), 1);       // the open write's row was not visible
  EXPECT_EQ(countPauses(db), 2);  // once committed, it is
}

// More threads read at once than there are reader connections: the others wait for one.
TEST(SqliteDatabaseTest, ManyThreadsReadingAtOnceShareTheReaders) {
  test::TempDir dir;
  SqliteDatabase db(dir.path() + "/state.db", {});
  db.transact("pause", "a", SqlAccess::Write,
              [](SqlTransaction& tx) { tx.exec(kInsertPause, {std::string("a")}); });
  std::atomic<int> right{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t)
    threads.emplace_back([&] {
      for (int n = 0; n < 50; ++n) right += countPauses(db) == 1;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(right, 16 * 50);
}

TEST(SqliteDatabaseTest, AReadOnlyCallThatWouldWriteIsRefused) {
  test::TempDir dir;
  SqliteDatabase db(dir.path() + "/state.db", {});
  auto writeThroughARead = [&](SqlAccess access) {
    db.transact("pause", "a", access,
                [](SqlTransaction& tx) { tx.exec(kInsertPause, {std::string("a")}); });
  };
  EXPECT_THROW(writeThroughARead(SqlAccess::Query), StateError);  // on the idle writer
  EXPECT_THROW(writeThroughARead(SqlAccess::Read), StateError);
  db.transact("pause", "b", SqlAccess::Write, [&](SqlTransaction& tx) {  // on a reader
    tx.exec(kInsertPause, {std::string("b")});
    std::thread other([&] { EXPECT_THROW(writeThroughARead(SqlAccess::Query), StateError); });
    other.join();
  });
  EXPECT_EQ(countPauses(db), 1);
}

TEST(SqliteDatabaseTest, AnInMemoryDatabaseReadsThroughItsWriter) {
  SqliteDatabase db(":memory:", {});
  db.transact("pause", "a", SqlAccess::Write,
              [](SqlTransaction& tx) { tx.exec(kInsertPause, {std::string("a")}); });
  EXPECT_EQ(countPauses(db), 1);
}

// Files this process has open whose name says they are SQLite temporary files.
int openTemporaryFiles() {
  int found = 0;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(fd.path(), ec).string();
    found += !ec && target.find("etilqs_") != std::string::npos;
  }
  return found;
}

// Each job of a group commit runs under a savepoint, so the pages it changes are first copied
// to a statement journal; past 64 KiB Debian's SQLite moved that journal to a file in /var/tmp,
// a system call per page. A write that changes 400 KiB of existing rows opens no such file.
TEST(SqliteDatabaseTest, AWritesStatementJournalStaysInMemory) {
  test::TempDir dir;
  SqliteDatabase db(dir.path() + "/state.db", {});
  const std::string padding(1000, 'x');
  db.transact("pause", "", SqlAccess::Write, [&](SqlTransaction& tx) {
    for (int i = 0; i < 400; ++i) tx.exec(kInsertPause, {padding + std::to_string(i)});
  });
  int temporary = -1;
  db.transact("pause again", "", SqlAccess::Write, [&](SqlTransaction& tx) {
    tx.exec("UPDATE paused_flows SET paused_ms = paused_ms + 1", {});
    temporary = openTemporaryFiles();
  });
  EXPECT_EQ(temporary, 0);
  EXPECT_EQ(countPauses(db), 400);
}

}  // namespace
}  // namespace sluice
