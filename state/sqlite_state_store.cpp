#include "state/sqlite_state_store.h"
#include "core/text.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "state/lease_owner.h"
#include "state/sqlite_migrations.h"

namespace sluice {

namespace {

// Maps an SQLite failure to words an operator can act on. SQLite's own messages name tables and
// constraints, never the bound values, so item contents and tokens cannot leak through here.
std::string describe(const SQLite::Exception& e) {
  switch (e.getErrorCode() & 0xff) {
    case SQLITE_BUSY:
      return "database is locked by another process";
    case SQLITE_LOCKED:
      return "database table is locked";
    case SQLITE_FULL:
      return "disk is full";
    case SQLITE_READONLY:
      return "database is read-only";
    case SQLITE_PERM:
      return "permission denied";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return "file is not an SQLite database or is corrupt";
    case SQLITE_CANTOPEN:
      return "cannot open the database file";
    case SQLITE_IOERR:
      return std::string("disk I/O error (") + e.what() + ")";
    default:
      return e.what();
  }
}

[[noreturn]] void fail(const char* what, const std::string& subject, const std::string& cause) {
  std::string message = std::string("state: ") + what;
  if (!subject.empty()) message += " " + subject;
  throw StateError(message + ": " + cause);
}

// Creates the database file readable by its owner only, before SQLite writes anything to it:
// it holds OAuth tokens and customer records. SQLite gives its -wal and -shm files the mode of
// the main file, so they inherit 0600 too.
void createPrivateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return;  // an existing database keeps the mode its owner gave it
    fail("cannot create", path, std::strerror(errno));
  }
  // open() applied the umask (0600 & ~umask); fchmod makes it exactly 0600 either way.
  int rc = ::fchmod(fd, 0600);
  int err = errno;
  ::close(fd);
  if (rc != 0) fail("cannot set mode 0600 on", path, std::strerror(err));
}

// Statements are cached by the address of their text, so every SQL text is a named literal.
#define SLUICE_TRIGGER_COLUMNS                                                        \
  "key, op, connection, cursor_json, next_due_ms, last_poll_ms, watermark_moved_ms, " \
  "consecutive_errors, last_error"
#define SLUICE_DELIVERY_COLUMNS                                                    \
  "id, flow, item_key, item_json, status, attempts, created_ms, next_attempt_ms, " \
  "last_error"

const char* const kLoadTrigger =
    "SELECT " SLUICE_TRIGGER_COLUMNS ", polled_by FROM triggers WHERE key = ?";
const char* const kAllTriggers =
    "SELECT " SLUICE_TRIGGER_COLUMNS ", polled_by FROM triggers ORDER BY key";
const char* const kSeenVersion = "SELECT version FROM seen WHERE trigger_key = ? AND item_key = ?";
// ?6 = finished, ?7 = cursor moved. An upsert, not INSERT OR REPLACE: REPLACE deletes the row
// first, which would cascade to the trigger's seen entries.
const char* const kCommitTrigger =
    "INSERT INTO triggers(" SLUICE_TRIGGER_COLUMNS
    ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?7 THEN ?6 ELSE 0 END, 0, '')"
    " ON CONFLICT(key) DO UPDATE SET op = excluded.op, connection = excluded.connection,"
    " cursor_json = excluded.cursor_json, next_due_ms = excluded.next_due_ms,"
    " last_poll_ms = excluded.last_poll_ms,"
    " watermark_moved_ms = CASE WHEN ?7 THEN ?6 ELSE watermark_moved_ms END,"
    " consecutive_errors = 0, last_error = '', lease_owner = '', lease_until = 0,"
    " polled_by = ?8";
// A webhook's commit: the trigger row must exist for its seen ids; nothing of it changes.
const char* const kTouchTrigger =
    "INSERT INTO triggers(key, op, connection) VALUES(?1, ?2, ?3) ON CONFLICT(key) DO NOTHING";
// The cursor and last_poll_ms stay: lastPollMs is the last poll that got through.
const char* const kFailTrigger =
    "INSERT INTO triggers(key, op, connection, cursor_json, next_due_ms, consecutive_errors,"
    " last_error) VALUES(?1, ?2, ?3, '', ?4, 1, ?5)"
    " ON CONFLICT(key) DO UPDATE SET op = excluded.op, connection = excluded.connection,"
    " next_due_ms = excluded.next_due_ms, consecutive_errors = consecutive_errors + 1,"
    " last_error = excluded.last_error, lease_owner = '', lease_until = 0";
