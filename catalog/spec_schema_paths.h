// Where things are in an OpenAPI schema: the schema at a JSON pointer below another (through
// $ref, allOf, oneOf and anyOf), an operation's 2xx answer, arrays and objects. What the
// conformance check and the record fields (catalog/record_fields.h) read the specs with.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"

namespace sluice {
namespace spec_paths {

// Unescaped segments of a JSON pointer ("" has none).
std::vector<std::string> pointerSegments(const std::string& pointer);
bool hasKey(const JsonValue& v, const char* key);
bool isArraySchema(const JsonDoc& doc, const JsonValue* schema);
bool isObjectSchema(const JsonDoc& doc, const JsonValue* schema, int depth = 0);
// The schema of one pointer segment below `schema`: a declared property (through $ref, allOf,
// oneOf and anyOf) or, for a numeric segment, an array's items. nullptr when not declared.
const JsonValue* childSchema(const JsonDoc& doc, const JsonValue* schema, const std::string& seg,
                             int depth = 0);
const JsonValue* schemaAt(const JsonDoc& doc, const JsonValue* schema, const std::string& pointer);
// The JSON schema of an operation's first 2xx response.
const JsonValue* successSchema(const JsonDoc& doc, const JsonValue& specOp);

}  // namespace spec_paths
}  // namespace sluice
