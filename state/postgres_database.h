// PostgreSQL under SqlStateStore: one database that several `sluice run` processes, on one or
// several machines, divide the work of by leases (claims use SELECT ... FOR UPDATE SKIP
// LOCKED). A small pool of connections, each used by one thread at a time; a broken connection
// is dropped and the call repeated on a new one, with backoff, while the database restarts.
// Batches (seen ids, outbox rows) go as arrays: one round trip instead of one per row.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "state/postgres_target.h"
#include "state/sql_database.h"
#include "state/state_store.h"

namespace sluice {

struct PostgresStoreOptions {
  // How long a call keeps reconnecting (backoff 100 ms doubling to 2 s) before it fails.
  int reconnectBudgetMs = 15000;
};

struct PgConnection;  // one pqxx connection (postgres_database.cpp)

class PostgresDatabase : public SqlDatabase {
 public:
  // Connects once (failing at once with a clear error when the server is unreachable or the
  // credentials are wrong) and applies or checks the schema per policy.
  PostgresDatabase(const PostgresTarget& target, SchemaPolicy policy, PostgresStoreOptions options);
  ~PostgresDatabase() override;

  // The schema version found on open, before migrating.
  int versionOnOpen() const { return versionOnOpen_; }

  void transact(const char* what, const std::string& subject, SqlAccess access,
                const std::function<void(SqlTransaction&)>& body) override;

  std::optional<std::string> leaseHolder(SqlTransaction& tx, const std::string& key) override;
  std::map<std::string, std::string> seenVersions(
      SqlTransaction& tx, const std::string& key,
      const std::vector<std::string>& itemKeys) override;
  void upsertSeen(SqlTransaction& tx, const std::string& key, const std::vector<SeenEntry>& entries,
                  int64_t nowMs) override;
  void enqueue(SqlTransaction& tx, const std::vector<OutboxItem>& items, int64_t nowMs) override;
  std::vector<std::string> claimTriggers(SqlTransaction& tx, const std::vector<std::string>& keys,
                                         const std::string& owner, int64_t nowMs, int64_t untilMs,
                                         bool evenIfNotDue) override;
  std::vector<Delivery> claimDeliveries(SqlTransaction& tx, const std::string& owner, int64_t nowMs,
                                        int limit, int64_t untilMs) override;

 private:
  class Transaction;

  void checkSchema(PgConnection& connection, SchemaPolicy policy);
  // One attempt of transact: true when done, false when the call is worth repeating (cause
  // says why).
  bool attempt(const char* what, const std::string& subject,
               const std::function<void(SqlTransaction&)>& body, int& conflicts,
               std::string& cause);
  std::unique_ptr<PgConnection> connect();  // throws pqxx errors
  std::unique_ptr<PgConnection> acquire();  // waits for a free one or opens one
  void giveBack(std::unique_ptr<PgConnection> connection);
  void dropOne();
  // The error text with the password masked, first line only.
  std::string clean(const std::string& text) const;
  [[noreturn]] void fail(const char* what, const std::string& subject,
                         const std::string& cause) const;

  PostgresTarget target_;
  PostgresStoreOptions options_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;  // connections existing (idle or in use)
  int versionOnOpen_ = 0;
};

}  // namespace sluice
