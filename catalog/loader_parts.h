// The catalog loader's parts, shared by its files (not used outside catalog/): every parser
// reads one YAML map strictly and fails with file:line:col and what was expected.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "core/template.h"
#include "core/yaml_reader.h"

namespace sluice {
namespace catalog_loader {

constexpr YamlDomain kCatalogDomain = YamlDomain::Catalog;

// catalog/catalog_fields.cpp: values several catalog maps share.
ValueType parseType(YamlMap& map, const std::string& key);
// A JSON pointer ("" allowed unless required).
std::string pointerOr(YamlMap& map, const std::string& key, bool required);
// A duration ("10s", "1m") in seconds.
double parseDuration(YamlMap& map, const std::string& key);
std::vector<std::pair<std::string, Template>> parseHeaders(YamlMap& parent, const std::string& key);
Pagination parsePaginationMap(YamlMap& map);

// "a, b, c": the names of a map's entries, for "expected one of" messages; "none" when empty.
template <typename Map>
std::string keyList(const Map& map) {
  std::string out;
  for (const auto& entry : map) out += (out.empty() ? "" : ", ") + entry.first;
  return out.empty() ? "none" : out;
}

// catalog/operation_loader.cpp: one entry of a category file's `operations`.
// spec_exceptions: a list of {check, reason} (an operation's, or an app's for all of them).
std::vector<SpecException> parseSpecExceptions(YamlMap& map, const std::string& file,
                                               const std::string& ctx);
Operation parseOperation(const YamlNode& node, const std::string& file, const App& app,
                         const Category& category);

// catalog/app_loader.cpp: apps/<app>/app.yaml.
void parseAppYaml(App& app, const std::string& file);

}  // namespace catalog_loader
}  // namespace sluice
