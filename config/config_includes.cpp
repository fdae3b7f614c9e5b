#include "config/config_includes.h"

#include <algorithm>
#include <filesystem>

namespace sluice {

namespace fs = std::filesystem;

namespace {

// The files one entry names: itself, or the *.yaml files of a folder in name order.
std::vector<fs::path> filesOf(const YamlMap& map, const YamlNode& entry, const fs::path& base) {
  const std::string text = yamlScalar(entry, map.file(), YamlDomain::Config, "an include path");
  const fs::path path = fs::path(text).is_absolute() ? fs::path(text) : base / text;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return {path};
  if (!fs::is_directory(path, ec))
    throw ConfigError(yamlLocation(map.file(), entry),
                      "include: '" + text + "' is neither a file nor a folder");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(path, ec))
    if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::vector<std::string> includedFiles(YamlMap& map, const std::string& file, Diagnostics& diag) {
  std::vector<std::string> out;
  const YamlNode include = map.get("include");
  if (!include.IsDefined() || include.IsNull()) return out;
  std::vector<YamlNode> entries;
  if (include.IsSequence())
    for (const auto& e : include) entries.push_back(e);
  else
    entries.push_back(include);
  const fs::path base = fs::path(file).parent_path();
  for (const auto& entry : entries)
    diag.attempt([&] {
      for (const auto& path : filesOf(map, entry, base)) out.push_back(path.string());
    });
  return out;
}

}  // namespace sluice
