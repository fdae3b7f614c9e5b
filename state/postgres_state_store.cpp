#include "state/postgres_state_store.h"
#include "core/text.h"

#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <type_traits>
#include <utility>

#include "state/postgres_migrations.h"

namespace sluice {

namespace {

// A libpq connection-string value: single-quoted, with \ and ' escaped.
std::string quoteValue(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

// A PostgreSQL array literal of text, for $n::text[] (every element quoted, so none is NULL).
std::string textArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string int64Array(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out + "}";
}

#define SLUICE_TRIGGER_COLUMNS                                                        \
  "key, op, connection, cursor_json, next_due_ms, last_poll_ms, watermark_moved_ms, " \
  "consecutive_errors, last_error, polled_by"
#define SLUICE_DELIVERY_COLUMNS                                                    \
  "id, flow, item_key, item_json, status, attempts, created_ms, next_attempt_ms, " \
  "last_error"

TriggerState readTrigger(const pqxx::row& r) {
  TriggerState t;
  t.key = r[0].as<std::string>();
  t.op = r[1].as<std::string>();
  t.connection = r[2].as<std::string>();
  t.cursorJson = r[3].as<std::string>();
  t.nextDueMs = r[4].as<int64_t>();
  t.lastPollMs = r[5].as<int64_t>();
  t.watermarkMovedMs = r[6].as<int64_t>();
  t.consecutiveErrors = r[7].as<int>();
  t.lastError = r[8].as<std::string>();
  t.polledBy = r[9].as<std::string>();
  return t;
}

Delivery readDelivery(const pqxx::row& r) {
  Delivery d;
  d.id = r[0].as<int64_t>();
  d.flow = r[1].as<std::string>();
  d.itemKey = r[2].as<std::string>();
  d.itemJson = r[3].as<std::string>();
  d.status = parseDeliveryStatus(r[4].as<std::string>());
  d.attempts = r[5].as<int>();
  d.createdMs = r[6].as<int64_t>();
  d.nextAttemptMs = r[7].as<int64_t>();
  d.lastError = r[8].as<std::string>();
  return d;
}

// A failure that a new connection may cure: the server went away or is restarting.
bool connectionLost(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) return true;
  if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    // 08: connection exception; 57P01-03: admin shutdown, crash shutdown, cannot connect now.
    return startsWith(state, "08") || startsWith(state, "57P");
  }
  return false;
}

// A connection failure no retry cures: wrong credentials, no such database or user.
bool refused(const std::string& message) {
  for (const char* text : {"password authentication failed", "no password supplied",
                           "does not exist", "no pg_hba.conf entry", "permission denied"})
    if (message.find(text) != std::string::npos) return true;
  return false;
}

// Two transactions got in each other's way; running the body again is safe.
bool retryable(const std::exception& e) {
  return dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr;
}

}  // namespace

struct PgConnection {
  explicit PgConnection(const std::string& options) : c(options) {}
  pqxx::connection c;
};

std::string PostgresTarget::describe() const {
  return "PostgreSQL " + host + ":" + std::to_string(port) + "/" + database + " as user " +
         (user.empty() ? "(default)" : user);
}

std::string PostgresTarget::connectionString() const {
  std::string s = "host=" + quoteValue(host) + " port=" + std::to_string(port) +
                  " dbname=" + quoteValue(database) +
                  " connect_timeout=" + std::to_string(connectTimeoutS) +
                  " application_name='sluice'";
  if (!user.empty()) s += " user=" + quoteValue(user);
  if (!password.empty()) s += " password=" + quoteValue(password);
  if (!sslmode.empty()) s += " sslmode=" + quoteValue(sslmode);
  return s;
}

