#include "config/flow_parser.h"

#include <algorithm>
#include <regex>
#include <set>

#include "config/tenant_selector.h"
#include "core/text.h"

namespace sluice {

namespace {

// "context: message" at where: a message about a map's value names the map's context once.
ConfigError located(const YamlMap& map, const SourceLocation& where, const std::string& message) {
  return ConfigError(where, map.context().empty() ? message : map.context() + ": " + message);
}

struct RefContext {
  bool allowTrigger = false;
  // What {{tenant.*}} may read: empty when the flow does not run per tenant.
  std::vector<std::string> tenantNames;
  std::vector<std::string> earlierSteps;  // names and indexes
};

void checkReferences(const TemplateExpr& e, const SourceLocation& where, const RefContext& ctx,
                     const YamlMap& map) {
  const std::string& root = e.path[0];
  if (root == "connection" || root == "flow" || root == "now") return;
  if (root == "tenant") {
    if (ctx.tenantNames.empty())
      throw located(map, where,
                    "'{{" + e.source + "}}': only a flow whose trigger uses an agency connection " +
                        "(locations:/accounts:) runs per tenant");
    const std::string name = e.path.size() > 1 ? e.path[1] : "";
    for (const auto& n : ctx.tenantNames)
      if (n == name) return;
    throw located(map, where,
                  "'{{" + e.source + "}}': a tenant has " + joined(ctx.tenantNames) +
                      didYouMean(name, ctx.tenantNames));
  }
  if (root == "trigger" && ctx.allowTrigger) return;
  if (root == "steps" && ctx.allowTrigger) {
    if (e.path.size() < 2)
      throw located(map, where, "'{{" + e.source + "}}' must name a step: steps.<name or index>");
    for (const auto& s : ctx.earlierSteps)
      if (s == e.path[1]) return;
    throw located(map, where,
                  "'{{" + e.source + "}}' refers to step '" + e.path[1] +
                      "', which does not run before this one" +
                      didYouMean(e.path[1], ctx.earlierSteps));
  }
  const std::vector<std::string> roots =
      ctx.allowTrigger ? std::vector<std::string>{"trigger", "steps", "connection", "flow", "now"}
                       : std::vector<std::string>{"connection", "flow", "now"};
  std::string allowed;
  for (const auto& r : roots) allowed += (allowed.empty() ? "" : ", ") + r;
  throw located(map, where,
                "'{{" + e.source + "}}' starts with unknown name '" + root + "' (expected " +
                    allowed + ")" + didYouMean(root, roots));
}

void checkExpressions(const ValueTemplate& with, const RefContext& ctx, const YamlMap& map,
                      Diagnostics& diag) {
  with.forEachExpression([&](const TemplateExpr& e, const SourceLocation& w) {
    diag.attempt([&] { checkReferences(e, w, ctx, map); });
  });
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

// One given input: it exists, is well typed, and is one of its values when it has a list.
void checkInput(const Operation& op, const std::string& name, const ValueTemplate& value,
                const YamlMap& owner) {
  const InputSpec* in = op.input(name);
  if (!in) {
    std::vector<std::string> names;
    std::string known;
    for (const auto& i : op.inputs) {
      names.push_back(i.name);
      known += (known.empty() ? "" : ", ") + i.name;
    }
    throw located(owner, value.where(),
                  op.fullId() + " has no input '" + name + "'" + didYouMean(name, names) +
                      " (inputs: " + (known.empty() ? "none" : known) + ")");
  }
  if (!literalMatchesType(value, in->type))
    throw located(owner, value.where(), "input '" + name + "' expects " + toString(in->type));
  if (in->enumValues.empty() || value.kind() != ValueTemplate::Kind::String ||
      !value.text().isLiteral())
    return;
  std::string list;
  for (const auto& e : in->enumValues) {
    if (e == value.text().source()) return;
    list += (list.empty() ? "" : ", ") + e;
  }
  throw located(owner, value.where(),
                "input '" + name + "' must be one of " + list + ", found '" +
                    value.text().source() + "'" +
                    didYouMean(value.text().source(), in->enumValues));
}

// Inputs given in `with:` exist, are well typed, and required ones are all there: each
// mistake on its own.
void checkInputs(const Operation& op, const ValueTemplate& with, const YamlMap& owner,
                 Diagnostics& diag) {
  if (!with.isNull() && with.kind() != ValueTemplate::Kind::Object) {
    diag.add(located(owner, with.where(), "'with' must be a map of input: value"));
    return;
  }
  std::set<std::string> given;
  for (const auto& member : with.members()) {
    given.insert(member.first);
    diag.attempt([&] { checkInput(op, member.first, member.second, owner); });
  }
  auto windowed = [&](const std::string& name) {
    return op.window && (name == op.window->startInput || name == op.window->endInput);
  };
  for (const auto& in : op.inputs)
    if (in.required && !in.defaultValue && !given.count(in.name) && !windowed(in.name))
      diag.add(located(owner, owner.where("with"),
                       op.fullId() + " needs input '" + in.name + "' (" + toString(in.type) + ", " +
                           in.description + ")"));
}

// The block's `with:`; a template mistake in it names the block as well.
ValueTemplate parseWith(YamlMap& map, const SourceFile& file, TemplateCache& templates) {
  try {
    return ValueTemplate::fromYaml(map.get("with"), file, YamlDomain::Config, &templates);
  } catch (const ConfigError& e) {
    throw located(map, e.where(), e.message());
  }
}

const Operation& resolveOp(const Catalog& catalog, YamlMap& map, OpKind kind) {
  const std::string id = map.requiredString("op");
  const Operation* op = catalog.find(id);
  if (!op) {
    std::string hint;
    for (const auto& s : catalog.suggest(id)) hint += (hint.empty() ? "" : ", ") + s;
    map.fail("op", "unknown operation '" + id + "'" +
                       (hint.empty() ? "" : " (did you mean " + hint + "?)"));
  }
  if (op->kind != kind)
    map.fail("op", id + " is " + (op->kind == OpKind::Trigger ? "a trigger" : "an action") +
                       "; expected " + (kind == OpKind::Trigger ? "a trigger" : "an action"));
  return *op;
}

// op is null when the block's operation is unknown (reported on its own): the connection's
// name is still checked, its app cannot be.
void resolveConnection(const Config& config, YamlMap& map, const Operation* op, std::string& out) {
  out = map.requiredString("connection");
  auto it = config.connections.find(out);
  if (it == config.connections.end()) {
    std::vector<std::string> names;
    for (const auto& [name, c] : config.connections) names.push_back(name);
    map.fail("connection", "unknown connection '" + out + "'" + didYouMean(out, names));
  }
  // A connection whose own block has a mistake (reported there) has no app to compare.
  if (op && !it->second.app.empty() && it->second.app != op->app)
    map.fail("connection", "connection '" + out + "' is for app " + it->second.app + " but " +
                               op->fullId() + " needs " + op->app);
}

Condition compileCondition(YamlMap& map, const std::string& key) {
  auto text = map.optionalString(key);
  if (!text) return {};
  try {
    return Condition::compile(*text);
  } catch (const TemplateError& e) {
    map.fail(key, e.what());
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

void parseSchedule(YamlMap& trig, const Config& config, TriggerConfig& trigger, Diagnostics& diag) {
  diag.attempt([&] {
    const std::string every = trig.stringOr("every", "5m");
    auto ms = parseDurationMs(every);
    if (!ms) trig.fail("every", "'every': expected a duration like 5m, found '" + every + "'");
    const int64_t minMs = config.settings.demoMode ? 1000 : 60000;
    if (*ms < minMs || *ms > 15 * 60000)
      trig.fail("every", std::string("'every': must be between ") +
                             (config.settings.demoMode ? "1s (demo mode)" : "1m") +
                             " and 15m, found '" + every + "'");
    trigger.everyMs = *ms;
  });
  diag.attempt([&] {
    const std::string firstPoll = trig.enumOr("first_poll", {"seed", "backfill"}, "seed");
    const auto backfill = trig.optionalInt("backfill");
    if (backfill && (*backfill < 0 || *backfill > 1000))
      trig.fail("backfill", "'backfill' must be between 0 and 1000");
    if (firstPoll == "backfill" && !backfill)
      trig.fail("first_poll", "first_poll: backfill needs 'backfill: N' (how many items)");
    trigger.backfill = backfill ? static_cast<int>(*backfill) : 0;
  });
}

// Keys that belong to a block whose operation could not be found: not "unknown", since what
// is wrong is the operation, reported on its own.
void markKnown(YamlMap& map, std::initializer_list<const char*> keys) {
  for (const char* key : keys) map.get(key);
}

// What {{tenant.*}} reads in a flow whose trigger uses this connection (empty: not per tenant).
std::vector<std::string> tenantNames(const Config& config, const Catalog& catalog,
                                     const TriggerConfig& trigger) {
  const auto c = config.connections.find(trigger.connection);
  if (c == config.connections.end() || !c->second.tenants.any()) return {};
  const App* app = catalog.app(c->second.app);
  if (!app || !app->tenants) return {};
  std::vector<std::string> names;
  for (const auto& value : tenantTemplateValues(*app->tenants, "", ""))
    names.push_back(value.first);
  return names;
}

TriggerConfig parseTrigger(YamlMap& map, const SourceFile& file, const std::string& label,
                           const Catalog& catalog, const Config& config, TemplateCache& templates,
                           Diagnostics& diag) {
  TriggerConfig trigger;
  if (!map.has("trigger")) map.fail("trigger", "missing required key 'trigger'");
  YamlMap trig(map.get("trigger"), file, YamlDomain::Config, label + " trigger");
  trigger.where = trig.where();
  const Operation* top = nullptr;
  diag.attempt([&] { top = &resolveOp(catalog, trig, OpKind::Trigger); });
  if (top) {
    trigger.op = top->fullId();
    diag.attempt([&] { resolveConnection(config, trig, top, trigger.connection); });
    diag.attempt([&] {
      trigger.with = parseWith(trig, file, templates);
      checkInputs(*top, trigger.with, trig, diag);
      RefContext ctx;
      ctx.tenantNames = tenantNames(config, catalog, trigger);
      checkExpressions(trigger.with, ctx, trig, diag);
    });
    diag.attempt([&] { parseWebhookEvents(trig, *top, catalog, trigger); });
  } else {
    diag.attempt([&] { resolveConnection(config, trig, nullptr, trigger.connection); });
    markKnown(trig, {"with", "webhook_events"});
  }
  parseSchedule(trig, config, trigger, diag);
  reportUnknownKeys(trig, diag);
  return trigger;
}

StepConfig parseStep(YamlMap& sm, const SourceFile& file, const Catalog& catalog,
                     const Config& config, const RefContext& ctx, TemplateCache& templates,
                     Diagnostics& diag) {
  StepConfig step;
  step.where = sm.where();
  diag.attempt([&] { step.name = sm.stringOr("name", ""); });
  const Operation* sop = nullptr;
  diag.attempt([&] { sop = &resolveOp(catalog, sm, OpKind::Action); });
  if (!sop) {
    diag.attempt([&] { resolveConnection(config, sm, nullptr, step.connection); });
    markKnown(sm, {"with", "if"});
    reportUnknownKeys(sm, diag);
    return step;
  }
  step.op = sop->fullId();
  diag.attempt([&] { resolveConnection(config, sm, sop, step.connection); });
  diag.attempt([&] {
    step.when = compileCondition(sm, "if");
    for (const auto* e : step.when.expressions())
      diag.attempt([&] { checkReferences(*e, sm.where("if"), ctx, sm); });
  });
  diag.attempt([&] {
    step.with = parseWith(sm, file, templates);
    checkInputs(*sop, step.with, sm, diag);
    checkExpressions(step.with, ctx, sm, diag);
  });
  reportUnknownKeys(sm, diag);
  return step;
}

// The flow's steps, each checked on its own; a step with a mistake still counts as running
// before the next, so references to it are not reported as well.
void parseSteps(YamlMap& map, const SourceFile& file, const std::string& label,
                const Catalog& catalog, const Config& config, RefContext& ctx, FlowConfig& flow,
                TemplateCache& templates, Diagnostics& diag) {
  const YamlNode steps = map.get("steps");
  if (!steps.IsSequence() || steps.size() == 0)
    map.fail("steps", "'steps': expected a non-empty list of actions");
  std::set<std::string> stepNames;
  for (size_t i = 0; i < steps.size(); ++i) {
    const YamlNode& node = steps[i];
    const bool named = node.IsMap() && node["name"].IsDefined() && node["name"].IsScalar();
    const std::string name = named ? node["name"].Scalar() : "";
    // Kept even when broken, so steps.<index> still names the step it says.
    StepConfig step;
    diag.attempt([&] {
      YamlMap sm(steps[i], file, YamlDomain::Config, label + " step " + std::to_string(i));
      step = parseStep(sm, file, catalog, config, ctx, templates, diag);
      if (!step.name.empty() && !stepNames.insert(step.name).second)
        sm.fail("name", "duplicate step name '" + step.name + "'");
    });
    flow.steps.push_back(std::move(step));
    ctx.earlierSteps.push_back(std::to_string(i));
    if (!name.empty()) ctx.earlierSteps.push_back(name);
  }
}

// `pair: { CONNECTION: { table: {from: to} } | { field: path.in.record } }`: for each agency
// connection the steps use besides the trigger's, which of its tenants goes with the trigger's.
std::map<std::string, TenantPairing> parsePairs(YamlMap& map, const Config& config) {
  std::map<std::string, TenantPairing> out;
  if (!map.has("pair")) {
    map.get("pair");
    return out;
  }
  YamlMap pairs(map.get("pair"), map.file(), YamlDomain::Config, map.context() + " pair");
  for (const auto& kv : pairs.node()) {
    const std::string name = kv.first.Scalar();
    const auto c = config.connections.find(name);
    if (c == config.connections.end() || !c->second.tenants.any())
      pairs.fail(name,
                 "'" + name + "' is not an agency connection (one with locations:/accounts:)");
    YamlMap p(pairs.get(name), map.file(), YamlDomain::Config, pairs.context() + " " + name);
    TenantPairing pairing;
    pairing.where = p.where();
    if (p.has("table")) {
      YamlMap table(p.get("table"), map.file(), YamlDomain::Config, p.context() + " table");
      for (const auto& row : table.node())
        pairing.table[row.first.Scalar()] = table.requiredString(row.first.Scalar());
    }
    if (auto field = p.optionalString("field")) pairing.field = splitPath(*field);
    if (pairing.table.empty() == pairing.field.empty())
      p.fail("table", "give one of 'table' (trigger tenant id: " + name + " tenant id) or 'field'");
    p.rejectUnknown();
    out[name] = std::move(pairing);
  }
  return out;
}

// A paired tenant's variable ({{tenant.location_id}} of the GHL sub-account paired with a
// Stripe account) joins what {{tenant.*}} reads; the trigger tenant's own names come first, as
// expansion fills them. A pair needs a per-tenant trigger and another connection to pair with.
void addPairedTenantNames(const FlowConfig& flow, const Config& config, const Catalog& catalog,
                          YamlMap& map, std::vector<std::string>& names) {
  const auto trigger = config.connections.find(flow.trigger.connection);
  if (flow.pairs.empty() || trigger == config.connections.end()) return;  // its own error says
  if (!trigger->second.tenants.any())
    map.fail("pair", "'pair' goes with a trigger on an agency connection (locations:/accounts:)");
  for (const auto& [connection, pairing] : flow.pairs) {
    if (connection == flow.trigger.connection)
      throw ConfigError(pairing.where, "'" + connection +
                                           "' is the trigger's own connection: its steps act in "
                                           "the trigger's tenant, no pair needed");
    const App* app = catalog.app(config.connections.at(connection).app);
    if (!app || !app->tenants) continue;
    if (std::find(names.begin(), names.end(), app->tenants->variable) == names.end())
      names.push_back(app->tenants->variable);
  }
}

// A step on an agency connection acts in a tenant: the trigger's own (same connection) or the
// one `pair:` names for it; a flow that does not run per tenant has no tenant to act in.
void checkStepTenant(const StepConfig& step, const FlowConfig& flow, const Config& config,
                     bool perTenant) {
  const auto c = config.connections.find(step.connection);
  if (c == config.connections.end() || !c->second.tenants.any()) return;
  if (!perTenant)
    throw ConfigError(step.where, "step uses agency connection '" + step.connection +
                                      "', but the trigger's connection does not run per tenant: "
                                      "give the step a connection for one sub-account/account");
  if (step.connection != flow.trigger.connection && !flow.pairs.count(step.connection))
    throw ConfigError(step.where, "step uses agency connection '" + step.connection +
                                      "': say which of its tenants goes with the trigger's in "
                                      "the flow's 'pair: { " +
                                      step.connection + ": ... }'");
}

FlowConfig parseFlow(const YamlNode& node, const SourceFile& file, const Catalog& catalog,
                     const Config& config, TemplateCache& templates, Diagnostics& diag) {
  const std::string label = yamlLabel(node, "name", "flow");
  YamlMap map(node, file, YamlDomain::Config, label);
  FlowConfig flow;
  flow.where = map.where();
  diag.attempt([&] {
    flow.name = map.requiredString("name");
    static const std::regex nameRe("[A-Za-z0-9][A-Za-z0-9_.-]*");
    if (!std::regex_match(flow.name, nameRe))
      map.fail("name", "flow name '" + flow.name + "' must be letters, digits, _ . -");
  });
  diag.attempt([&] { flow.enabled = map.boolOr("enabled", true); });
  diag.attempt(
      [&] { flow.trigger = parseTrigger(map, file, label, catalog, config, templates, diag); });

  RefContext ctx;
  ctx.allowTrigger = true;
  ctx.tenantNames = tenantNames(config, catalog, flow.trigger);
  diag.attempt([&] {
    flow.pairs = parsePairs(map, config);
    addPairedTenantNames(flow, config, catalog, map, ctx.tenantNames);
  });
  diag.attempt([&] {
    flow.filter = compileCondition(map, "filter");
    for (const auto* e : flow.filter.expressions())
      diag.attempt([&] { checkReferences(*e, map.where("filter"), ctx, map); });
  });
  diag.attempt([&] { parseSteps(map, file, label, catalog, config, ctx, flow, templates, diag); });
  for (const auto& step : flow.steps)
    diag.attempt([&] { checkStepTenant(step, flow, config, !ctx.tenantNames.empty()); });
  reportUnknownKeys(map, diag);
  return flow;
}

}  // namespace

void parseFlowItem(const YamlNode& node, const SourceFile& file, const Catalog& catalog,
                   const Config& config, std::vector<FlowConfig>& flows,
                   std::set<std::string>& names, TemplateCache& templates, Diagnostics& diag) {
  diag.attempt(
      [&] { addFlow(parseFlow(node, file, catalog, config, templates, diag), flows, names); });
}

void addFlow(FlowConfig flow, std::vector<FlowConfig>& flows, std::set<std::string>& names) {
  if (!flow.name.empty() && !names.insert(flow.name).second)
    throw ConfigError(flow.where, "duplicate flow name '" + flow.name + "'");
  flows.push_back(std::move(flow));
}

}  // namespace sluice
