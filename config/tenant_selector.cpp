#include "config/tenant_selector.h"

namespace sluice {

namespace {

int64_t durationOr(YamlMap& map, const std::string& key, int64_t fallback, int64_t lowMs,
                   const std::string& expected) {
  const auto text = map.optionalString(key);
  if (!text) return fallback;
  const auto ms = parseDurationMs(*text);
  if (!ms || *ms < lowMs) map.fail(key, "'" + key + "': expected " + expected);
  return *ms;
}

void parseWhere(YamlMap& map, const std::string& key, TenantSelector& out) {
  YamlMap w(map.get(key), map.file(), YamlDomain::Config, map.context() + " " + key);
  const std::string text = w.requiredString("where");
  try {
    out.where = Condition::compile(text);
  } catch (const TemplateError& e) {
    w.fail("where", std::string("'where': ") + e.what());
  }
  for (const auto* e : out.where.expressions())
    if (e->path.empty() || e->path[0] != "tenant")
      w.fail("where", "'where': '{{" + e->source + "}}' must read the tenant: {{tenant.name}}, " +
                          "{{tenant.id}} or {{tenant.record.<field>}}");
  w.rejectUnknown();
  out.kind = TenantSelector::Kind::Where;
}

}  // namespace

TenantSelector parseTenantSelector(YamlMap& map, const TenantSpec& spec) {
  TenantSelector out;
  const std::string& key = spec.key;
  if (!map.has(key)) {
    map.get(key);
    for (const char* other : {"rediscover", "keep_uninstalled"})
      if (map.has(other))
        map.fail(other, "'" + std::string(other) + "' goes with '" + key + ":' (an agency " +
                            "connection), which this connection does not have");
      else
        map.get(other);
    return out;
  }
  const YamlNode node = map.get(key);
  const std::string expected = "'" + key + "': expected all, a list of ids, or { where: ... }";
  if (node.IsScalar()) {
    if (node.Scalar() != "all") map.fail(key, expected);
    out.kind = TenantSelector::Kind::All;
  } else if (node.IsSequence()) {
    out.ids = map.stringList(key);
    if (out.ids.empty()) map.fail(key, expected);
    out.kind = TenantSelector::Kind::Listed;
  } else if (node.IsMap()) {
    parseWhere(map, key, out);
  } else {
    map.fail(key, expected);
  }
  out.rediscoverMs = durationOr(map, "rediscover", out.rediscoverMs, 10 * 1000,
                                "a duration of at least 10s, like 10m");
  out.keepUninstalledMs =
      durationOr(map, "keep_uninstalled", out.keepUninstalledMs, 0, "a duration like 30d");
  return out;
}

std::map<std::string, std::string> tenantTemplateValues(const TenantSpec& spec,
                                                        const std::string& id,
                                                        const std::string& name) {
  return {{"id", id}, {"name", name}, {spec.variable, id}};
}

JsonValue tenantJson(const std::map<std::string, std::string>& values, JsonAlloc& alloc) {
  JsonValue out(rapidjson::kObjectType);
  for (const auto& [name, value] : values)
    out.AddMember(jsonString(name, alloc), jsonString(value, alloc), alloc);
  return out;
}

}  // namespace sluice
