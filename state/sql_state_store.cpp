#include "state/sql_state_store.h"

#include <set>

#include <algorithm>
#include <type_traits>
#include <utility>

#include "state/store_sql.h"

namespace sluice {

namespace {

// An empty key would make UNIQUE(flow, item_key) swallow every later item of the flow.
void checkOutboxItems(const char* what, const PollCommit& commit) {
  for (size_t i = 0; i < commit.items.size(); ++i) {
    if (commit.items[i].flow.empty() || commit.items[i].itemKey.empty())
      failState(what, commit.triggerKey,
                "outbox item " + std::to_string(i) + " has an empty flow or item key");
  }
}

void checkOwner(const char* what, const std::string& owner) {
  if (owner.empty()) failState(what, "", "empty lease owner");
}

// One outbox row's status change inside a transaction; "no such delivery" when it matched no
// row (the transaction then writes nothing).
void changeDelivery(SqlTransaction& tx, const char* what, int64_t deliveryId, const char* sql,
                    const SqlParams& params) {
  if (tx.exec(sql, params) == 0) failState(what, std::to_string(deliveryId), "no such delivery");
}

}  // namespace

SqlStateStore::SqlStateStore(std::unique_ptr<SqlDatabase> database)
    : database_(std::move(database)) {}

SqlStateStore::~SqlStateStore() = default;

template <typename Body>
auto SqlStateStore::run(const char* what, const std::string& subject, SqlAccess access, Body&& body)
    -> decltype(body(std::declval<SqlTransaction&>())) {
  using Result = decltype(body(std::declval<SqlTransaction&>()));
  if constexpr (std::is_void_v<Result>) {
    database_->transact(what, subject, access, [&](SqlTransaction& tx) { body(tx); });
  } else {
    // Assigned, not appended to: the body may run again after a reconnect.
    std::optional<Result> result;
    database_->transact(what, subject, access, [&](SqlTransaction& tx) { result = body(tx); });
    return std::move(*result);
  }
}

template <typename Reader>
auto SqlStateStore::select(const char* what, const std::string& subject, const char* sql,
                           const SqlParams& params, Reader read)
    -> std::vector<decltype(read(std::declval<const SqlRow&>()))> {
  using Row = decltype(read(std::declval<const SqlRow&>()));
  return run(what, subject, SqlAccess::Query, [&](SqlTransaction& tx) {
    std::vector<Row> rows;
    tx.query(sql, params, [&](const SqlRow& row) { rows.push_back(read(row)); });
    return rows;
  });
}

// --- triggers ---

std::optional<TriggerState> SqlStateStore::loadTrigger(const std::string& key) {
  auto found = select("loadTrigger", key, store_sql::kLoadTrigger, {key}, store_sql::readTrigger);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::map<std::string, std::string> SqlStateStore::seenVersions(
    const std::string& key, const std::vector<std::string>& itemKeys) {
  if (itemKeys.empty()) return {};
  // One read transaction for the page: one snapshot, one lock.
  return run("seenVersions for trigger", key, SqlAccess::Read,
             [&](SqlTransaction& tx) { return database_->seenVersions(tx, key, itemKeys); });
}

void SqlStateStore::insertHistory(SqlTransaction& tx, const std::string& triggerKey,
                                  const PollRecord& r) {
  tx.exec(store_sql::kInsertHistory,
          {triggerKey, r.startedMs, r.finishedMs, int64_t{r.pages}, int64_t{r.fetched},
           int64_t{r.newItems}, int64_t{r.duplicates}, r.error, r.cursorBefore, r.cursorAfter});
  tx.exec(store_sql::kPruneHistory, {triggerKey, int64_t{kHistoryPerTrigger}});
}

void SqlStateStore::writeTrigger(SqlTransaction& tx, const PollCommit& c) {
  if (c.fromWebhook) {
    tx.exec(store_sql::kTouchTrigger, {c.triggerKey, c.op, c.connection});
    return;
  }
  const int64_t moved = c.cursorMoved ? 1 : 0;
  tx.exec(store_sql::kCommitTrigger, {c.triggerKey, c.op, c.connection, c.cursorJson, c.nextDueMs,
                                      c.history.finishedMs, moved, c.leaseOwner});
}

void SqlStateStore::commitPoll(const PollCommit& commit) {
  const char* what = "commitPoll for trigger";
  if (commit.triggerKey.empty()) failState(what, "", "empty trigger key");
  checkOutboxItems(what, commit);
  const std::string& key = commit.triggerKey;
  run(what, key, SqlAccess::Write, [&](SqlTransaction& tx) {
    if (!commit.leaseOwner.empty()) {
      const auto holder = database_->leaseHolder(tx, key);
      if (holder && *holder != commit.leaseOwner)
        throw LeaseLostError(std::string("state: ") + what + " " + key + ": lease lost to " +
                             (holder->empty() ? "a finished poll" : *holder));
    }
    const int64_t now = commit.history.finishedMs;
    writeTrigger(tx, commit);
    // Forget before remembering, so entries seen in this very poll are never pruned.
    if (commit.forgetSeenBeforeMs > 0)
      tx.exec(store_sql::kForgetSeen, {key, commit.forgetSeenBeforeMs});
    if (!commit.seen.empty()) database_->upsertSeen(tx, key, commit.seen, now);
    if (!commit.items.empty()) database_->enqueue(tx, commit.items, now);
    insertHistory(tx, key, commit.history);
  });
}

void SqlStateStore::recordPollFailure(const std::string& key, const std::string& op,
                                      const std::string& connection, const PollRecord& history,
                                      int64_t nextDueMs, const std::string& leaseOwner) {
  const char* what = "recordPollFailure for trigger";
  if (key.empty()) failState(what, "", "empty trigger key");
  // A failure without a message would read as a success in history.
  PollRecord record = history;
  if (record.error.empty()) record.error = "unknown error";
  run(what, key, SqlAccess::Write, [&](SqlTransaction& tx) {
    if (!leaseOwner.empty()) {
      const auto holder = database_->leaseHolder(tx, key);
      if (holder && *holder != leaseOwner) return;  // another process has polled it since
    }
    tx.exec(store_sql::kFailTrigger, {key, op, connection, nextDueMs, record.error});
    insertHistory(tx, key, record);
  });
}

std::vector<TriggerState> SqlStateStore::triggers() {
  return select("triggers", "", store_sql::kAllTriggers, {}, store_sql::readTrigger);
}

std::vector<TriggerSchedule> SqlStateStore::triggerSchedules() {
  return select("triggerSchedules", "", store_sql::kTriggerSchedules, {},
                store_sql::readTriggerSchedule);
}

bool SqlStateStore::resetTrigger(const std::string& key) {
  return run("resetTrigger", key, SqlAccess::Write, [&](SqlTransaction& tx) {
    // The foreign key cascades to seen; deleting seen explicitly too keeps the reset whole
    // even for a database last written with foreign keys off.
    const int64_t seen = tx.exec(store_sql::kDeleteSeen, {key});
    return seen + tx.exec(store_sql::kDeleteTrigger, {key}) > 0;
  });
}

// --- outbox ---

std::vector<Delivery> SqlStateStore::dueDeliveries(int64_t nowMs, int limit) {
  if (limit <= 0) return {};
  return select("dueDeliveries", "", store_sql::kDue, {nowMs, int64_t{limit}},
                store_sql::readDelivery);
}

std::vector<StepResult> SqlStateStore::stepResults(int64_t deliveryId) {
  return select("stepResults for delivery", std::to_string(deliveryId), store_sql::kStepResults,
                {deliveryId}, store_sql::readStepResult);
}

void SqlStateStore::recordStep(int64_t deliveryId, int step, const std::string& resultJson) {
  run("recordStep for delivery", std::to_string(deliveryId), SqlAccess::Statement,
      [&](SqlTransaction& tx) {
        tx.exec(store_sql::kRecordStep, {deliveryId, int64_t{step}, resultJson});
      });
}

void SqlStateStore::markStepStarted(int64_t deliveryId, int step, int64_t sentMs) {
  run("markStepStarted for delivery", std::to_string(deliveryId), SqlAccess::Statement,
      [&](SqlTransaction& tx) {
        tx.exec(store_sql::kStartStep, {deliveryId, int64_t{step}, std::to_string(sentMs)});
      });
}

void SqlStateStore::recordStepThenStart(int64_t deliveryId, int step, const std::string& resultJson,
                                        int nextStep, int64_t sentMs) {
  run("recordStepThenStart for delivery", std::to_string(deliveryId), SqlAccess::Statement,
      [&](SqlTransaction& tx) {
        tx.exec(store_sql::kRecordStepThenStart, {deliveryId, int64_t{step}, resultJson, deliveryId,
                                                  int64_t{nextStep}, std::to_string(sentMs)});
      });
}

void SqlStateStore::clearStepStarted(int64_t deliveryId, int step) {
  run("clearStepStarted for delivery", std::to_string(deliveryId), SqlAccess::Statement,
      [&](SqlTransaction& tx) {
        tx.exec(store_sql::kClearStarted, {deliveryId, int64_t{step}});
      });
}

void SqlStateStore::updateDelivery(const char* what, int64_t deliveryId, const char* sql,
                                   const SqlParams& params) {
  run(what, std::to_string(deliveryId), SqlAccess::Statement,
      [&](SqlTransaction& tx) { changeDelivery(tx, what, deliveryId, sql, params); });
}

void SqlStateStore::markDone(int64_t deliveryId) {
  updateDelivery("markDone for delivery", deliveryId, store_sql::kMarkDone, {deliveryId});
}

void SqlStateStore::finishDelivery(int64_t deliveryId, int step, const std::string& resultJson) {
  const char* what = "finishDelivery for delivery";
  run(what, std::to_string(deliveryId), SqlAccess::Write, [&](SqlTransaction& tx) {
    changeDelivery(tx, what, deliveryId, store_sql::kMarkDone, {deliveryId});
    tx.exec(store_sql::kRecordStep, {deliveryId, int64_t{step}, resultJson});
  });
}

void SqlStateStore::finishThenStart(int64_t finishedId, int step, const std::string& resultJson,
                                    int64_t nextId, int nextStep, int64_t sentMs) {
  const char* what = "finishThenStart for delivery";
  run(what, std::to_string(finishedId), SqlAccess::Write, [&](SqlTransaction& tx) {
    changeDelivery(tx, what, finishedId, store_sql::kMarkDone, {finishedId});
    tx.exec(store_sql::kRecordStepThenStart, {finishedId, int64_t{step}, resultJson, nextId,
                                              int64_t{nextStep}, std::to_string(sentMs)});
  });
}

void SqlStateStore::scheduleRetry(int64_t deliveryId, int attempts, int64_t nextAttemptMs,
                                  const std::string& error) {
  updateDelivery("scheduleRetry for delivery", deliveryId, store_sql::kScheduleRetry,
                 {deliveryId, int64_t{attempts}, nextAttemptMs, error});
}

void SqlStateStore::markDead(int64_t deliveryId, int attempts, const std::string& error) {
  updateDelivery("markDead for delivery", deliveryId, store_sql::kMarkDead,
                 {deliveryId, int64_t{attempts}, error});
}

std::vector<Delivery> SqlStateStore::deliveries(std::optional<DeliveryStatus> status, int limit) {
  if (limit <= 0) return {};
  if (!status)
    return select("deliveries", "", store_sql::kDeliveriesAll, {int64_t{limit}},
                  store_sql::readDelivery);
  const char* sql = *status == DeliveryStatus::Pending ? store_sql::kPendingDeliveries
                    : *status == DeliveryStatus::Done  ? store_sql::kDoneDeliveries
                                                       : store_sql::kDeadDeliveries;
  return select("deliveries", "", sql, {int64_t{limit}}, store_sql::readDelivery);
}

int SqlStateStore::replayAllDead(int64_t nowMs) {
  return run("replayAllDead", "", SqlAccess::Write, [&](SqlTransaction& tx) {
    tx.exec(store_sql::kUnmarkAllDead);
    return static_cast<int>(tx.exec(store_sql::kReplayAll, {nowMs}));
  });
}

int SqlStateStore::replayFlowDead(const std::string& flow, int64_t nowMs) {
  return run("replayFlowDead of", flow, SqlAccess::Write, [&](SqlTransaction& tx) {
    tx.exec(store_sql::kUnmarkFlowDead, {flow});
    return static_cast<int>(tx.exec(store_sql::kReplayFlow, {nowMs, flow}));
  });
}

int SqlStateStore::replayDead(const std::vector<int64_t>& ids, int64_t nowMs) {
  if (ids.empty()) return 0;
  return run("replayDead", "", SqlAccess::Write, [&](SqlTransaction& tx) {
    int replayed = 0;
    for (int64_t id : ids) {
      tx.exec(store_sql::kUnmarkOneDead, {id});
      replayed += static_cast<int>(tx.exec(store_sql::kReplayOne, {nowMs, id}));
    }
    return replayed;
  });
}

int SqlStateStore::pruneDone(int64_t beforeMs, int limit) {
  return run("pruneDone", "", SqlAccess::Statement, [&](SqlTransaction& tx) {
    return static_cast<int>(tx.exec(store_sql::kPruneDone, {beforeMs, int64_t{limit}}));
  });
}

int64_t SqlStateStore::pendingCount() {
  auto count = select("pendingCount", "", store_sql::kPendingCount, {},
                      [](const SqlRow& row) { return row.integer(0); });
  return count.empty() ? 0 : count.front();
}

std::vector<FlowBacklog> SqlStateStore::backlogByFlow(int64_t nowMs) {
  return select("backlogByFlow", "", store_sql::kBacklogByFlow, {nowMs}, [](const SqlRow& row) {
    return FlowBacklog{row.text(0), row.integer(1), row.integer(2)};
  });
}

std::map<std::string, FlowCounts> SqlStateStore::flowCounts(int64_t sinceMs) {
  return run("flowCounts", "", SqlAccess::Read, [&](SqlTransaction& tx) {
    std::map<std::string, FlowCounts> counts;
    tx.query(store_sql::kUnfinishedByFlow, {}, [&](const SqlRow& row) {
      FlowCounts& c = counts[row.text(0)];
      (row.text(1) == "dead" ? c.dead : c.pending) = row.integer(2);
    });
    tx.query(store_sql::kQueuedSinceByFlow, {sinceMs},
             [&](const SqlRow& row) { counts[row.text(0)].queuedSince = row.integer(1); });
    return counts;
  });
}

std::vector<Delivery> SqlStateStore::flowDeliveries(const std::string& flow, int limit) {
  if (limit <= 0) return {};
  return select("flowDeliveries of", flow, store_sql::kFlowDeliveries, {flow, int64_t{limit}},
                store_sql::readDelivery);
}

std::vector<Delivery> SqlStateStore::flowDeadLetters(const std::string& flow, int limit) {
  if (limit <= 0) return {};
  return select("flowDeadLetters of", flow, store_sql::kFlowDeadLetters, {flow, int64_t{limit}},
                store_sql::readDelivery);
}

// --- paused flows ---

bool SqlStateStore::pauseFlow(const std::string& flow, int64_t atMs) {
  if (flow.empty()) failState("pauseFlow", "", "empty flow name");
  return run("pauseFlow", flow, SqlAccess::Statement, [&](SqlTransaction& tx) {
    return tx.exec(store_sql::kPauseFlow, {flow, atMs}) > 0;
  });
}

bool SqlStateStore::resumeFlow(const std::string& flow) {
  return run("resumeFlow", flow, SqlAccess::Statement,
             [&](SqlTransaction& tx) { return tx.exec(store_sql::kResumeFlow, {flow}) > 0; });
}

std::map<std::string, int64_t> SqlStateStore::pausedFlows() {
  std::map<std::string, int64_t> paused;
  for (auto& [flow, at] :
       select("pausedFlows", "", store_sql::kPausedFlows, {},
              [](const SqlRow& row) { return std::make_pair(row.text(0), row.integer(1)); }))
    paused[flow] = at;
  return paused;
}

// --- tenants ---

const char* tenantStateName(TenantState state) {
  switch (state) {
    case TenantState::Installed:
      return "installed";
    case TenantState::Uninstalled:
      return "uninstalled";
    case TenantState::Revoked:
      return "revoked";
  }
  return "installed";
}

namespace {
TenantRecord readTenant(const SqlRow& row) {
  TenantRecord t;
  t.connection = row.text(0);
  t.id = row.text(1);
  t.name = row.text(2);
  t.recordJson = row.text(3);
  const std::string state = row.text(4);
  t.state = state == "revoked"       ? TenantState::Revoked
            : state == "uninstalled" ? TenantState::Uninstalled
                                     : TenantState::Installed;
  t.sinceMs = row.integer(5);
  t.reason = row.text(6);
  return t;
}
}  // namespace

void SqlStateStore::recordDiscovery(const std::string& connection,
                                    const std::vector<TenantRecord>& listed, int64_t nowMs) {
  std::set<std::string> ids;
  for (const auto& t : listed) ids.insert(t.id);
  const auto known = tenants(connection);
  run("recordDiscovery for connection", connection, SqlAccess::Write, [&](SqlTransaction& tx) {
    for (const auto& t : listed)
      tx.exec(store_sql::kListedTenant, {connection, t.id, t.name, t.recordJson, nowMs});
    for (const auto& k : known)
      if (!ids.count(k.id)) tx.exec(store_sql::kUninstalledTenant, {connection, k.id, nowMs});
    return 0;
  });
}

void SqlStateStore::markRevoked(const std::string& connection, const std::string& id,
                                const std::string& reason, int64_t nowMs) {
  run("markRevoked for connection", connection, SqlAccess::Statement, [&](SqlTransaction& tx) {
    return tx.exec(store_sql::kRevokedTenant, {connection, id, nowMs, reason});
  });
}

std::vector<TenantRecord> SqlStateStore::tenants(const std::string& connection) {
  return select("tenants of connection", connection, store_sql::kTenants, {connection}, readTenant);
}

void SqlStateStore::forgetTenant(const std::string& connection, const std::string& id) {
  run("forgetTenant for connection", connection, SqlAccess::Statement, [&](SqlTransaction& tx) {
    return tx.exec(store_sql::kForgetTenant, {connection, id});
  });
}

// --- leases ---

std::vector<std::string> SqlStateStore::claimTriggers(const std::vector<std::string>& dueKeys,
                                                      const std::string& owner, int64_t nowMs,
                                                      int64_t leaseMs, bool evenIfNotDue) {
  if (dueKeys.empty()) return {};
  checkOwner("claimTriggers", owner);
  return run("claimTriggers", "", SqlAccess::Write, [&](SqlTransaction& tx) {
    return database_->claimTriggers(tx, dueKeys, owner, nowMs, nowMs + leaseMs, evenIfNotDue);
  });
}

std::vector<Delivery> SqlStateStore::claimDeliveries(const std::string& owner, int64_t nowMs,
                                                     int limit, int64_t leaseMs) {
  if (limit <= 0) return {};
  checkOwner("claimDeliveries", owner);
  return run("claimDeliveries", "", SqlAccess::Write, [&](SqlTransaction& tx) {
    return database_->claimDeliveries(tx, owner, nowMs, limit, nowMs + leaseMs);
  });
}

void SqlStateStore::renewLeases(const std::string& owner, int64_t untilMs) {
  run("renewLeases of", owner, SqlAccess::Write, [&](SqlTransaction& tx) {
    tx.exec(store_sql::kRenewTriggers, {owner, untilMs});
    tx.exec(store_sql::kRenewDeliveries, {owner, untilMs});
  });
}

void SqlStateStore::releaseLeases(const std::string& owner) {
  run("releaseLeases of", owner, SqlAccess::Write, [&](SqlTransaction& tx) {
    tx.exec(store_sql::kReleaseTriggers, {owner});
    tx.exec(store_sql::kReleaseDeliveries, {owner});
  });
}

std::vector<std::pair<std::string, std::string>> SqlStateStore::triggerLeases(int64_t nowMs) {
  return select("triggerLeases", "", store_sql::kTriggerLeases, {nowMs},
                [](const SqlRow& row) { return std::make_pair(row.text(0), row.text(1)); });
}

// --- history and tokens ---

std::vector<PollRecord> SqlStateStore::history(const std::string& triggerKey, int limit) {
  if (limit <= 0) return {};
  return select("history for trigger", triggerKey, store_sql::kHistory,
                {triggerKey, int64_t{limit}}, store_sql::readPollRecord);
}

std::optional<OAuthTokens> SqlStateStore::loadTokens(const std::string& connection) {
  auto found = select("loadTokens for connection", connection, store_sql::kLoadTokens, {connection},
                      store_sql::readTokens);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

int64_t SqlStateStore::takeBudget(const std::string& key, int64_t sliceStartMs, int64_t sliceMs,
                                  int slices, int64_t limit, int64_t want) {
  if (want <= 0 || limit <= 0) return 0;
  // The span: this slice and the `slices` before it (excluded: `oldest` and anything before).
  const int64_t oldest = sliceStartMs - (slices + 1) * sliceMs;
  return run("takeBudget for", key, SqlAccess::Write, [&](SqlTransaction& tx) {
    tx.exec(store_sql::kLockBudget, {key});  // one taker per key at a time (a row lock)
    int64_t used = 0;
    tx.query(store_sql::kBudgetUsed, {key, oldest},
             [&](const SqlRow& row) { used = row.integer(0); });
    const int64_t granted = std::max<int64_t>(0, std::min(want, limit - used));
    if (granted > 0) tx.exec(store_sql::kSpendBudget, {key, sliceStartMs, granted});
    tx.exec(store_sql::kForgetBudget, {key, oldest});
    return granted;
  });
}

void SqlStateStore::saveTokens(const std::string& connection, const OAuthTokens& tokens) {
  run("saveTokens for connection", connection, SqlAccess::Statement, [&](SqlTransaction& tx) {
    tx.exec(store_sql::kSaveTokens,
            {connection, tokens.accessToken, tokens.refreshToken, tokens.expiresAtMs});
  });
}

}  // namespace sluice