const char* const kForgetSeen = "DELETE FROM seen WHERE trigger_key = ? AND seen_ms < ?";
const char* const kUpsertSeen =
    "INSERT INTO seen(trigger_key, item_key, version, seen_ms) VALUES(?, ?, ?, ?)"
    " ON CONFLICT(trigger_key, item_key) DO UPDATE SET version = excluded.version,"
    " seen_ms = excluded.seen_ms";
// Ignores only a (flow, item_key) already present; unlike INSERT OR IGNORE it does not also
// swallow NOT NULL or CHECK failures, which would silently drop an item.
const char* const kEnqueue =
    "INSERT INTO outbox(flow, item_key, item_json, status, attempts, created_ms,"
    " next_attempt_ms, last_error) VALUES(?, ?, ?, 'pending', 0, ?, ?, '')"
    " ON CONFLICT(flow, item_key) DO NOTHING";
const char* const kInsertHistory =
    "INSERT INTO history(trigger_key, started_ms, finished_ms, pages, fetched, new_items,"
    " duplicates, error, cursor_before, cursor_after) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// Keeps the newest kHistoryPerTrigger rows: deletes from the (limit+1)-th newest id down.
const char* const kPruneHistory =
    "DELETE FROM history WHERE trigger_key = ?1 AND id <= (SELECT id FROM history"
    " WHERE trigger_key = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)";
const char* const kDeleteTrigger = "DELETE FROM triggers WHERE key = ?";
const char* const kDeleteSeen = "DELETE FROM seen WHERE trigger_key = ?";
const char* const kDue = "SELECT " SLUICE_DELIVERY_COLUMNS
                         " FROM outbox WHERE status = 'pending' AND next_attempt_ms <= ?"
                         " ORDER BY id LIMIT ?";
const char* const kStepResults =
    "SELECT step, result_json, state FROM step_results WHERE delivery_id = ? ORDER BY step";
const char* const kRecordStep =
    "INSERT INTO step_results(delivery_id, step, result_json, state) VALUES(?, ?, ?, 'done')"
    " ON CONFLICT(delivery_id, step) DO UPDATE SET result_json = excluded.result_json,"
    " state = 'done'";
// A started step's result_json is the time it was sent; sending again moves it. A finished
// step is never turned back into a started one.
const char* const kStartStep =
    "INSERT INTO step_results(delivery_id, step, result_json, state) VALUES(?, ?, ?, 'started')"
    " ON CONFLICT(delivery_id, step) DO UPDATE SET result_json = excluded.result_json"
    " WHERE step_results.state = 'started'";
const char* const kClearStarted =
    "DELETE FROM step_results WHERE delivery_id = ? AND step = ? AND state = 'started'";
// Oldest first through the status index; step_results go with their row (ON DELETE CASCADE).
const char* const kPruneDone =
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'done'"
    " AND created_ms < ?1 ORDER BY id LIMIT ?2)";
const char* const kMarkDone =
    "UPDATE outbox SET status = 'done', lease_owner = '', lease_until = 0 WHERE id = ?1";
const char* const kScheduleRetry =
    "UPDATE outbox SET attempts = ?2, next_attempt_ms = ?3, last_error = ?4, lease_owner = '',"
    " lease_until = 0 WHERE id = ?1";
const char* const kMarkDead =
    "UPDATE outbox SET status = 'dead', attempts = ?2, last_error = ?4, lease_owner = '',"
    " lease_until = 0 WHERE id = ?1";
const char* const kDeliveriesAll =
    "SELECT " SLUICE_DELIVERY_COLUMNS " FROM outbox ORDER BY id DESC LIMIT ?";
const char* const kDeliveriesByStatus =
    "SELECT " SLUICE_DELIVERY_COLUMNS " FROM outbox WHERE status = ? ORDER BY id DESC LIMIT ?";
// The step results stay: a replayed delivery resumes after its last finished step.
const char* const kReplayAll =
    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = ?"
    " WHERE status = 'dead'";
const char* const kReplayOne =
    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = ?"
    " WHERE status = 'dead' AND id = ?";
