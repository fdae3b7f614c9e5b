#include "catalog/op_presets.h"

#include <algorithm>
#include <vector>

#include "catalog/loader_parts.h"

namespace sluice {
namespace catalog_loader {

namespace {

// Adds to target (a map of this operation's own, or a fresh one) what the layers give and it
// lacks, the first layer first. A value only one layer gives is shared, not copied: nothing
// merges into it afterwards, so a preset is never changed by the operations that use it.
void mergeInto(YAML::Node target, const std::vector<YAML::Node>& layers) {
  std::vector<std::string> keys;
  for (const YAML::Node& layer : layers)
    for (const auto& kv : layer)
      if (std::find(keys.begin(), keys.end(), kv.first.Scalar()) == keys.end())
        keys.push_back(kv.first.Scalar());
  for (const auto& key : keys) {
    std::vector<YAML::Node> given, maps;
    for (const YAML::Node& layer : layers) {
      const YAML::Node value = layer[key];
      if (!value.IsDefined()) continue;
      given.push_back(value);
      if (value.IsMap()) maps.push_back(value);
    }
    YAML::Node own = target[key];
    if (own.IsDefined() && !own.IsNull()) {
      if (own.IsMap() && !maps.empty()) mergeInto(own, maps);
    } else if (given.front().IsMap() && maps.size() > 1) {
      YAML::Node fresh(YAML::NodeType::Map);
      mergeInto(fresh, maps);
      target[key] = fresh;
    } else {
      target[key] = given.front();
    }
  }
}

}  // namespace

FilePresets readFilePresets(YamlMap& file) {
  FilePresets out;
  const YAML::Node named = file.get("presets");
  if (named.IsDefined() && !named.IsNull()) {
    if (!named.IsMap()) file.failAt(named, "'presets': expected a map of name: partial operation");
    for (const auto& kv : named) {
      if (!kv.second.IsMap())
        file.failAt(kv.second, "preset '" + kv.first.Scalar() + "': expected a map");
      if (kv.second["id"].IsDefined())
        file.failAt(kv.second["id"], "preset '" + kv.first.Scalar() +
                                         "' cannot set 'id': every operation names its own");
      out.named[kv.first.Scalar()] = kv.second;
    }
  }
  const YAML::Node defaults = file.get("defaults");
  if (defaults.IsDefined() && !defaults.IsNull()) {
    if (!defaults.IsMap())
      file.failAt(defaults, "'defaults': expected a partial operation (a map)");
    if (defaults["id"].IsDefined())
      file.failAt(defaults["id"], "'defaults' cannot set 'id': every operation names its own");
    out.defaults = defaults;
  }
  return out;
}

YAML::Node withPresets(YAML::Node op, const FilePresets& presets, const std::string& file) {
  if (!op.IsMap()) return op;  // parseOperation reports it
  std::vector<YAML::Node> layers;
  const YAML::Node names = op["preset"];
  if (names.IsDefined()) {
    YamlMap map(op, file, kCatalogDomain, yamlLabel(op, "id", "op"));
    for (const auto& name : map.stringList("preset")) {
      const auto it = presets.named.find(name);
      if (it == presets.named.end()) {
        map.fail("preset",
                 "unknown preset '" + name + "' (this file has: " + keyList(presets.named) + ")");
      }
      layers.push_back(it->second);
    }
    op.remove("preset");
  }
  if (presets.defaults.IsDefined()) layers.push_back(presets.defaults);
  if (!layers.empty()) mergeInto(op, layers);
  return op;
}

}  // namespace catalog_loader
}  // namespace sluice
