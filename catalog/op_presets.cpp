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
void mergeInto(YamlNode target, const std::vector<YamlNode>& layers) {
  std::vector<std::string> keys;
  for (const YamlNode& layer : layers)
    for (const auto& kv : layer)
      if (std::find(keys.begin(), keys.end(), kv.first.Scalar()) == keys.end())
        keys.push_back(kv.first.Scalar());
  for (const auto& key : keys) {
    std::vector<YamlNode> given, maps;
    for (const YamlNode& layer : layers) {
      const YamlNode value = layer[key];
      if (!value.IsDefined()) continue;
      given.push_back(value);
      if (value.IsMap()) maps.push_back(value);
    }
    YamlNode own = target[key];
    if (own.IsDefined() && !own.IsNull()) {
      if (own.IsMap() && !maps.empty()) mergeInto(own, maps);
    } else if (given.front().IsMap() && maps.size() > 1) {
      YamlNode fresh = YamlNode::map(given.front().line(), given.front().column());
      mergeInto(fresh, maps);
      target.set(key, fresh);
    } else {
      target.set(key, given.front());
    }
  }
}

}  // namespace

FilePresets readFilePresets(YamlMap& file) {
  FilePresets out;
  const YamlNode named = file.get("presets");
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
  const YamlNode defaults = file.get("defaults");
  if (defaults.IsDefined() && !defaults.IsNull()) {
    if (!defaults.IsMap())
      file.failAt(defaults, "'defaults': expected a partial operation (a map)");
    if (defaults["id"].IsDefined())
      file.failAt(defaults["id"], "'defaults' cannot set 'id': every operation names its own");
    out.defaults = defaults;
  }
  return out;
}

YamlNode withPresets(YamlNode op, const FilePresets& presets, const std::string& file) {
  if (!op.IsMap()) return op;  // parseOperation reports it
  std::vector<YamlNode> layers;
  const YamlNode names = op["preset"];
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