PostgresStateStore::PostgresStateStore(const PostgresTarget& target, SchemaPolicy policy,
                                       PostgresStoreOptions options)
    : target_(target), options_(options) {
  std::unique_ptr<PgConnection> first;
  try {
    first = connect();
    ++open_;
    versionOnOpen_ = postgres_schema::currentVersion(first->c);
    if (policy == SchemaPolicy::Migrate) {
      postgres_schema::migrate(first->c);
    } else {
      const int version = versionOnOpen_;
      const int latest = postgres_schema::latestVersion();
      if (version == 0)
        throw StateError("state: " + target_.describe() +
                         " has no sluice schema yet: run `sluice migrate -c FILE` first");
      if (version < latest)
        throw StateError("state: " + target_.describe() + " has schema version " +
                         std::to_string(version) + ", this sluice needs version " +
                         std::to_string(latest) + ": run `sluice migrate -c FILE` first");
      if (version > latest)
        throw StateError("state: " + target_.describe() + " has schema version " +
                         std::to_string(version) + ", newer than this sluice supports (version " +
                         std::to_string(latest) + "); upgrade sluice to use this database");
    }
  } catch (const StateError& e) {
    if (startsWith(e.what(), "state: ")) throw;
    fail("open", target_.describe(), e.what());
  } catch (const std::exception& e) {
    fail("open", target_.describe(), e.what());
  }
  giveBack(std::move(first));
}

PostgresStateStore::~PostgresStateStore() = default;

std::string PostgresStateStore::clean(const std::string& text) const {
  std::string out = text.substr(0, text.find('\n'));
  if (target_.password.size() >= 3) {
    for (size_t at = out.find(target_.password); at != std::string::npos;
         at = out.find(target_.password, at))
      out.replace(at, target_.password.size(), "***");
  }
  return out;
}

void PostgresStateStore::fail(const char* what, const std::string& subject,
                              const std::string& cause) const {
  std::string message = std::string("state: ") + what;
  if (!subject.empty()) message += " " + subject;
  std::string reason = clean(cause);
  if (reason.find("password authentication failed") != std::string::npos ||
      reason.find("no password supplied") != std::string::npos)
    reason += " (check SLUICE_PG_PASSWORD, PGPASSWORD or the URL's password_file)";
  throw StateError(message + ": " + reason);
}

std::unique_ptr<PgConnection> PostgresStateStore::connect() {
  auto c = std::make_unique<PgConnection>(target_.connectionString());
  // NOTICEs (e.g. "relation already exists, skipping") would go to stderr otherwise.
  pqxx::nontransaction(c->c).exec("SET client_min_messages TO warning");
  return c;
}

std::unique_ptr<PgConnection> PostgresStateStore::acquire() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty() || open_ < target_.pool; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    ++open_;  // reserved; opened outside the lock
  }
  try {
    return connect();
  } catch (...) {
    dropOne();
    throw;
  }
}

void PostgresStateStore::giveBack(std::unique_ptr<PgConnection> connection) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

void PostgresStateStore::dropOne() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --open_;
  }
  available_.notify_one();
}

template <typename Body>
auto PostgresStateStore::transact(const char* what, const std::string& subject, Body&& body)
    -> decltype(body(std::declval<pqxx::transaction_base&>())) {
  using namespace std::chrono;
  const auto deadline = steady_clock::now() + milliseconds(options_.reconnectBudgetMs);
  int64_t backoffMs = 100;
  int conflicts = 0;
  for (;;) {
    std::unique_ptr<PgConnection> c;
    std::string cause;
    try {
      c = acquire();
      pqxx::work tx(c->c);
      if constexpr (std::is_void_v<decltype(body(tx))>) {
        body(tx);
        tx.commit();
        giveBack(std::move(c));
        return;
      } else {
        auto result = body(tx);
        tx.commit();
        giveBack(std::move(c));
        return result;
      }
    } catch (const pqxx::in_doubt_error& e) {
      // The commit was sent and the connection broke: it may or may not have happened.
      if (c) dropOne();
      fail(what, subject, std::string("the connection broke during the commit: ") + e.what());
    } catch (const StateError&) {
      if (c) giveBack(std::move(c));
      throw;
    } catch (const std::exception& e) {
      const bool lost = (connectionLost(e) || (c && !c->c.is_open())) && !refused(e.what());
      if (c) {
        if (lost)
          dropOne();
        else
          giveBack(std::move(c));
      } else if (!lost) {
        // acquire() failed for a reason a retry will not cure (bad password, no database).
        fail(what, subject,
             std::string("cannot connect to ") + target_.describe() + ": " + e.what());
      }
      if (!lost && !(retryable(e) && ++conflicts < 5)) fail(what, subject, e.what());
      cause = e.what();
    }
    if (steady_clock::now() + milliseconds(backoffMs) > deadline)
      fail(what, subject, "cannot reach " + target_.describe() + ": " + cause);
    std::this_thread::sleep_for(milliseconds(backoffMs));
    backoffMs = std::min<int64_t>(backoffMs * 2, 2000);
  }
}

