// The StateStore algorithm, written once over SqlDatabase: what each call checks, reads and
// writes, and in which transaction. SqliteStateStore and PostgresStateStore are this with their
// database underneath.
#pragma once

#include <memory>
#include <string>

#include "state/sql_database.h"
#include "state/state_store.h"

namespace sluice {

class SqlStateStore : public StateStore {
 public:
  explicit SqlStateStore(std::unique_ptr<SqlDatabase> database);
  ~SqlStateStore() override;
  SqlStateStore(const SqlStateStore&) = delete;
  SqlStateStore& operator=(const SqlStateStore&) = delete;

  std::optional<TriggerState> loadTrigger(const std::string& key) override;
  std::map<std::string, std::string> seenVersions(
      const std::string& key, const std::vector<std::string>& itemKeys) override;
  void commitPoll(const PollCommit& commit) override;
  void recordPollFailure(const std::string& key, const std::string& op,
                         const std::string& connection, const PollRecord& history,
                         int64_t nextDueMs, const std::string& leaseOwner = "") override;
  std::vector<TriggerState> triggers() override;
  std::vector<TriggerSchedule> triggerSchedules() override;
  bool resetTrigger(const std::string& key) override;

  std::vector<Delivery> dueDeliveries(int64_t nowMs, int limit) override;
  std::vector<StepResult> stepResults(int64_t deliveryId) override;
  void recordStep(int64_t deliveryId, int step, const std::string& resultJson) override;
  void markStepStarted(int64_t deliveryId, int step, int64_t sentMs) override;
  void recordStepThenStart(int64_t deliveryId, int step, const std::string& resultJson,
                           int nextStep, int64_t sentMs) override;
  void clearStepStarted(int64_t deliveryId, int step) override;
  void markDone(int64_t deliveryId) override;
  void finishDelivery(int64_t deliveryId, int step, const std::string& resultJson) override;
  void finishThenStart(int64_t finishedId, int step, const std::string& resultJson, int64_t nextId,
                       int nextStep, int64_t sentMs) override;
  void scheduleRetry(int64_t deliveryId, int attempts, int64_t nextAttemptMs,
                     const std::string& error) override;
  void markDead(int64_t deliveryId, int attempts, const std::string& error) override;
  std::vector<Delivery> deliveries(std::optional<DeliveryStatus> status, int limit) override;
  int replayDead(const std::vector<int64_t>& ids, int64_t nowMs) override;
  int replayAllDead(int64_t nowMs) override;
  int replayFlowDead(const std::string& flow, int64_t nowMs) override;
  int pruneDone(int64_t beforeMs, int limit) override;
  int64_t pendingCount() override;
  std::vector<FlowBacklog> backlogByFlow(int64_t nowMs) override;
  std::map<std::string, FlowCounts> flowCounts(int64_t sinceMs) override;
  std::vector<Delivery> flowDeliveries(const std::string& flow, int limit) override;
  std::vector<Delivery> flowDeadLetters(const std::string& flow, int limit) override;

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
  bool pauseFlow(const std::string& flow, int64_t atMs) override;
  bool resumeFlow(const std::string& flow) override;
  std::map<std::string, int64_t> pausedFlows() override;

  void recordDiscovery(const std::string& connection, const std::vector<TenantRecord>& listed,
                       int64_t nowMs) override;
  void markRevoked(const std::string& connection, const std::string& id, const std::string& reason,
                   int64_t nowMs) override;
  std::vector<TenantRecord> tenants(const std::string& connection) override;
  void forgetTenant(const std::string& connection, const std::string& id) override;

  int64_t takeBudget(const std::string& key, int64_t sliceStartMs, int64_t sliceMs, int slices,
                     int64_t limit, int64_t want) override;

  // Poll history kept per trigger; older rows are pruned on every poll.
  static constexpr int kHistoryPerTrigger = 1000;

 protected:
  SqlDatabase& database() const { return *database_; }

 private:
  // Runs body(tx) in one transaction (SqlDatabase::transact) and returns what it returns.
  template <typename Body>
  auto run(const char* what, const std::string& subject, SqlAccess access, Body&& body)
      -> decltype(body(std::declval<SqlTransaction&>()));
  // Collects the rows of one query.
  template <typename Reader>
  auto select(const char* what, const std::string& subject, const char* sql,
              const SqlParams& params, Reader read)
      -> std::vector<decltype(read(std::declval<const SqlRow&>()))>;
  // One outbox row's status change; "no such delivery" when it matched no row.
  void updateDelivery(const char* what, int64_t deliveryId, const char* sql,
                      const SqlParams& params);
  void writeTrigger(SqlTransaction& tx, const PollCommit& commit);
  void insertHistory(SqlTransaction& tx, const std::string& triggerKey, const PollRecord& record);

  std::unique_ptr<SqlDatabase> database_;
};

}  // namespace sluice
