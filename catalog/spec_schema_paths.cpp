#include "catalog/spec_schema_paths.h"

#include "catalog/spec_request_rules.h"

namespace sluice {
namespace spec_paths {

std::vector<std::string> pointerSegments(const std::string& pointer) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < pointer.size()) {
    const size_t next = pointer.find('/', at + 1);
    std::string seg =
        pointer.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
    for (size_t i = 0; (i = seg.find('~', i)) != std::string::npos; ++i)
      seg.replace(i, 2, i + 1 < seg.size() && seg[i + 1] == '1' ? "/" : "~");
    out.push_back(seg);
    at = next == std::string::npos ? pointer.size() : next;
  }
  return out;
}

bool hasKey(const JsonValue& v, const char* key) {
  return v.IsObject() && v.HasMember(key);
}

bool isArraySchema(const JsonDoc& doc, const JsonValue* schema) {
  schema = spec_rules::resolveRef(doc, schema);
  if (!schema || !schema->IsObject()) return false;
  const JsonValue* type = jsonAt(*schema, "/type");
  return (type && type->IsString() && std::string(type->GetString()) == "array") ||
         hasKey(*schema, "items");
}

bool isObjectSchema(const JsonDoc& doc, const JsonValue* schema, int depth) {
  schema = spec_rules::resolveRef(doc, schema);
  if (!schema || !schema->IsObject() || depth > 8) return false;
  if (hasKey(*schema, "properties")) return true;
  if (const JsonValue* all = jsonAt(*schema, "/allOf"); all && all->IsArray())
    for (const auto& part : all->GetArray())
      if (isObjectSchema(doc, &part, depth + 1)) return true;
  return false;
}

// The schema of one pointer segment below `schema`: a declared property (through $ref, allOf,
// oneOf and anyOf) or, for a numeric segment, an array's items. nullptr when not declared.
const JsonValue* childSchema(const JsonDoc& doc, const JsonValue* schema, const std::string& seg,
                             int depth) {
  schema = spec_rules::resolveRef(doc, schema);
  if (!schema || !schema->IsObject() || depth > 8) return nullptr;
  if (const JsonValue* props = jsonAt(*schema, "/properties"); props && props->IsObject()) {
    auto it = props->FindMember(rapidjson::StringRef(seg.c_str(), seg.size()));
    if (it != props->MemberEnd()) return &it->value;
  }
  if (!seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos &&
      isArraySchema(doc, schema))
    return jsonAt(*schema, "/items");
  for (const char* combinator : {"/allOf", "/oneOf", "/anyOf"})
    if (const JsonValue* parts = jsonAt(*schema, combinator); parts && parts->IsArray())
      for (const auto& part : parts->GetArray())
        if (const JsonValue* found = childSchema(doc, &part, seg, depth + 1)) return found;
  return nullptr;
}

const JsonValue* schemaAt(const JsonDoc& doc, const JsonValue* schema, const std::string& pointer) {
  for (const auto& seg : pointerSegments(pointer)) {
    schema = childSchema(doc, schema, seg);
    if (!schema) return nullptr;
  }
  return spec_rules::resolveRef(doc, schema);
}

// The JSON schema of an operation's first 2xx response.
const JsonValue* successSchema(const JsonDoc& doc, const JsonValue& specOp) {
  const JsonValue* responses = jsonAt(specOp, "/responses");
  if (!responses || !responses->IsObject()) return nullptr;
  for (const auto& r : responses->GetObject()) {
    if (r.name.GetString()[0] != '2') continue;
    const JsonValue* response = spec_rules::resolveRef(doc, &r.value);
    if (!response) continue;
    if (const JsonValue* schema = jsonAt(*response, "/content/application~1json/schema"))
      return schema;
  }
  return nullptr;
}

}  // namespace spec_paths
}  // namespace sluice
