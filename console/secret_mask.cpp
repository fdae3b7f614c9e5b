#include "console/secret_mask.h"

#include <cctype>

#include "core/json.h"
#include "core/logger.h"
#include "core/text.h"

namespace sluice::console {

namespace {

const char* const kMasked = "********";

bool luhnValid(const std::string& digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice && (d *= 2) > 9) d -= 9;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

void maskValue(JsonValue& value, JsonAlloc& alloc);

void maskObject(JsonValue& object, JsonAlloc& alloc) {
  for (auto& member : object.GetObject()) {
    const std::string key(member.name.GetString(), member.name.GetStringLength());
    if (isSecretKey(key) && !member.value.IsNull() && !member.value.IsBool())
      member.value.SetString(kMasked, alloc);
    else
      maskValue(member.value, alloc);
  }
}

void maskValue(JsonValue& value, JsonAlloc& alloc) {
  if (value.IsObject()) return maskObject(value, alloc);
  if (value.IsArray()) {
    for (auto& element : value.GetArray()) maskValue(element, alloc);
    return;
  }
  if (value.IsString() || value.IsUint64() || value.IsInt64()) {
    const std::string text = jsonText(value);
    const std::string masked = maskCardNumbers(text);
    if (masked != text) value = jsonString(masked, alloc);
  }
}

}  // namespace

bool isSecretKey(const std::string& key) {
  static const char* const kParts[] = {
      "token",   "secret",      "password", "passwd", "authorization", "api_key",    "apikey",
      "api-key", "private_key", "cvc",      "cvv",    "card_number",   "cardnumber", "cookie"};
  const std::string lower = lowerAscii(key);
  for (const char* part : kParts)
    if (lower.find(part) != std::string::npos) return true;
  return false;
}

std::string maskCardNumbers(const std::string& text) {
  const auto isDigit = [&](size_t i) {
    return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
  };
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!isDigit(i) || (i > 0 && isDigit(i - 1))) {
      out += text[i++];
      continue;
    }
    // A run of digits, each separated from the next by at most one space or dash.
    std::string digits;
    size_t end = i;
    while (isDigit(end)) {
      digits += text[end++];
      if ((text[end] == ' ' || text[end] == '-') && isDigit(end + 1)) ++end;
    }
    if (digits.size() >= 13 && digits.size() <= 19 && luhnValid(digits))
      out += "**** " + digits.substr(digits.size() - 4);
    else
      out += text.substr(i, end - i);
    i = end;
  }
  return out;
}

std::string maskSecrets(const std::string& json) {
  const Logger& logger = Logger::instance();
  JsonDoc doc;
  if (json.empty() || parseJson(json, doc)) return logger.mask(maskCardNumbers(json));
  maskValue(doc, doc.GetAllocator());
  return logger.mask(toJson(doc, true));
}

}  // namespace sluice::console
