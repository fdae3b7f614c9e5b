#include "config/config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config/run_settings.h"
#include "core/yaml_reader.h"

namespace sluice {

namespace {

constexpr YamlDomain kConfigDomain = YamlDomain::Config;

std::string readSecretFile(const YamlMap& map, const std::string& key, const std::string& path) {
  std::ifstream in(path);
  if (!in) map.fail(key, "'" + key + "': cannot read file '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string value = buffer.str();
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' '))
    value.pop_back();
  return value;
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

Connection parseConnection(const std::string& name, const YAML::Node& node, const std::string& file,
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
  for (const auto& s : app->connection) {
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
  if (app->authKind == "oauth2" && !c.settings.count("token") && !c.settings.count("refresh_token"))
    map.fail("app",
             "connection needs 'token' or OAuth2 'client_id', 'client_secret' and "
             "'refresh_token'");
  map.rejectUnknown();
  return c;
}

struct RefContext {
  bool allowTrigger = false;
  std::vector<std::string> earlierSteps;  // names and indexes
};

void checkReferences(const TemplateExpr& e, const SourceLocation& where, const RefContext& ctx,
                     const std::string& what) {
  const std::string& root = e.path[0];
  if (root == "connection" || root == "flow" || root == "now") return;
  if (root == "trigger" && ctx.allowTrigger) return;
  if (root == "steps" && ctx.allowTrigger) {
    if (e.path.size() < 2)
      throw ConfigError(where,
                        what + ": '{{" + e.source + "}}' must name a step: steps.<name or index>");
    for (const auto& s : ctx.earlierSteps)
      if (s == e.path[1]) return;
    throw ConfigError(where, what + ": '{{" + e.source + "}}' refers to step '" + e.path[1] +
                                 "', which does not run before this one");
  }
  std::string allowed = ctx.allowTrigger ? "trigger, steps, connection, flow" : "connection, flow";
  throw ConfigError(where, what + ": '{{" + e.source + "}}' starts with unknown name '" + root +
                               "' (expected " + allowed + ")");
}

bool literalMatchesType(const ValueTemplate& v, ValueType type) {
  using K = ValueTemplate::Kind;
  if (v.kind() == K::String && !v.text().isLiteral()) return true;  // decided at run time
  switch (type) {
    case ValueType::String:
      return v.kind() == K::String || v.kind() == K::Integer || v.kind() == K::Number ||
             v.kind() == K::Bool;
    case ValueType::Integer:
      return v.kind() == K::Integer;
    case ValueType::Number:
      return v.kind() == K::Integer || v.kind() == K::Number;
    case ValueType::Boolean:
      return v.kind() == K::Bool;
    case ValueType::Object:
      return v.kind() == K::Object;
    case ValueType::Array:
      return v.kind() == K::Array;
  }
  return true;
}

// Inputs given in `with:` exist, are well typed, and required ones are all there.
void checkInputs(const Operation& op, const ValueTemplate& with, const YamlMap& owner,
                 const std::string& what) {
  if (!with.isNull() && with.kind() != ValueTemplate::Kind::Object)
    throw ConfigError(with.where(), what + ": 'with' must be a map of input: value");
  std::set<std::string> given;
  for (const auto& [name, value] : with.members()) {
    given.insert(name);
    const InputSpec* in = op.input(name);
    if (!in) {
      std::string known;
      for (const auto& i : op.inputs) known += (known.empty() ? "" : ", ") + i.name;
      throw ConfigError(value.where(), what + ": " + op.fullId() + " has no input '" + name +
                                           "' (inputs: " + (known.empty() ? "none" : known) + ")");
    }
    if (!literalMatchesType(value, in->type))
      throw ConfigError(value.where(),
                        what + ": input '" + name + "' expects " + toString(in->type));
    if (!in->enumValues.empty() && value.kind() == ValueTemplate::Kind::String &&
        value.text().isLiteral()) {
      bool ok = false;
      std::string list;
      for (const auto& e : in->enumValues) {
        ok = ok || e == value.text().source();
        list += (list.empty() ? "" : ", ") + e;
      }
      if (!ok)
        throw ConfigError(value.where(), what + ": input '" + name + "' must be one of " + list +
                                             ", found '" + value.text().source() + "'");
    }
  }
  auto windowed = [&](const std::string& name) {
    return op.window && (name == op.window->startInput || name == op.window->endInput);
  };
  for (const auto& in : op.inputs)
    if (in.required && !in.defaultValue && !given.count(in.name) && !windowed(in.name))
      owner.fail("with", what + ": " + op.fullId() + " needs input '" + in.name + "' (" +
                             toString(in.type) + ", " + in.description + ")");
}

const Operation& resolveOp(const Catalog& catalog, YamlMap& map, OpKind kind,
                           const std::string& what) {
  const std::string id = map.requiredString("op");
  const Operation* op = catalog.find(id);
  if (!op) {
    std::string hint;
    for (const auto& s : catalog.suggest(id)) hint += (hint.empty() ? "" : ", ") + s;
    map.fail("op", what + ": unknown operation '" + id + "'" +
                       (hint.empty() ? "" : " (did you mean " + hint + "?)"));
  }
  if (op->kind != kind)
    map.fail("op", what + ": " + id + " is " +
                       (op->kind == OpKind::Trigger ? "a trigger" : "an action") + "; expected " +
                       (kind == OpKind::Trigger ? "a trigger" : "an action"));
  return *op;
}

void resolveConnection(const Config& config, YamlMap& map, const Operation& op, std::string& out,
                       const std::string& what) {
  out = map.requiredString("connection");
  auto it = config.connections.find(out);
  if (it == config.connections.end())
    map.fail("connection", what + ": unknown connection '" + out + "'");
  if (it->second.app != op.app)
    map.fail("connection", what + ": connection '" + out + "' is for app " + it->second.app +
                               " but " + op.fullId() + " needs " + op.app);
}

Condition compileCondition(YamlMap& map, const std::string& key, const std::string& what) {
  auto text = map.optionalString(key);
  if (!text) return {};
  try {
    return Condition::compile(*text);
  } catch (const TemplateError& e) {
    map.fail(key, what + ": " + e.what());
  }
}

// The apps whose flows may list webhook_events, for the error that names them.
std::string webhookEventApps(const Catalog& catalog) {
  std::string names;
  for (const auto& app : catalog.apps())
    if (app.webhookEventTypes) names += (names.empty() ? "" : ", ") + app.id;
  return names.empty() ? "none" : names;
}

void parseWebhookEvents(YamlMap& trig, const Operation& top, const Catalog& catalog,
                        TriggerConfig& trigger) {
  if (!trig.has("webhook_events")) {
    trig.get("webhook_events");
    return;
  }
  // Webhook items share the trigger's seen ids, so only "new" triggers can be deduped.
  const App* app = catalog.app(top.app);
  if (!app || !app->webhookEventTypes || top.detect != DetectMode::New)
    trig.fail("webhook_events",
              "'webhook_events' needs a trigger that detects new records, of an app whose "
              "webhooks name event types (app.yaml webhook_event_types: " +
                  webhookEventApps(catalog) + ")");
  trigger.webhookEvents = trig.stringList("webhook_events");
  if (trigger.webhookEvents.empty())
    trig.fail("webhook_events", "'webhook_events': expected a list of event types");
}

void parseSchedule(YamlMap& trig, const Config& config, TriggerConfig& trigger) {
  const std::string every = trig.stringOr("every", "5m");
  auto ms = parseDurationMs(every);
  if (!ms) trig.fail("every", "'every': expected a duration like 5m, found '" + every + "'");
  const int64_t minMs = config.settings.demoMode ? 1000 : 60000;
  if (*ms < minMs || *ms > 15 * 60000)
    trig.fail("every", std::string("'every': must be between ") +
                           (config.settings.demoMode ? "1s (demo mode)" : "1m") +
                           " and 15m, found '" + every + "'");
  trigger.everyMs = *ms;
  const std::string firstPoll = trig.enumOr("first_poll", {"seed", "backfill"}, "seed");
  const auto backfill = trig.optionalInt("backfill");
  if (backfill && (*backfill < 0 || *backfill > 1000))
    trig.fail("backfill", "'backfill' must be between 0 and 1000");
  if (firstPoll == "backfill" && !backfill)
    trig.fail("first_poll", "first_poll: backfill needs 'backfill: N' (how many items)");
  trigger.backfill = backfill ? static_cast<int>(*backfill) : 0;
}

TriggerConfig parseTrigger(YamlMap& map, const std::string& file, const std::string& label,
                           const Catalog& catalog, const Config& config) {
  TriggerConfig trigger;
  YamlMap trig(map.get("trigger"), file, kConfigDomain, label + " trigger");
  if (!map.has("trigger")) map.fail("trigger", "missing required key 'trigger'");
  const Operation& top = resolveOp(catalog, trig, OpKind::Trigger, "trigger");
  trigger.op = top.fullId();
  trigger.where = trig.where();
  resolveConnection(config, trig, top, trigger.connection, "trigger");
  trigger.with = ValueTemplate::fromYaml(trig.get("with"), file, kConfigDomain);
  checkInputs(top, trigger.with, trig, "trigger");
  trigger.with.forEachExpression([&](const TemplateExpr& e, const SourceLocation& w) {
    checkReferences(e, w, RefContext{}, "trigger");
  });
  parseSchedule(trig, config, trigger);
  parseWebhookEvents(trig, top, catalog, trigger);
  trig.rejectUnknown();
  return trigger;
}

StepConfig parseStep(YamlMap& sm, const std::string& what, const std::string& file,
                     const Catalog& catalog, const Config& config, const RefContext& ctx) {
  StepConfig step;
  step.where = sm.where();
  step.name = sm.stringOr("name", "");
  const Operation& sop = resolveOp(catalog, sm, OpKind::Action, what);
  step.op = sop.fullId();
  resolveConnection(config, sm, sop, step.connection, what);
  step.when = compileCondition(sm, "if", what);
  for (const auto* e : step.when.expressions()) checkReferences(*e, sm.where("if"), ctx, what);
  step.with = ValueTemplate::fromYaml(sm.get("with"), file, kConfigDomain);
  checkInputs(sop, step.with, sm, what);
  step.with.forEachExpression(
      [&](const TemplateExpr& e, const SourceLocation& w) { checkReferences(e, w, ctx, what); });
  sm.rejectUnknown();
  return step;
}

FlowConfig parseFlow(const YAML::Node& node, const std::string& file, const Catalog& catalog,
                     const Config& config) {
  const std::string label = yamlLabel(node, "name", "flow");
  YamlMap map(node, file, kConfigDomain, label);
  FlowConfig flow;
  flow.where = map.where();
  flow.name = map.requiredString("name");
  static const std::regex nameRe("[A-Za-z0-9][A-Za-z0-9_.-]*");
  if (!std::regex_match(flow.name, nameRe))
    map.fail("name", "flow name '" + flow.name + "' must be letters, digits, _ . -");
  flow.enabled = map.boolOr("enabled", true);
  flow.trigger = parseTrigger(map, file, label, catalog, config);

  RefContext ctx;
  ctx.allowTrigger = true;
  flow.filter = compileCondition(map, "filter", "filter");
  for (const auto* e : flow.filter.expressions())
    checkReferences(*e, map.where("filter"), ctx, "filter");

  const YAML::Node steps = map.get("steps");
  if (!steps.IsSequence() || steps.size() == 0)
    map.fail("steps", "'steps': expected a non-empty list of actions");
  std::set<std::string> stepNames;
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string what = "step " + std::to_string(i);
    YamlMap sm(steps[i], file, kConfigDomain, label + " " + what);
    StepConfig step = parseStep(sm, what, file, catalog, config, ctx);
    if (!step.name.empty() && !stepNames.insert(step.name).second)
      sm.fail("name", "duplicate step name '" + step.name + "'");
    ctx.earlierSteps.push_back(std::to_string(i));
    if (!step.name.empty()) ctx.earlierSteps.push_back(step.name);
    flow.steps.push_back(std::move(step));
  }
  map.rejectUnknown();
  return flow;
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

Config loadConfigText(const std::string& text, const std::string& file, const Catalog& catalog,
                      const std::map<std::string, std::string>* env) {
  const YAML::Node root = loadYamlText(text, file, kConfigDomain);
  YamlMap map(root, file, kConfigDomain);
  Config config;
  config.file = file;
  bool ignored = false;
  config.state = expandEnv(map, "state", map.stringOr("state", config.state), env, ignored);
  if (map.has("settings")) {
    YamlMap settings(map.get("settings"), file, kConfigDomain, "settings");
    config.settings = parseRunSettings(settings, file, config.warnings, env);
  } else {
    map.get("settings");
  }
  const YAML::Node conns = map.get("connections");
  if (conns.IsDefined() && !conns.IsNull()) {
    if (!conns.IsMap()) map.failAt(conns, "'connections': expected a map of name: {app: ...}");
    for (const auto& kv : conns) {
      const std::string name = kv.first.Scalar();
      config.connections[name] = parseConnection(name, kv.second, file, catalog, env);
    }
  }
  const YAML::Node flows = map.get("flows");
  if (flows.IsDefined() && !flows.IsNull()) {
    if (!flows.IsSequence()) map.failAt(flows, "'flows': expected a list of flows");
    std::set<std::string> names;
    for (const auto& node : flows) {
      FlowConfig flow = parseFlow(node, file, catalog, config);
      if (!names.insert(flow.name).second)
        throw ConfigError(flow.where, "duplicate flow name '" + flow.name + "'");
      config.flows.push_back(std::move(flow));
    }
  }
  map.rejectUnknown();
  return config;
}

Config loadConfig(const std::string& path, const Catalog& catalog,
                  const std::map<std::string, std::string>* env) {
  std::ifstream in(path);
  if (!in) throw ConfigError({path, 0, 0}, "cannot open config file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  Config config = loadConfigText(buffer.str(), path, catalog, env);
  // A relative sqlite path is relative to the config file, not to the working directory.
  if (config.state.rfind("sqlite:", 0) == 0) {
    std::string p = config.state.substr(7);
    if (p.rfind("//", 0) == 0) p = p.substr(2);
    if (!p.empty() && p[0] != '/' && p != ":memory:")
      config.state = "sqlite:" + (std::filesystem::path(path).parent_path() / p).string();
  }
  return config;
}

}  // namespace sluice
