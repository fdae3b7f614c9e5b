#include "state/sqlite_migrations.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "core/error.h"
#include "state/schema_version.h"

namespace sluice::sqlite_schema {
namespace {

// Append only: migration i takes a database from version i to version i + 1. Never edit one that
// has shipped; a database that already ran it would not run the edit.
const char* const kMigrations[] = {
    // 1: the initial schema.
    R"sql(
CREATE TABLE triggers (
  key                TEXT PRIMARY KEY NOT NULL,
  op                 TEXT NOT NULL DEFAULT '',
  connection         TEXT NOT NULL DEFAULT '',
  cursor_json        TEXT NOT NULL DEFAULT '',
  next_due_ms        INTEGER NOT NULL DEFAULT 0,
  last_poll_ms       INTEGER NOT NULL DEFAULT 0,
  watermark_moved_ms INTEGER NOT NULL DEFAULT 0,
  consecutive_errors INTEGER NOT NULL DEFAULT 0,
  last_error         TEXT NOT NULL DEFAULT ''
);

-- Deleting a trigger (cursor reset) forgets what it has seen: the next poll seeds again.
CREATE TABLE seen (
  trigger_key TEXT NOT NULL REFERENCES triggers(key) ON DELETE CASCADE,
  item_key    TEXT NOT NULL,
  version     TEXT NOT NULL DEFAULT '',
  seen_ms     INTEGER NOT NULL,
  PRIMARY KEY (trigger_key, item_key)
) WITHOUT ROWID;
-- Pruning old seen entries of one trigger.
CREATE INDEX seen_by_age ON seen(trigger_key, seen_ms);

-- UNIQUE(flow, item_key) is the second line of defence against doubles: an item enqueued
-- twice (a replayed poll) is ignored. AUTOINCREMENT so a delivery id is never reused.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  flow            TEXT NOT NULL,
  item_key        TEXT NOT NULL,
  item_json       TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_ms      INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  UNIQUE (flow, item_key)
);
-- Listings by status (newest first) and the pending count.
CREATE INDEX outbox_by_status ON outbox(status, id);
-- The dispatcher's question: what is due now. Only pending rows are indexed.
CREATE INDEX outbox_due ON outbox(next_attempt_ms) WHERE status = 'pending';

CREATE TABLE step_results (
  delivery_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  step        INTEGER NOT NULL,
  result_json TEXT NOT NULL,
  PRIMARY KEY (delivery_id, step)
) WITHOUT ROWID;

-- No foreign key: history outlives a cursor reset.
CREATE TABLE history (
  id            INTEGER PRIMARY KEY,
  trigger_key   TEXT NOT NULL,
  started_ms    INTEGER NOT NULL,
  finished_ms   INTEGER NOT NULL,
  pages         INTEGER NOT NULL DEFAULT 0,
  fetched       INTEGER NOT NULL DEFAULT 0,
  new_items     INTEGER NOT NULL DEFAULT 0,
  duplicates    INTEGER NOT NULL DEFAULT 0,
  error         TEXT NOT NULL DEFAULT '',
  cursor_before TEXT NOT NULL DEFAULT '',
  cursor_after  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_by_trigger ON history(trigger_key, id);

CREATE TABLE oauth_tokens (
  connection    TEXT PRIMARY KEY NOT NULL,
  access_token  TEXT NOT NULL,
  refresh_token TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
)sql",
    // 2: a step is marked 'started' before its call, so that after a crash the dispatcher
    // knows the call may have reached the API (and looks before it sends it again).
    R"sql(
ALTER TABLE step_results ADD COLUMN state TEXT NOT NULL DEFAULT 'done'
  CHECK (state IN ('started', 'done'));
)sql",
    // 3: leases (owner '' = free). One process per SQLite file is the supported setup; the
    // leases keep the runner's bookkeeping the same as with PostgreSQL, where several share.
    R"sql(
ALTER TABLE triggers ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE triggers ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE triggers ADD COLUMN polled_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
)sql",
    // 4: the record an item is a change of, so that a record's deliveries go out in order
    // (a pending earlier change holds back the later ones). Older rows keep '' and wait for
    // nothing, as before.
    R"sql(
ALTER TABLE outbox ADD COLUMN record_key TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_pending_by_record ON outbox(flow, record_key, id) WHERE status = 'pending';
)sql",
    // 5: rate budgets shared by restarts and processes (state/rate_budget_store.h).
    R"sql(
CREATE TABLE rate_budget (
  key   TEXT PRIMARY KEY,
  takes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE rate_budget_slices (
  key            TEXT NOT NULL,
  slice_start_ms INTEGER NOT NULL,
  used           INTEGER NOT NULL,
  PRIMARY KEY (key, slice_start_ms)
);
)sql",
    // 6: paused flows (state/flow_pause_store.h), and the indexes of the per-flow listings
    // (`sluice status`, the console): one flow's deliveries, the rows queued today.
    R"sql(
CREATE TABLE IF NOT EXISTS paused_flows (
  flow      TEXT PRIMARY KEY NOT NULL,
  paused_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_flow ON outbox(flow, id);
CREATE INDEX IF NOT EXISTS outbox_by_created ON outbox(created_ms);
)sql",
    // 7: tenants of agency and platform connections (state/tenant_store.h).
    R"sql(
CREATE TABLE IF NOT EXISTS tenants (
  connection  TEXT NOT NULL,
  tenant_id   TEXT NOT NULL,
  name        TEXT NOT NULL,
  record      TEXT NOT NULL,
  state       TEXT NOT NULL,
  since_ms    INTEGER NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (connection, tenant_id)
);
)sql",
    // 8: a leaner outbox: two indexes of pending rows (outbox_by_status, outbox_due) become
    // one, and the done rows, most rows, are in neither. outbox_by_status held every row and
    // moved each finished one (pending -> done) inside it, one b-tree more written for every
    // item queued and every delivery finished. outbox_pending serves the due list in id order
    // (next_attempt_ms read from the index, not the row), the count and the leases; done rows
    // are listed newest first by id; dead letters, few, get a partial index of their own.
    R"sql(
DROP INDEX IF EXISTS outbox_by_status;
DROP INDEX IF EXISTS outbox_due;
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(id, next_attempt_ms) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS outbox_dead ON outbox(id) WHERE status = 'dead';
)sql",
};

constexpr int kLatest = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

int readVersion(SQLite::Database& db) {
  if (!db.tableExists("schema_version")) return 0;
  SQLite::Statement query(db, "SELECT version FROM schema_version WHERE id = 1");
  return query.executeStep() ? query.getColumn(0).getInt() : 0;
}

}  // namespace

int latestVersion() {
  return kLatest;
}

int currentVersion(SQLite::Database& db) {
  return readVersion(db);
}

void migrate(SQLite::Database& db) {
  for (;;) {
    // IMMEDIATE takes the write lock before reading the version, so two processes opening the
    // same fresh file cannot both apply migration 1.
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    int version = readVersion(db);
    refuseNewerSchema(version, kLatest);
    if (version == kLatest) return;  // nothing written: the destructor's rollback is a no-op
    db.exec(kCreateSchemaVersionTable);
    db.exec(kMigrations[version]);
    SQLite::Statement record(db,
                             "INSERT INTO schema_version(id, version) VALUES(1, ?)"
                             " ON CONFLICT(id) DO UPDATE SET version = excluded.version");
    record.bind(1, version + 1);
    record.exec();
    transaction.commit();
  }
}

}  // namespace sluice::sqlite_schema
