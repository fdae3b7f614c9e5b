// Loads catalog/<app>/app.yaml and its category files, rejecting every mistake with
// file:line:col and what was expected. The YAML stays the only source of truth.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "catalog/catalog.h"
#include "core/duration.h"
#include "core/json.h"
#include "core/yaml_reader.h"

namespace fs = std::filesystem;

namespace sluice {

namespace {

constexpr YamlDomain kCatalogDomain = YamlDomain::Catalog;

ValueType parseType(YamlMap& map, const std::string& key) {
  const std::string t =
      map.enumOr(key, {"string", "integer", "number", "boolean", "object", "array"}, "string");
  if (t == "integer") return ValueType::Integer;
  if (t == "number") return ValueType::Number;
  if (t == "boolean") return ValueType::Boolean;
  if (t == "object") return ValueType::Object;
  if (t == "array") return ValueType::Array;
  return ValueType::String;
}

std::string pointerOr(YamlMap& map, const std::string& key, bool required) {
  if (required && !map.has(key)) map.fail(key, "missing required key '" + key + "'");
  // An explicit "" (the whole document) is a valid pointer, so read the raw scalar.
  const YAML::Node node = map.get(key);
  if (!node.IsDefined() || node.IsNull()) return "";
  const std::string value = yamlScalar(node, map.file(), kCatalogDomain, "a JSON pointer");
  if (!isValidJsonPointer(value))
    map.failAt(node, "'" + key + "': '" + value +
                         "' is not a JSON pointer (expected \"\" or /a/b/0, RFC 6901)");
  return value;
}

double parseDuration(YamlMap& map, const std::string& key) {
  const std::string text = map.requiredString(key);
  const auto ms = parseDurationMs(text);
  if (!ms)
    map.fail(key,
             "'" + key + "': expected a duration like 10s, 500ms, 1m or 7d, found '" + text + "'");
  return static_cast<double>(*ms) / 1000;
}

std::vector<std::pair<std::string, Template>> parseHeaders(YamlMap& parent,
                                                           const std::string& key) {
  std::vector<std::pair<std::string, Template>> headers;
  const YAML::Node node = parent.get(key);
  if (!node.IsDefined() || node.IsNull()) return headers;
  YamlMap map(node, parent.file(), kCatalogDomain, parent.context());
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    const std::string value = map.requiredString(name);
    try {
      headers.emplace_back(name, Template::compile(value));
    } catch (const TemplateError& e) {
      map.fail(name, e.what());
    }
  }
  return headers;
}

Pagination parsePaginationMap(YamlMap& map) {
  Pagination p;
  const std::string style = map.enumOr("style", {"none", "page", "offset", "cursor"}, "");
  if (style.empty()) map.fail("style", "missing required key 'style'");
  p.style = style == "page"     ? PaginationStyle::Page
            : style == "offset" ? PaginationStyle::Offset
            : style == "cursor" ? PaginationStyle::Cursor
                                : PaginationStyle::None;
  p.inBody = map.enumOr("in", {"query", "body"}, "query") == "body";
  p.limitParam = map.stringOr("limit_param", "");
  p.limit = map.optionalInt("limit").value_or(0);
  p.maxPages = map.optionalInt("max_pages").value_or(10);
  if (p.maxPages < 1) map.fail("max_pages", "'max_pages' must be at least 1");
  if (p.style == PaginationStyle::Page) {
    p.pageParam = map.requiredString("page_param");
    p.start = map.optionalInt("start").value_or(1);
  }
  if (p.style == PaginationStyle::Offset) p.offsetParam = map.requiredString("offset_param");
  if (p.style == PaginationStyle::Cursor) {
    const YAML::Node next = map.get("next");
    if (!next.IsDefined() || next.IsNull())
      map.fail("next", "cursor pagination needs 'next' (parameter: source)");
    YamlMap nextMap(next, map.file(), kCatalogDomain, map.context());
    for (const auto& kv : next) {
      const std::string param = kv.first.Scalar();
      std::string source = nextMap.requiredString(param);
      const std::string pointer = source.rfind("record:", 0) == 0 ? source.substr(7) : source;
      if (!isValidJsonPointer(pointer))
        nextMap.fail(param, "'" + source +
                                "' is not a source: expected a JSON pointer into the response "
                                "(/meta/next) or record:/pointer");
      p.next.emplace_back(param, source);
    }
    nextMap.rejectUnknown();
    p.hasMore = pointerOr(map, "has_more", false);
  }
  if (p.style != PaginationStyle::None && p.style != PaginationStyle::Cursor && p.limit <= 0)
    map.fail("limit", "page and offset pagination need a positive 'limit'");
  if (p.style == PaginationStyle::None) {
    // Only max_pages and style make sense; anything else was a mistake caught below.
  }
  map.rejectUnknown();
  return p;
}

InputSpec parseInput(const YAML::Node& node, const std::string& file, const std::string& ctx) {
  YamlMap map(node, file, kCatalogDomain, ctx);
  InputSpec in;
  in.where = map.where();
  in.name = map.requiredString("name");
  static const std::regex nameRe("[A-Za-z_][A-Za-z0-9_.\\-]*");
  if (!std::regex_match(in.name, nameRe))
    map.fail("name", "input name '" + in.name + "' must be a word (letters, digits, _ . -)");
  const std::string where = map.enumOr("in", {"path", "query", "body"}, "query");
  in.in = where == "path"   ? InputLocation::Path
          : where == "body" ? InputLocation::Body
                            : InputLocation::Query;
  in.type = parseType(map, "type");
  in.required = map.boolOr("required", false);
  in.description = map.stringOr("description", "");
  in.enumValues = map.stringList("enum");
  if (map.has("default"))
    in.defaultValue = ValueTemplate::fromYaml(map.get("default"), file, kCatalogDomain);
  else
    map.get("default");
  in.field = map.stringOr("field", "");
  if (!in.field.empty() && in.field[0] == '/' && !isValidJsonPointer(in.field))
    map.fail("field", "'" + in.field + "' is not a valid JSON pointer");
  if (in.in == InputLocation::Path) in.required = true;
  map.rejectUnknown();
  return in;
}

// Checks that every template in a request names a known connection setting or input.
void checkRequestTemplates(const Operation& op, const App& app, const ValueTemplate& tree) {
  tree.forEachExpression([&](const TemplateExpr& e, const SourceLocation& where) {
    const std::string& root = e.path[0];
    if (root == "connection" && e.path.size() == 2) {
      if (!app.setting(e.path[1]))
        throw CatalogError(where, "op " + op.id + ": template '{{" + e.source +
                                      "}}' names unknown connection setting '" + e.path[1] + "'");
      return;
    }
    if (root == "inputs" && e.path.size() >= 2) {
      if (!op.input(e.path[1]))
        throw CatalogError(where, "op " + op.id + ": template '{{" + e.source +
                                      "}}' names unknown input '" + e.path[1] + "'");
      return;
    }
    throw CatalogError(where, "op " + op.id + ": template '{{" + e.source +
                                  "}}' must start with connection.<setting> or inputs.<input>");
  });
}

void parseOpInputs(YamlMap& map, const std::string& file, const std::string& ctx, Operation& op) {
  const YAML::Node inputs = map.get("inputs");
  if (inputs.IsDefined() && !inputs.IsNull()) {
    if (!inputs.IsSequence())
      map.failAt(inputs, "'inputs': expected a list, found " + yamlTypeName(inputs));
    std::set<std::string> names;
    for (const auto& item : inputs) {
      InputSpec in = parseInput(item, file, ctx);
      if (!names.insert(in.name).second)
        throw CatalogError(in.where, ctx + ": duplicate input '" + in.name + "'");
      op.inputs.push_back(std::move(in));
    }
  }
}

// request: method, path, query, body, headers, encoding; every {placeholder} has a path input
// and every path input a placeholder; templates name only inputs and connection settings.
void parseOpRequest(YamlMap& map, const std::string& file, const std::string& ctx, const App& app,
                    Operation& op) {
  const YAML::Node reqNode = map.get("request");
  if (!reqNode.IsDefined()) map.fail("request", "missing required key 'request'");
  YamlMap req(reqNode, file, kCatalogDomain, ctx);
  op.request.method = req.enumOr("method", {"GET", "POST", "PUT", "PATCH", "DELETE"}, "");
  if (op.request.method.empty()) req.fail("method", "missing required key 'method'");
  op.request.path = req.requiredString("path");
  if (op.request.path.empty() || op.request.path[0] != '/')
    req.fail("path", "path must start with '/', found '" + op.request.path + "'");
  op.request.query = ValueTemplate::fromYaml(req.get("query"), file, kCatalogDomain);
  op.request.body = ValueTemplate::fromYaml(req.get("body"), file, kCatalogDomain);
  if (!op.request.query.isNull() && op.request.query.kind() != ValueTemplate::Kind::Object)
    req.fail("query", "'query': expected a map of parameter: value");
  op.request.headers = parseHeaders(req, "headers");
  op.request.encoding = req.enumOr("encoding", {"json", "form"}, "");
  req.rejectUnknown();

  // Every {placeholder} has a path input and every path input a placeholder.
  static const std::regex placeholder("\\{([^}/]+)\\}");
  std::set<std::string> placeholders;
  for (auto it = std::sregex_iterator(op.request.path.begin(), op.request.path.end(), placeholder);
       it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1];
    placeholders.insert(name);
    const InputSpec* in = op.input(name);
    if (!in || in->in != InputLocation::Path)
      req.fail("path", "path parameter {" + name + "} needs an input with in: path");
  }
  for (const auto& in : op.inputs)
    if (in.in == InputLocation::Path && !placeholders.count(in.wireName()))
      throw CatalogError(in.where, ctx + ": input '" + in.name +
                                       "' is in: path but the path has no {" + in.wireName() + "}");

