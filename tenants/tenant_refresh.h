// Re-discovery of agency connections' tenants: lists them (tenants/tenant_discovery.h),
// records the answer in the store (new ones installed, missing ones uninstalled, a revoked one
// listed again tried again), forgets tenants uninstalled longer than keep_uninstalled
// together with their cursors, and says what is worth saying: a listed id the app is not
// installed in, a listing that failed (the last known tenants keep running).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "http/client_registry.h"
#include "state/state_store.h"

namespace sluice {

struct TenantProblem {
  std::string connection;
  std::string message;  // names the connection and what to do; no secret
};

// Refreshes every agency connection of config (or only `only`, when not empty); the problems
// found. Never throws for one connection's failure: the others are refreshed all the same.
std::vector<TenantProblem> refreshTenants(const Config& config, const Catalog& catalog,
                                          ClientRegistry& clients, StateStore& store, int64_t nowMs,
                                          const std::string& only = "");

// The tenant connections ("agency@id") the store's tenants make of config: what a runner
// built from it runs, to compare with what it runs now.
std::vector<std::string> tenantConnections(const Config& written,
                                           const std::vector<TenantRecord>& tenants);

}  // namespace sluice