// Replaying is the user's word that an uncertain step did not take effect: its mark goes.
const char* const kUnmarkAllDead =
    "DELETE FROM step_results WHERE state = 'started'"
    " AND delivery_id IN (SELECT id FROM outbox WHERE status = 'dead')";
const char* const kUnmarkOneDead =
    "DELETE FROM step_results WHERE state = 'started' AND delivery_id = ?1"
    " AND EXISTS (SELECT 1 FROM outbox WHERE id = ?1 AND status = 'dead')";
const char* const kPendingCount = "SELECT COUNT(*) FROM outbox WHERE status = 'pending'";
const char* const kHistory =
    "SELECT trigger_key, started_ms, finished_ms, pages, fetched, new_items, duplicates, error,"
    " cursor_before, cursor_after FROM history WHERE trigger_key = ? ORDER BY id DESC LIMIT ?";
const char* const kLoadTokens =
    "SELECT access_token, refresh_token, expires_at_ms FROM oauth_tokens WHERE connection = ?";
const char* const kSaveTokens =
    "INSERT INTO oauth_tokens(connection, access_token, refresh_token, expires_at_ms)"
    " VALUES(?, ?, ?, ?) ON CONFLICT(connection) DO UPDATE SET"
    " access_token = excluded.access_token, refresh_token = excluded.refresh_token,"
    " expires_at_ms = excluded.expires_at_ms";

// Leases (owner '' = free).
const char* const kLeaseHolder = "SELECT lease_owner FROM triggers WHERE key = ?";
const char* const kEnsureTrigger =
    "INSERT INTO triggers(key) VALUES(?) ON CONFLICT(key) DO NOTHING";
// ?1 key, ?2 owner, ?3 until, ?4 now, ?5 even if not due.
const char* const kClaimTrigger =
    "UPDATE triggers SET lease_owner = ?2, lease_until = ?3 WHERE key = ?1"
    " AND (lease_owner = '' OR lease_owner = ?2 OR lease_until <= ?4)"
    " AND (?5 OR next_due_ms <= ?4)";
const char* const kClaimableDeliveries =
    "SELECT " SLUICE_DELIVERY_COLUMNS
    " FROM outbox WHERE status = 'pending' AND next_attempt_ms <= ?1"
    " AND (lease_owner = '' OR lease_owner = ?2 OR lease_until <= ?1) ORDER BY id LIMIT ?3";
const char* const kLeaseDelivery =
    "UPDATE outbox SET lease_owner = ?2, lease_until = ?3 WHERE id = ?1";
const char* const kRenewTriggers = "UPDATE triggers SET lease_until = ?2 WHERE lease_owner = ?1";
const char* const kRenewDeliveries =
    "UPDATE outbox SET lease_until = ?2 WHERE status = 'pending' AND lease_owner = ?1";
const char* const kReleaseTriggers =
    "UPDATE triggers SET lease_owner = '', lease_until = 0 WHERE lease_owner = ?1";
const char* const kReleaseDeliveries =
    "UPDATE outbox SET lease_owner = '', lease_until = 0 WHERE status = 'pending'"
    " AND lease_owner = ?1";
const char* const kTriggerLeases =
    "SELECT key, lease_owner FROM triggers WHERE lease_owner != '' AND lease_until > ?"
    " ORDER BY key";
const char* const kLeaseOwners =
    "SELECT lease_owner FROM triggers WHERE lease_owner NOT IN ('', ?1) AND lease_until > ?2"
    " UNION SELECT lease_owner FROM outbox WHERE status = 'pending'"
    " AND lease_owner NOT IN ('', ?1) AND lease_until > ?2";

#undef SLUICE_TRIGGER_COLUMNS
#undef SLUICE_DELIVERY_COLUMNS

TriggerState readTrigger(SQLite::Statement& q) {
  TriggerState t;
  t.key = q.getColumn(0).getString();
  t.op = q.getColumn(1).getString();
  t.connection = q.getColumn(2).getString();
  t.cursorJson = q.getColumn(3).getString();
  t.nextDueMs = q.getColumn(4).getInt64();
  t.lastPollMs = q.getColumn(5).getInt64();
  t.watermarkMovedMs = q.getColumn(6).getInt64();
  t.consecutiveErrors = q.getColumn(7).getInt();
  t.lastError = q.getColumn(8).getString();
  t.polledBy = q.getColumn(9).getString();
  return t;
}

