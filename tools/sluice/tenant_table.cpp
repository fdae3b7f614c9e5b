#include "tools/sluice/tenant_table.h"

#include <algorithm>

namespace sluice::cli {

std::vector<TenantRecord> chosenTenants(std::vector<TenantRecord> tenants,
                                        const std::string& onlyId) {
  if (onlyId.empty()) return tenants;
  tenants.erase(std::remove_if(tenants.begin(), tenants.end(),
                               [&](const TenantRecord& t) { return t.id != onlyId; }),
                tenants.end());
  return tenants;
}

Table tenantTable(const std::vector<TenantRecord>& tenants) {
  Table table({Column::shrink("CONNECTION", 12), Column::shrink("TENANT", 12),
               Column::shrink("NAME", 12), Column::fixed("STATE"), Column::fixed("SINCE"),
               Column::shrink("WHY", 12).orHidden()});
  for (const auto& t : tenants)
    table.add({t.connection, t.id, t.name,
               Cell(tenantStateName(t.state),
                    t.state == TenantState::Installed ? Color::Green : Color::Red),
               utcTime(t.sinceMs), t.reason});
  return table;
}

}  // namespace sluice::cli
