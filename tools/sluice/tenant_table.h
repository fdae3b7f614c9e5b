// The tenants of agency and platform connections as a table: `sluice tenants` and the part
// of `sluice status` after the flows.
#pragma once

#include <string>
#include <vector>

#include "state/tenant_store.h"
#include "tools/sluice/table.h"

namespace sluice::cli {

// The tenants with that id ("" = all of them).
std::vector<TenantRecord> chosenTenants(std::vector<TenantRecord> tenants,
                                        const std::string& onlyId);

// CONNECTION, TENANT, NAME, STATE (installed green, else red), SINCE, WHY.
Table tenantTable(const std::vector<TenantRecord>& tenants);

}  // namespace sluice::cli
