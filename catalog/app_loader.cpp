// apps/<app>/app.yaml: what every operation of one app shares.
#include "catalog/loader_parts.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "core/duration.h"
#include "core/json.h"

namespace sluice {
namespace catalog_loader {

// rate_limit: requests per window, daily cap, test-mode limit, the response headers to read.
void parseRateLimit(YamlMap& map, const std::string& file, RateLimitSpec& out) {
  if (!map.has("rate_limit")) {
    map.get("rate_limit");
    return;
  }
  YamlMap rl(map.get("rate_limit"), file, kCatalogDomain, "app rate_limit");
  out.requests = rl.optionalInt("requests").value_or(0);
  out.perSeconds = parseDuration(rl, "per");
  out.daily = rl.optionalInt("daily").value_or(0);
  out.testRequests = rl.optionalInt("test_requests").value_or(0);
  if (rl.has("headers")) {
    YamlMap hm(rl.get("headers"), file, kCatalogDomain, "app rate_limit headers");
    for (const char* role : {"limit", "remaining", "reset", "window_ms", "daily_remaining"})
      if (auto h = hm.optionalString(role)) out.headers[role] = *h;
    hm.rejectUnknown();
  } else {
    rl.get("headers");
  }
  rl.rejectUnknown();
}

// errors: where an error response says what went wrong.
void parseErrorShape(YamlMap& map, const std::string& file, ErrorShape& out) {
  if (!map.has("errors")) {
    map.get("errors");
    return;
  }
  YamlMap em(map.get("errors"), file, kCatalogDomain, "app errors");
  out.message = em.stringList("message");
  for (const auto& p : out.message)
    if (!isValidJsonPointer(p)) em.fail("message", "'" + p + "' is not a JSON pointer");
  out.code = pointerOr(em, "code", false);
  out.type = pointerOr(em, "type", false);
  out.param = pointerOr(em, "param", false);
  out.retryHeader = em.stringOr("retry_header", "");
  em.rejectUnknown();
}

// connection: the settings a connection of this app takes.
void parseConnectionSettings(YamlMap& map, const std::string& file, App& app) {
  const YamlNode conn = map.get("connection");
  if (!conn.IsDefined() || conn.IsNull()) return;
  if (!conn.IsSequence()) map.failAt(conn, "'connection': expected a list of settings");
  for (const auto& item : conn) {
    YamlMap sm(item, file, kCatalogDomain, "app connection");
    SettingSpec s;
    s.name = sm.requiredString("name");
    s.type = parseType(sm, "type");
    s.required = sm.boolOr("required", false);
    s.secret = sm.boolOr("secret", false);
    s.description = sm.stringOr("description", "");
    s.enumValues = sm.stringList("enum");
    s.defaultValue = sm.stringOr("default", "");
    sm.rejectUnknown();
    if (app.setting(s.name)) sm.fail("name", "duplicate connection setting '" + s.name + "'");
    app.connection.push_back(s);
  }
}

// request_presets: name -> { query: map, body: map }, for operations' `request.preset`.
void parseRequestPresets(YamlMap& map, const std::string& file, App& app) {
  const YamlNode presets = map.get("request_presets");
  if (!presets.IsDefined() || presets.IsNull()) return;
  if (!presets.IsMap())
    map.failAt(presets, "'request_presets': expected a map of name: { query, body }");
  for (const auto& kv : presets) {
    const std::string name = kv.first.Scalar();
    YamlMap one(kv.second, file, kCatalogDomain, "request preset " + name);
    const auto part = [&](const char* key) {
      const YamlNode node = one.get(key);
      if (node.IsDefined() && !node.IsNull() && !node.IsMap())
        one.failAt(node, std::string("'") + key + "': expected a map of name: value");
      return ValueTemplate::fromYaml(node, file, kCatalogDomain);
    };
    App::RequestPreset preset;
    preset.query = part("query");
    preset.body = part("body");
    one.rejectUnknown();
    app.requestPresets[name] = std::move(preset);
  }
}

std::optional<TenantSpec> parseTenants(YamlMap& map, const std::string& file) {
  if (!map.has("tenants")) {
    map.get("tenants");
    return std::nullopt;
  }
  YamlMap t(map.get("tenants"), file, kCatalogDomain, "app tenants");
  TenantSpec spec;
  spec.where = map.where("tenants");
  spec.key = t.requiredString("key");
  spec.setting = t.requiredString("setting");
  spec.variable = t.requiredString("variable");
  spec.list = t.requiredString("list");
  spec.id = t.requiredString("id");
  spec.label = t.stringOr("label", "");
  // Optional lists: absent is empty (get marks the key known either way).
  for (const char* key : {"scopes", "needs"}) {
    if (!t.has(key)) {
      t.get(key);
      continue;
    }
    (std::string(key) == "scopes" ? spec.scopes : spec.needs) = t.stringList(key);
  }
  t.rejectUnknown();
  return spec;
}

void parseAppYaml(App& app, const std::string& file) {
  const YamlNode root = loadYamlFile(file, kCatalogDomain);
  YamlMap map(root, file, kCatalogDomain, "app");
  app.id = map.requiredString("app");
  app.name = map.requiredString("name");
  app.status = map.enumOr("status", {"stable", "beta"}, "stable");
  app.baseUrl = map.requiredString("base_url");
  if (app.baseUrl.rfind("http://", 0) != 0 && app.baseUrl.rfind("https://", 0) != 0)
    map.fail("base_url", "base_url must start with http:// or https://");
  app.spec = map.stringOr("spec", "");
  app.encoding = map.enumOr("encoding", {"json", "form"}, "json");

  YamlMap auth(map.get("auth"), file, kCatalogDomain, "app auth");
  app.authKind = auth.enumOr("kind", {"bearer", "oauth2"}, "bearer");
  app.tokenUrl = auth.stringOr("token_url", "");
  app.authorizeUrl = auth.stringOr("authorize_url", "");
  if (app.authKind == "oauth2" && app.tokenUrl.empty())
    auth.fail("kind", "oauth2 needs 'token_url'");
  auth.rejectUnknown();

  app.headers = parseHeaders(map, "headers");
  app.webhookEventTypes = map.boolOr("webhook_event_types", false);
  if (map.has("idempotency")) {
    YamlMap idem(map.get("idempotency"), file, kCatalogDomain, "app idempotency");
    app.idempotencyHeader = idem.stringOr("header", "");
    idem.rejectUnknown();
  } else {
    map.get("idempotency");
  }

  parseRateLimit(map, file, app.rateLimit);
  parseErrorShape(map, file, app.errors);
  parseConnectionSettings(map, file, app);
  app.tenants = parseTenants(map, file);
  parseRequestPresets(map, file, app);
  app.specExceptions = parseSpecExceptions(map, file, "app");
  const YamlNode pags = map.get("paginations");
  if (pags.IsDefined() && !pags.IsNull()) {
    YamlMap pm(pags, file, kCatalogDomain, "app paginations");
    for (const auto& kv : pags) {
      const std::string name = kv.first.Scalar();
      YamlMap one(pm.get(name), file, kCatalogDomain, "pagination " + name);
      app.paginations[name] = parsePaginationMap(one);
    }
  }
  map.rejectUnknown();
}

}  // namespace catalog_loader
}  // namespace sluice
