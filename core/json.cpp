#include "core/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace sluice {

namespace {

// The offset where text nests deeper than kMaxJsonDepth, or npos. Brackets inside strings
// do not count; malformed text is left to the parser.
size_t tooDeepAt(const std::string& text) {
  int depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string::npos;
}

}  // namespace

std::optional<std::string> parseJson(const std::string& text, JsonDoc& doc) {
  if (const size_t at = tooDeepAt(text); at != std::string::npos) {
    doc.SetNull();
    return "invalid JSON at offset " + std::to_string(at) + ": nested deeper than " +
           std::to_string(kMaxJsonDepth) + " levels";
  }
  doc.Parse(text.c_str(), text.size());
  if (!doc.HasParseError()) return std::nullopt;
  return std::string("invalid JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
         rapidjson::GetParseError_En(doc.GetParseError());
}

std::string toJson(const JsonValue& value, bool pretty) {
  rapidjson::StringBuffer buffer;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    value.Accept(writer);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
  }
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool isValidJsonPointer(const std::string& text) {
  if (text.empty()) return true;
  if (text[0] != '/') return false;
  rapidjson::Pointer pointer(text.c_str(), text.size());
  return pointer.IsValid();
}

const JsonValue* jsonAt(const JsonValue& root, const std::string& pointer) {
  if (pointer.empty()) return &root;
  rapidjson::Pointer p(pointer.c_str(), pointer.size());
  if (!p.IsValid()) return nullptr;
  return p.Get(root);
}

std::string jsonText(const JsonValue& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsNull()) return "";
  if (value.IsBool()) return value.GetBool() ? "true" : "false";
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsUint64()) return std::to_string(value.GetUint64());
  if (value.IsNumber()) {
    std::string s = toJson(value);
    return s;
  }
  return toJson(value);
}

}  // namespace sluice
