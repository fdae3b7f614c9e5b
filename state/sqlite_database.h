// SQLite under SqlStateStore: one file in WAL mode, one connection serving every thread of the
// process under a mutex (SQLite has one writer at a time anyway, and one connection makes every
// commit see every earlier one without cross-connection locking), statements prepared once.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "state/group_commit.h"
#include "state/sql_database.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

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

  // The prepared form of sql (a string literal: cached by address), its $n read as ?n.
  SQLite::Statement& prepared(const char* sql);
  void freeLeasesOfGoneProcesses(SqlTransaction& tx, const std::string& owner, int64_t nowMs);
  // Runs body in its own transaction (mutex_ held by the caller).
  void transactAlone(const char* what, const std::string& subject, SqlAccess access,
                     const std::function<void(SqlTransaction&)>& body);
  // The write transactions queued together (state/group_commit.h), as one.
  void writeBatch(const std::vector<GroupCommit::Job*>& batch);

  std::mutex mutex_;
  int64_t lastSweepMs_ = 0;  // freeLeasesOfGoneProcesses
  std::unique_ptr<SQLite::Database> db_;
  // Declared after db_ so the statements are finalised before the connection closes.
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
  GroupCommit writes_{[this](const std::vector<GroupCommit::Job*>& batch) { writeBatch(batch); }};
};

}  // namespace sluice
