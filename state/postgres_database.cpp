#include "state/postgres_database.h"

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "core/error.h"
#include "core/text.h"
#include "state/postgres_migrations.h"
#include "state/store_sql.h"

namespace sluice {

namespace {

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

class PgRow : public SqlRow {
 public:
  explicit PgRow(const pqxx::row& row) : row_(row) {}
  int64_t integer(int column) const override { return row_[column].as<int64_t>(); }
  std::string text(int column) const override { return row_[column].as<std::string>(); }

 private:
  const pqxx::row& row_;
};

}  // namespace

struct PgConnection {
  explicit PgConnection(const std::string& options) : c(options) {}
  pqxx::connection c;
};

// Parameters go as text (PostgreSQL infers each one's type from the statement).
class PostgresDatabase::Transaction : public SqlTransaction {
 public:
  explicit Transaction(pqxx::transaction_base& tx) : tx_(tx) {}

  int64_t exec(const char* sql, const SqlParams& params) override {
    return static_cast<int64_t>(run(sql, params).affected_rows());
  }

  void query(const char* sql, const SqlParams& params, const SqlRowVisitor& visit) override {
    for (const auto& row : run(sql, params)) visit(PgRow(row));
  }

 private:
  pqxx::result run(const char* sql, const SqlParams& params) {
    std::vector<std::string> text;
    text.reserve(params.size());
    for (const auto& param : params) {
      if (const auto* number = std::get_if<int64_t>(&param))
        text.push_back(std::to_string(*number));
      else
        text.push_back(std::get<std::string>(param));
    }
    return tx_.exec_params(sql, pqxx::prepare::make_dynamic_params(text));
  }

  pqxx::transaction_base& tx_;
};

PostgresDatabase::PostgresDatabase(const PostgresTarget& target, SchemaPolicy policy,
                                   PostgresStoreOptions options)
    : target_(target), options_(options) {
  std::unique_ptr<PgConnection> first;
  try {
    first = connect();
    ++open_;
    checkSchema(*first, policy);
  } catch (const StateError& e) {
    if (startsWith(e.what(), "state: ")) throw;
    fail("open", target_.describe(), e.what());
  } catch (const std::exception& e) {
    fail("open", target_.describe(), e.what());
  }
  giveBack(std::move(first));
}

PostgresDatabase::~PostgresDatabase() = default;

void PostgresDatabase::checkSchema(PgConnection& connection, SchemaPolicy policy) {
  versionOnOpen_ = postgres_schema::currentVersion(connection.c);
  if (policy == SchemaPolicy::Migrate) {
    postgres_schema::migrate(connection.c);
    return;
  }
  const int version = versionOnOpen_;
  const int latest = postgres_schema::latestVersion();
  const std::string where = "state: " + target_.describe();
  if (version == 0)
    throw StateError(where + " has no sluice schema yet: run `sluice migrate -c FILE` first");
  if (version < latest)
    throw StateError(where + " has schema version " + std::to_string(version) +
                     ", this sluice needs version " + std::to_string(latest) +
                     ": run `sluice migrate -c FILE` first");
  if (version > latest)
    throw StateError(where + " has schema version " + std::to_string(version) +
                     ", newer than this sluice supports (version " + std::to_string(latest) +
                     "); upgrade sluice to use this database");
}

std::string PostgresDatabase::clean(const std::string& text) const {
  std::string out = text.substr(0, text.find('\n'));
  if (target_.password.size() >= 3) {
    for (size_t at = out.find(target_.password); at != std::string::npos;
         at = out.find(target_.password, at))
      out.replace(at, target_.password.size(), "***");
  }
  return out;
}

void PostgresDatabase::fail(const char* what, const std::string& subject,
                            const std::string& cause) const {
  std::string message = std::string("state: ") + what;
  if (!subject.empty()) message += " " + subject;
  std::string reason = clean(cause);
  if (reason.find("password authentication failed") != std::string::npos ||
      reason.find("no password supplied") != std::string::npos)
    reason += " (check SLUICE_PG_PASSWORD, PGPASSWORD or the URL's password_file)";
  throw StateError(message + ": " + reason);
}

std::unique_ptr<PgConnection> PostgresDatabase::connect() {
  auto c = std::make_unique<PgConnection>(target_.connectionString());
  // NOTICEs (e.g. "relation already exists, skipping") would go to stderr otherwise.
  pqxx::nontransaction(c->c).exec("SET client_min_messages TO warning");
  return c;
}

std::unique_ptr<PgConnection> PostgresDatabase::acquire() {
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

void PostgresDatabase::giveBack(std::unique_ptr<PgConnection> connection) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

void PostgresDatabase::dropOne() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --open_;
  }
  available_.notify_one();
}

