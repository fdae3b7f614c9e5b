// Lists the tenants of one agency or platform connection through its app's tenants.list
// operation (GHL: the sub-accounts where the marketplace app is installed; Stripe: the
// platform's connected accounts), every page of it.
#pragma once

#include <vector>

#include "catalog/app.h"
#include "http/api_client.h"
#include "state/tenant_store.h"

namespace sluice {

// Throws Error naming the connection and what to do when the listing is refused or broken.
std::vector<TenantRecord> discoverTenants(ApiClient& agency, const App& app);

}  // namespace sluice
