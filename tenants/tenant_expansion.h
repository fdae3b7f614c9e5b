// One flow, many tenants: a written config whose agency connections (locations:/accounts:)
// are turned into what the runtime runs. For each installed tenant the connection's selector
// picks, a tenant connection "agency@id" (the agency's settings, the tenant's id in the app's
// tenant setting) and, for each flow whose trigger uses the agency connection, a flow
// instance "flow@id": its own trigger key, cursor, outbox rows, idempotency keys and history,
// so nothing of one tenant fires in another. Steps on the trigger's agency connection act in
// the same tenant; steps on another agency connection act in the tenant `pair:` names.
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "state/tenant_store.h"

namespace sluice {

struct TenantExpansion {
  Config config;
  // Why a tenant's flow instance was left out (no paired tenant), for the log and status.
  std::vector<std::string> notes;
};

// Whether any connection lists tenants (`locations:`, `accounts:`): without one, the written
// config is the one that runs and needs no expansion (nor a copy: 180 MiB at 100,000 flows).
bool hasAgencyConnections(const Config& config);

// tenants: what the store knows (every connection); only installed ones run.
TenantExpansion expandTenants(const Config& written, const Catalog& catalog,
                              const std::vector<TenantRecord>& tenants);

// The tenants connection's selector picks from the installed ones, by id.
std::vector<const TenantRecord*> selectedTenants(const Connection& connection,
                                                 const std::vector<TenantRecord>& tenants);

// "agency@id", the name of a tenant connection or flow instance.
std::string tenantName(const std::string& base, const std::string& tenantId);
// The two halves of such a name: "flow" and "id" of "flow@id"; a name without a tenant is
// its own base, with tenant id "".
std::string baseNameOf(const std::string& name);
std::string tenantIdOf(const std::string& name);

}  // namespace sluice