Delivery readDelivery(SQLite::Statement& q) {
  Delivery d;
  d.id = q.getColumn(0).getInt64();
  d.flow = q.getColumn(1).getString();
  d.itemKey = q.getColumn(2).getString();
  d.itemJson = q.getColumn(3).getString();
  d.status = parseDeliveryStatus(q.getColumn(4).getString());
  d.attempts = q.getColumn(5).getInt();
  d.createdMs = q.getColumn(6).getInt64();
  d.nextAttemptMs = q.getColumn(7).getInt64();
  d.lastError = q.getColumn(8).getString();
  return d;
}

}  // namespace

// A cached statement checked out for one use: reset and unbound when the use ends, so no read
// snapshot stays open (it would pin the WAL) and no item or token text lingers in bindings.
class SqliteStateStore::Use {
 public:
  explicit Use(SQLite::Statement& statement) : statement_(&statement) {}
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  ~Use() {
    statement_->tryReset();
    try {
      statement_->clearBindings();
    } catch (...) {  // sqlite3_clear_bindings cannot fail; a destructor must not throw anyway
    }
  }
  SQLite::Statement* operator->() const { return statement_; }
  SQLite::Statement& operator*() const { return *statement_; }

 private:
  SQLite::Statement* statement_;
};

SqliteStateStore::SqliteStateStore(const std::string& path, SqliteStoreOptions options)
    : path_(path) {
  if (path.empty()) throw StateError("state: empty database path");
  const bool memory = path == ":memory:";
  if (!memory) createPrivateFile(path);
  try {
    db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                             options.busyTimeoutMs);
    db_->exec("PRAGMA foreign_keys = ON");
    // WAL: pollers' and dispatchers' reads never wait for a commit, and a commit is one
    // sequential append.
    std::string mode = db_->execAndGet("PRAGMA journal_mode = WAL").getString();
    if (!memory && mode != "wal") fail("open", path, "cannot switch to WAL (got " + mode + ")");
    // NORMAL, not FULL. In WAL mode NORMAL keeps every transaction atomic and loses nothing when
    // the process crashes; only a power cut or OS crash can drop the last few commits, and
    // then it drops them whole and in order. A dropped commitPoll takes its cursor with its
    // items, so the next poll fetches them again: nothing lost, nothing doubled in the store.
    // A dropped recordStep/markDone makes the dispatcher redo a step, a window that exists
    // anyway between an API call and its record, and that the idempotency key (flow, item,
    // step) closes. FULL would add an fsync per commit, which tens of thousands of flows on
    // one core cannot afford.
    db_->exec("PRAGMA synchronous = NORMAL");
    sqlite_schema::migrate(*db_);
  } catch (const SQLite::Exception& e) {
    fail("open", path, describe(e));
  } catch (const StateError& e) {
    if (startsWith(e.what(), "state: ")) throw;
    fail("open", path, e.what());
  }
}

SqliteStateStore::~SqliteStateStore() = default;

template <typename Body>
auto SqliteStateStore::locked(const char* what, const std::string& subject, Body&& body)
    -> decltype(body()) {
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    fail(what, subject, describe(e));
  }
}

SqliteStateStore::Use SqliteStateStore::use(const char* sql) {
  auto& slot = statements_[sql];
  if (!slot) slot = std::make_unique<SQLite::Statement>(*db_, sql);
  slot->tryReset();
  return Use(*slot);
}

std::optional<TriggerState> SqliteStateStore::loadTrigger(const std::string& key) {
  return locked("loadTrigger", key, [&]() -> std::optional<TriggerState> {
    auto q = use(kLoadTrigger);
    q->bind(1, key);
    if (!q->executeStep()) return std::nullopt;
    return readTrigger(*q);
  });
}

std::map<std::string, std::string> SqliteStateStore::seenVersions(
    const std::string& key, const std::vector<std::string>& itemKeys) {
  std::map<std::string, std::string> found;
  if (itemKeys.empty()) return found;
  locked("seenVersions for trigger", key, [&] {
    // One read transaction for the page: one snapshot, one lock, one prepared lookup reused.
    SQLite::Transaction transaction(*db_);
    auto q = use(kSeenVersion);
    q->bind(1, key);
    for (const auto& itemKey : itemKeys) {
      q->reset();
      q->bind(2, itemKey);
      if (q->executeStep()) found[itemKey] = q->getColumn(0).getString();
    }
    transaction.commit();
  });
  return found;
}

