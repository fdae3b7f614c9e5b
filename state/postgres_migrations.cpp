#include "state/postgres_migrations.h"

#include <pqxx/pqxx>

#include <string>

#include "core/error.h"
#include "state/schema_version.h"

namespace sluice::postgres_schema {
namespace {

// Append only: migration i takes a database from version i to version i + 1.
const char* const kMigrations[] = {
    // 1: the schema of SQLite's migrations 1-3 (steps marked started, leases).
    R"sql(
CREATE TABLE triggers (
  key                TEXT PRIMARY KEY,
  op                 TEXT NOT NULL DEFAULT '',
  connection         TEXT NOT NULL DEFAULT '',
  cursor_json        TEXT NOT NULL DEFAULT '',
  next_due_ms        BIGINT NOT NULL DEFAULT 0,
  last_poll_ms       BIGINT NOT NULL DEFAULT 0,
  watermark_moved_ms BIGINT NOT NULL DEFAULT 0,
  consecutive_errors INTEGER NOT NULL DEFAULT 0,
  last_error         TEXT NOT NULL DEFAULT '',
  -- The process polling it now ('' = nobody) and until when; another may claim it after.
  lease_owner        TEXT NOT NULL DEFAULT '',
  lease_until        BIGINT NOT NULL DEFAULT 0,
  polled_by          TEXT NOT NULL DEFAULT ''
);

-- Deleting a trigger (cursor reset) forgets what it has seen: the next poll seeds again.
CREATE TABLE seen (
  trigger_key TEXT NOT NULL REFERENCES triggers(key) ON DELETE CASCADE,
  item_key    TEXT NOT NULL,
  version     TEXT NOT NULL DEFAULT '',
  seen_ms     BIGINT NOT NULL,
  PRIMARY KEY (trigger_key, item_key)
);
CREATE INDEX seen_by_age ON seen(trigger_key, seen_ms);

-- UNIQUE(flow, item_key): an item enqueued twice (a replayed poll) is ignored.
CREATE TABLE outbox (
  id              BIGSERIAL PRIMARY KEY,
  flow            TEXT NOT NULL,
  item_key        TEXT NOT NULL,
  item_json       TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_ms      BIGINT NOT NULL,
  next_attempt_ms BIGINT NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  lease_owner     TEXT NOT NULL DEFAULT '',
  lease_until     BIGINT NOT NULL DEFAULT 0,
  UNIQUE (flow, item_key)
);
CREATE INDEX outbox_by_status ON outbox(status, id);
CREATE INDEX outbox_due ON outbox(next_attempt_ms) WHERE status = 'pending';

CREATE TABLE step_results (
  delivery_id BIGINT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  step        INTEGER NOT NULL,
  result_json TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('started', 'done')),
  PRIMARY KEY (delivery_id, step)
);

-- No foreign key: history outlives a cursor reset.
CREATE TABLE history (
  id            BIGSERIAL PRIMARY KEY,
  trigger_key   TEXT NOT NULL,
  started_ms    BIGINT NOT NULL,
  finished_ms   BIGINT NOT NULL,
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
  connection    TEXT PRIMARY KEY,
  access_token  TEXT NOT NULL,
  refresh_token TEXT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);
)sql",
    // 2: the record an item is a change of, so that a record's deliveries go out in order
    // (a pending earlier change holds back the later ones). Older rows keep '' and wait for
    // nothing, as before.
    R"sql(
ALTER TABLE outbox ADD COLUMN record_key TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_pending_by_record ON outbox(flow, record_key, id) WHERE status = 'pending';
)sql",
    // 3: rate budgets shared by restarts and processes (state/rate_budget_store.h).
    R"sql(
CREATE TABLE rate_budget (
  key   TEXT PRIMARY KEY,
  takes BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE rate_budget_slices (
  key            TEXT NOT NULL,
  slice_start_ms BIGINT NOT NULL,
  used           BIGINT NOT NULL,
  PRIMARY KEY (key, slice_start_ms)
);
)sql",
    // 4: paused flows (state/flow_pause_store.h), and the indexes of the per-flow listings
    // (`sluice status`, the console): one flow's deliveries, the rows queued today.
    R"sql(
CREATE TABLE IF NOT EXISTS paused_flows (
  flow      TEXT PRIMARY KEY NOT NULL,
  paused_ms BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_flow ON outbox(flow, id);
CREATE INDEX IF NOT EXISTS outbox_by_created ON outbox(created_ms);
)sql",
    // 5: tenants of agency and platform connections (state/tenant_store.h).
    R"sql(
CREATE TABLE IF NOT EXISTS tenants (
  connection  TEXT NOT NULL,
  tenant_id   TEXT NOT NULL,
  name        TEXT NOT NULL,
  record      TEXT NOT NULL,
  state       TEXT NOT NULL,
  since_ms    BIGINT NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (connection, tenant_id)
);
)sql",
    // 6: a leaner outbox: two indexes of pending rows (outbox_by_status, outbox_due) become
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

// Any constant: the key of the advisory lock `sluice migrate` holds while it migrates.
constexpr long long kMigrateLock = 0x736c7569636531;  // "sluice1"

int readVersion(pqxx::transaction_base& tx) {
  if (tx.exec("SELECT to_regclass('schema_version') IS NOT NULL")[0][0].as<bool>() == false)
    return 0;
  auto r = tx.exec("SELECT version FROM schema_version WHERE id = 1");
  return r.empty() ? 0 : r[0][0].as<int>();
}

}  // namespace

int latestVersion() {
  return kLatest;
}

int currentVersion(pqxx::connection_base& connection) {
  pqxx::read_transaction tx(connection);
  return readVersion(tx);
}

void migrate(pqxx::connection_base& connection) {
  for (;;) {
    pqxx::work tx(connection);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrateLock);
    const int version = readVersion(tx);
    refuseNewerSchema(version, kLatest);
    if (version == kLatest) return;  // the lock goes with the transaction
    tx.exec(kCreateSchemaVersionTable);
    tx.exec(kMigrations[version]);
    tx.exec_params(
        "INSERT INTO schema_version(id, version) VALUES(1, $1)"
        " ON CONFLICT(id) DO UPDATE SET version = excluded.version",
        version + 1);
    tx.commit();
  }
}

}  // namespace sluice::postgres_schema