  checkRequestTemplates(op, app, op.request.query);
  checkRequestTemplates(op, app, op.request.body);
  for (const auto& h : op.request.headers)
    for (const auto& e : h.second.expressions())
      if (e.path[0] != "connection" || e.path.size() != 2 || !app.setting(e.path[1]))
        req.fail("headers", "header '" + h.first + "': template '{{" + e.source +
                                "}}' must name a connection setting");
}

// lookup: how to find what an interrupted call of this action made.
void parseOpLookup(YamlMap& map, const std::string& file, const std::string& ctx, Operation& op) {
  if (map.has("lookup")) {
    YamlMap lm(map.get("lookup"), file, kCatalogDomain, ctx + " lookup");
    LookupSpec lookup;
    lookup.where = lm.where();
    lookup.op = lm.requiredString("op");
    const YAML::Node with = lm.get("with");
    if (with.IsDefined() && !with.IsNull() && !with.IsMap())
      lm.failAt(with, "'with': expected a map of the lookup operation's inputs");
    if (with.IsMap())
      for (const auto& kv : with)
        lookup.withKeys.emplace_back(kv.first.Scalar(), yamlLocation(file, kv.first));
    lookup.with = ValueTemplate::fromYaml(with, file, kCatalogDomain);
    lookup.records = pointerOr(lm, "records", true);
    lookup.result = pointerOr(lm, "result", false);
    const YAML::Node match = lm.get("match");
    if (!match.IsMap() || match.size() == 0)
      lm.fail("match", "'match': expected a map of record pointer: value");
    YamlMap mm(match, file, kCatalogDomain, ctx + " lookup match");
    for (const auto& kv : match) {
      const std::string pointer = kv.first.Scalar();
      if (!isValidJsonPointer(pointer) || pointer.empty())
        mm.fail(pointer, "'" + pointer + "' is not a JSON pointer into the record");
      try {
        lookup.match.emplace_back(pointer, Template::compile(mm.requiredString(pointer)));
      } catch (const TemplateError& e) {
        mm.fail(pointer, e.what());
      }
    }
    lm.rejectUnknown();
    // Both read only what the action was sent: its inputs.
    lookup.with.forEachExpression([&](const TemplateExpr& e, const SourceLocation& where) {
      if (e.path[0] != "inputs" || e.path.size() < 2 || !op.input(e.path[1]))
        throw CatalogError(where, ctx + " lookup with: template '{{" + e.source +
                                      "}}' must name an input of " + op.id);
    });
    for (const auto& [pointer, t] : lookup.match)
      for (const auto& e : t.expressions())
        if (e.path[0] != "inputs" || e.path.size() < 2 || !op.input(e.path[1]))
          mm.fail(pointer, "template '{{" + e.source + "}}' must name an input of " + op.id);
    if (op.kind != OpKind::Action)
      lm.fail("op", "a lookup is for actions (it finds what an interrupted call made)");
    if (op.idempotent)
      lm.fail("op", "op " + op.id +
                        " is idempotent (sent again after an interruption); a lookup is for "
                        "operations that are not");
    op.lookup = std::move(lookup);
  } else {
    map.get("lookup");
  }
}

