// The SQL that SQLite and PostgreSQL both run, with $n placeholders, and the readers of its
// rows. Statements are inline variables: one address each, which SQLite's statement cache
// keys on.
#pragma once

#include "state/history_store.h"
#include "state/outbox_store.h"
#include "state/sql_database.h"
#include "state/token_store.h"
#include "state/trigger_store.h"

namespace sluice {
namespace store_sql {

#define SLUICE_TRIGGER_COLUMNS                                                        \
  "key, op, connection, cursor_json, next_due_ms, last_poll_ms, watermark_moved_ms, " \
  "consecutive_errors, last_error, polled_by"
// The columns readDelivery reads, in its order (a dialect's own statements use it too). The
// last says whether any step of the delivery has a result or a mark, so that a delivery's
// first attempt, most of them, skips reading its step results (one read of the index it
// probes here anyway).
#define SLUICE_DELIVERY_COLUMNS                                                    \
  "id, flow, item_key, item_json, status, attempts, created_ms, next_attempt_ms, " \
  "last_error, record_key, CASE WHEN EXISTS (SELECT 1 FROM step_results"           \
  " WHERE step_results.delivery_id = outbox.id) THEN 1 ELSE 0 END"

// --- triggers and seen ids ---
inline constexpr char kLoadTrigger[] =
    "SELECT " SLUICE_TRIGGER_COLUMNS " FROM triggers WHERE key = $1";
inline constexpr char kAllTriggers[] =
    "SELECT " SLUICE_TRIGGER_COLUMNS " FROM triggers ORDER BY key";
inline constexpr char kTriggerSchedules[] =
    "SELECT key, next_due_ms, last_poll_ms, watermark_moved_ms, consecutive_errors FROM triggers";
inline constexpr char kSeenVersion[] =
    "SELECT version FROM seen WHERE trigger_key = $1 AND item_key = $2";
// $6 = finished, $7 = cursor moved (0/1). An upsert, not a REPLACE: REPLACE deletes the row
// first, which would cascade to the trigger's seen entries.
inline constexpr char kCommitTrigger[] =
    "INSERT INTO triggers(" SLUICE_TRIGGER_COLUMNS
    ") VALUES($1, $2, $3, $4, $5, $6, CASE WHEN $7 <> 0 THEN CAST($6 AS BIGINT) ELSE 0 END,"
    " 0, '', $8)"
    " ON CONFLICT(key) DO UPDATE SET op = excluded.op, connection = excluded.connection,"
    " cursor_json = excluded.cursor_json, next_due_ms = excluded.next_due_ms,"
    " last_poll_ms = excluded.last_poll_ms,"
    " watermark_moved_ms = CASE WHEN $7 <> 0 THEN CAST($6 AS BIGINT)"
    " ELSE triggers.watermark_moved_ms END,"
    " consecutive_errors = 0, last_error = '', lease_owner = '', lease_until = 0,"
    " polled_by = $8";
// A webhook's commit: the trigger row must exist for its seen ids; nothing of it changes.
inline constexpr char kTouchTrigger[] =
    "INSERT INTO triggers(key, op, connection) VALUES($1, $2, $3) ON CONFLICT(key) DO NOTHING";
// The cursor and last_poll_ms stay: lastPollMs is the last poll that got through.
inline constexpr char kFailTrigger[] =
    "INSERT INTO triggers(key, op, connection, cursor_json, next_due_ms, consecutive_errors,"
    " last_error) VALUES($1, $2, $3, '', $4, 1, $5)"
    " ON CONFLICT(key) DO UPDATE SET op = excluded.op, connection = excluded.connection,"
    " next_due_ms = excluded.next_due_ms,"
    " consecutive_errors = triggers.consecutive_errors + 1,"
    " last_error = excluded.last_error, lease_owner = '', lease_until = 0";
inline constexpr char kForgetSeen[] = "DELETE FROM seen WHERE trigger_key = $1 AND seen_ms < $2";
// $5: entries seen before it get the new time even when their version is the same
// (kSeenRefreshMs); others are left untouched, no page written.
inline constexpr char kUpsertSeen[] =
    "INSERT INTO seen(trigger_key, item_key, version, seen_ms) VALUES($1, $2, $3, $4)"
    " ON CONFLICT(trigger_key, item_key) DO UPDATE SET version = excluded.version,"
    " seen_ms = excluded.seen_ms WHERE seen.version <> excluded.version OR seen.seen_ms < $5";
// Ignores only a (flow, item_key) already present; unlike INSERT OR IGNORE it does not also
// swallow NOT NULL or CHECK failures, which would silently drop an item.
inline constexpr char kEnqueue[] =
    "INSERT INTO outbox(flow, item_key, item_json, status, attempts, created_ms,"
    " next_attempt_ms, last_error, record_key) VALUES($1, $2, $3, 'pending', 0, $4, $4, '', $5)"
    " ON CONFLICT(flow, item_key) DO NOTHING";
inline constexpr char kDeleteTrigger[] = "DELETE FROM triggers WHERE key = $1";
inline constexpr char kDeleteSeen[] = "DELETE FROM seen WHERE trigger_key = $1";

// --- history ---
inline constexpr char kInsertHistory[] =
    "INSERT INTO history(trigger_key, started_ms, finished_ms, pages, fetched, new_items,"
    " duplicates, error, cursor_before, cursor_after)"
    " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
// Keeps the newest $2 rows: deletes from the ($2+1)-th newest id down.
inline constexpr char kPruneHistory[] =
    "DELETE FROM history WHERE trigger_key = $1 AND id <= (SELECT id FROM history"
    " WHERE trigger_key = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)";
inline constexpr char kHistory[] =
    "SELECT trigger_key, started_ms, finished_ms, pages, fetched, new_items, duplicates, error,"
    " cursor_before, cursor_after FROM history WHERE trigger_key = $1 ORDER BY id DESC LIMIT $2";

// --- outbox and step results ---
// A delivery is not due while an earlier one of the same record and flow is pending: the
// record's changes go out in order, and a retried (or looked-up) change never lands after a
// newer one. Deliveries without a record key (rows from before migration 4) wait for nothing.
#define SLUICE_NO_EARLIER_CHANGE                                                \
  " AND (outbox.record_key = '' OR NOT EXISTS (SELECT 1 FROM outbox AS earlier" \
  " WHERE earlier.status = 'pending' AND earlier.flow = outbox.flow"            \
  " AND earlier.record_key = outbox.record_key AND earlier.id < outbox.id))"
// A paused flow's deliveries wait (state/flow_pause_store.h): not due, not claimable.
#define SLUICE_FLOW_NOT_PAUSED \
  " AND NOT EXISTS (SELECT 1 FROM paused_flows WHERE paused_flows.flow = outbox.flow)"
inline constexpr char kDue[] =
    "SELECT " SLUICE_DELIVERY_COLUMNS
    " FROM outbox WHERE status = 'pending' AND next_attempt_ms <= $1" SLUICE_NO_EARLIER_CHANGE
        SLUICE_FLOW_NOT_PAUSED " ORDER BY id LIMIT $2";
inline constexpr char kStepResults[] =
    "SELECT step, result_json, state FROM step_results WHERE delivery_id = $1 ORDER BY step";
inline constexpr char kRecordStep[] =
    "INSERT INTO step_results(delivery_id, step, result_json, state) VALUES($1, $2, $3, 'done')"
    " ON CONFLICT(delivery_id, step) DO UPDATE SET result_json = excluded.result_json,"
    " state = 'done'";
// A started step's result_json is the time it was sent; sending again moves it. A finished
// step is never turned back into a started one.
inline constexpr char kStartStep[] =
    "INSERT INTO step_results(delivery_id, step, result_json, state) VALUES($1, $2, $3, 'started')"
    " ON CONFLICT(delivery_id, step) DO UPDATE SET result_json = excluded.result_json"
    " WHERE step_results.state = 'started'";
// kRecordStep of delivery $1's step $2 and kStartStep of delivery $4's step $5 as one
// statement: a step's result and the next step's mark (of the same delivery, or of the next
// one a worker runs) in one commit. A 'done' row always wins; a 'started' one only replaces a
// mark.
inline constexpr char kRecordStepThenStart[] =
    "INSERT INTO step_results(delivery_id, step, result_json, state)"
    " VALUES($1, $2, $3, 'done'), ($4, $5, $6, 'started')"
    " ON CONFLICT(delivery_id, step) DO UPDATE SET result_json = excluded.result_json,"
    " state = excluded.state WHERE excluded.state = 'done' OR step_results.state = 'started'";
inline constexpr char kClearStarted[] =
    "DELETE FROM step_results WHERE delivery_id = $1 AND step = $2 AND state = 'started'";
// Oldest first through the status index; step_results go with their row (ON DELETE CASCADE).
inline constexpr char kPruneDone[] =
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'done'"
    " AND created_ms < $1 ORDER BY id LIMIT $2)";
inline constexpr char kMarkDone[] =
    "UPDATE outbox SET status = 'done', lease_owner = '', lease_until = 0 WHERE id = $1";
inline constexpr char kScheduleRetry[] =
    "UPDATE outbox SET attempts = $2, next_attempt_ms = $3, last_error = $4, lease_owner = '',"
    " lease_until = 0 WHERE id = $1";
inline constexpr char kMarkDead[] =
    "UPDATE outbox SET status = 'dead', attempts = $2, last_error = $3, lease_owner = '',"
    " lease_until = 0 WHERE id = $1";
inline constexpr char kDeliveriesAll[] =
    "SELECT " SLUICE_DELIVERY_COLUMNS " FROM outbox ORDER BY id DESC LIMIT $1";
// One statement per status, the status written in it: a partial index (outbox_pending,
// outbox_dead) serves a query only when its condition is in the text, not in a parameter.
inline constexpr char kPendingDeliveries[] = "SELECT " SLUICE_DELIVERY_COLUMNS
                                             " FROM outbox WHERE status = 'pending'"
                                             " ORDER BY id DESC LIMIT $1";
// Done rows are most rows: read newest first by id until enough are found.
inline constexpr char kDoneDeliveries[] = "SELECT " SLUICE_DELIVERY_COLUMNS
                                          " FROM outbox WHERE status = 'done'"
                                          " ORDER BY id DESC LIMIT $1";
inline constexpr char kDeadDeliveries[] = "SELECT " SLUICE_DELIVERY_COLUMNS
                                          " FROM outbox WHERE status = 'dead'"
                                          " ORDER BY id DESC LIMIT $1";
// The step results stay: a replayed delivery resumes after its last finished step.
inline constexpr char kReplayAll[] =
    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = $1"
    " WHERE status = 'dead'";
inline constexpr char kReplayOne[] =
    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = $1"
    " WHERE status = 'dead' AND id = $2";
// A flow's dead rows through outbox_dead, as kFlowDeadLetters reads them.
inline constexpr char kReplayFlow[] =
    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = $1"
    " WHERE status = 'dead' AND flow || '' = $2";
// Replaying is the user's word that an uncertain step did not take effect: its mark goes.
inline constexpr char kUnmarkAllDead[] =
    "DELETE FROM step_results WHERE state = 'started'"
    " AND delivery_id IN (SELECT id FROM outbox WHERE status = 'dead')";
inline constexpr char kUnmarkFlowDead[] =
    "DELETE FROM step_results WHERE state = 'started'"
    " AND delivery_id IN (SELECT id FROM outbox WHERE status = 'dead' AND flow || '' = $1)";
inline constexpr char kUnmarkOneDead[] =
    "DELETE FROM step_results WHERE state = 'started' AND delivery_id = $1"
    " AND EXISTS (SELECT 1 FROM outbox WHERE id = $1 AND status = 'dead')";
inline constexpr char kPendingCount[] = "SELECT COUNT(*) FROM outbox WHERE status = 'pending'";
inline constexpr char kBacklogByFlow[] =
    "SELECT flow, COUNT(*),"
    " COALESCE(MIN(CASE WHEN next_attempt_ms <= $1 THEN next_attempt_ms END), 0)"
    " FROM outbox WHERE status = 'pending' GROUP BY flow ORDER BY flow";
// Through outbox_pending_by_record and outbox_dead: the done rows are not read.
inline constexpr char kUnfinishedByFlow[] =
    "SELECT flow, status, COUNT(*) FROM outbox WHERE status = 'pending' GROUP BY flow, status"
    " UNION ALL"
    // Grouped by an expression, so that SQLite reads the few dead rows through outbox_dead
    // instead of every row in flow order through outbox_by_flow.
    " SELECT flow || '', status, COUNT(*) FROM outbox WHERE status = 'dead'"
    " GROUP BY flow || '', status";
// Through outbox_by_created: the rows queued since, not every row. Grouped by an expression,
// or SQLite reads every row in flow order through outbox_by_flow to save the grouping's sort.
inline constexpr char kQueuedSinceByFlow[] =
    "SELECT flow || '', COUNT(*) FROM outbox WHERE created_ms >= $1 GROUP BY flow || ''";
// Through outbox_by_flow.
inline constexpr char kFlowDeliveries[] =
    "SELECT " SLUICE_DELIVERY_COLUMNS " FROM outbox WHERE flow = $1 ORDER BY id DESC LIMIT $2";
// Through the dead letters' own index (the few dead rows), not every row of the flow: the
// flow is compared as an expression so that SQLite does not pick outbox_by_flow.
inline constexpr char kFlowDeadLetters[] = "SELECT " SLUICE_DELIVERY_COLUMNS
                                           " FROM outbox WHERE status = 'dead' AND flow || '' = $1"
                                           " ORDER BY id DESC LIMIT $2";

// --- tenants ---
inline constexpr char kListedTenant[] =
    "INSERT INTO tenants(connection, tenant_id, name, record, state, since_ms, reason)"
    " VALUES($1, $2, $3, $4, 'installed', $5, '') ON CONFLICT(connection, tenant_id) DO UPDATE"
    " SET name = excluded.name, record = excluded.record, reason = '',"
    " since_ms = CASE WHEN tenants.state = 'installed' THEN tenants.since_ms"
    " ELSE excluded.since_ms END, state = 'installed'";
inline constexpr char kUninstalledTenant[] =
    "UPDATE tenants SET state = 'uninstalled', since_ms = $3, reason = ''"
    " WHERE connection = $1 AND tenant_id = $2 AND state <> 'uninstalled'";
inline constexpr char kRevokedTenant[] =
    "UPDATE tenants SET state = 'revoked', since_ms = $3, reason = $4"
    " WHERE connection = $1 AND tenant_id = $2";
inline constexpr char kTenants[] =
    "SELECT connection, tenant_id, name, record, state, since_ms, reason FROM tenants"
    " WHERE $1 = '' OR connection = $1 ORDER BY connection, tenant_id";
inline constexpr char kForgetTenant[] =
    "DELETE FROM tenants WHERE connection = $1 AND tenant_id = $2";

// --- paused flows ---
inline constexpr char kPauseFlow[] =
    "INSERT INTO paused_flows(flow, paused_ms) VALUES($1, $2) ON CONFLICT(flow) DO NOTHING";
inline constexpr char kResumeFlow[] = "DELETE FROM paused_flows WHERE flow = $1";
inline constexpr char kPausedFlows[] = "SELECT flow, paused_ms FROM paused_flows ORDER BY flow";

// --- tokens ---
inline constexpr char kLoadTokens[] =
    "SELECT access_token, refresh_token, expires_at_ms FROM oauth_tokens WHERE connection = $1";
inline constexpr char kSaveTokens[] =
    "INSERT INTO oauth_tokens(connection, access_token, refresh_token, expires_at_ms)"
    " VALUES($1, $2, $3, $4) ON CONFLICT(connection) DO UPDATE SET"
    " access_token = excluded.access_token, refresh_token = excluded.refresh_token,"
    " expires_at_ms = excluded.expires_at_ms";

// --- shared rate budgets (state/rate_budget_store.h) ---
// The key's row is updated first: PostgreSQL then holds its lock until the commit, so takers
// of one key queue (SQLite's write transaction already does).
inline constexpr char kLockBudget[] =
    "INSERT INTO rate_budget(key, takes) VALUES($1, 1)"
    " ON CONFLICT(key) DO UPDATE SET takes = rate_budget.takes + 1";
inline constexpr char kBudgetUsed[] =
    "SELECT COALESCE(SUM(used), 0) FROM rate_budget_slices WHERE key = $1 AND slice_start_ms > $2";
inline constexpr char kSpendBudget[] =
    "INSERT INTO rate_budget_slices(key, slice_start_ms, used) VALUES($1, $2, $3)"
    " ON CONFLICT(key, slice_start_ms) DO UPDATE SET used = rate_budget_slices.used + "
    "excluded.used";
inline constexpr char kForgetBudget[] =
    "DELETE FROM rate_budget_slices WHERE key = $1 AND slice_start_ms <= $2";

// --- leases (owner '' = free) ---
inline constexpr char kLeaseHolder[] = "SELECT lease_owner FROM triggers WHERE key = $1";
inline constexpr char kEnsureTrigger[] =
    "INSERT INTO triggers(key) VALUES($1) ON CONFLICT(key) DO NOTHING";
// $1 key, $2 owner, $3 until, $4 now, $5 even if not due (0/1).
inline constexpr char kClaimTrigger[] =
    "UPDATE triggers SET lease_owner = $2, lease_until = $3 WHERE key = $1"
    " AND (lease_owner = '' OR lease_owner = $2 OR lease_until <= $4)"
    " AND ($5 <> 0 OR next_due_ms <= $4)";
inline constexpr char kClaimableDeliveries[] =
    "SELECT " SLUICE_DELIVERY_COLUMNS
    " FROM outbox WHERE status = 'pending' AND next_attempt_ms <= $1"
    " AND (lease_owner = '' OR lease_owner = $2 OR lease_until <= $1)" SLUICE_NO_EARLIER_CHANGE
        SLUICE_FLOW_NOT_PAUSED " ORDER BY id LIMIT $3";
inline constexpr char kLeaseDelivery[] =
    "UPDATE outbox SET lease_owner = $2, lease_until = $3 WHERE id = $1";
inline constexpr char kRenewTriggers[] =
    "UPDATE triggers SET lease_until = $2 WHERE lease_owner = $1";
inline constexpr char kRenewDeliveries[] =
    "UPDATE outbox SET lease_until = $2 WHERE status = 'pending' AND lease_owner = $1";
inline constexpr char kReleaseTriggers[] =
    "UPDATE triggers SET lease_owner = '', lease_until = 0 WHERE lease_owner = $1";
inline constexpr char kReleaseDeliveries[] =
    "UPDATE outbox SET lease_owner = '', lease_until = 0 WHERE status = 'pending'"
    " AND lease_owner = $1";
inline constexpr char kTriggerLeases[] =
    "SELECT key, lease_owner FROM triggers WHERE lease_owner != '' AND lease_until > $1"
    " ORDER BY key";

#undef SLUICE_TRIGGER_COLUMNS

// Readers of the rows the statements above select.
TriggerState readTrigger(const SqlRow& row);
TriggerSchedule readTriggerSchedule(const SqlRow& row);
Delivery readDelivery(const SqlRow& row);
PollRecord readPollRecord(const SqlRow& row);
StepResult readStepResult(const SqlRow& row);
OAuthTokens readTokens(const SqlRow& row);

}  // namespace store_sql
}  // namespace sluice
