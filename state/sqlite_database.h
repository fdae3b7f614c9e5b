// SQLite under SqlStateStore: one file in WAL mode. Writes go through one connection under a
// mutex (SQLite has one writer at a time anyway), their commits shared by group commit. A read
// takes that connection when no write holds it (its page cache is warm) and otherwise a reader
// connection of its own, so a poll's or a delivery's read never waits for another thread's
// commit (nor for the checkpoint a commit may run): in WAL mode a read sees every transaction
// committed before it began. Statements are prepared once per connection.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "state/group_commit.h"
#include "state/sql_database.h"
#include "state/sqlite_connection.h"

namespace sluice {

struct SqliteStoreOptions {
  // How long a statement waits for a lock held by another process before failing.
  int busyTimeoutMs = 5000;
};

class SqliteDatabase : public SqlDatabase {
 public:
  // Opens (creating with mode 0600) the database at path and applies migrations. ":memory:"
  // opens a private in-memory database. Throws StateError.
  SqliteDatabase(const std::string& path, SqliteStoreOptions options);
  ~SqliteDatabase() override;

  void transact(const char* what, const std::string& subject, SqlAccess access,
                const std::function<void(SqlTransaction&)>& body) override;

  // One process per SQLite file is the supported setup (several share PostgreSQL instead),
  // so leases are the runner's bookkeeping; a lease held by a process of this machine that is
  // gone is free at once, so a restarted `sluice run` does not wait for it to expire.
  std::vector<std::string> claimTriggers(SqlTransaction& tx, const std::vector<std::string>& keys,
                                         const std::string& owner, int64_t nowMs, int64_t untilMs,
                                         bool evenIfNotDue) override;
  std::vector<Delivery> claimDeliveries(SqlTransaction& tx, const std::string& owner, int64_t nowMs,
                                        int limit, int64_t untilMs) override;

 private:
  class Transaction;
  class Reader;

  void freeLeasesOfGoneProcesses(SqlTransaction& tx, const std::string& owner, int64_t nowMs);
  // Runs body in its own transaction on connection (which the caller holds).
  static void transactAlone(SqliteConnection& connection, const char* what,
                            const std::string& subject, SqlAccess access,
                            const std::function<void(SqlTransaction&)>& body);
  // The write transactions queued together (state/group_commit.h), as one.
  void writeBatch(const std::vector<GroupCommit::Job*>& batch);

  const std::string path_;
  const SqliteStoreOptions options_;
  const bool memory_;        // ":memory:": private to its connection, so reads take the writer's
  std::mutex mutex_;         // guards writer_ and lastSweepMs_
  int64_t lastSweepMs_ = 0;  // freeLeasesOfGoneProcesses
  std::unique_ptr<SqliteConnection> writer_;
  GroupCommit writes_{[this](const std::vector<GroupCommit::Job*>& batch) { writeBatch(batch); }};
  // Reader connections, opened as reads need them (none for ":memory:").
  static constexpr int kMaxReaders = 4;
  std::mutex readersMutex_;  // guards the two below
  std::condition_variable readerFree_;
  int readersOpen_ = 0;
  std::vector<std::unique_ptr<SqliteConnection>> idleReaders_;  // open and not lent
};

}  // namespace sluice