void SqliteStateStore::insertHistory(const std::string& triggerKey, const PollRecord& record) {
  {
    auto q = use(kInsertHistory);
    q->bind(1, triggerKey);
    q->bind(2, static_cast<int64_t>(record.startedMs));
    q->bind(3, static_cast<int64_t>(record.finishedMs));
    q->bind(4, record.pages);
    q->bind(5, record.fetched);
    q->bind(6, record.newItems);
    q->bind(7, record.duplicates);
    q->bind(8, record.error);
    q->bind(9, record.cursorBefore);
    q->bind(10, record.cursorAfter);
    q->exec();
  }
  auto prune = use(kPruneHistory);
  prune->bind(1, triggerKey);
  prune->bind(2, kHistoryPerTrigger);
  prune->exec();
}

void SqliteStateStore::commitPoll(const PollCommit& commit) {
  const char* what = "commitPoll for trigger";
  if (commit.triggerKey.empty()) fail(what, "", "empty trigger key");
  for (size_t i = 0; i < commit.items.size(); ++i) {
    // An empty key would make UNIQUE(flow, item_key) swallow every later item of the flow.
    if (commit.items[i].flow.empty() || commit.items[i].itemKey.empty()) {
      fail(what, commit.triggerKey,
           "outbox item " + std::to_string(i) + " has an empty flow or item key");
    }
  }
  locked(what, commit.triggerKey, [&] {
    // IMMEDIATE takes the write lock up front, so a competing process makes us wait (or fail)
    // before anything is written rather than halfway through.
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    const int64_t now = commit.history.finishedMs;
    if (!commit.leaseOwner.empty()) {
      const auto holder = leaseHolder(commit.triggerKey);
      if (holder && *holder != commit.leaseOwner)
        throw LeaseLostError(std::string("state: ") + what + " " + commit.triggerKey +
                             ": lease lost to " + (holder->empty() ? "a finished poll" : *holder));
    }
    if (commit.fromWebhook) {
      auto q = use(kTouchTrigger);
      q->bind(1, commit.triggerKey);
      q->bind(2, commit.op);
      q->bind(3, commit.connection);
      q->exec();
    } else {
      auto q = use(kCommitTrigger);
      q->bind(1, commit.triggerKey);
      q->bind(2, commit.op);
      q->bind(3, commit.connection);
      q->bind(4, commit.cursorJson);
      q->bind(5, static_cast<int64_t>(commit.nextDueMs));
      q->bind(6, now);
      q->bind(7, commit.cursorMoved ? 1 : 0);
      q->bind(8, commit.leaseOwner);
      q->exec();
    }
    // Forget before remembering, so entries seen in this very poll are never pruned.
    if (commit.forgetSeenBeforeMs > 0) {
      auto q = use(kForgetSeen);
      q->bind(1, commit.triggerKey);
      q->bind(2, static_cast<int64_t>(commit.forgetSeenBeforeMs));
      q->exec();
    }
    if (!commit.seen.empty()) {
      auto q = use(kUpsertSeen);
      q->bind(1, commit.triggerKey);
      q->bind(4, now);
      for (const auto& entry : commit.seen) {
        q->reset();
        q->bind(2, entry.itemKey);
        q->bind(3, entry.version);
        q->exec();
      }
    }
    if (!commit.items.empty()) {
      auto q = use(kEnqueue);
      q->bind(4, now);
      q->bind(5, now);
      for (const auto& item : commit.items) {
        q->reset();
        q->bind(1, item.flow);
        q->bind(2, item.itemKey);
        q->bind(3, item.itemJson);
        q->exec();
      }
    }
    insertHistory(commit.triggerKey, commit.history);
    transaction.commit();
  });
}

void SqliteStateStore::recordPollFailure(const std::string& key, const std::string& op,
                                         const std::string& connection, const PollRecord& history,
                                         int64_t nextDueMs, const std::string& leaseOwner) {
  const char* what = "recordPollFailure for trigger";
  if (key.empty()) fail(what, "", "empty trigger key");
  locked(what, key, [&] {
    // A failure without a message would read as a success in history.
    PollRecord record = history;
    if (record.error.empty()) record.error = "unknown error";
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    if (!leaseOwner.empty()) {
      const auto holder = leaseHolder(key);
      if (holder && *holder != leaseOwner) return;  // another process has polled it since
    }
    {
      auto q = use(kFailTrigger);
      q->bind(1, key);
      q->bind(2, op);
      q->bind(3, connection);
      q->bind(4, static_cast<int64_t>(nextDueMs));
      q->bind(5, record.error);
      q->exec();
    }
    insertHistory(key, record);
    transaction.commit();
  });
}

