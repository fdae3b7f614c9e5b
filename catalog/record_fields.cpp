#include "catalog/record_fields.h"

#include "catalog/spec_request_rules.h"
#include "catalog/spec_schema_paths.h"
#include "core/error.h"
#include "core/text.h"

namespace sluice {

namespace {

bool isTrue(const JsonValue* v) {
  return v && ((v->IsBool() && v->GetBool()) || (v->IsObject() && v->MemberCount() > 0));
}

bool isScalarType(const JsonValue& schema) {
  const JsonValue* type = jsonAt(schema, "/type");
  if (!type || !type->IsString()) return false;
  const std::string t = type->GetString();
  return t == "string" || t == "integer" || t == "number" || t == "boolean";
}

void mergeInto(const JsonDoc& doc, const JsonValue* schema, int depth, RecordFields& out,
               bool& sawShape);

bool mixesValueAndObject(const JsonDoc& doc, const JsonValue& parts) {
  bool value = false, object = false;
  for (const auto& part : parts.GetArray()) {
    const JsonValue* p = spec_rules::resolveRef(doc, &part);
    if (!p || !p->IsObject()) continue;
    value = value || isScalarType(*p);
    object = object || spec_paths::isObjectSchema(doc, p);
  }
  return value && object;
}

void mergeProperties(const JsonDoc& doc, const JsonValue& schema, int depth, RecordFields& out,
                     bool& sawShape) {
  if (const JsonValue* props = jsonAt(schema, "/properties"); props && props->IsObject()) {
    sawShape = true;
    for (const auto& p : props->GetObject()) {
      RecordFields child = recordFieldsOf(doc, &p.value, depth + 1);
      RecordFields& into = out.fields[p.name.GetString()];
      into.open = into.open || child.open;
      for (auto& [name, f] : child.fields) into.fields.emplace(name, std::move(f));
    }
  }
  if (isTrue(jsonAt(schema, "/additionalProperties"))) out.open = true;
  for (const char* combinator : {"/allOf", "/oneOf", "/anyOf"}) {
    const JsonValue* parts = jsonAt(schema, combinator);
    if (!parts || !parts->IsArray()) continue;
    if (std::string(combinator) != "/allOf" && mixesValueAndObject(doc, *parts)) {
      // An id or the object it names (Stripe's expandable fields): which one comes depends on
      // the request, so any name may follow.
      sawShape = true;
      out.open = true;
      continue;
    }
    for (const auto& part : parts->GetArray()) mergeInto(doc, &part, depth, out, sawShape);
  }
}

void mergeInto(const JsonDoc& doc, const JsonValue* schema, int depth, RecordFields& out,
               bool& sawShape) {
  schema = spec_rules::resolveRef(doc, schema);
  if (!schema || !schema->IsObject()) {
    out.open = true;  // another file's $ref, or no schema: nothing to hold a name against
    return;
  }
  if (spec_paths::isArraySchema(doc, schema)) {
    if (const JsonValue* items = jsonAt(*schema, "/items"))
      return mergeInto(doc, items, depth, out, sawShape);
    out.open = true;
    return;
  }
  if (isScalarType(*schema)) {
    sawShape = true;
    return;
  }
  mergeProperties(doc, *schema, depth, out, sawShape);
}

}  // namespace

RecordFields recordFieldsOf(const JsonDoc& doc, const JsonValue* schema, int depth) {
  RecordFields out;
  if (depth >= kRecordFieldsDepth) {
    out.open = true;
    return out;
  }
  bool sawShape = false;
  mergeInto(doc, schema, depth, out, sawShape);
  // An object whose names the spec does not list (free-form, custom fields) takes any name.
  if (!sawShape) out.open = true;
  return out;
}

std::map<std::string, RecordFields> recordFieldsOfApp(const App& app, const SpecIndex& spec) {
  std::map<std::string, RecordFields> out;
  for (const auto& op : app.operations) {
    const SpecIndex::Entry* entry = spec.find(op.request.method, op.request.path);
    if (!entry) continue;
    const JsonValue* answer = spec_paths::successSchema(*entry->doc, *entry->op);
    if (op.kind == OpKind::Trigger && answer && !op.records.empty())
      answer = spec_paths::schemaAt(*entry->doc, answer, op.records);
    RecordFields fields;
    if (answer)
      fields = recordFieldsOf(*entry->doc, answer);
    else
      fields.open = true;
    out[op.fullId()] = std::move(fields);
  }
  return out;
}

std::string recordFieldsJsonFromSpec(const App& app, const std::string& specsRoot) {
  const auto spec = SpecIndex::load(specsRoot + "/" + app.spec);
  return recordFieldsJson(recordFieldsOfApp(app, *spec));
}

namespace {

void writeFields(const RecordFields& f, JsonValue& out, JsonAlloc& a) {
  if (f.fields.empty()) {
    out = f.open ? JsonValue("*", a) : JsonValue(0);
    return;
  }
  out.SetObject();
  if (f.open) out.AddMember("*", JsonValue("*", a), a);
  for (const auto& [name, child] : f.fields) {
    JsonValue v;
    writeFields(child, v, a);
    out.AddMember(JsonValue(name.c_str(), a), v, a);
  }
}

RecordFields readFields(const JsonValue& v) {
  RecordFields f;
  if (v.IsString()) f.open = true;
  if (!v.IsObject()) return f;
  for (const auto& m : v.GetObject()) {
    const std::string name = m.name.GetString();
    if (name == "*")
      f.open = true;
    else
      f.fields[name] = readFields(m.value);
  }
  return f;
}

}  // namespace

std::string recordFieldsJson(const std::map<std::string, RecordFields>& byOp) {
  JsonDoc doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  for (const auto& [op, fields] : byOp) {
    JsonValue v;
    writeFields(fields, v, a);
    doc.AddMember(JsonValue(op.c_str(), a), v, a);
  }
  std::string text;
  for (const auto& m : doc.GetObject())  // one operation per line: small diffs when regenerated
    text += (text.empty() ? "{\n" : ",\n") + toJson(JsonValue(m.name, a)) + ": " + toJson(m.value);
  return text + "\n}\n";
}

std::map<std::string, RecordFields> parseRecordFieldsJson(const std::string& text) {
  JsonDoc doc;
  if (auto err = parseJson(text, doc)) throw Error("records.json: " + *err);
  std::map<std::string, RecordFields> out;
  if (!doc.IsObject()) throw Error("records.json: expected an object of operations");
  for (const auto& m : doc.GetObject()) out[m.name.GetString()] = readFields(m.value);
  return out;
}

std::optional<FieldMiss> missingField(const RecordFields& fields,
                                      const std::vector<std::string>& path, size_t from) {
  const RecordFields* at = &fields;
  for (size_t i = from; i < path.size(); ++i) {
    const std::string& seg = path[i];
    if (at->open || at->leaf()) return std::nullopt;
    if (!seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos) continue;
    const auto it = at->fields.find(seg);
    if (it == at->fields.end()) {
      std::vector<std::string> names;
      for (const auto& [name, f] : at->fields) names.push_back(name);
      return FieldMiss{i, closestMatch(seg, names)};
    }
    at = &it->second;
  }
  return std::nullopt;
}

}  // namespace sluice
