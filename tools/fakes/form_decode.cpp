#include "tools/fakes/form_decode.h"

#include <cctype>
#include <set>

namespace sluice::fakes {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percentDecode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// "items[0][price]" -> {"items", "0", "price"}; "expand[]" -> {"expand", ""}.
bool splitKey(const std::string& key, std::vector<std::string>& parts) {
  std::size_t open = key.find('[');
  parts.push_back(key.substr(0, open));
  if (parts[0].empty()) return false;
  while (open != std::string::npos) {
    std::size_t close = key.find(']', open);
    if (close == std::string::npos) return false;
    parts.push_back(key.substr(open + 1, close - open - 1));
    if (close + 1 == key.size()) break;
    if (key[close + 1] != '[') return false;
    open = close + 1;
  }
  return true;
}

bool isIndex(const std::string& part) {
  if (part.empty()) return true;
  for (char c : part) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

const std::set<std::string>& numericFields() {
  static const std::set<std::string> kFields = {"amount",
                                                "unit_amount",
                                                "quantity",
                                                "days_until_due",
                                                "application_fee_amount",
                                                "trial_period_days",
                                                "exp_month",
                                                "exp_year",
                                                "balance",
                                                "amount_due",
                                                "amount_paid",
                                                "amount_captured",
                                                "amount_to_capture",
                                                "due_date",
                                                "trial_end",
                                                "billing_cycle_anchor",
                                                "cancel_at",
                                                "interval_count",
                                                "limit",
                                                "created",
                                                "amount_off",
                                                "percent_off",
                                                "duration_in_months",
                                                "max_redemptions"};
  return kFields;
}

rapidjson::Value leafValue(const std::string& field, bool inMetadata, const std::string& raw,
                           rapidjson::Document::AllocatorType& a) {
  if (!inMetadata) {
    if (raw == "true") return rapidjson::Value(true);
    if (raw == "false") return rapidjson::Value(false);
    if (numericFields().count(field) && !raw.empty()) {
      try {
        std::size_t used = 0;
        long long n = std::stoll(raw, &used);
        if (used == raw.size()) return rapidjson::Value(static_cast<int64_t>(n));
      } catch (...) {
      }
    }
  }
  return rapidjson::Value(raw.c_str(), static_cast<rapidjson::SizeType>(raw.size()), a);
}

rapidjson::Value emptyContainer(const std::string& nextPart) {
  return isIndex(nextPart) ? rapidjson::Value(rapidjson::kArrayType)
                           : rapidjson::Value(rapidjson::kObjectType);
}

// The child of container addressed by part, created with the shape the next part needs.
rapidjson::Value& child(rapidjson::Value& container, const std::string& part,
                        const std::string& nextPart, rapidjson::Document::AllocatorType& a) {
  if (container.IsArray()) {
    std::size_t index = part.empty() ? container.Size() : std::stoul(part);
    while (container.Size() <= index) container.PushBack(emptyContainer(nextPart), a);
    rapidjson::Value& v = container[static_cast<rapidjson::SizeType>(index)];
    if (!v.IsObject() && !v.IsArray()) v = emptyContainer(nextPart);
    return v;
  }
  auto it = container.FindMember(part.c_str());
  if (it == container.MemberEnd() || (!it->value.IsObject() && !it->value.IsArray())) {
    if (it != container.MemberEnd()) container.RemoveMember(it);
    container.AddMember(rapidjson::Value(part.c_str(), a), emptyContainer(nextPart), a);
    return container[part.c_str()];
  }
  return it->value;
}

void setLeaf(rapidjson::Value& container, const std::string& part, rapidjson::Value value,
             rapidjson::Document::AllocatorType& a) {
  if (container.IsArray()) {
    std::size_t index = part.empty() ? container.Size() : std::stoul(part);
    while (container.Size() <= index) container.PushBack(rapidjson::Value(), a);
    container[static_cast<rapidjson::SizeType>(index)] = value;
    return;
  }
  auto it = container.FindMember(part.c_str());
  if (it != container.MemberEnd()) {
    it->value = value;
  } else {
    container.AddMember(rapidjson::Value(part.c_str(), a), value, a);
  }
}

}  // namespace

FormPairs parseUrlEncoded(const std::string& text) {
  FormPairs pairs;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('&', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    if (!item.empty()) {
      std::size_t eq = item.find('=');
      std::string key = percentDecode(item.substr(0, eq));
      std::string value = eq == std::string::npos ? "" : percentDecode(item.substr(eq + 1));
      pairs.emplace_back(std::move(key), std::move(value));
    }
    start = end + 1;
  }
  return pairs;
}

bool decodeForm(const FormPairs& pairs, rapidjson::Document& out, std::string* error) {
  out.SetObject();
  auto& a = out.GetAllocator();
  for (const auto& [key, value] : pairs) {
    std::vector<std::string> parts;
    if (!splitKey(key, parts)) {
      if (error) *error = "Invalid form key: " + key;
      return false;
    }
    rapidjson::Value* cur = &out;
    bool inMetadata = false;
    std::string field = parts[0];
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      if (parts[i] == "metadata") inMetadata = true;
      if (!isIndex(parts[i])) field = parts[i];
      cur = &child(*cur, parts[i], parts[i + 1], a);
    }
    const std::string& last = parts.back();
    if (!isIndex(last)) field = last;
    setLeaf(*cur, last, leafValue(field, inMetadata, value, a), a);
  }
  return true;
}

bool decodeForm(const std::string& body, rapidjson::Document& out, std::string* error) {
  return decodeForm(parseUrlEncoded(body), out, error);
}

}  // namespace sluice::fakes