int PostgresStateStore::schemaVersion() {
  return transact("schemaVersion", "", [&](pqxx::transaction_base& tx) {
    if (!tx.exec("SELECT to_regclass('schema_version') IS NOT NULL")[0][0].as<bool>()) return 0;
    auto r = tx.exec("SELECT version FROM schema_version WHERE id = 1");
    return r.empty() ? 0 : r[0][0].as<int>();
  });
}

std::optional<TriggerState> PostgresStateStore::loadTrigger(const std::string& key) {
  return transact(
      "loadTrigger", key, [&](pqxx::transaction_base& tx) -> std::optional<TriggerState> {
        auto r =
            tx.exec_params("SELECT " SLUICE_TRIGGER_COLUMNS " FROM triggers WHERE key = $1", key);
        if (r.empty()) return std::nullopt;
        return readTrigger(r[0]);
      });
}

std::map<std::string, std::string> PostgresStateStore::seenVersions(
    const std::string& key, const std::vector<std::string>& itemKeys) {
  std::map<std::string, std::string> found;
  if (itemKeys.empty()) return found;
  return transact("seenVersions for trigger", key, [&](pqxx::transaction_base& tx) {
    std::map<std::string, std::string> out;
    auto r = tx.exec_params(
        "SELECT item_key, version FROM seen WHERE trigger_key = $1 AND item_key = ANY($2::text[])",
        key, textArray(itemKeys));
    for (const auto& row : r) out[row[0].as<std::string>()] = row[1].as<std::string>();
    return out;
  });
}

