#include "catalog/spec_samples.h"

#include "catalog/spec_request_rules.h"

namespace sluice::test {
namespace {

bool hasKey(const JsonValue& v, const char* key) {
  return v.IsObject() && v.HasMember(key);
}

std::string schemaType(const JsonValue& s) {
  const JsonValue* t = jsonAt(s, "/type");
  return t && t->IsString() ? t->GetString() : "";
}

// Whether a schema (not a combination) takes a value of the catalog's type.
bool takesType(const JsonValue& s, ValueType type) {
  const std::string t = schemaType(s);
  switch (type) {
    case ValueType::String:
      return t == "string" || (t.empty() && hasKey(s, "enum"));
    case ValueType::Integer:
      return t == "integer";
    case ValueType::Number:
      return t == "number" || t == "integer";
    case ValueType::Boolean:
      return t == "boolean";
    case ValueType::Object:
      return t == "object" || hasKey(s, "properties") || hasKey(s, "additionalProperties");
    case ValueType::Array:
      return t == "array" || hasKey(s, "items");
  }
  return false;
}

// The schema (or anyOf/oneOf/allOf branch) that takes a value of `type`; nullptr when none
// does.
const JsonValue* branchFor(const JsonDoc& doc, const JsonValue* s, ValueType type) {
  s = spec_rules::resolveRef(doc, s);
  if (!s || !s->IsObject()) return nullptr;
  for (const char* combination : {"/anyOf", "/oneOf", "/allOf"})
    if (const JsonValue* parts = jsonAt(*s, combination); parts && parts->IsArray()) {
      for (const auto& part : parts->GetArray())
        if (const JsonValue* fit = branchFor(doc, &part, type)) return fit;
      return nullptr;
    }
  return takesType(*s, type) ? s : nullptr;
}

// The type a nested value should have: the first type the schema (or a branch) takes, other
// than the "" that unsets.
ValueType typeFor(const JsonDoc& doc, const JsonValue& s) {
  for (ValueType t : {ValueType::Object, ValueType::Array, ValueType::Integer, ValueType::Number,
                      ValueType::Boolean})
    if (branchFor(doc, &s, t)) return t;
  return ValueType::String;
}

JsonValue sample(const JsonDoc& doc, const JsonValue* schema, ValueType type, JsonAlloc& alloc,
                 int depth);

// An object the schema takes: its required properties, else its first scalar one, else one
// free key.
JsonValue sampleObject(const JsonDoc& doc, const JsonValue* s, JsonAlloc& alloc, int depth) {
  JsonValue obj(rapidjson::kObjectType);
  const JsonValue* props = s ? jsonAt(*s, "/properties") : nullptr;
  const JsonValue* required = s ? jsonAt(*s, "/required") : nullptr;
  const JsonValue* extra = s ? jsonAt(*s, "/additionalProperties") : nullptr;
  auto add = [&](const std::string& name, const JsonValue& sub) {
    obj.AddMember(jsonString(name, alloc), sample(doc, &sub, typeFor(doc, sub), alloc, depth + 1),
                  alloc);
  };
  if (props && props->IsObject() && required && required->IsArray() && !required->Empty()) {
    for (const auto& r : required->GetArray())
      if (props->HasMember(r)) add(r.GetString(), (*props)[r]);
  } else if (props && props->IsObject() && props->MemberCount() > 0) {
    for (const auto& p : props->GetObject())
      if (typeFor(doc, p.value) != ValueType::Object && typeFor(doc, p.value) != ValueType::Array) {
        add(p.name.GetString(), p.value);
        break;
      }
  } else if (extra && extra->IsObject()) {
    add("k", *extra);
  } else {
    obj.AddMember("k", "v", alloc);
  }
  return obj;
}

JsonValue sampleString(const JsonValue* s, JsonAlloc& alloc) {
  if (const JsonValue* values = s ? jsonAt(*s, "/enum") : nullptr; values && values->IsArray())
    for (const auto& v : values->GetArray())
      if (v.IsString() && v.GetStringLength() > 0) return jsonString(v.GetString(), alloc);
  const JsonValue* f = s ? jsonAt(*s, "/format") : nullptr;
  const std::string format = f && f->IsString() ? f->GetString() : "";
  if (format == "date-time") return jsonString("2024-03-10T15:00:00.000Z", alloc);
  if (format == "date") return jsonString("2024-03-10", alloc);
  if (format == "email") return jsonString("sample@example.com", alloc);
  if (format == "uri" || format == "url") return jsonString("https://example.com/", alloc);
  return jsonString(format == "decimal" ? "12.5" : "sample", alloc);
}

JsonValue sample(const JsonDoc& doc, const JsonValue* schema, ValueType type, JsonAlloc& alloc,
                 int depth) {
  const JsonValue* s = depth < 8 ? branchFor(doc, schema, type) : nullptr;
  const JsonValue* f = s ? jsonAt(*s, "/format") : nullptr;
  switch (type) {
    case ValueType::String:
      return sampleString(s, alloc);
    case ValueType::Integer:
      return JsonValue(f && f->IsString() && std::string(f->GetString()) == "unix-time" ? 1700000000
                                                                                        : 1);
    case ValueType::Number:
      return JsonValue(1.5);
    case ValueType::Boolean:
      return JsonValue(true);
    case ValueType::Object:
      return sampleObject(doc, s, alloc, depth);
    case ValueType::Array: {
      JsonValue arr(rapidjson::kArrayType);
      const JsonValue* items = s ? jsonAt(*s, "/items") : nullptr;
      arr.PushBack(items ? sample(doc, items, typeFor(doc, *items), alloc, depth + 1)
                         : jsonString("sample", alloc),
                   alloc);
      return arr;
    }
  }
  return JsonValue();
}

const JsonValue* bodySchema(const SpecIndex::Entry& e) {
  for (const char* type : {"/requestBody/content/application~1json/schema",
                           "/requestBody/content/application~1x-www-form-urlencoded/schema"})
    if (const JsonValue* s = jsonAt(*e.op, type)) return s;
  return nullptr;
}

}  // namespace

JsonValue sampleValue(const JsonDoc& doc, const JsonValue* schema, ValueType type,
                      JsonAlloc& alloc) {
  return sample(doc, schema, type, alloc, 0);
}

const JsonValue* inputSchema(const SpecIndex::Entry& e, const InputSpec& in) {
  if (in.in != InputLocation::Body) {
    const JsonValue* params = jsonAt(*e.op, "/parameters");
    if (!params || !params->IsArray()) return nullptr;
    for (const auto& raw : params->GetArray()) {
      const JsonValue* p = spec_rules::resolveRef(*e.doc, &raw);
      if (p && p->IsObject() && in.wireName() == jsonText((*p)["name"]) &&
          toString(in.in) == jsonText((*p)["in"]))
        return jsonAt(*p, "/schema");
    }
    return nullptr;
  }
  const JsonValue* s = bodySchema(e);
  const std::string& wire = in.wireName();
  for (const auto& seg : pathSegments(wire[0] == '/' ? wire.substr(1) : wire)) {
    const JsonValue* object = branchFor(*e.doc, s, ValueType::Object);
    const JsonValue* array = branchFor(*e.doc, s, ValueType::Array);
    if (object && jsonAt(*object, "/properties/" + seg))
      s = jsonAt(*object, "/properties/" + seg);
    else if (array && seg.find_first_not_of("0123456789") == std::string::npos)
      s = jsonAt(*array, "/items");
    else
      return nullptr;
  }
  return s;
}

JsonValue sampleParam(const SpecIndex::Entry* entry, const std::string& name, bool inBody,
                      JsonAlloc& alloc) {
  InputSpec in;
  in.name = name;
  in.in = inBody ? InputLocation::Body : InputLocation::Query;
  const JsonValue* schema = entry ? inputSchema(*entry, in) : nullptr;
  if (!schema) return jsonString("sample", alloc);
  return sampleValue(*entry->doc, schema, typeFor(*entry->doc, *schema), alloc);
}

JsonDoc sampleInputs(const Operation& op, const SpecIndex::Entry* entry, bool all) {
  JsonDoc doc(rapidjson::kObjectType);
  static const JsonDoc kNoSpec;
  for (const auto& in : op.inputs) {
    if (!(all || in.required || in.in == InputLocation::Path) || in.defaultValue) continue;
    JsonValue v =
        sampleValue(entry ? *entry->doc : kNoSpec, entry ? inputSchema(*entry, in) : nullptr,
                    in.type, doc.GetAllocator());
    for (const auto& value : in.enumValues)
      if (!value.empty()) {
        v = jsonString(value, doc.GetAllocator());
        break;
      }
    doc.AddMember(jsonString(in.name, doc.GetAllocator()), v, doc.GetAllocator());
  }
  return doc;
}

}  // namespace sluice::test
