#include "apps/webhook_source.h"

namespace sluice {

namespace {

// `*` matches any run of characters (Stripe's invoice.*); other characters match themselves.
bool globMatch(const std::string& pattern, const std::string& text) {
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool WebhookTypes::matches(const std::string& type) const {
  if (any) return true;
  for (const auto& pattern : patterns)
    if (globMatch(pattern, type)) return true;
  return false;
}

std::string webhookField(const JsonValue& doc, const std::string& pointer) {
  const JsonValue* v = jsonAt(doc, pointer);
  if (!v || !(v->IsString() || v->IsNumber())) return "";
  return jsonText(*v);
}

}  // namespace sluice