void parseOpWindow(YamlMap& map, const std::string& file, const std::string& ctx, Operation& op) {
  if (map.has("window")) {
    YamlMap wm(map.get("window"), file, kCatalogDomain, ctx + " window");
    TimeWindow w;
    w.startInput = wm.requiredString("start");
    w.endInput = wm.requiredString("end");
    for (const auto* name : {&w.startInput, &w.endInput})
      if (!op.input(*name))
        wm.fail(*name == w.startInput ? "start" : "end",
                "window names unknown input '" + *name + "'");
    w.format = wm.enumOr("format", {"epoch_ms", "epoch_s", "iso8601"}, "epoch_ms");
    w.backMs = static_cast<int64_t>(parseDuration(wm, "back") * 1000);
    w.aheadMs = static_cast<int64_t>(parseDuration(wm, "ahead") * 1000);
    wm.rejectUnknown();
    op.window = w;
  } else {
    map.get("window");
  }
}

void parseOpPagination(YamlMap& map, const std::string& file, const std::string& ctx,
                       const App& app, Operation& op) {
  const YAML::Node pag = map.get("paginate");
  if (!pag.IsDefined() || pag.IsNull()) {
    map.fail("paginate", "missing required key 'paginate' (none, a preset name or a map)");
  } else if (pag.IsScalar()) {
    const std::string name = pag.Scalar();
    if (name != "none") {
      auto it = app.paginations.find(name);
      if (it == app.paginations.end()) {
        std::string list = "none";
        for (const auto& p : app.paginations) list += ", " + p.first;
        map.failAt(pag, "'paginate': unknown preset '" + name + "' (expected " + list + ")");
      }
      op.paginate = it->second;
      op.paginate.preset = name;
    }
  } else {
    YamlMap pm(pag, file, kCatalogDomain, ctx + " paginate");
    op.paginate = parsePaginationMap(pm);
  }
}