bool PostgresDatabase::attempt(const char* what, const std::string& subject,
                               const std::function<void(SqlTransaction&)>& body, int& conflicts,
                               std::string& cause) {
  std::unique_ptr<PgConnection> c;
  try {
    c = acquire();
    pqxx::work work(c->c);
    Transaction tx(work);
    body(tx);
    work.commit();
    giveBack(std::move(c));
    return true;
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
      fail(what, subject, std::string("cannot connect to ") + target_.describe() + ": " + e.what());
    }
    if (!lost && !(retryable(e) && ++conflicts < 5)) fail(what, subject, e.what());
    cause = e.what();
    return false;
  }
}

void PostgresDatabase::transact(const char* what, const std::string& subject, SqlAccess,
                                const std::function<void(SqlTransaction&)>& body) {
  using namespace std::chrono;
  const auto deadline = steady_clock::now() + milliseconds(options_.reconnectBudgetMs);
  int64_t backoffMs = 100;
  int conflicts = 0;
  std::string cause;
  while (!attempt(what, subject, body, conflicts, cause)) {
    if (steady_clock::now() + milliseconds(backoffMs) > deadline)
      fail(what, subject, "cannot reach " + target_.describe() + ": " + cause);
    std::this_thread::sleep_for(milliseconds(backoffMs));
    backoffMs = std::min<int64_t>(backoffMs * 2, 2000);
  }
}

// --- the dialect: row locks, arrays for batches, SKIP LOCKED for claims ---

std::optional<std::string> PostgresDatabase::leaseHolder(SqlTransaction& tx,
                                                         const std::string& key) {
  std::optional<std::string> holder;
  tx.query("SELECT lease_owner FROM triggers WHERE key = $1 FOR UPDATE", {key},
           [&](const SqlRow& row) { holder = row.text(0); });
  return holder;
}

std::map<std::string, std::string> PostgresDatabase::seenVersions(
    SqlTransaction& tx, const std::string& key, const std::vector<std::string>& itemKeys) {
  std::map<std::string, std::string> found;
  tx.query(
      "SELECT item_key, version FROM seen WHERE trigger_key = $1 AND item_key = ANY($2::text[])",
      {key, textArray(itemKeys)}, [&](const SqlRow& row) { found[row.text(0)] = row.text(1); });
  return found;
}

void PostgresDatabase::upsertSeen(SqlTransaction& tx, const std::string& key,
                                  const std::vector<SeenEntry>& entries, int64_t nowMs) {
  // One row per item key (the last version wins): one statement may touch a row only once.
  std::map<std::string, std::string> latest;
  for (const auto& entry : entries) latest[entry.itemKey] = entry.version;
  std::vector<std::string> keys, versions;
  for (const auto& [itemKey, version] : latest) {
    keys.push_back(itemKey);
    versions.push_back(version);
  }
  tx.exec(
      "INSERT INTO seen(trigger_key, item_key, version, seen_ms)"
      " SELECT $1, k, v, $4::bigint FROM unnest($2::text[], $3::text[]) AS u(k, v)"
      " ON CONFLICT(trigger_key, item_key) DO UPDATE SET version = excluded.version,"
      " seen_ms = excluded.seen_ms WHERE seen.version <> excluded.version OR seen.seen_ms < $5",
      {key, textArray(keys), textArray(versions), nowMs, nowMs - kSeenRefreshMs});
}

