#include "config/config.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <regex>
#include <set>

#include "config/config_includes.h"
#include "config/config_parts.h"
#include "config/diagnostics.h"
#include "config/flows_in_parts.h"
#include "config/run_settings.h"
#include "config/tenant_selector.h"
#include "core/file_text.h"
#include "core/text.h"
#include "core/yaml_reader.h"

namespace sluice {

namespace {

constexpr YamlDomain kConfigDomain = YamlDomain::Config;

std::string readSecretFile(const YamlMap& map, const std::string& key, const std::string& path) {
  auto value = readSecretFileText(path);
  if (!value) map.fail(key, "'" + key + "': cannot read file '" + path + "'");
  return *value;
}

// Replaces ${VAR} and ${VAR:-default}; a missing variable without default is an error.
// usedEnv: the text named variables and no non-empty default written in the file was used.
std::string expandEnv(const YamlMap& map, const std::string& key, const std::string& text,
                      const std::map<std::string, std::string>* env, bool& usedEnv) {
  bool literalDefault = false;
  static const std::regex var(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\})");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), var);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    out += text.substr(last, m.position() - last);
    const std::string name = m[1];
    std::optional<std::string> value;
    if (env) {
      auto e = env->find(name);
      if (e != env->end()) value = e->second;
    } else if (const char* v = std::getenv(name.c_str())) {
      value = v;
    }
    if (!value && m[2].matched) {
      value = m[3].str();
      literalDefault = literalDefault || !value->empty();
    }
    if (!value) map.fail(key, "'" + key + "': environment variable " + name + " is not set");
    out += *value;
    usedEnv = true;
    last = m.position() + m.length();
  }
  out += text.substr(last);
  if (literalDefault) usedEnv = false;
  return out;
}

// The app's settings (app.yaml `connection:`), each given as NAME or NAME_file, checked
// against its type, enum and secrecy.
void readAppSettings(YamlMap& map, const App& app, const std::map<std::string, std::string>* env,
                     Connection& c) {
  for (const auto& s : app.connection) {
    std::optional<std::string> value;
    const std::string fileKey = s.name + "_file";
    if (map.has(fileKey)) {
      bool usedEnv = false;
      value = readSecretFile(map, fileKey,
                             expandEnv(map, fileKey, map.requiredString(fileKey), env, usedEnv));
    } else {
      map.get(fileKey);
    }
    if (map.has(s.name)) {
      if (value) map.fail(s.name, "give either '" + s.name + "' or '" + fileKey + "', not both");
      bool usedEnv = false;
      value = expandEnv(map, s.name, map.requiredString(s.name), env, usedEnv);
      if (s.secret && !usedEnv)
        map.fail(s.name, "'" + s.name + "' is a secret: write ${ENV_VAR} or " + fileKey +
                             ": PATH instead of the value itself");
    } else {
      map.get(s.name);
    }
    if (!value && !s.defaultValue.empty()) value = s.defaultValue;
    if (!value) {
      if (s.required)
        map.fail(s.name, "missing required setting '" + s.name + "' (" + s.description + ")");
      continue;
    }
    if (!s.enumValues.empty()) {
      bool ok = false;
      for (const auto& e : s.enumValues) ok = ok || e == *value;
      if (!ok) map.fail(s.name, "'" + s.name + "': not one of the allowed values");
    }
    if (s.secret && !value->empty()) c.secretValues.push_back(*value);
    c.settings[s.name] = *value;
  }
}

Connection parseConnection(const std::string& name, const YamlNode& node, const SourceFile& file,
                           const Catalog& catalog, const std::map<std::string, std::string>* env) {
  YamlMap map(node, file, kConfigDomain, "connection " + name);
  Connection c;
  c.name = name;
  c.where = map.where();
  c.app = map.requiredString("app");
  const App* app = catalog.app(c.app);
  if (!app) {
    std::string known;
    for (const auto& a : catalog.apps()) known += (known.empty() ? "" : ", ") + a.id;
    map.fail("app", "unknown app '" + c.app + "' (known: " + known + ")");
  }
  bool ignored = false;
  c.baseUrl = expandEnv(map, "base_url", map.stringOr("base_url", app->baseUrl), env, ignored);
  if (c.baseUrl.rfind("http://", 0) != 0 && c.baseUrl.rfind("https://", 0) != 0)
    map.fail("base_url", "'base_url' must start with http:// or https://");
  while (!c.baseUrl.empty() && c.baseUrl.back() == '/') c.baseUrl.pop_back();
  c.verifyTls = map.boolOr("verify_tls", true);
  if (auto t = map.optionalString("timeout")) {
    auto ms = parseDurationMs(*t);
    if (!ms || *ms <= 0 || *ms > 600000)
      map.fail("timeout", "'timeout': expected a duration from 1ms to 10m, like 30s");
    c.timeoutMs = static_cast<int>(*ms);
  }
  if (map.has("rate_limit")) {
    YamlMap rl(map.get("rate_limit"), file, kConfigDomain, "connection " + name + " rate_limit");
    const auto requests = rl.optionalInt("requests");
    if (!requests || *requests < 1) rl.fail("requests", "'requests' must be a positive number");
    const auto per = parseDurationMs(rl.requiredString("per"));
    if (!per || *per <= 0) rl.fail("per", "'per': expected a duration like 10s");
    c.rateRequests = *requests;
    c.rateWindowMs = *per;
    rl.rejectUnknown();
  } else {
    map.get("rate_limit");
  }
  if (app->tenants) c.tenants = parseTenantSelector(map, *app->tenants);
  readAppSettings(map, *app, env, c);
  // client_id and client_secret alone: the tokens come from `sluice connect` (state store).
  const bool connectable = c.settings.count("client_id") && c.settings.count("client_secret");
  if (app->authKind == "oauth2" && !c.settings.count("token") &&
      !c.settings.count("refresh_token") && !connectable)
    map.fail("app",
             "connection needs 'token', or OAuth2 'client_id' and 'client_secret' (then run "
             "`sluice connect`, or give 'refresh_token')");
  if (c.tenants.any())
    for (const std::string& needed : app->tenants->needs)
      if (!c.settings.count(needed))
        map.fail(app->tenants->key, "'" + app->tenants->key + ":' needs the setting '" + needed +
                                        "' on this connection");
  map.rejectUnknown();
  return c;
}

