// The user's file (sluice.yaml): state, connections and flows. Parsed once, validated
// against the catalog, then immutable and shared by pollers and dispatchers.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/diagnostics.h"
#include "core/condition.h"
#include "core/duration.h"
#include "core/value_template.h"

namespace sluice {

// Which tenants an agency or platform connection runs its flows for (app.yaml `tenants:`):
// `locations: all`, a list of ids, or { where: CONDITION } over a listed tenant's record
// ({{tenant.name}}, {{tenant.record.address}}).
struct TenantSelector {
  enum class Kind { None, All, Listed, Where };
  Kind kind = Kind::None;
  std::vector<std::string> ids;
  Condition where;
  int64_t rediscoverMs = 10 * 60 * 1000;                // `rediscover:` how often to list them
  int64_t keepUninstalledMs = 30LL * 24 * 3600 * 1000;  // `keep_uninstalled:` state kept after
  bool any() const { return kind != Kind::None; }
};

struct Connection {
  std::string name;
  std::string app;
  std::string baseUrl;                          // the app's, unless overridden
  std::map<std::string, std::string> settings;  // resolved values (secrets included)
  std::vector<std::string> secretValues;        // for masking in logs
  bool verifyTls = true;
  int timeoutMs = 30000;
  // Overrides the app's rate limit (app.yaml) for this connection; 0 = the app's.
  int64_t rateRequests = 0;
  int64_t rateWindowMs = 0;
  TenantSelector tenants;
  // A tenant connection, made by tenant expansion (tenants/tenant_expansion.h), never written:
  // the agency connection it acts for and the tenant's id ("" for a written connection).
  std::string parent;
  std::string tenantId;
  SourceLocation where;
};

struct TriggerConfig {
  std::string op;  // full id
  std::string connection;
  int64_t everyMs = 300000;
  ValueTemplate with;  // inputs
  int backfill = 0;    // first poll: fire the newest N instead of seeding silently
  // GHL event types (ContactCreate, ...) that a webhook delivers to this flow as new items.
  std::vector<std::string> webhookEvents;
  SourceLocation where;
};

struct StepConfig {
  std::string name;  // optional; steps.<name> or steps.<index>
  std::string op;
  std::string connection;
  ValueTemplate with;
  Condition when;  // `if:`
  SourceLocation where;
};

// How a per-tenant flow finds, for its trigger's tenant, the tenant of another agency
// connection its steps use (a Stripe connected account's GHL sub-account): a table of ids, or
// a field of the trigger tenant's record (metadata.ghl_location_id).
struct TenantPairing {
  std::map<std::string, std::string> table;
  std::vector<std::string> field;  // path into the record
  SourceLocation where;
};

struct FlowConfig {
  std::string name;
  bool enabled = true;
  // `pair:` per agency connection the steps use, other than the trigger's.
  std::map<std::string, TenantPairing> pairs;
  // A flow instance made by tenant expansion: the written flow's name (name is "base@tenant"),
  // and what {{tenant.*}} reads (id, name, the app's variable such as location_id).
  std::string base;
  std::string tenant;
  std::map<std::string, std::string> tenantValues;
  TriggerConfig trigger;
  Condition filter;
  std::vector<StepConfig> steps;
  SourceLocation where;
};

struct RunSettings {
  bool demoMode = false;  // allows intervals under 1 minute (reported by `sluice check`)
  int workers = 4;        // poll and dispatch threads always running
  // Threads the pool grows to while polls and deliveries wait for one (their calls waiting on
  // the network); the extra ones stop after 30 s without work (service/worker_pool.h).
  int maxWorkers = 32;
  int flowConcurrency = 4;  // deliveries of one flow running at once
  int maxAttempts = 8;      // per delivery, then dead letter
  int64_t maxRetryDelayMs = 15 * 60 * 1000;
  // Finished (done) deliveries and their step results are deleted this long after they were
  // queued, so the state file does not grow for ever; dead letters stay until replayed.
  int64_t keepDoneMs = 30LL * 24 * 3600 * 1000;
  // How long a process's claim on a trigger or delivery lasts without renewal (renewed every
  // third of it while the process runs); another process takes the work over after it.
  int64_t leaseMs = 30 * 1000;
  // Back-pressure (service/back_pressure.h): a flow with more pending deliveries than this, or
  // whose oldest pending delivery waits longer, is behind; its trigger's polls wait (nothing is
  // lost: the items stay at the API) until its deliveries catch up.
  int64_t maxBacklog = 10000;
  int64_t maxDeliveryLagMs = 15 * 60 * 1000;
  // /metrics, /healthz, /readyz of `sluice run` (service/admin_server.h); "off" = none.
  std::string adminAddress = "127.0.0.1:9464";
  std::string webhookListen;  // settings.webhooks.listen, "HOST:PORT"; "" = no webhook intake
  // settings.console_token, resolved: what unlocks the console's buttons (replay, cursor
  // reset, pause/resume); "" = the console is read-only.
  std::string consoleToken;
  // settings.token_key, resolved: the 32-byte key stored OAuth tokens are sealed with
  // (core/sealed_box.h); "" = tokens are stored as they are.
  std::string tokenKey;
  SourceLocation tokenKeyWhere;
};

struct Config {
  std::string file;
  std::string state = "sqlite:sluice.db";
  RunSettings settings;
  std::map<std::string, Connection> connections;
  std::vector<FlowConfig> flows;
  // Flow instances ("flow@tenant") of tenants that stopped (uninstalled, revoked, or paired
  // with one that did) and are still remembered: their deliveries wait in the outbox rather
  // than being dead-lettered. Filled by tenant expansion (tenants/tenant_expansion.h).
  std::set<std::string> parkedFlows;
  std::vector<Diagnostic> warnings;  // e.g. demo polling intervals

  const FlowConfig* flow(const std::string& name) const;
  // Every secret value of every connection and the console token, for masking.
  std::vector<std::string> secrets() const;
};

// Reads and validates the file against the catalog; throws ConfigError (file:line:col: what
// was expected) on the first mistake. `env` resolves ${VAR} (defaults to the process env).
Config loadConfig(const std::string& path, const Catalog& catalog,
                  const std::map<std::string, std::string>* env = nullptr);
Config loadConfigText(const std::string& text, const std::string& file, const Catalog& catalog,
                      const std::map<std::string, std::string>* env = nullptr);

// `sluice check`: what could be loaded of the file, and every error and warning found on the
// way (in file order, each once) instead of the first one thrown. The config is only usable
// when no diagnostic is an error.
struct ConfigCheck {
  Config config;
  std::vector<Diagnostic> diagnostics;
  bool ok() const;
};
ConfigCheck checkConfig(const std::string& path, const Catalog& catalog,
                        const std::map<std::string, std::string>* env = nullptr);

}  // namespace sluice
