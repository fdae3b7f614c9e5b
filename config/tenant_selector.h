// A connection's tenants key (app.yaml `tenants:`): `locations: all`, `locations: [id, ...]` or
// `locations: { where: CONDITION }`, with `rediscover:` and `keep_uninstalled:` beside it.
#pragma once

#include "catalog/app.h"
#include "config/config.h"
#include "core/json.h"
#include "core/yaml_reader.h"

namespace sluice {

// Reads the selector and its two durations from a connection's map; None when the key is
// absent (then the durations are refused as meaningless).
TenantSelector parseTenantSelector(YamlMap& connection, const TenantSpec& spec);

// The values {{tenant.*}} reads for one tenant: id, name and the app's variable.
std::map<std::string, std::string> tenantTemplateValues(const TenantSpec& spec,
                                                        const std::string& id,
                                                        const std::string& name);

// {{tenant.*}}'s root for a flow instance: its tenant values as a JSON object.
JsonValue tenantJson(const std::map<std::string, std::string>& values, JsonAlloc& alloc);

}  // namespace sluice
