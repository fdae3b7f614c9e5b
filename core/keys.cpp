#include "core/keys.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

namespace sluice {

std::string stableHash(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

namespace {

// Canonical JSON: object keys sorted, so {a,b} and {b,a} give one trigger key.
void canonical(const JsonValue& v, std::string& out) {
  if (v.IsObject()) {
    std::vector<std::pair<std::string, const JsonValue*>> members;
    for (const auto& m : v.GetObject()) members.emplace_back(m.name.GetString(), &m.value);
    std::sort(members.begin(), members.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    out += "{";
    for (size_t i = 0; i < members.size(); ++i) {
      out +=
          (i ? "," : "") + toJson(JsonValue(rapidjson::StringRef(members[i].first.c_str()))) + ":";
      canonical(*members[i].second, out);
    }
    out += "}";
  } else if (v.IsArray()) {
    out += "[";
    bool first = true;
    for (const auto& item : v.GetArray()) {
      out += first ? "" : ",";
      first = false;
      canonical(item, out);
    }
    out += "]";
  } else {
    out += toJson(v);
  }
}

}  // namespace

std::string triggerKey(const std::string& op, const std::string& connection,
                       const JsonValue& inputs) {
  std::string text = op + "\n" + connection + "\n";
  canonical(inputs, text);
  return stableHash(text);
}

std::string idempotencyKey(const std::string& flow, const std::string& itemKey, int step) {
  return "sluice-" + stableHash(flow + "\n" + itemKey) + "-" + std::to_string(step);
}

}  // namespace sluice