// What only triggers have: records, id, detection, order, window, pagination.
void parseOpTriggerFields(YamlMap& map, const std::string& file, const std::string& ctx,
                          const App& app, Operation& op) {
  const bool trigger = op.kind == OpKind::Trigger;
  for (const char* key : {"records", "shape", "record_id", "detect", "version", "order_by", "order",
                          "paginate", "window"})
    if (!trigger && map.has(key))
      map.fail(key, std::string("'") + key + "' is only for triggers (this op is an action)");
  if (trigger) {
    if (!map.has("records"))
      map.fail("records", "missing required key 'records' (JSON pointer to the records)");
    op.records = pointerOr(map, "records", false);
    op.shape = map.enumOr("shape", {"list", "single"}, "list") == "single" ? RecordShape::Single
                                                                           : RecordShape::List;
    op.recordId = pointerOr(map, "record_id", op.shape == RecordShape::List);
    const std::string detect = map.enumOr("detect", {"new", "updated", "changed"}, "");
    if (detect.empty()) map.fail("detect", "missing required key 'detect' (new, updated, changed)");
    op.detect = detect == "updated"   ? DetectMode::Updated
                : detect == "changed" ? DetectMode::Changed
                                      : DetectMode::New;
    if (op.shape == RecordShape::Single && op.detect == DetectMode::New && op.recordId.empty())
      map.fail("detect", "a single record without record_id can only be detected as 'changed'");
    op.version = pointerOr(map, "version", false);
    op.orderBy = pointerOr(map, "order_by", false);
    const std::string order = map.enumOr("order", {"asc", "desc"}, "");
    op.order = order == "asc"    ? SortOrder::Asc
               : order == "desc" ? SortOrder::Desc
                                 : SortOrder::Unknown;
    if (!order.empty() && op.orderBy.empty())
      map.fail("order", "'order' needs 'order_by' (the field the server orders by)");
    parseOpWindow(map, file, ctx, op);
    parseOpPagination(map, file, ctx, app, op);
  }
}

