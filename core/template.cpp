#include "core/template.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "core/error.h"
#include "core/text.h"

namespace sluice {

void MapScope::set(const std::string& name, const JsonValue* value) {
  for (auto& r : roots_)
    if (r.first == name) {
      r.second = value;
      return;
    }
  roots_.emplace_back(name, value);
}

const JsonValue* MapScope::root(const std::string& name) const {
  for (const auto& r : roots_)
    if (r.first == name) return r.second;
  return nullptr;
}

namespace {

const std::vector<std::string>& knownFilters() {
  static const std::vector<std::string> names = {"default", "lower",  "upper", "trim", "join",
                                                 "number",  "divide", "date",  "json", "first",
                                                 "last",    "size",   "split"};
  return names;
}

[[noreturn]] void fail(const std::string& source, size_t column, const std::string& message) {
  throw TemplateError("template '" + source + "', column " + std::to_string(column + 1) + ": " +
                      message);
}

// Splits "a | f(x, 'y') | g" at top-level pipes, respecting quotes.
std::vector<std::string> splitPipes(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
      current += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      current += c;
    } else if (c == '|') {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);
  return parts;
}

TemplateFilter parseFilter(const std::string& text, const std::string& source, size_t column) {
  TemplateFilter filter;
  const std::string t = trim(text);
  const size_t open = t.find('(');
  filter.name = trim(open == std::string::npos ? t : t.substr(0, open));
  const auto& known = knownFilters();
  if (std::find(known.begin(), known.end(), filter.name) == known.end()) {
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    fail(source, column, "unknown filter '" + filter.name + "' (known: " + list + ")");
  }
  if (open == std::string::npos) return filter;
  if (t.back() != ')') fail(source, column, "filter '" + filter.name + "' is missing ')'");
  const std::string args = t.substr(open + 1, t.size() - open - 2);
  std::string current;
  char quote = 0;
  bool quoted = false;
  for (size_t i = 0; i <= args.size(); ++i) {
    const char c = i < args.size() ? args[i] : ',';
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        current += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      quoted = true;
    } else if (c == ',') {
      std::string arg = quoted ? current : trim(current);
      if (!arg.empty() || quoted) filter.args.push_back(arg);
      current.clear();
      quoted = false;
    } else if (!(std::isspace(static_cast<unsigned char>(c)) && current.empty() && !quoted)) {
      if (!quoted) current += c;
    }
  }
  if (quote) fail(source, column, "unterminated quote in filter '" + filter.name + "'");
  return filter;
}

TemplateExpr parseExpression(const std::string& inner, const std::string& source, size_t column) {
  TemplateExpr expr;
  expr.source = trim(inner);
  const auto parts = splitPipes(inner);
  const std::string path = trim(parts[0]);
  if (path.empty()) fail(source, column, "empty expression");
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    if (dot == std::string::npos) dot = path.size();
    std::string segment = path.substr(start, dot - start);
    if (segment.empty()) fail(source, column, "empty path segment in '" + path + "'");
    for (char c : segment)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$'))
        fail(source, column, "unexpected '" + std::string(1, c) + "' in path '" + path + "'");
    expr.path.push_back(segment);
    start = dot + 1;
  }
  for (size_t i = 1; i < parts.size(); ++i)
    expr.filters.push_back(parseFilter(parts[i], source, column));
  return expr;
}

const JsonValue* walk(const JsonValue* value, const std::vector<std::string>& path, size_t from) {
  for (size_t i = from; value && i < path.size(); ++i) {
    const std::string& key = path[i];
    if (value->IsObject()) {
      auto it = value->FindMember(rapidjson::StringRef(key.c_str(), key.size()));
      value = it == value->MemberEnd() ? nullptr : &it->value;
    } else if (value->IsArray()) {
      char* end = nullptr;
      long index = std::strtol(key.c_str(), &end, 10);
      if (*end != '\0') return nullptr;
      if (index < 0) index += static_cast<long>(value->Size());
      if (index < 0 || index >= static_cast<long>(value->Size())) return nullptr;
      value = &(*value)[static_cast<rapidjson::SizeType>(index)];
    } else {
      return nullptr;
    }
  }
  return value;
}

double toNumber(const JsonValue& v) {
  if (v.IsNumber()) return v.GetDouble();
  if (v.IsString()) {
    char* end = nullptr;
    const double d = std::strtod(v.GetString(), &end);
    if (end != v.GetString()) return d;
  }
  if (v.IsBool()) return v.GetBool() ? 1 : 0;
  return 0;
}

bool isEmpty(const JsonValue& v) {
  return v.IsNull() || (v.IsString() && v.GetStringLength() == 0) || (v.IsArray() && v.Empty());
}

std::string formatDate(const JsonValue& v, const std::string& format) {
  std::time_t t = 0;
  if (v.IsNumber()) {
    double seconds = v.GetDouble();
    if (seconds > 1e11) seconds /= 1000;  // milliseconds since the epoch
    // Years 1 to 9999 only: a NaN or a huge number does not fit a time_t.
    if (!(seconds >= -62135596800.0 && seconds <= 253402300799.0)) return "";
    t = static_cast<std::time_t>(seconds);
  } else if (v.IsString()) {
    // ISO 8601 "2024-02-01T10:20:30(.sss)Z": reformat the date and time parts.
    std::tm tm{};
    const std::string s = v.GetString();
    // Field widths keep hostile text ("-2147483648-...") from overflowing tm_year - 1900.
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 3)
      return s;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    t = timegm(&tm);
  } else {
    return "";
  }
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[128];
  const size_t n = std::strftime(buffer, sizeof buffer, format.c_str(), &tm);
  return std::string(buffer, n);
}

