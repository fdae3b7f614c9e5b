// The shared StateStore: one PostgreSQL database that several `sluice run` processes, on one
// or several machines, divide the work of by leases (claimTriggers / claimDeliveries use
// SELECT ... FOR UPDATE SKIP LOCKED). Same tables and the same one-transaction poll commit as
// SQLite. A small pool of connections, each used by one thread at a time; a broken connection
// is dropped and the call repeated on a new one, with backoff, while the database restarts.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "state/state_store.h"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace sluice {

// Where and as whom, from "postgresql://user[:password]@host[:port]/db[?params]".
// params: password_file=PATH, pool=N (connections, default 6), connect_timeout=S,
// sslmode=MODE. The password comes from password_file, else SLUICE_PG_PASSWORD, else
// PGPASSWORD, else the URL (discouraged: it would sit in the config file).
struct PostgresTarget {
  std::string host = "localhost";
  int port = 5432;
  std::string database;
  std::string user;
  std::string password;  // never printed
  std::string sslmode;
  int pool = 6;
  int connectTimeoutS = 5;

  // "host:port/db as user" for messages: never the password.
  std::string describe() const;
  // libpq's keyword=value connection string (with the password).
  std::string connectionString() const;
};

// Parses the URL, reading the password file or environment. Throws
// StateError naming what is wrong (never the password).
PostgresTarget parsePostgresUrl(const std::string& url);

struct PostgresStoreOptions {
  // How long a call keeps reconnecting (backoff 100 ms doubling to 2 s) before it fails.
  int reconnectBudgetMs = 15000;
};

struct PgConnection;  // one pqxx connection (postgres_state_store.cpp)

class PostgresStateStore : public StateStore {
 public:
  // Connects once (failing at once with a clear error when the server is unreachable or the
  // credentials are wrong) and applies or checks the schema per policy.
  PostgresStateStore(const PostgresTarget& target, SchemaPolicy policy,
                     PostgresStoreOptions options = {});
  ~PostgresStateStore() override;
  PostgresStateStore(const PostgresStateStore&) = delete;
  PostgresStateStore& operator=(const PostgresStateStore&) = delete;

  // The schema version found on open (before migrating) and now.
  int versionOnOpen() const { return versionOnOpen_; }
  int schemaVersion();

  std::optional<TriggerState> loadTrigger(const std::string& key) override;
  std::map<std::string, std::string> seenVersions(
      const std::string& key, const std::vector<std::string>& itemKeys) override;
  void commitPoll(const PollCommit& commit) override;
  void recordPollFailure(const std::string& key, const std::string& op,
                         const std::string& connection, const PollRecord& history,
                         int64_t nextDueMs, const std::string& leaseOwner = "") override;
  std::vector<TriggerState> triggers() override;
  bool resetTrigger(const std::string& key) override;

  std::vector<Delivery> dueDeliveries(int64_t nowMs, int limit) override;
  std::vector<StepResult> stepResults(int64_t deliveryId) override;
  void recordStep(int64_t deliveryId, int step, const std::string& resultJson) override;
  void markStepStarted(int64_t deliveryId, int step, int64_t sentMs) override;
  void clearStepStarted(int64_t deliveryId, int step) override;
  void markDone(int64_t deliveryId) override;
  void scheduleRetry(int64_t deliveryId, int attempts, int64_t nextAttemptMs,
                     const std::string& error) override;
  void markDead(int64_t deliveryId, int attempts, const std::string& error) override;
  std::vector<Delivery> deliveries(std::optional<DeliveryStatus> status, int limit) override;
  int replayDead(const std::vector<int64_t>& ids, int64_t nowMs) override;
  int pruneDone(int64_t beforeMs, int limit) override;
  int64_t pendingCount() override;

  std::vector<std::string> claimTriggers(const std::vector<std::string>& dueKeys,
                                         const std::string& owner, int64_t nowMs, int64_t leaseMs,
                                         bool evenIfNotDue = false) override;
  std::vector<Delivery> claimDeliveries(const std::string& owner, int64_t nowMs, int limit,
                                        int64_t leaseMs) override;
  void renewLeases(const std::string& owner, int64_t untilMs) override;
  void releaseLeases(const std::string& owner) override;
  std::vector<std::pair<std::string, std::string>> triggerLeases(int64_t nowMs) override;

  std::vector<PollRecord> history(const std::string& triggerKey, int limit) override;

  std::optional<OAuthTokens> loadTokens(const std::string& connection) override;
  void saveTokens(const std::string& connection, const OAuthTokens& tokens) override;

  static constexpr int kHistoryPerTrigger = 1000;

 private:
  // Runs body(tx) in one transaction on a pooled connection and commits. A broken connection
  // is replaced and the whole body run again (with backoff, within the reconnect budget);
  // other failures become StateError "state: <what> <subject>: <cause>".
  template <typename Body>
  auto transact(const char* what, const std::string& subject, Body&& body)
      -> decltype(body(std::declval<pqxx::transaction_base&>()));

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
