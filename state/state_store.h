// Durable state: trigger cursors and seen ids, the outbox of pending deliveries, step results,
// poll history, dead letters, OAuth tokens, shared rate budgets, paused flows, tenants and
// schedule. The
// one rule: new items and the advanced cursor are committed in ONE transaction (commitPoll), so
// a crash at any point neither loses an item nor records one twice. SQLite is the embedded
// implementation (one process); PostgreSQL lets several `sluice run` processes share the work
// through leases.
#pragma once

#include <memory>
#include <string>

#include "state/flow_pause_store.h"
#include "state/history_store.h"
#include "state/lease_store.h"
#include "state/outbox_store.h"
#include "state/rate_budget_store.h"
#include "state/tenant_store.h"
#include "state/token_store.h"
#include "state/trigger_store.h"

namespace sluice {

// Every role of the store in one object: each part of sluice takes only the role it needs.
class StateStore : public TriggerStore,
                   public OutboxStore,
                   public LeaseStore,
                   public HistoryStore,
                   public TokenStore,
                   public RateBudgetStore,
                   public FlowPauseStore,
                   public TenantStore {};

// How openStateStore treats the schema.
enum class SchemaPolicy {
  Migrate,        // bring it to this binary's version (SQLite always does)
  RequireLatest,  // PostgreSQL for `sluice run` and friends: refuse an unmigrated or newer one
};

// "sqlite:PATH" (or a bare path): creates the file with mode 0600 and applies migrations.
// "postgresql://user@host:port/db[?password_file=PATH]" (password from SLUICE_PG_PASSWORD or
// PGPASSWORD or the file): with RequireLatest, refuses a schema that is not this binary's
// version ("run `sluice migrate -c FILE` first").
std::unique_ptr<StateStore> openStateStore(const std::string& url,
                                           SchemaPolicy policy = SchemaPolicy::Migrate);

}  // namespace sluice