std::vector<TriggerState> SqliteStateStore::triggers() {
  return locked("triggers", "", [&] {
    std::vector<TriggerState> out;
    auto q = use(kAllTriggers);
    while (q->executeStep()) out.push_back(readTrigger(*q));
    return out;
  });
}

bool SqliteStateStore::resetTrigger(const std::string& key) {
  return locked("resetTrigger", key, [&] {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    int changed = 0;
    // The foreign key cascades to seen; deleting seen explicitly too keeps the reset whole
    // even for a database last written with foreign keys off.
    for (const char* sql : {kDeleteSeen, kDeleteTrigger}) {
      auto q = use(sql);
      q->bind(1, key);
      changed += q->exec();
    }
    transaction.commit();
    return changed > 0;
  });
}

std::vector<Delivery> SqliteStateStore::dueDeliveries(int64_t nowMs, int limit) {
  std::vector<Delivery> out;
  if (limit <= 0) return out;
  locked("dueDeliveries", "", [&] {
    auto q = use(kDue);
    q->bind(1, static_cast<int64_t>(nowMs));
    q->bind(2, limit);
    while (q->executeStep()) out.push_back(readDelivery(*q));
  });
  return out;
}

std::vector<StepResult> SqliteStateStore::stepResults(int64_t deliveryId) {
  return locked("stepResults for delivery", std::to_string(deliveryId), [&] {
    std::vector<StepResult> out;
    auto q = use(kStepResults);
    q->bind(1, static_cast<int64_t>(deliveryId));
    while (q->executeStep())
      out.push_back({q->getColumn(0).getInt(), q->getColumn(1).getString(),
                     q->getColumn(2).getString() == "started"});
    return out;
  });
}

void SqliteStateStore::markStepStarted(int64_t deliveryId, int step, int64_t sentMs) {
  locked("markStepStarted for delivery", std::to_string(deliveryId), [&] {
    auto q = use(kStartStep);
    q->bind(1, static_cast<int64_t>(deliveryId));
    q->bind(2, step);
    q->bind(3, std::to_string(sentMs));
    q->exec();
  });
}

void SqliteStateStore::clearStepStarted(int64_t deliveryId, int step) {
  locked("clearStepStarted for delivery", std::to_string(deliveryId), [&] {
    auto q = use(kClearStarted);
    q->bind(1, static_cast<int64_t>(deliveryId));
    q->bind(2, step);
    q->exec();
  });
}

void SqliteStateStore::recordStep(int64_t deliveryId, int step, const std::string& resultJson) {
  locked("recordStep for delivery", std::to_string(deliveryId), [&] {
    auto q = use(kRecordStep);
    q->bind(1, static_cast<int64_t>(deliveryId));
    q->bind(2, step);
    q->bind(3, resultJson);
    q->exec();
  });
}

void SqliteStateStore::markDone(int64_t deliveryId) {
  const std::string subject = std::to_string(deliveryId);
  locked("markDone for delivery", subject, [&] {
    auto q = use(kMarkDone);
    q->bind(1, static_cast<int64_t>(deliveryId));
    if (q->exec() == 0) fail("markDone for delivery", subject, "no such delivery");
  });
}

void SqliteStateStore::scheduleRetry(int64_t deliveryId, int attempts, int64_t nextAttemptMs,
                                     const std::string& error) {
  const std::string subject = std::to_string(deliveryId);
  locked("scheduleRetry for delivery", subject, [&] {
    auto q = use(kScheduleRetry);
    q->bind(1, static_cast<int64_t>(deliveryId));
    q->bind(2, attempts);
    q->bind(3, static_cast<int64_t>(nextAttemptMs));
    q->bind(4, error);
    if (q->exec() == 0) fail("scheduleRetry for delivery", subject, "no such delivery");
  });
}