void PostgresDatabase::enqueue(SqlTransaction& tx, const std::vector<OutboxItem>& items,
                               int64_t nowMs) {
  std::vector<std::string> flows, itemKeys, itemJson, recordKeys;
  for (const auto& item : items) {
    flows.push_back(item.flow);
    itemKeys.push_back(item.itemKey);
    itemJson.push_back(item.itemJson);
    recordKeys.push_back(item.recordKey.empty() ? item.itemKey : item.recordKey);
  }
  tx.exec(
      "INSERT INTO outbox(flow, item_key, item_json, status, attempts, created_ms,"
      " next_attempt_ms, last_error, record_key)"
      " SELECT f, k, j, 'pending', 0, $4::bigint, $4::bigint, '', r"
      " FROM unnest($1::text[], $2::text[], $3::text[], $5::text[]) WITH ORDINALITY"
      " AS u(f, k, j, r, n) ORDER BY n ON CONFLICT(flow, item_key) DO NOTHING",
      {textArray(flows), textArray(itemKeys), textArray(itemJson), nowMs, textArray(recordKeys)});
}

std::vector<std::string> PostgresDatabase::claimTriggers(SqlTransaction& tx,
                                                         const std::vector<std::string>& dueKeys,
                                                         const std::string& owner, int64_t nowMs,
                                                         int64_t untilMs, bool evenIfNotDue) {
  // Sorted, so two processes creating the same new rows do so in the same order.
  std::vector<std::string> keys = dueKeys;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const std::string keyArray = textArray(keys);
  tx.exec(
      "INSERT INTO triggers(key) SELECT k FROM unnest($1::text[]) AS k"
      " WHERE NOT EXISTS (SELECT 1 FROM triggers WHERE key = k) ORDER BY k"
      " ON CONFLICT(key) DO NOTHING",
      {keyArray});
  // SKIP LOCKED: a row another process is claiming right now is its, not ours; the WHERE is
  // checked again on the newest row version once locked, so a just-released and re-polled
  // trigger (next due moved on) is not taken.
  std::vector<std::string> held;
  tx.query(
      "UPDATE triggers SET lease_owner = $2, lease_until = $3 WHERE key IN ("
      " SELECT key FROM triggers WHERE key = ANY($1::text[])"
      " AND (lease_owner = '' OR lease_owner = $2 OR lease_until <= $4)"
      " AND ($5::integer <> 0 OR next_due_ms <= $4::bigint) FOR UPDATE SKIP LOCKED)"
      " RETURNING key",
      {keyArray, owner, untilMs, nowMs, int64_t{evenIfNotDue ? 1 : 0}},
      [&](const SqlRow& row) { held.push_back(row.text(0)); });
  return held;
}

std::vector<Delivery> PostgresDatabase::claimDeliveries(SqlTransaction& tx,
                                                        const std::string& owner, int64_t nowMs,
                                                        int limit, int64_t untilMs) {
  std::vector<Delivery> claimed;
  tx.query(
      "UPDATE outbox SET lease_owner = $1, lease_until = $2 WHERE id IN ("
      " SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_ms <= $3"
      " AND (lease_owner = '' OR lease_owner = $1 OR lease_until <= $3)" SLUICE_NO_EARLIER_CHANGE
          SLUICE_FLOW_NOT_PAUSED
      " ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING " SLUICE_DELIVERY_COLUMNS,
      {owner, untilMs, nowMs, int64_t{limit}},
      [&](const SqlRow& row) { claimed.push_back(store_sql::readDelivery(row)); });
  std::sort(claimed.begin(), claimed.end(),
            [](const Delivery& a, const Delivery& b) { return a.id < b.id; });
  return claimed;
}

}  // namespace sluice
