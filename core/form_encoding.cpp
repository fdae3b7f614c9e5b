#include "core/form_encoding.h"

#include <cstdio>

namespace sluice {

std::string urlEncode(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

namespace {

// Nesting deeper than this is hostile or a mistake; Stripe itself allows far less.
constexpr int kMaxDepth = 16;

void encodeValue(const std::string& key, const JsonValue& value, std::string& out, int depth) {
  if (depth > kMaxDepth) return;
  if (value.IsObject()) {
    if (value.MemberCount() == 0) {
      // An empty object clears a hash in Stripe (metadata=""), so it is sent explicitly.
      if (!key.empty()) out += (out.empty() ? "" : "&") + urlEncode(key) + "=";
      return;
    }
    for (const auto& m : value.GetObject()) {
      const std::string name(m.name.GetString(), m.name.GetStringLength());
      encodeValue(key.empty() ? name : key + "[" + name + "]", m.value, out, depth + 1);
    }
    return;
  }
  if (value.IsArray()) {
    rapidjson::SizeType i = 0;
    for (const auto& item : value.GetArray())
      encodeValue(key + "[" + std::to_string(i++) + "]", item, out, depth + 1);
    return;
  }
  if (value.IsNull()) return;  // absent, not "null"
  if (!out.empty()) out += "&";
  out += urlEncode(key) + "=" + urlEncode(jsonText(value));
}

}  // namespace

std::string formEncode(const JsonValue& object) {
  std::string out;
  if (object.IsObject()) encodeValue("", object, out, 0);
  return out;
}

}  // namespace sluice