void parseOpSpecExceptions(YamlMap& map, const std::string& file, const std::string& ctx,
                           Operation& op) {
  const YAML::Node exceptions = map.get("spec_exceptions");
  if (exceptions.IsDefined() && !exceptions.IsNull()) {
    if (!exceptions.IsSequence())
      map.failAt(exceptions, "'spec_exceptions': expected a list of {check, reason}");
    for (const auto& item : exceptions) {
      YamlMap em(item, file, kCatalogDomain, ctx + " spec_exceptions");
      SpecException ex;
      ex.check = em.enumOr("check", {"path", "scopes", "params", "body", "version", "lookup"}, "");
      if (ex.check.empty()) em.fail("check", "missing required key 'check'");
      ex.reason = em.requiredString("reason");
      em.rejectUnknown();
      op.specExceptions.push_back(ex);
    }
  }
}

Operation parseOperation(const YAML::Node& node, const std::string& file, const App& app,
                         const Category& category) {
  std::string ctx = "op";
  // A missing key reads as an invalid node, which throws on IsScalar(): ask IsDefined() first.
  if (node.IsMap() && node["id"].IsDefined() && node["id"].IsScalar())
    ctx = "op " + node["id"].Scalar();
  YamlMap map(node, file, kCatalogDomain, ctx);
  Operation op;
  op.app = app.id;
  op.category = category.id;
  op.where = map.where();
  op.id = map.requiredString("id");
  static const std::regex idRe("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*");
  if (!std::regex_match(op.id, idRe) || op.id.rfind(category.id + ".", 0) != 0)
    map.fail("id", "id '" + op.id + "' must be " + category.id + ".<snake_case_name>");
  op.name = map.requiredString("name");
  op.aliases = map.stringList("aliases");
  op.kind =
      map.enumOr("kind", {"trigger", "action"}, "") == "trigger" ? OpKind::Trigger : OpKind::Action;
  if (!map.has("kind")) map.fail("kind", "missing required key 'kind' (trigger or action)");
  op.description = map.requiredString("description");
  op.status = map.enumOr("status", {"stable", "beta", "deprecated"}, "stable");
  op.scopes = map.stringList("scopes");

  parseOpInputs(map, file, ctx, op);
  parseOpRequest(map, file, ctx, app, op);
  op.idempotent =
      map.boolOr("idempotent", op.request.method == "GET" || op.request.method == "PUT" ||
                                   op.request.method == "DELETE");
  parseOpLookup(map, file, ctx, op);
  parseOpTriggerFields(map, file, ctx, app, op);
  parseOpSpecExceptions(map, file, ctx, op);
  map.rejectUnknown();
  return op;
}

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
  const YAML::Node conn = map.get("connection");
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

void parseAppYaml(App& app, const std::string& file) {
  const YAML::Node root = loadYamlFile(file, kCatalogDomain);
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
  const YAML::Node pags = map.get("paginations");
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

}  // namespace

const char* toString(OpKind kind) {
  return kind == OpKind::Trigger ? "trigger" : "action";
}
const char* toString(InputLocation in) {
  return in == InputLocation::Path ? "path" : in == InputLocation::Body ? "body" : "query";
}
const char* toString(ValueType type) {
  switch (type) {
    case ValueType::Integer:
      return "integer";
    case ValueType::Number:
      return "number";
    case ValueType::Boolean:
      return "boolean";
    case ValueType::Object:
      return "object";
    case ValueType::Array:
      return "array";
    default:
      return "string";
  }
}
const char* toString(DetectMode mode) {
  return mode == DetectMode::Updated ? "updated" : mode == DetectMode::Changed ? "changed" : "new";
}
const char* toString(PaginationStyle style) {
  switch (style) {
    case PaginationStyle::Page:
      return "page";
    case PaginationStyle::Offset:
      return "offset";
    case PaginationStyle::Cursor:
      return "cursor";
    default:
      return "none";
  }
}

const InputSpec* Operation::input(const std::string& inputName) const {
  for (const auto& in : inputs)
    if (in.name == inputName) return &in;
  return nullptr;
}

bool Operation::hasSpecException(const std::string& check) const {
  for (const auto& e : specExceptions)
    if (e.check == check) return true;
  return false;
}

const Operation* App::find(const std::string& opId) const {
  for (const auto& op : operations)
    if (op.id == opId) return &op;
  return nullptr;
}

const SettingSpec* App::setting(const std::string& settingName) const {
  for (const auto& s : connection)
    if (s.name == settingName) return &s;
  return nullptr;
}

