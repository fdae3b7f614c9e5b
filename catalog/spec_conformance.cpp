#include "catalog/spec_conformance.h"
#include "catalog/spec_index.h"
#include "catalog/spec_request_rules.h"
#include "catalog/spec_schema_paths.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/json.h"

namespace fs = std::filesystem;

namespace sluice {

using spec_paths::isArraySchema;
using spec_paths::isObjectSchema;
using spec_paths::pointerSegments;
using spec_paths::schemaAt;
using spec_paths::successSchema;

SpecConformance::SpecConformance(std::string specsRoot) : root_(std::move(specsRoot)) {}
SpecConformance::~SpecConformance() = default;

SpecIndex& SpecConformance::indexFor(const App& app) {
  for (auto& [id, index] : indexes_)
    if (id == app.id) return *index;
  const fs::path where = fs::path(root_) / app.spec;
  if (app.spec.empty() || !fs::exists(where))
    throw CatalogError({app.folder + "/app.yaml", 0, 0},
                       "spec '" + where.string() + "' not found for app " + app.id);
  indexes_.emplace_back(app.id, SpecIndex::load(where.string()));
  return *indexes_.back().second;
}

namespace {

// Required property names of a body schema, following $ref and allOf.
void requiredProperties(const JsonDoc& doc, const JsonValue* schema, std::set<std::string>& out,
                        int depth = 0) {
  schema = spec_rules::resolveRef(doc, schema);
  if (!schema || !schema->IsObject() || depth > 8) return;
  auto req = schema->FindMember("required");
  if (req != schema->MemberEnd() && req->value.IsArray())
    for (const auto& r : req->value.GetArray())
      if (r.IsString()) out.insert(r.GetString());
  auto all = schema->FindMember("allOf");
  if (all != schema->MemberEnd() && all->value.IsArray())
    for (const auto& part : all->value.GetArray()) requiredProperties(doc, &part, out, depth + 1);
}

std::string headerValue(const Operation& op, const App& app, const std::string& name) {
  for (const auto& h : op.request.headers)
    if (h.first == name) return h.second.source();
  for (const auto& h : app.headers)
    if (h.first == name) return h.second.source();
  return "";
}

bool hasFixedMember(const ValueTemplate& tree, const std::string& name) {
  for (const auto& m : tree.members())
    if (m.first == name) return true;
  return false;
}

bool hasBodyInput(const Operation& op, const std::string& name) {
  for (const auto& in : op.inputs) {
    if (in.in != InputLocation::Body) continue;
    const std::string& wire = in.wireName();
    if (wire == name || wire == "/" + name || wire.rfind("/" + name + "/", 0) == 0) return true;
  }
  return false;
}

}  // namespace

void SpecConformance::checkLookup(const App& app, const Operation& op,
                                  std::vector<ConformanceFinding>& findings) {
  if (!op.lookup) return;
  const LookupSpec& lookup = *op.lookup;
  auto report = [&](const std::string& message) {
    ConformanceFinding f{op.fullId(), "lookup", message, lookup.where, false, ""};
    for (const auto& e : op.specExceptions)
      if (e.check == "lookup") {
        f.excused = true;
        f.reason = e.reason;
      }
    findings.push_back(f);
  };
  // The templates may only read what the create was sent: its inputs.
  auto onlyInputs = [&](const TemplateExpr& e, const std::string& where) {
    if (e.path.size() < 2 || e.path[0] != "inputs" || !op.input(e.path[1]))
      report(where + " template '{{" + e.source + "}}' does not name an input of " + op.id);
  };
  lookup.with.forEachExpression(
      [&](const TemplateExpr& e, const SourceLocation&) { onlyInputs(e, "with"); });
  for (const auto& [pointer, t] : lookup.match)
    for (const auto& e : t.expressions()) onlyInputs(e, "match " + pointer);

  // `result`: where the action's own 2xx answer holds the record.
  if (!lookup.result.empty()) {
    const SpecIndex::Entry* own = indexFor(app).find(op.request.method, op.request.path);
    const JsonValue* answer = own ? successSchema(*own->doc, *own->op) : nullptr;
    if (!answer)
      report("result '" + lookup.result + "': " + op.request.method + " " + op.request.path +
             " documents no 2xx JSON response schema");
    else if (!schemaAt(*own->doc, answer, lookup.result))
      report("result '" + lookup.result + "' is not in the 2xx response schema of " +
             op.request.method + " " + own->path);
  }
  checkLookupRecords(app, op, report);
}

void SpecConformance::checkLookupRecords(const App& app, const Operation& op,
                                         const std::function<void(const std::string&)>& report) {
  const LookupSpec& lookup = *op.lookup;
  const Operation* target = app.find(lookup.op);
  if (!target) {
    report("lookup names unknown operation '" + lookup.op + "'");
    return;
  }
  for (const auto& m : lookup.with.members())
    if (!target->input(m.first)) report("with '" + m.first + "' is not an input of " + lookup.op);
  if (target->request.method != "GET") {
    report(lookup.op + " is " + target->request.method + " " + target->request.path +
           "; a lookup must be a GET (it only reads)");
    return;
  }
  const SpecIndex::Entry* entry = indexFor(app).find("GET", target->request.path);
  if (!entry) {
    report("GET " + target->request.path + " (" + lookup.op + ") is not in the spec");
    return;
  }
  const std::string where = "GET " + entry->path;
  const JsonValue* response = successSchema(*entry->doc, *entry->op);
  if (!response) {
    report(where + " documents no 2xx JSON response schema: records '" + lookup.records +
           "' and the match fields cannot be checked");
    return;
  }
  const JsonValue* records = lookup.records.empty()
                                 ? spec_rules::resolveRef(*entry->doc, response)
                                 : schemaAt(*entry->doc, response, lookup.records);
  if (!records) {
    report("records '" + lookup.records + "' is not in the 2xx response schema of " + where);
    return;
  }
  const JsonValue* record = nullptr;
  if (isArraySchema(*entry->doc, records))
    record = jsonAt(*records, "/items");
  else if (isObjectSchema(*entry->doc, records))
    record = records;
  if (!record) {
    report("records '" + lookup.records + "' of " + where +
           " is neither an array nor an object with properties");
    return;
  }
  for (const auto& [pointer, t] : lookup.match)
    if (!schemaAt(*entry->doc, record, pointer))
      report("match '" + pointer + "' is not a property of the records of " + where);
  // A sent field the record does not have could never match: the call would always be sent
  // again after an interruption (list it under `except`).
  for (const auto& name : lookup.sentInputs) {
    const std::string& wire = op.input(name)->wireName();
    if (!schemaAt(*entry->doc, record, wire[0] == '/' ? wire : "/" + wire))
      report("sent input '" + name + "' is not a property of the records of " + where);
  }
}

std::vector<ConformanceFinding> SpecConformance::checkLookups(const App& app) {
  std::vector<ConformanceFinding> findings;
  for (const auto& op : app.operations) checkLookup(app, op, findings);
  return findings;
}

namespace {

// One operation's findings, each excused when the catalog names a reasoned exception for it
// (the operation's own, or its app's).
class OpFindings {
 public:
  OpFindings(const App& app, const Operation& op, std::vector<ConformanceFinding>& out)
      : app_(app), op_(op), out_(out) {}
  void report(const std::string& check, const std::string& message) {
    ConformanceFinding f{op_.fullId(), check, message, op_.where, false, ""};
    for (const auto* exceptions : {&app_.specExceptions, &op_.specExceptions})
      for (const auto& e : *exceptions)
        if (e.check == check) {
          f.excused = true;
          f.reason = e.reason;
        }
    out_.push_back(f);
  }

