// Small helpers over RapidJSON: parse with a located message, stringify, pointers.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <optional>
#include <string>

namespace sluice {

using JsonDoc = rapidjson::Document;
using JsonValue = rapidjson::Value;
using JsonAlloc = rapidjson::Document::AllocatorType;

// Deepest nesting of arrays and objects parseJson accepts. Real API responses stay far below;
// a hostile body of a million '[' would otherwise overflow the stack of the recursive parser
// and of everything that walks the document (toJson, copies).
constexpr int kMaxJsonDepth = 256;

// Parses text into doc. On failure returns a message naming the offset and the problem
// (including nesting deeper than kMaxJsonDepth).
std::optional<std::string> parseJson(const std::string& text, JsonDoc& doc);

std::string toJson(const JsonValue& value, bool pretty = false);

// Whether text is a valid RFC 6901 JSON pointer ("" is the whole document).
bool isValidJsonPointer(const std::string& text);

// The value at pointer inside root, or nullptr.
const JsonValue* jsonAt(const JsonValue& root, const std::string& pointer);

// A scalar as text: strings as they are, numbers and booleans printed, null as "".
// Objects and arrays are serialized as JSON.
std::string jsonText(const JsonValue& value);

// Deep copy into alloc.
inline JsonValue jsonCopy(const JsonValue& value, JsonAlloc& alloc) {
  return JsonValue(value, alloc);
}

inline JsonValue jsonString(const std::string& text, JsonAlloc& alloc) {
  return JsonValue(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc);
}

}  // namespace sluice