App Catalog::loadApp(const std::string& folder) {
  App app;
  app.folder = folder;
  const std::string appFile = (fs::path(folder) / "app.yaml").string();
  parseAppYaml(app, appFile);
  if (app.id != fs::path(folder).filename().string())
    throw CatalogError({appFile, 1, 1},
                       "app '" + app.id + "' must live in a folder named '" + app.id + "'");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().extension() == ".yaml" && entry.path().filename() != "app.yaml")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::set<std::string> ids;
  for (const auto& path : files) {
    const std::string file = path.string();
    const YAML::Node root = loadYamlFile(file, kCatalogDomain);
    YamlMap map(root, file, kCatalogDomain, "category");
    Category category;
    category.file = file;
    category.id = map.requiredString("category");
    if (category.id != path.stem().string())
      map.fail("category", "category '" + category.id + "' must be the file name '" +
                               path.stem().string() + "'");
    category.name = map.requiredString("name");
    const YAML::Node ops = map.get("operations");
    if (!ops.IsSequence() || ops.size() == 0)
      map.fail("operations", "'operations': expected a non-empty list of operations");
    map.rejectUnknown();
    for (const auto& node : ops) {
      Operation op = parseOperation(node, file, app, category);
      if (!ids.insert(op.id).second)
        throw CatalogError(op.where, "duplicate operation id '" + op.id + "' in app " + app.id);
      app.operations.push_back(std::move(op));
    }
    app.categories.push_back(category);
  }
  for (const auto& op : app.operations) {
    if (!op.lookup) continue;
    const LookupSpec& lookup = *op.lookup;
    const Operation* target = app.find(lookup.op);
    if (!target)
      throw CatalogError(lookup.where,
                         "op " + op.id + ": lookup names unknown operation '" + lookup.op + "'");
    // The lookup's `with` gives the target's inputs by name: an unknown one would be dropped
    // silently, a missing required one would fail every lookup.
    for (const auto& [name, where] : lookup.withKeys)
      if (!target->input(name))
        throw CatalogError(
            where, "op " + op.id + ": lookup input '" + name + "' is not an input of " + lookup.op);
    for (const auto& in : target->inputs) {
      if (!in.required || in.defaultValue) continue;
      bool given = false;
      for (const auto& key : lookup.withKeys) given = given || key.first == in.name;
      if (!given)
        throw CatalogError(lookup.where, "op " + op.id + ": lookup must give " + lookup.op +
                                             "'s required input '" + in.name + "' in 'with'");
    }
  }
  return app;
}

Catalog Catalog::load(const std::string& root) {
  if (!fs::is_directory(root)) throw CatalogError({root, 0, 0}, "catalog folder not found");
  Catalog catalog;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory() && fs::exists(entry.path() / "app.yaml"))
      folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) catalog.apps_.push_back(loadApp(folder.string()));
  if (catalog.apps_.empty()) throw CatalogError({root, 0, 0}, "no app folder with an app.yaml");
  return catalog;
}

const App* Catalog::app(const std::string& id) const {
  for (const auto& a : apps_)
    if (a.id == id) return &a;
  return nullptr;
}

const Operation* Catalog::find(const std::string& fullId) const {
  const size_t dot = fullId.find('.');
  if (dot == std::string::npos) return nullptr;
  const App* a = app(fullId.substr(0, dot));
  return a ? a->find(fullId.substr(dot + 1)) : nullptr;
}

size_t Catalog::operationCount() const {
  size_t n = 0;
  for (const auto& a : apps_) n += a.operations.size();
  return n;
}

namespace {
size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::vector<std::string> Catalog::suggest(const std::string& fullId, size_t limit) const {
  std::vector<std::pair<size_t, std::string>> scored;
  for (const auto& a : apps_)
    for (const auto& op : a.operations) {
      const std::string id = op.fullId();
      size_t d = editDistance(fullId, id);
      if (id.find(fullId) != std::string::npos) d = std::min<size_t>(d, 1);
      scored.emplace_back(d, id);
    }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (const auto& s : scored) {
    if (out.size() >= limit || s.first > std::max<size_t>(6, fullId.size() / 2)) break;
    out.push_back(s.second);
  }
  return out;
}

std::string Catalog::defaultRoot() {
  if (const char* env = std::getenv("SLUICE_CATALOG")) return env;
  if (fs::is_directory("catalog") && fs::exists("catalog/ghl/app.yaml")) return "catalog";
  return std::string(SLUICE_SOURCE_DIR) + "/catalog";
}

}  // namespace sluice