// A connection whose block has a mistake is still known by name, so flows that use it are not
// reported as naming an unknown connection as well.
Connection brokenConnection(const std::string& name) {
  Connection c;
  c.name = name;
  return c;
}

void parseConnections(YamlMap& map, const SourceFile& file, const Catalog& catalog,
                      const std::map<std::string, std::string>* env, Config& config,
                      Diagnostics& diag) {
  const YamlNode conns = map.get("connections");
  if (!conns.IsDefined() || conns.IsNull()) return;
  if (!conns.IsMap()) map.failAt(conns, "'connections': expected a map of name: {app: ...}");
  for (const auto& kv : conns) {
    const std::string name = kv.first.Scalar();
    // "@" joins an agency connection and a tenant in the names tenant expansion makes.
    if (name.find('@') != std::string::npos) {
      diag.attempt(
          [&] { map.failAt(kv.first, "connection name '" + name + "' must not contain '@'"); });
      continue;
    }
    if (!diag.attempt([&] {
          config.connections[name] = parseConnection(name, kv.second, file, catalog, env);
        }))
      config.connections[name] = brokenConnection(name);
  }
}

}  // namespace

const FlowConfig* Config::flow(const std::string& name) const {
  for (const auto& f : flows)
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<std::string> Config::secrets() const {
  std::vector<std::string> out;
  for (const auto& [name, c] : connections)
    out.insert(out.end(), c.secretValues.begin(), c.secretValues.end());
  if (!settings.consoleToken.empty()) out.push_back(settings.consoleToken);
  return out;
}

namespace {

// Everything that can be read of the text into config, each mistake kept in diag. The files'
// roots come first (settings, includes, connections), then every file's flows one at a time,
// so a flow may use a connection from any file (see config/config_parts).
void loadInto(const std::string& text, const std::string& file, const Catalog& catalog,
              const std::map<std::string, std::string>* env, Config& config, Diagnostics& diag) {
  std::vector<ConfigPart> parts;
  parts.push_back(ConfigPart::mainFile(file, text));
  YamlMap& map = *parts.front().root();
  config.file = file;
  diag.attempt([&] {
    bool ignored = false;
    config.state = expandEnv(map, "state", map.stringOr("state", config.state), env, ignored);
  });
  diag.attempt([&] {
    if (!map.has("settings")) return (void)map.get("settings");
    YamlMap settings(map.get("settings"), file, kConfigDomain, "settings");
    config.settings = parseRunSettings(settings, file, config.warnings, env);
  });
  for (const auto& path : includedFiles(map, file, diag))
    diag.attempt([&] { parts.push_back(ConfigPart::includedFile(path)); });
  for (auto& part : parts)
    if (part.root())
      diag.attempt(
          [&] { parseConnections(*part.root(), part.path(), catalog, env, config, diag); });
  std::set<std::string> names;
  TemplateCache templates;
  const size_t threads = flowReadingThreads();
  for (auto& part : parts)
    diag.attempt([&] { parseFlowsOf(part, catalog, config, names, templates, diag, threads); });
  for (auto& part : parts)
    if (part.root()) reportUnknownKeys(*part.root(), diag);
}

// A relative sqlite path is relative to the config file, not to the working directory.
void stateNextToFile(Config& config, const std::string& path) {
  if (config.state.rfind("sqlite:", 0) != 0) return;
  std::string p = config.state.substr(7);
  if (p.rfind("//", 0) == 0) p = p.substr(2);
  if (!p.empty() && p[0] != '/' && p != ":memory:")
    config.state = "sqlite:" + (std::filesystem::path(path).parent_path() / p).string();
}

}  // namespace

Config loadConfigText(const std::string& text, const std::string& file, const Catalog& catalog,
                      const std::map<std::string, std::string>* env) {
  Config config;
  Diagnostics diag;
  loadInto(text, file, catalog, env, config, diag);
  diag.throwIfAny();
  return config;
}

Config loadConfig(const std::string& path, const Catalog& catalog,
                  const std::map<std::string, std::string>* env) {
  Config config = loadConfigText(readConfigFile(path), path, catalog, env);
  stateNextToFile(config, path);
  return config;
}

bool ConfigCheck::ok() const {
  for (const auto& d : diagnostics)
    if (d.severity == Severity::Error) return false;
  return true;
}

ConfigCheck checkConfig(const std::string& path, const Catalog& catalog,
                        const std::map<std::string, std::string>* env) {
  ConfigCheck check;
  Diagnostics diag;
  // An unreadable file or broken YAML syntax is the one mistake there is to say.
  diag.attempt([&] { loadInto(readConfigFile(path), path, catalog, env, check.config, diag); });
  for (const auto& w : check.config.warnings) diag.warn(w.where, w.message);
  stateNextToFile(check.config, path);
  check.diagnostics = diag.all();
  return check;
}

}  // namespace sluice