// lower, upper or trim.
std::string changeCase(const std::string& filter, std::string s) {
  if (filter == "trim") return trim(s);
  const bool lower = filter == "lower";
  std::transform(s.begin(), s.end(), s.begin(), [lower](unsigned char c) {
    return static_cast<char>(lower ? std::tolower(c) : std::toupper(c));
  });
  return s;
}

// "a, b,,c" -> ["a", "b", "c"]: parts are trimmed, empty ones dropped.
JsonValue splitText(const std::string& text, const std::string& sep, JsonAlloc& alloc) {
  JsonValue out(rapidjson::kArrayType);
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    const std::string part = trim(text.substr(start, end - start));
    if (!part.empty()) out.PushBack(jsonString(part, alloc), alloc);
    start = end + sep.size();
  }
  return out;
}

// Items of an array, members of an object, characters of a string; 0 otherwise.
JsonValue sizeOf(const JsonValue& value) {
  JsonValue out;
  if (value.IsArray())
    out.SetUint(value.Size());
  else if (value.IsObject())
    out.SetUint(value.MemberCount());
  else if (value.IsString())
    out.SetUint(value.GetStringLength());
  else
    out.SetUint(0);
  return out;
}

JsonValue applyFilter(const TemplateFilter& f, JsonValue value, JsonAlloc& alloc) {
  const std::string arg0 = f.args.empty() ? "" : f.args[0];
  if (f.name == "default") {
    if (isEmpty(value)) return jsonString(arg0, alloc);
    return value;
  }
  if (f.name == "lower" || f.name == "upper" || f.name == "trim")
    return jsonString(changeCase(f.name, jsonText(value)), alloc);
  if (f.name == "join") {
    if (!value.IsArray()) return value;
    const std::string sep = f.args.empty() ? "," : arg0;
    std::string out;
    for (const auto& item : value.GetArray()) {
      if (!out.empty()) out += sep;
      out += jsonText(item);
    }
    return jsonString(out, alloc);
  }
  if (f.name == "split") {
    if (!value.IsString()) return value;
    return splitText(value.GetString(), f.args.empty() || arg0.empty() ? "," : arg0, alloc);
  }
  if (f.name == "number") {
    if (value.IsNull()) return value;
    const int decimals = f.args.empty() ? 0 : std::atoi(arg0.c_str());
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", std::clamp(decimals, 0, 12), toNumber(value));
    return jsonString(buffer, alloc);
  }
  if (f.name == "divide") {
    if (value.IsNull()) return value;
    const double by = f.args.empty() ? 1 : std::atof(arg0.c_str());
    JsonValue out;
    const double result = by == 0 ? 0 : toNumber(value) / by;
    if (std::isfinite(result)) out.SetDouble(result);  // else null: JSON has no NaN or infinity
    return out;
  }
  if (f.name == "date") {
    if (value.IsNull()) return value;
    return jsonString(formatDate(value, f.args.empty() ? "%Y-%m-%dT%H:%M:%SZ" : arg0), alloc);
  }
  if (f.name == "json") return jsonString(toJson(value), alloc);
  if (f.name == "first" || f.name == "last") {
    if (!value.IsArray() || value.Empty()) return JsonValue();
    const auto index = f.name == "first" ? 0 : value.Size() - 1;
    return JsonValue(value[index], alloc);
  }
  if (f.name == "size") return sizeOf(value);
  return value;
}

}  // namespace

Template Template::compile(const std::string& text) {
  Template t;
  t.source_ = text;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "{{") == 0) {
      const size_t close = text.find("}}", i + 2);
      if (close == std::string::npos) fail(text, i, "'{{' without a closing '}}'");
      t.text_.push_back(literal);
      literal.clear();
      t.exprs_.push_back(parseExpression(text.substr(i + 2, close - i - 2), text, i));
      i = close + 2;
    } else {
      literal += text[i++];
    }
  }
  t.text_.push_back(literal);
  return t;
}

bool Template::isSingleExpression() const {
  return exprs_.size() == 1 && text_.size() == 2 && text_[0].empty() && text_[1].empty();
}

JsonValue evaluateExpression(const TemplateExpr& expr, const TemplateScope& scope,
                             JsonAlloc& alloc) {
  const JsonValue* root = scope.root(expr.path[0]);
  const JsonValue* found = root ? walk(root, expr.path, 1) : nullptr;
  JsonValue value;
  if (found) value.CopyFrom(*found, alloc);
  for (const auto& f : expr.filters) value = applyFilter(f, std::move(value), alloc);
  return value;
}

JsonValue Template::render(const TemplateScope& scope, JsonAlloc& alloc) const {
  if (isSingleExpression()) return evaluateExpression(exprs_[0], scope, alloc);
  return jsonString(renderText(scope), alloc);
}

std::string Template::renderText(const TemplateScope& scope) const {
  if (isLiteral()) return source_;
  JsonDoc scratch;
  std::string out = text_[0];
  for (size_t i = 0; i < exprs_.size(); ++i) {
    JsonValue v = evaluateExpression(exprs_[i], scope, scratch.GetAllocator());
    out += jsonText(v);
    out += text_[i + 1];
    if (out.size() > kMaxTemplateOutput)
      throw TemplateError("template '" + source_ + "' renders more than " +
                          std::to_string(kMaxTemplateOutput) + " bytes");
  }
  return out;
}

bool jsonTruthy(const JsonValue& value) {
  if (value.IsNull()) return false;
  if (value.IsBool()) return value.GetBool();
  if (value.IsNumber()) return value.GetDouble() != 0;
  if (value.IsString()) return value.GetStringLength() > 0;
  if (value.IsArray()) return !value.Empty();
  return true;
}

}  // namespace sluice