void SqliteStateStore::markDead(int64_t deliveryId, int attempts, const std::string& error) {
  const std::string subject = std::to_string(deliveryId);
  locked("markDead for delivery", subject, [&] {
    auto q = use(kMarkDead);
    q->bind(1, static_cast<int64_t>(deliveryId));
    q->bind(2, attempts);
    q->bind(4, error);
    if (q->exec() == 0) fail("markDead for delivery", subject, "no such delivery");
  });
}

std::vector<Delivery> SqliteStateStore::deliveries(std::optional<DeliveryStatus> status,
                                                   int limit) {
  std::vector<Delivery> out;
  if (limit <= 0) return out;
  locked("deliveries", "", [&] {
    auto q = use(status ? kDeliveriesByStatus : kDeliveriesAll);
    int next = 1;
    if (status) q->bind(next++, toString(*status));
    q->bind(next, limit);
    while (q->executeStep()) out.push_back(readDelivery(*q));
  });
  return out;
}

int SqliteStateStore::pruneDone(int64_t beforeMs, int limit) {
  return locked("pruneDone", "", [&] {
    auto q = use(kPruneDone);
    q->bind(1, static_cast<int64_t>(beforeMs));
    q->bind(2, limit);
    return q->exec();
  });
}

int SqliteStateStore::replayDead(const std::vector<int64_t>& ids, int64_t nowMs) {
  return locked("replayDead", "", [&] {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    int replayed = 0;
    if (ids.empty()) {
      use(kUnmarkAllDead)->exec();
      auto q = use(kReplayAll);
      q->bind(1, static_cast<int64_t>(nowMs));
      replayed = q->exec();
    } else {
      auto q = use(kReplayOne);
      q->bind(1, static_cast<int64_t>(nowMs));
      for (int64_t id : ids) {
        auto unmark = use(kUnmarkOneDead);
        unmark->bind(1, static_cast<int64_t>(id));
        unmark->exec();
        q->reset();
        q->bind(2, static_cast<int64_t>(id));
        replayed += q->exec();
      }
    }
    transaction.commit();
    return replayed;
  });
}

int64_t SqliteStateStore::pendingCount() {
  return locked("pendingCount", "", [&] {
    auto q = use(kPendingCount);
    q->executeStep();
    return q->getColumn(0).getInt64();
  });
}

std::vector<PollRecord> SqliteStateStore::history(const std::string& triggerKey, int limit) {
  std::vector<PollRecord> out;
  if (limit <= 0) return out;
  locked("history for trigger", triggerKey, [&] {
    auto q = use(kHistory);
    q->bind(1, triggerKey);
    q->bind(2, limit);
    while (q->executeStep()) {
      PollRecord r;
      r.triggerKey = q->getColumn(0).getString();
      r.startedMs = q->getColumn(1).getInt64();
      r.finishedMs = q->getColumn(2).getInt64();
      r.pages = q->getColumn(3).getInt();
      r.fetched = q->getColumn(4).getInt();
      r.newItems = q->getColumn(5).getInt();
      r.duplicates = q->getColumn(6).getInt();
      r.error = q->getColumn(7).getString();
      r.cursorBefore = q->getColumn(8).getString();
      r.cursorAfter = q->getColumn(9).getString();
      out.push_back(std::move(r));
    }
  });
  return out;
}

std::optional<std::string> SqliteStateStore::leaseHolder(const std::string& key) {
  auto q = use(kLeaseHolder);
  q->bind(1, key);
  if (!q->executeStep()) return std::nullopt;
  return q->getColumn(0).getString();
}

void SqliteStateStore::freeLeasesOfGoneProcesses(const std::string& owner, int64_t nowMs) {
  // At most once a second: a process killed on this machine does not hold its work until its
  // leases expire (the next `sluice run` takes it over at once).
  if (nowMs - lastSweepMs_ < 1000 && nowMs >= lastSweepMs_) return;
  lastSweepMs_ = nowMs;
  std::vector<std::string> gone;
  {
    auto q = use(kLeaseOwners);
    q->bind(1, owner);
    q->bind(2, static_cast<int64_t>(nowMs));
    while (q->executeStep()) {
      std::string other = q->getColumn(0).getString();
      if (leaseOwnerGoneHere(other)) gone.push_back(std::move(other));
    }
  }
  for (const auto& other : gone) {
    for (const char* sql : {kReleaseTriggers, kReleaseDeliveries}) {
      auto q = use(sql);
      q->bind(1, other);
      q->exec();
    }
  }
}