 private:
  const App& app_;
  const Operation& op_;
  std::vector<ConformanceFinding>& out_;
};

// Scopes: the union of every security requirement's scope list.
void checkSpecScopes(const Operation& op, const JsonValue& specOp, OpFindings& findings) {
  std::set<std::string> specScopes;
  if (const JsonValue* security = jsonAt(specOp, "/security"); security && security->IsArray())
    for (const auto& req : security->GetArray())
      if (req.IsObject())
        for (const auto& scheme : req.GetObject())
          if (scheme.value.IsArray())
            for (const auto& s : scheme.value.GetArray())
              if (s.IsString()) specScopes.insert(s.GetString());
  const std::set<std::string> ourScopes(op.scopes.begin(), op.scopes.end());
  if (!specScopes.empty() && specScopes != ourScopes) {
    std::string want;
    for (const auto& s : specScopes) want += (want.empty() ? "" : ", ") + s;
    findings.report("scopes", "scopes differ from the spec's [" + want + "]");
  } else if (specScopes.empty() && op.hasSpecException("scopes")) {
    findings.report("scopes", "the spec declares no scopes for this operation");
  }
}

// The Version header the operation sends against the spec's allowed values.
void checkVersionHeader(const App& app, const Operation& op, const JsonValue& param,
                        OpFindings& findings) {
  const JsonValue* allowed = jsonAt(param, "/schema/enum");
  if (!allowed || !allowed->IsArray()) return;
  const std::string ours = headerValue(op, app, "Version");
  bool ok = false;
  std::string list;
  for (const auto& v : allowed->GetArray())
    if (v.IsString()) {
      ok = ok || ours == v.GetString();
      list += (list.empty() ? "" : ", ") + std::string(v.GetString());
    }
  if (!ok)
    findings.report("version",
                    "Version header '" + ours + "' is not one of the spec's [" + list + "]");
}

// A required query parameter or header the operation does not send.
void checkRequiredParam(const App& app, const Operation& op, const std::string& name,
                        const std::string& in, OpFindings& findings) {
  if (in == "header") {
    if (name != "Authorization" && headerValue(op, app, name).empty())
      findings.report("params", "required header '" + name + "' is not set");
    return;
  }
  if (in != "query") return;  // path parameters are matched by position
  const InputSpec* input = nullptr;
  for (const auto& i : op.inputs)
    if (i.in == InputLocation::Query && i.wireName() == name) input = &i;
  if (!input && !hasFixedMember(op.request.query, name))
    findings.report("params", "required query parameter '" + name +
                                  "' is neither an input nor fixed in request.query");
}

void checkSpecParams(const App& app, const Operation& op, const JsonDoc& doc,
                     const JsonValue& specOp, OpFindings& findings) {
  const JsonValue* params = jsonAt(specOp, "/parameters");
  if (!params || !params->IsArray()) return;
  for (const auto& raw : params->GetArray()) {
    const JsonValue* p = spec_rules::resolveRef(doc, &raw);
    if (!p || !p->IsObject() || !p->HasMember("name") || !p->HasMember("in")) continue;
    const std::string name = (*p)["name"].GetString();
    const std::string in = (*p)["in"].GetString();
    const bool required =
        p->HasMember("required") && (*p)["required"].IsBool() && (*p)["required"].GetBool();
    if (in == "header" && name == "Version")
      checkVersionHeader(app, op, *p, findings);
    else if (required)
      checkRequiredParam(app, op, name, in, findings);
  }
}

void checkSpecBody(const Operation& op, const JsonDoc& doc, const JsonValue& specOp,
                   OpFindings& findings) {
  const JsonValue* content = jsonAt(specOp, "/requestBody/content");
  if (!content || !content->IsObject()) return;
  const JsonValue* schema = nullptr;
  for (const char* type : {"application/json", "application/x-www-form-urlencoded"})
    if (content->HasMember(type)) schema = jsonAt((*content)[type], "/schema");
  std::set<std::string> required;
  if (schema) requiredProperties(doc, schema, required);
  for (const auto& name : required)
    if (!hasBodyInput(op, name) && !hasFixedMember(op.request.body, name))
      findings.report("body", "required body field '" + name +
                                  "' is neither an input nor fixed in request.body");
}

}  // namespace

std::vector<ConformanceFinding> SpecConformance::check(const App& app) {
  SpecIndex& index = indexFor(app);
  std::vector<ConformanceFinding> out;
  for (const auto& op : app.operations) {
    OpFindings findings(app, op, out);
    checkLookup(app, op, out);
    const SpecIndex::Entry* entry = index.find(op.request.method, op.request.path);
    if (!entry) {
      findings.report("path", op.request.method + " " + op.request.path + " is not in the spec");
      continue;
    }
    checkSpecScopes(op, *entry->op, findings);
    checkSpecParams(app, op, *entry->doc, *entry->op, findings);
    // Path parameters by position: the spec's placeholders and ours must pair up.
    if (normalizeSpecPath(op.request.path) != normalizeSpecPath(entry->path))
      findings.report("path", "path differs from the spec's " + entry->path);
    checkSpecBody(op, *entry->doc, *entry->op, findings);
    const spec_rules::Report report = [&](const std::string& check, const std::string& message) {
      findings.report(check, message);
    };
    spec_rules::checkBodyRequired(op, *entry->op, report);
    spec_rules::checkQueryDeclared(op, *entry->doc, *entry->op, report);
    spec_rules::checkBodyDeclared(op, *entry->doc, *entry->op, report);
    spec_rules::checkHeadersDeclared(app, op, *entry->doc, *entry->op, report);
  }
  return out;
}

}  // namespace sluice
