#include "tenants/tenant_refresh.h"

#include <algorithm>

#include "core/logger.h"
#include "poll/trigger_spec.h"
#include "tenants/tenant_discovery.h"
#include "tenants/tenant_expansion.h"

namespace sluice {

namespace {

// A tenant uninstalled longer than keep_uninstalled: its cursors and seen ids go, then itself.
void forgetTenant(const Config& config, const Catalog& catalog, StateStore& store,
                  const TenantRecord& gone) {
  TenantRecord asIfInstalled = gone;
  asIfInstalled.state = TenantState::Installed;
  Config one = config;
  one.connections.at(gone.connection).tenants.kind = TenantSelector::Kind::All;
  const TenantExpansion expansion = expandTenants(one, catalog, {asIfInstalled});
  for (const auto& flow : expansion.config.flows)
    if (flow.tenant == gone.id)
      store.resetTrigger(makeTriggerSpec(flow, expansion.config, catalog).key);
  store.forgetTenant(gone.connection, gone.id);
  logInfo("tenant.forgotten", kv("connection", gone.connection) + " " + kv("tenant", gone.id));
}

void reportUnlisted(const Connection& c, const std::vector<TenantRecord>& listed,
                    std::vector<TenantProblem>& problems) {
  if (c.tenants.kind != TenantSelector::Kind::Listed) return;
  for (const auto& id : c.tenants.ids) {
    const bool found = std::any_of(listed.begin(), listed.end(),
                                   [&](const TenantRecord& t) { return t.id == id; });
    if (!found)
      problems.push_back({c.name, "connection " + c.name + ": tenant " + id +
                                      " is named in its list, but the app is not installed "
                                      "there: install it there, or remove the id"});
  }
}

void refreshOne(const Config& config, const Catalog& catalog, ClientRegistry& clients,
                StateStore& store, int64_t nowMs, const Connection& c,
                std::vector<TenantProblem>& problems) {
  try {
    const auto listed = discoverTenants(clients.get(c.name), *catalog.app(c.app));
    store.recordDiscovery(c.name, listed, nowMs);
    reportUnlisted(c, listed, problems);
  } catch (const Error& e) {
    problems.push_back({c.name, e.what()});
  }
  for (const auto& t : store.tenants(c.name))
    if (t.state == TenantState::Uninstalled && nowMs - t.sinceMs > c.tenants.keepUninstalledMs)
      forgetTenant(config, catalog, store, t);
}

}  // namespace

std::vector<TenantProblem> refreshTenants(const Config& config, const Catalog& catalog,
                                          ClientRegistry& clients, StateStore& store, int64_t nowMs,
                                          const std::string& only) {
  std::vector<TenantProblem> problems;
  for (const auto& [name, c] : config.connections) {
    if (!c.tenants.any() || !c.parent.empty() || (!only.empty() && name != only)) continue;
    try {
      refreshOne(config, catalog, clients, store, nowMs, c, problems);
    } catch (const StateError& e) {
      problems.push_back({name, e.what()});
    }
  }
  return problems;
}

std::vector<std::string> tenantConnections(const Config& written,
                                           const std::vector<TenantRecord>& tenants) {
  std::vector<std::string> names;
  for (const auto& [name, c] : written.connections)
    for (const TenantRecord* t : selectedTenants(c, tenants))
      names.push_back(tenantName(name, t->id));
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace sluice