std::vector<std::string> SqliteStateStore::claimTriggers(const std::vector<std::string>& dueKeys,
                                                         const std::string& owner, int64_t nowMs,
                                                         int64_t leaseMs, bool evenIfNotDue) {
  std::vector<std::string> held;
  if (dueKeys.empty()) return held;
  if (owner.empty()) fail("claimTriggers", "", "empty lease owner");
  locked("claimTriggers", "", [&] {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    freeLeasesOfGoneProcesses(owner, nowMs);
    for (const auto& key : dueKeys) {
      {
        auto q = use(kEnsureTrigger);
        q->bind(1, key);
        q->exec();
      }
      auto q = use(kClaimTrigger);
      q->bind(1, key);
      q->bind(2, owner);
      q->bind(3, static_cast<int64_t>(nowMs + leaseMs));
      q->bind(4, static_cast<int64_t>(nowMs));
      q->bind(5, evenIfNotDue ? 1 : 0);
      if (q->exec() > 0) held.push_back(key);
    }
    transaction.commit();
  });
  return held;
}

std::vector<Delivery> SqliteStateStore::claimDeliveries(const std::string& owner, int64_t nowMs,
                                                        int limit, int64_t leaseMs) {
  std::vector<Delivery> out;
  if (limit <= 0) return out;
  if (owner.empty()) fail("claimDeliveries", "", "empty lease owner");
  locked("claimDeliveries", "", [&] {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    freeLeasesOfGoneProcesses(owner, nowMs);
    {
      auto q = use(kClaimableDeliveries);
      q->bind(1, static_cast<int64_t>(nowMs));
      q->bind(2, owner);
      q->bind(3, limit);
      while (q->executeStep()) out.push_back(readDelivery(*q));
    }
    for (const auto& d : out) {
      auto q = use(kLeaseDelivery);
      q->bind(1, static_cast<int64_t>(d.id));
      q->bind(2, owner);
      q->bind(3, static_cast<int64_t>(nowMs + leaseMs));
      q->exec();
    }
    transaction.commit();
  });
  return out;
}

void SqliteStateStore::renewLeases(const std::string& owner, int64_t untilMs) {
  locked("renewLeases of", owner, [&] {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    for (const char* sql : {kRenewTriggers, kRenewDeliveries}) {
      auto q = use(sql);
      q->bind(1, owner);
      q->bind(2, static_cast<int64_t>(untilMs));
      q->exec();
    }
    transaction.commit();
  });
}

void SqliteStateStore::releaseLeases(const std::string& owner) {
  locked("releaseLeases of", owner, [&] {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    for (const char* sql : {kReleaseTriggers, kReleaseDeliveries}) {
      auto q = use(sql);
      q->bind(1, owner);
      q->exec();
    }
    transaction.commit();
  });
}

std::vector<std::pair<std::string, std::string>> SqliteStateStore::triggerLeases(int64_t nowMs) {
  return locked("triggerLeases", "", [&] {
    std::vector<std::pair<std::string, std::string>> out;
    auto q = use(kTriggerLeases);
    q->bind(1, static_cast<int64_t>(nowMs));
    while (q->executeStep())
      out.emplace_back(q->getColumn(0).getString(), q->getColumn(1).getString());
    return out;
  });
}

std::optional<OAuthTokens> SqliteStateStore::loadTokens(const std::string& connection) {
  return locked("loadTokens for connection", connection, [&]() -> std::optional<OAuthTokens> {
    auto q = use(kLoadTokens);
    q->bind(1, connection);
    if (!q->executeStep()) return std::nullopt;
    OAuthTokens tokens;
    tokens.accessToken = q->getColumn(0).getString();
    tokens.refreshToken = q->getColumn(1).getString();
    tokens.expiresAtMs = q->getColumn(2).getInt64();
    return tokens;
  });
}

void SqliteStateStore::saveTokens(const std::string& connection, const OAuthTokens& tokens) {
  locked("saveTokens for connection", connection, [&] {
    auto q = use(kSaveTokens);
    q->bind(1, connection);
    q->bind(2, tokens.accessToken);
    q->bind(3, tokens.refreshToken);
    q->bind(4, static_cast<int64_t>(tokens.expiresAtMs));
    q->exec();
  });
}

}  // namespace sluice