namespace {

// The lease owner of a trigger, locking its row; nullopt without a row.
std::optional<std::string> lockLeaseHolder(pqxx::transaction_base& tx, const std::string& key) {
  auto r = tx.exec_params("SELECT lease_owner FROM triggers WHERE key = $1 FOR UPDATE", key);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

void insertHistory(pqxx::transaction_base& tx, const std::string& triggerKey, const PollRecord& h,
                   int keep) {
  tx.exec_params(
      "INSERT INTO history(trigger_key, started_ms, finished_ms, pages, fetched, new_items,"
      " duplicates, error, cursor_before, cursor_after)"
      " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      triggerKey, h.startedMs, h.finishedMs, h.pages, h.fetched, h.newItems, h.duplicates, h.error,
      h.cursorBefore, h.cursorAfter);
  tx.exec_params(
      "DELETE FROM history WHERE trigger_key = $1 AND id <= (SELECT id FROM history"
      " WHERE trigger_key = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)",
      triggerKey, keep);
}

}  // namespace

void PostgresStateStore::commitPoll(const PollCommit& commit) {
  const char* what = "commitPoll for trigger";
  if (commit.triggerKey.empty()) fail(what, "", "empty trigger key");
  for (size_t i = 0; i < commit.items.size(); ++i) {
    if (commit.items[i].flow.empty() || commit.items[i].itemKey.empty())
      fail(what, commit.triggerKey,
           "outbox item " + std::to_string(i) + " has an empty flow or item key");
  }
  // One upsert per item key (the last version wins), as a statement may touch a row once.
  std::map<std::string, std::string> seen;
  for (const auto& s : commit.seen) seen[s.itemKey] = s.version;
  std::vector<std::string> seenKeys, seenVersions;
  for (const auto& [k, v] : seen) {
    seenKeys.push_back(k);
    seenVersions.push_back(v);
  }
  std::vector<std::string> flows, itemKeys, itemJson;
  for (const auto& item : commit.items) {
    flows.push_back(item.flow);
    itemKeys.push_back(item.itemKey);
    itemJson.push_back(item.itemJson);
  }
  transact(what, commit.triggerKey, [&](pqxx::transaction_base& tx) {
    const int64_t now = commit.history.finishedMs;
    if (!commit.leaseOwner.empty()) {
      const auto holder = lockLeaseHolder(tx, commit.triggerKey);
      if (holder && *holder != commit.leaseOwner)
        throw LeaseLostError(std::string("state: ") + what + " " + commit.triggerKey +
                             ": lease lost to " + (holder->empty() ? "a finished poll" : *holder));
    }
    if (commit.fromWebhook) {
      tx.exec_params(
          "INSERT INTO triggers(key, op, connection) VALUES($1, $2, $3)"
          " ON CONFLICT(key) DO NOTHING",
          commit.triggerKey, commit.op, commit.connection);
    } else {
      tx.exec_params(
          "INSERT INTO triggers(key, op, connection, cursor_json, next_due_ms, last_poll_ms,"
          " watermark_moved_ms, consecutive_errors, last_error, polled_by)"
          " VALUES($1, $2, $3, $4, $5, $6::bigint, CASE WHEN $7::boolean THEN $6::bigint ELSE 0 "
          "END,"
          " 0, '', $8)"
          " ON CONFLICT(key) DO UPDATE SET op = excluded.op, connection = excluded.connection,"
          " cursor_json = excluded.cursor_json, next_due_ms = excluded.next_due_ms,"
          " last_poll_ms = excluded.last_poll_ms,"
          " watermark_moved_ms = CASE WHEN $7::boolean THEN $6::bigint"
          " ELSE triggers.watermark_moved_ms END,"
          " consecutive_errors = 0, last_error = '', lease_owner = '', lease_until = 0,"
          " polled_by = $8",
          commit.triggerKey, commit.op, commit.connection, commit.cursorJson, commit.nextDueMs, now,
          commit.cursorMoved, commit.leaseOwner);
    }
    if (commit.forgetSeenBeforeMs > 0)
      tx.exec_params("DELETE FROM seen WHERE trigger_key = $1 AND seen_ms < $2", commit.triggerKey,
                     commit.forgetSeenBeforeMs);
    if (!seenKeys.empty())
      tx.exec_params(
          "INSERT INTO seen(trigger_key, item_key, version, seen_ms)"
          " SELECT $1, k, v, $4::bigint FROM unnest($2::text[], $3::text[]) AS u(k, v)"
          " ON CONFLICT(trigger_key, item_key) DO UPDATE SET version = excluded.version,"
          " seen_ms = excluded.seen_ms",
          commit.triggerKey, textArray(seenKeys), textArray(seenVersions), now);
    if (!flows.empty())
      tx.exec_params(
          "INSERT INTO outbox(flow, item_key, item_json, status, attempts, created_ms,"
          " next_attempt_ms, last_error)"
          " SELECT f, k, j, 'pending', 0, $4::bigint, $4::bigint, ''"
          " FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(f, k, j, n)"
          " ORDER BY n ON CONFLICT(flow, item_key) DO NOTHING",
          textArray(flows), textArray(itemKeys), textArray(itemJson), now);
    insertHistory(tx, commit.triggerKey, commit.history, kHistoryPerTrigger);
  });
}

void PostgresStateStore::recordPollFailure(const std::string& key, const std::string& op,
                                           const std::string& connection, const PollRecord& history,
                                           int64_t nextDueMs, const std::string& leaseOwner) {
  const char* what = "recordPollFailure for trigger";
  if (key.empty()) fail(what, "", "empty trigger key");
  PollRecord record = history;
  if (record.error.empty()) record.error = "unknown error";
  transact(what, key, [&](pqxx::transaction_base& tx) {
    if (!leaseOwner.empty()) {
      const auto holder = lockLeaseHolder(tx, key);
      if (holder && *holder != leaseOwner) return;  // another process has polled it since
    }
    tx.exec_params(
        "INSERT INTO triggers(key, op, connection, cursor_json, next_due_ms, consecutive_errors,"
        " last_error) VALUES($1, $2, $3, '', $4, 1, $5)"
        " ON CONFLICT(key) DO UPDATE SET op = excluded.op, connection = excluded.connection,"
        " next_due_ms = excluded.next_due_ms,"
        " consecutive_errors = triggers.consecutive_errors + 1,"
        " last_error = excluded.last_error, lease_owner = '', lease_until = 0",
        key, op, connection, nextDueMs, record.error);
    insertHistory(tx, key, record, kHistoryPerTrigger);
  });
}

std::vector<TriggerState> PostgresStateStore::triggers() {
  return transact("triggers", "", [&](pqxx::transaction_base& tx) {
    std::vector<TriggerState> out;
    for (const auto& row : tx.exec("SELECT " SLUICE_TRIGGER_COLUMNS " FROM triggers ORDER BY key"))
      out.push_back(readTrigger(row));
    return out;
  });
}

bool PostgresStateStore::resetTrigger(const std::string& key) {
  return transact("resetTrigger", key, [&](pqxx::transaction_base& tx) {
    auto seen = tx.exec_params("DELETE FROM seen WHERE trigger_key = $1", key);
    auto trig = tx.exec_params("DELETE FROM triggers WHERE key = $1", key);
    return seen.affected_rows() + trig.affected_rows() > 0;
  });
}

std::vector<Delivery> PostgresStateStore::dueDeliveries(int64_t nowMs, int limit) {
  if (limit <= 0) return {};
  return transact("dueDeliveries", "", [&](pqxx::transaction_base& tx) {
    std::vector<Delivery> out;
    for (const auto& row :
         tx.exec_params("SELECT " SLUICE_DELIVERY_COLUMNS " FROM outbox WHERE status = 'pending'"
                        " AND next_attempt_ms <= $1 ORDER BY id LIMIT $2",
                        nowMs, limit))
      out.push_back(readDelivery(row));
    return out;
  });
}

std::vector<StepResult> PostgresStateStore::stepResults(int64_t deliveryId) {
  return transact(
      "stepResults for delivery", std::to_string(deliveryId), [&](pqxx::transaction_base& tx) {
        std::vector<StepResult> out;
        for (const auto& row : tx.exec_params("SELECT step, result_json, state FROM step_results"
                                              " WHERE delivery_id = $1 ORDER BY step",
                                              deliveryId))
          out.push_back(
              {row[0].as<int>(), row[1].as<std::string>(), row[2].as<std::string>() == "started"});
        return out;
      });
}

void PostgresStateStore::recordStep(int64_t deliveryId, int step, const std::string& resultJson) {
  transact("recordStep for delivery", std::to_string(deliveryId), [&](pqxx::transaction_base& tx) {
    tx.exec_params(
        "INSERT INTO step_results(delivery_id, step, result_json, state) VALUES($1, $2, $3, 'done')"
        " ON CONFLICT(delivery_id, step) DO UPDATE SET result_json = excluded.result_json,"
        " state = 'done'",
        deliveryId, step, resultJson);
  });
}

void PostgresStateStore::markStepStarted(int64_t deliveryId, int step, int64_t sentMs) {
  transact("markStepStarted for delivery", std::to_string(deliveryId),
           [&](pqxx::transaction_base& tx) {
             // result_json: the time it was sent; a finished step is never marked again.
             tx.exec_params(
                 "INSERT INTO step_results(delivery_id, step, result_json, state)"
                 " VALUES($1, $2, $3, 'started') ON CONFLICT(delivery_id, step) DO UPDATE SET"
                 " result_json = excluded.result_json WHERE step_results.state = 'started'",
                 deliveryId, step, std::to_string(sentMs));
           });
}

void PostgresStateStore::clearStepStarted(int64_t deliveryId, int step) {
  transact("clearStepStarted for delivery", std::to_string(deliveryId),
           [&](pqxx::transaction_base& tx) {
             tx.exec_params(
                 "DELETE FROM step_results WHERE delivery_id = $1 AND step = $2"
                 " AND state = 'started'",
                 deliveryId, step);
           });
}

int PostgresStateStore::pruneDone(int64_t beforeMs, int limit) {
  int deleted = 0;
  transact("pruneDone", "", [&](pqxx::transaction_base& tx) {
    // Oldest first; step_results go with their row (ON DELETE CASCADE).
    deleted = static_cast<int>(
        tx.exec_params("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = "
                       "'done' AND created_ms < $1 ORDER BY id LIMIT $2)",
                       beforeMs, limit)
            .affected_rows());
  });
  return deleted;
}

void PostgresStateStore::markDone(int64_t deliveryId) {
  const std::string subject = std::to_string(deliveryId);
  transact("markDone for delivery", subject, [&](pqxx::transaction_base& tx) {
    auto r = tx.exec_params(
        "UPDATE outbox SET status = 'done', lease_owner = '', lease_until = 0 WHERE id = $1",
        deliveryId);
    if (r.affected_rows() == 0) fail("markDone for delivery", subject, "no such delivery");
  });
}

void PostgresStateStore::scheduleRetry(int64_t deliveryId, int attempts, int64_t nextAttemptMs,
                                       const std::string& error) {
  const std::string subject = std::to_string(deliveryId);
  transact("scheduleRetry for delivery", subject, [&](pqxx::transaction_base& tx) {
    auto r = tx.exec_params(
        "UPDATE outbox SET attempts = $2, next_attempt_ms = $3, last_error = $4,"
        " lease_owner = '', lease_until = 0 WHERE id = $1",
        deliveryId, attempts, nextAttemptMs, error);
    if (r.affected_rows() == 0) fail("scheduleRetry for delivery", subject, "no such delivery");
  });
}

void PostgresStateStore::markDead(int64_t deliveryId, int attempts, const std::string& error) {
  const std::string subject = std::to_string(deliveryId);
  transact("markDead for delivery", subject, [&](pqxx::transaction_base& tx) {
    auto r = tx.exec_params(
        "UPDATE outbox SET status = 'dead', attempts = $2, last_error = $3, lease_owner = '',"
        " lease_until = 0 WHERE id = $1",
        deliveryId, attempts, error);
    if (r.affected_rows() == 0) fail("markDead for delivery", subject, "no such delivery");
  });
}

std::vector<Delivery> PostgresStateStore::deliveries(std::optional<DeliveryStatus> status,
                                                     int limit) {
  if (limit <= 0) return {};
  return transact("deliveries", "", [&](pqxx::transaction_base& tx) {
    std::vector<Delivery> out;
    pqxx::result r =
        status ? tx.exec_params("SELECT " SLUICE_DELIVERY_COLUMNS
                                " FROM outbox WHERE status = $1 ORDER BY id DESC LIMIT $2",
                                std::string(toString(*status)), limit)
               : tx.exec_params("SELECT " SLUICE_DELIVERY_COLUMNS
                                " FROM outbox ORDER BY id DESC LIMIT $1",
                                limit);
    for (const auto& row : r) out.push_back(readDelivery(row));
    return out;
  });
}

int PostgresStateStore::replayDead(const std::vector<int64_t>& ids, int64_t nowMs) {
  return transact("replayDead", "", [&](pqxx::transaction_base& tx) {
    if (ids.empty()) {
      tx.exec(
          "DELETE FROM step_results WHERE state = 'started'"
          " AND delivery_id IN (SELECT id FROM outbox WHERE status = 'dead')");
      return static_cast<int>(
          tx.exec_params("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = $1"
                         " WHERE status = 'dead'",
                         nowMs)
              .affected_rows());
    }
    const std::string idList = int64Array(ids);
    tx.exec_params(
        "DELETE FROM step_results WHERE state = 'started' AND delivery_id IN"
        " (SELECT id FROM outbox WHERE status = 'dead' AND id = ANY($1::bigint[]))",
        idList);
    return static_cast<int>(
        tx.exec_params("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = $1"
                       " WHERE status = 'dead' AND id = ANY($2::bigint[])",
                       nowMs, idList)
            .affected_rows());
  });
}

int64_t PostgresStateStore::pendingCount() {
  return transact("pendingCount", "", [&](pqxx::transaction_base& tx) {
    return tx.exec("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")[0][0].as<int64_t>();
  });
}

std::vector<std::string> PostgresStateStore::claimTriggers(const std::vector<std::string>& dueKeys,
                                                           const std::string& owner, int64_t nowMs,
                                                           int64_t leaseMs, bool evenIfNotDue) {
  if (dueKeys.empty()) return {};
  if (owner.empty()) fail("claimTriggers", "", "empty lease owner");
  // Sorted, so two processes creating the same new rows do so in the same order.
  std::vector<std::string> keys = dueKeys;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const std::string keyArray = textArray(keys);
  return transact("claimTriggers", "", [&](pqxx::transaction_base& tx) {
    tx.exec_params(
        "INSERT INTO triggers(key) SELECT k FROM unnest($1::text[]) AS k"
        " WHERE NOT EXISTS (SELECT 1 FROM triggers WHERE key = k) ORDER BY k"
        " ON CONFLICT(key) DO NOTHING",
        keyArray);
    // SKIP LOCKED: a row another process is claiming right now is its, not ours; the WHERE is
    // checked again on the newest row version once locked, so a just-released and re-polled
    // trigger (next due moved on) is not taken.
    auto r = tx.exec_params(
        "UPDATE triggers SET lease_owner = $2, lease_until = $3 WHERE key IN ("
        " SELECT key FROM triggers WHERE key = ANY($1::text[])"
        " AND (lease_owner = '' OR lease_owner = $2 OR lease_until <= $4)"
        " AND ($5::boolean OR next_due_ms <= $4::bigint) FOR UPDATE SKIP LOCKED) RETURNING key",
        keyArray, owner, nowMs + leaseMs, nowMs, evenIfNotDue);
    std::vector<std::string> held;
    for (const auto& row : r) held.push_back(row[0].as<std::string>());
    return held;
  });
}

std::vector<Delivery> PostgresStateStore::claimDeliveries(const std::string& owner, int64_t nowMs,
                                                          int limit, int64_t leaseMs) {
  if (limit <= 0) return {};
  if (owner.empty()) fail("claimDeliveries", "", "empty lease owner");
  return transact("claimDeliveries", "", [&](pqxx::transaction_base& tx) {
    auto r = tx.exec_params(
        "UPDATE outbox SET lease_owner = $1, lease_until = $2 WHERE id IN ("
        " SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_ms <= $3"
        " AND (lease_owner = '' OR lease_owner = $1 OR lease_until <= $3)"
        " ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING " SLUICE_DELIVERY_COLUMNS,
        owner, nowMs + leaseMs, nowMs, limit);
    std::vector<Delivery> out;
    for (const auto& row : r) out.push_back(readDelivery(row));
    std::sort(out.begin(), out.end(),
              [](const Delivery& a, const Delivery& b) { return a.id < b.id; });
    return out;
  });
}

void PostgresStateStore::renewLeases(const std::string& owner, int64_t untilMs) {
  transact("renewLeases of", owner, [&](pqxx::transaction_base& tx) {
    tx.exec_params("UPDATE triggers SET lease_until = $2 WHERE lease_owner = $1", owner, untilMs);
    tx.exec_params(
        "UPDATE outbox SET lease_until = $2 WHERE status = 'pending' AND lease_owner = $1", owner,
        untilMs);
  });
}

void PostgresStateStore::releaseLeases(const std::string& owner) {
  transact("releaseLeases of", owner, [&](pqxx::transaction_base& tx) {
    tx.exec_params("UPDATE triggers SET lease_owner = '', lease_until = 0 WHERE lease_owner = $1",
                   owner);
    tx.exec_params(
        "UPDATE outbox SET lease_owner = '', lease_until = 0 WHERE status = 'pending'"
        " AND lease_owner = $1",
        owner);
  });
}

std::vector<std::pair<std::string, std::string>> PostgresStateStore::triggerLeases(int64_t nowMs) {
  return transact("triggerLeases", "", [&](pqxx::transaction_base& tx) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& row : tx.exec_params(
             "SELECT key, lease_owner FROM triggers WHERE lease_owner != '' AND lease_until > $1"
             " ORDER BY key",
             nowMs))
      out.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
    return out;
  });
}

