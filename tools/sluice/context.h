// What most verbs need: the catalog, the user's config, and the state store it names.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "core/clock.h"
#include "http/client_registry.h"
#include "state/sealed_token_store.h"
#include "state/state_store.h"
#include "tools/sluice/cli_args.h"

namespace sluice::cli {

// Flags every config-reading verb takes, then more (defined with the table, command_table.cpp).
std::vector<FlagSpec> configFlags(std::vector<FlagSpec> more);

struct Context {
  Catalog catalog;
  Config config;
};

// Loads the catalog (--catalog) and the config (-c/--config, default sluice.yaml); registers
// the config's secrets with the logger so they are masked everywhere.
Context loadContext(const Args& args);
// Opens config.state; a PostgreSQL schema must be migrated already (`sluice migrate`).
std::unique_ptr<StateStore> openState(const Config& config);

// Per-tenant flows as `sluice run` runs them (from the store's tenants: "flow@tenant"), and
// with --tenant ID only that tenant's. Verbs that look at state call it after openState.
void useStoredTenants(Context& ctx, StateStore& state, const Args& args);

// The flows a name on the command line means: the flow, or every tenant's instance of a
// per-tenant flow ("flow@tenant", or --tenant before useStoredTenants, names one). Throws
// UsageError listing the flows when none has that name.
std::vector<const FlowConfig*> flowsNamed(const Context& ctx, const std::string& name);
// The one flow a name means; a per-tenant flow's name alone is refused, with how to name one.
const FlowConfig& requireFlow(const Context& ctx, const std::string& name);

// The API clients of a one-off verb (`test`, `ops call`): real transports, and rate-limit
// waits that really sleep.
struct OneShotClients {
  OneShotClients(const Context& ctx, StateStore* state);
  std::unique_ptr<HttpTransport> transport;
  std::unique_ptr<HttpTransport> insecure;  // only for verify_tls: false connections
  SystemClock clock;
  std::unique_ptr<SealedTokenStore> tokens;  // over state, with settings.token_key
  std::unique_ptr<ClientRegistry> registry;
};

}  // namespace sluice::cli
