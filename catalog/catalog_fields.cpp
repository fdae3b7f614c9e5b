// Values several catalog maps share: types, JSON pointers, durations, headers, pagination.
#include "catalog/loader_parts.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "core/duration.h"
#include "core/json.h"

namespace sluice {
namespace catalog_loader {

ValueType parseType(YamlMap& map, const std::string& key) {
  const std::string t =
      map.enumOr(key, {"string", "integer", "number", "boolean", "object", "array"}, "string");
  if (t == "integer") return ValueType::Integer;
  if (t == "number") return ValueType::Number;
  if (t == "boolean") return ValueType::Boolean;
  if (t == "object") return ValueType::Object;
  if (t == "array") return ValueType::Array;
  return ValueType::String;
}

std::string pointerOr(YamlMap& map, const std::string& key, bool required) {
  if (required && !map.has(key)) map.fail(key, "missing required key '" + key + "'");
  // An explicit "" (the whole document) is a valid pointer, so read the raw scalar.
  const YamlNode node = map.get(key);
  if (!node.IsDefined() || node.IsNull()) return "";
  const std::string value = yamlScalar(node, map.file(), kCatalogDomain, "a JSON pointer");
  if (!isValidJsonPointer(value))
    map.failAt(node, "'" + key + "': '" + value +
                         "' is not a JSON pointer (expected \"\" or /a/b/0, RFC 6901)");
  return value;
}

double parseDuration(YamlMap& map, const std::string& key) {
  const std::string text = map.requiredString(key);
  const auto ms = parseDurationMs(text);
  if (!ms)
    map.fail(key,
             "'" + key + "': expected a duration like 10s, 500ms, 1m or 7d, found '" + text + "'");
  return static_cast<double>(*ms) / 1000;
}

std::vector<std::pair<std::string, Template>> parseHeaders(YamlMap& parent,
                                                           const std::string& key) {
  std::vector<std::pair<std::string, Template>> headers;
  const YamlNode node = parent.get(key);
  if (!node.IsDefined() || node.IsNull()) return headers;
  YamlMap map(node, parent.file(), kCatalogDomain, parent.context());
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    const std::string value = map.requiredString(name);
    try {
      headers.emplace_back(name, Template::compile(value));
    } catch (const TemplateError& e) {
      map.fail(name, e.what());
    }
  }
  return headers;
}

Pagination parsePaginationMap(YamlMap& map) {
  Pagination p;
  const std::string style = map.enumOr("style", {"none", "page", "offset", "cursor"}, "");
  if (style.empty()) map.fail("style", "missing required key 'style'");
  p.style = style == "page"     ? PaginationStyle::Page
            : style == "offset" ? PaginationStyle::Offset
            : style == "cursor" ? PaginationStyle::Cursor
                                : PaginationStyle::None;
  p.inBody = map.enumOr("in", {"query", "body"}, "query") == "body";
  p.limitParam = map.stringOr("limit_param", "");
  p.limit = map.optionalInt("limit").value_or(0);
  p.maxPages = map.optionalInt("max_pages").value_or(10);
  if (p.maxPages < 1) map.fail("max_pages", "'max_pages' must be at least 1");
  if (p.style == PaginationStyle::Page) {
    p.pageParam = map.requiredString("page_param");
    p.start = map.optionalInt("start").value_or(1);
  }
  if (p.style == PaginationStyle::Offset) p.offsetParam = map.requiredString("offset_param");
  if (p.style == PaginationStyle::Cursor) {
    const YamlNode next = map.get("next");
    if (!next.IsDefined() || next.IsNull())
      map.fail("next", "cursor pagination needs 'next' (parameter: source)");
    YamlMap nextMap(next, map.file(), kCatalogDomain, map.context());
    for (const auto& kv : next) {
      const std::string param = kv.first.Scalar();
      std::string source = nextMap.requiredString(param);
      const std::string pointer = source.rfind("record:", 0) == 0 ? source.substr(7) : source;
      if (!isValidJsonPointer(pointer))
        nextMap.fail(param, "'" + source +
                                "' is not a source: expected a JSON pointer into the response "
                                "(/meta/next) or record:/pointer");
      p.next.emplace_back(param, source);
    }
    nextMap.rejectUnknown();
    p.hasMore = pointerOr(map, "has_more", false);
  }
  if (p.style != PaginationStyle::None && p.style != PaginationStyle::Cursor && p.limit <= 0)
    map.fail("limit", "page and offset pagination need a positive 'limit'");
  if (p.style == PaginationStyle::None) {
    // Only max_pages and style make sense; anything else was a mistake caught below.
  }
  map.rejectUnknown();
  return p;
}

}  // namespace catalog_loader
}  // namespace sluice
