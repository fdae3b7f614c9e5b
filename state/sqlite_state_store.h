// The embedded StateStore: one SQLite file in WAL mode. One connection serves every thread of
// the process, serialised by a mutex: SQLite has one writer at a time anyway, and a single
// connection makes every commit see every earlier one without cross-connection locking.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "state/state_store.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace sluice {

struct SqliteStoreOptions {
  // How long a statement waits for a lock held by another process before failing.
  int busyTimeoutMs = 5000;
};

class SqliteStateStore : public StateStore {
 public:
  // Opens (creating with mode 0600) the database at path and applies migrations. ":memory:"
  // opens a private in-memory database. Throws StateError.
  explicit SqliteStateStore(const std::string& path, SqliteStoreOptions options = {});
  ~SqliteStateStore() override;
  SqliteStateStore(const SqliteStateStore&) = delete;
  SqliteStateStore& operator=(const SqliteStateStore&) = delete;

  const std::string& path() const { return path_; }

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

  // Leases, for the runner's bookkeeping: one process per SQLite file is the supported setup
  // (several share a PostgreSQL store instead). A lease held by a process of this machine that
  // is gone is free at once, so a restarted `sluice run` does not wait for it to expire.
  std::vector<std::string> claimTriggers(const std::vector<std::string>& dueKeys,
                                         const std::string& owner, int64_t nowMs, int64_t leaseMs,
                                         bool evenIfNotDue = false) override;
  std::vector<Delivery> claimDeliveries(const std::string& owner, int64_t nowMs, int limit,
                                        int64_t leaseMs) override;
  void renewLeases(const std::string& owner, int64_t untilMs) override;
  void releaseLeases(const std::string& owner) override;
  std::vector<std::pair<std::string, std::string>> triggerLeases(int64_t nowMs) override;

  // Newest first, at most limit.
  std::vector<PollRecord> history(const std::string& triggerKey, int limit) override;

  std::optional<OAuthTokens> loadTokens(const std::string& connection) override;
  void saveTokens(const std::string& connection, const OAuthTokens& tokens) override;

  // Poll history kept per trigger; older rows are pruned on every poll.
  static constexpr int kHistoryPerTrigger = 1000;

 private:
  class Use;

  // Runs body under the mutex and turns SQLite errors into StateError
  // "state: <what> <subject>: <cause>". The subject is an id or a trigger key, never item data.
  template <typename Body>
  auto locked(const char* what, const std::string& subject, Body&& body) -> decltype(body());

  // A prepared statement for sql (a string literal: cached by address), reset for use.
  Use use(const char* sql);
  void insertHistory(const std::string& triggerKey, const PollRecord& record);
  // The trigger's lease owner ("" = free), nullopt without a row. Under the mutex.
  std::optional<std::string> leaseHolder(const std::string& key);
  void freeLeasesOfGoneProcesses(const std::string& owner, int64_t nowMs);

  std::string path_;
  std::mutex mutex_;
  int64_t lastSweepMs_ = 0;  // freeLeasesOfGoneProcesses
  std::unique_ptr<SQLite::Database> db_;
  // Declared after db_ so the statements are finalised before the connection closes.
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace sluice