std::vector<PollRecord> PostgresStateStore::history(const std::string& triggerKey, int limit) {
  if (limit <= 0) return {};
  return transact("history for trigger", triggerKey, [&](pqxx::transaction_base& tx) {
    std::vector<PollRecord> out;
    for (const auto& row : tx.exec_params(
             "SELECT trigger_key, started_ms, finished_ms, pages, fetched, new_items, duplicates,"
             " error, cursor_before, cursor_after FROM history WHERE trigger_key = $1"
             " ORDER BY id DESC LIMIT $2",
             triggerKey, limit)) {
      PollRecord p;
      p.triggerKey = row[0].as<std::string>();
      p.startedMs = row[1].as<int64_t>();
      p.finishedMs = row[2].as<int64_t>();
      p.pages = row[3].as<int>();
      p.fetched = row[4].as<int>();
      p.newItems = row[5].as<int>();
      p.duplicates = row[6].as<int>();
      p.error = row[7].as<std::string>();
      p.cursorBefore = row[8].as<std::string>();
      p.cursorAfter = row[9].as<std::string>();
      out.push_back(std::move(p));
    }
    return out;
  });
}

std::optional<OAuthTokens> PostgresStateStore::loadTokens(const std::string& connection) {
  return transact("loadTokens for connection", connection,
                  [&](pqxx::transaction_base& tx) -> std::optional<OAuthTokens> {
                    auto r = tx.exec_params(
                        "SELECT access_token, refresh_token, expires_at_ms FROM oauth_tokens"
                        " WHERE connection = $1",
                        connection);
                    if (r.empty()) return std::nullopt;
                    OAuthTokens t;
                    t.accessToken = r[0][0].as<std::string>();
                    t.refreshToken = r[0][1].as<std::string>();
                    t.expiresAtMs = r[0][2].as<int64_t>();
                    return t;
                  });
}

void PostgresStateStore::saveTokens(const std::string& connection, const OAuthTokens& tokens) {
  transact("saveTokens for connection", connection, [&](pqxx::transaction_base& tx) {
    tx.exec_params(
        "INSERT INTO oauth_tokens(connection, access_token, refresh_token, expires_at_ms)"
        " VALUES($1, $2, $3, $4) ON CONFLICT(connection) DO UPDATE SET"
        " access_token = excluded.access_token, refresh_token = excluded.refresh_token,"
        " expires_at_ms = excluded.expires_at_ms",
        connection, tokens.accessToken, tokens.refreshToken, tokens.expiresAtMs);
  });
}

#undef SLUICE_TRIGGER_COLUMNS
#undef SLUICE_DELIVERY_COLUMNS

}  // namespace sluice
