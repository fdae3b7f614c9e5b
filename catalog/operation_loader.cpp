// One operation of a category file: inputs, request, lookup, trigger fields, spec exceptions.
#include "catalog/loader_parts.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <regex>
#include <set>

#include "core/duration.h"
#include "core/iso_time.h"
#include "core/json.h"

namespace sluice {
namespace catalog_loader {

InputSpec parseInput(const YamlNode& node, const std::string& file, const std::string& ctx) {
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
  const YamlNode inputs = map.get("inputs");
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
// request.preset: the app's request presets (app.yaml request_presets) under the request's
// own query and body; the request's own parameters win, then the presets in the order named.
void applyRequestPresets(YamlMap& req, const App& app, RequestSpec& request) {
  for (const auto& name : req.stringList("preset")) {
    const auto it = app.requestPresets.find(name);
    if (it == app.requestPresets.end()) {
      req.fail("preset", "unknown request preset '" + name +
                             "' (app.yaml has: " + keyList(app.requestPresets) + ")");
    }
    request.query = ValueTemplate::overlay(it->second.query, request.query);
    request.body = ValueTemplate::overlay(it->second.body, request.body);
  }
}

// and every path input a placeholder; templates name only inputs and connection settings.
void parseOpRequest(YamlMap& map, const std::string& file, const std::string& ctx, const App& app,
                    Operation& op) {
  const YamlNode reqNode = map.get("request");
  if (!reqNode.IsDefined()) map.fail("request", "missing required key 'request'");
  YamlMap req(reqNode, file, kCatalogDomain, ctx);
  op.request.method = req.enumOr("method", {"GET", "POST", "PUT", "PATCH", "DELETE"}, "");
  if (op.request.method.empty()) req.fail("method", "missing required key 'method'");
  op.request.path = req.requiredString("path");
  if (op.request.path.empty() || op.request.path[0] != '/')
    req.fail("path", "path must start with '/', found '" + op.request.path + "'");
  op.request.query = ValueTemplate::fromYaml(req.get("query"), file, kCatalogDomain);
  op.request.body = ValueTemplate::fromYaml(req.get("body"), file, kCatalogDomain);
  applyRequestPresets(req, app, op.request);
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

// A lookup's `sent`: which body inputs the found record must hold as sent (`inputs`, default
// every body input, less `except`) and how an array compares (`arrays: equal | contain`).
void parseLookupSent(YamlMap& lm, const std::string& file, const std::string& ctx,
                     const Operation& op, LookupSpec& lookup) {
  if (!lm.has("sent")) {
    lm.get("sent");
    return;
  }
  YamlMap sm(lm.get("sent"), file, kCatalogDomain, ctx + " lookup sent");
  const std::vector<std::string> only = sm.stringList("inputs");
  const std::vector<std::string> except = sm.stringList("except");
  lookup.sentArraysContain = sm.enumOr("arrays", {"equal", "contain"}, "equal") == "contain";
  sm.rejectUnknown();
  for (const auto* names : {&only, &except})
    for (const auto& name : *names) {
      const InputSpec* in = op.input(name);
      if (!in || in->in != InputLocation::Body)
        sm.fail(names == &only ? "inputs" : "except",
                "'" + name + "' is not a body input of " + op.id);
    }
  auto listed = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const auto& in : op.inputs)
    if (in.in == InputLocation::Body && (only.empty() || listed(only, in.name)) &&
        !listed(except, in.name))
      lookup.sentInputs.push_back(in.name);
  if (lookup.sentInputs.empty()) sm.fail("inputs", "no body input of " + op.id + " to compare");
}

// A lookup's `match`: record pointer -> template of this action's inputs.
void parseLookupMatch(YamlMap& lm, const std::string& file, const std::string& ctx,
                      const Operation& op, LookupSpec& lookup) {
  const YamlNode match = lm.get("match");
  if (!match.IsDefined() && !lookup.sentInputs.empty()) return;  // `sent` says what matches
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
  for (const auto& [pointer, t] : lookup.match)
    for (const auto& e : t.expressions())
      if (e.path[0] != "inputs" || e.path.size() < 2 || !op.input(e.path[1]))
        mm.fail(pointer, "template '{{" + e.source + "}}' must name an input of " + op.id);
}

// lookup: how to find what an interrupted call of this action made.
void parseOpLookup(YamlMap& map, const std::string& file, const std::string& ctx, Operation& op) {
  if (map.has("lookup")) {
    YamlMap lm(map.get("lookup"), file, kCatalogDomain, ctx + " lookup");
    LookupSpec lookup;
    lookup.where = lm.where();
    lookup.op = lm.requiredString("op");
    const YamlNode with = lm.get("with");
    if (with.IsDefined() && !with.IsNull() && !with.IsMap())
      lm.failAt(with, "'with': expected a map of the lookup operation's inputs");
    if (with.IsMap())
      for (const auto& kv : with)
        lookup.withKeys.emplace_back(kv.first.Scalar(), yamlLocation(file, kv.first));
    lookup.with = ValueTemplate::fromYaml(with, file, kCatalogDomain);
    lookup.records = pointerOr(lm, "records", true);
    lookup.result = pointerOr(lm, "result", false);
    parseLookupSent(lm, file, ctx, op, lookup);
    parseLookupMatch(lm, file, ctx, op, lookup);
    lm.rejectUnknown();
    // Both read only what the action was sent: its inputs.
    lookup.with.forEachExpression([&](const TemplateExpr& e, const SourceLocation& where) {
      if (e.path[0] != "inputs" || e.path.size() < 2 || !op.input(e.path[1]))
        throw CatalogError(where, ctx + " lookup with: template '{{" + e.source +
                                      "}}' must name an input of " + op.id);
    });
    if (op.kind != OpKind::Action)
      lm.fail("op", "a lookup is for actions (it finds what an interrupted call made)");
    // Finding an upsert's record shows nothing: it existed before. Only the values it sent,
    // found in the record, show that the call landed.
    if (op.idempotent && lookup.sentInputs.empty())
      lm.fail("op", "op " + op.id +
                        " is idempotent: its lookup must compare what the call sent (`sent:`), "
                        "since the record may have existed before the call");
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
    w.format =
        wm.enumOr("format", {std::begin(kInstantFormats), std::end(kInstantFormats)}, "epoch_ms");
    w.backMs = static_cast<int64_t>(parseDuration(wm, "back") * 1000);
    w.aheadMs = static_cast<int64_t>(parseDuration(wm, "ahead") * 1000);
    wm.rejectUnknown();
    op.window = w;
  } else {
    map.get("window");
  }
}

// since: an incremental poll's start, from the watermark of the order_by field.
void parseOpSince(YamlMap& map, const std::string& file, const std::string& ctx, Operation& op) {
  if (!map.has("since")) {
    map.get("since");
    return;
  }
  YamlMap sm(map.get("since"), file, kCatalogDomain, ctx + " since");
  SinceFilter s;
  s.input = sm.requiredString("input");
  if (!op.input(s.input)) sm.fail("input", "since names unknown input '" + s.input + "'");
  s.format =
      sm.enumOr("format", {std::begin(kInstantFormats), std::end(kInstantFormats)}, "epoch_ms");
  s.backMs = static_cast<int64_t>(parseDuration(sm, "back") * 1000);
  sm.rejectUnknown();
  if (op.orderBy.empty())
    sm.fail("input", "since needs order_by: the watermark is the newest order_by value seen");
  // A filter on creation time never lists an old record's change again.
  if (op.detect != DetectMode::New && op.orderBy != op.version)
    sm.fail("input", "since on a trigger that detects changes needs order_by to be its version");
  op.since = s;
}

void parseOpPagination(YamlMap& map, const std::string& file, const std::string& ctx,
                       const App& app, Operation& op) {
  const YamlNode pag = map.get("paginate");
  if (!pag.IsDefined() || pag.IsNull()) {
    // No pagination: the first page is all a poll reads (op.paginate stays style none).
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

// What only triggers have: records, id, detection, order, window, pagination, since.
void parseOpTriggerFields(YamlMap& map, const std::string& file, const std::string& ctx,
                          const App& app, Operation& op) {
  const bool trigger = op.kind == OpKind::Trigger;
  for (const char* key : {"records", "shape", "record_id", "detect", "version", "order_by", "order",
                          "paginate", "window", "since", "full_sweep"})
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
    parseOpSince(map, file, ctx, op);
    op.fullSweep = map.stringOr("full_sweep", "");
    // A poll's cost should follow what is new: a trigger that cannot ask for only that says why.
    if (op.needsFullSweepReason() && op.fullSweep.empty())
      map.fail("detect",
               "op " + op.id +
                   " reads its whole list on every poll: ask for only what is new "
                   "(order_by with order: desc, since, or window), or say why the API cannot with "
                   "full_sweep: <reason>");
    if (!op.needsFullSweepReason() && !op.fullSweep.empty())
      map.fail("full_sweep", "op " + op.id +
                                 " reads only what is new; full_sweep is for "
                                 "list triggers of new records that read their whole list");
  }
}

std::vector<SpecException> parseSpecExceptions(YamlMap& map, const std::string& file,
                                               const std::string& ctx) {
  std::vector<SpecException> out;
  const YamlNode exceptions = map.get("spec_exceptions");
  if (exceptions.IsDefined() && !exceptions.IsNull()) {
    if (!exceptions.IsSequence())
      map.failAt(exceptions, "'spec_exceptions': expected a list of {check, reason}");
    for (const auto& item : exceptions) {
      YamlMap em(item, file, kCatalogDomain, ctx + " spec_exceptions");
      SpecException ex;
      ex.check = em.enumOr(
          "check", {"path", "scopes", "params", "headers", "body", "version", "lookup"}, "");
      if (ex.check.empty()) em.fail("check", "missing required key 'check'");
      ex.reason = em.requiredString("reason");
      em.rejectUnknown();
      out.push_back(ex);
    }
  }
  return out;
}

Operation parseOperation(const YamlNode& node, const std::string& file, const App& app,
                         const Category& category) {
  const std::string ctx = yamlLabel(node, "id", "op");
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
  op.specExceptions = parseSpecExceptions(map, file, ctx);
  map.rejectUnknown();
  return op;
}

}  // namespace catalog_loader
}  // namespace sluice
