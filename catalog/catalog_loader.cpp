// Loads apps/<app>/app.yaml and its category files, rejecting every mistake with
// file:line:col and what was expected. The YAML stays the only source of truth. The parts are
// in catalog/loader_parts.h.
#include <algorithm>
#include <filesystem>
#include <set>

#include "catalog/catalog.h"
#include "catalog/loader_parts.h"
#include "catalog/op_presets.h"
#include "core/install_paths.h"
#include "core/text.h"
#include "core/yaml_reader.h"

namespace fs = std::filesystem;

namespace sluice {

App Catalog::loadApp(const std::string& folder) {
  App app;
  app.folder = folder;
  const std::string appFile = (fs::path(folder) / "app.yaml").string();
  catalog_loader::parseAppYaml(app, appFile);
  if (app.id != fs::path(folder).filename().string())
    throw CatalogError({appFile, 1, 1},
                       "app '" + app.id + "' must live in a folder named '" + app.id + "'");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().extension() == ".yaml" && entry.path().filename() != "app.yaml")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::set<std::string> ids;
  for (const auto& path : files) {
    const std::string file = path.string();
    const YamlNode root = loadYamlFile(file, catalog_loader::kCatalogDomain);
    YamlMap map(root, file, catalog_loader::kCatalogDomain, "category");
    Category category;
    category.file = file;
    category.id = map.requiredString("category");
    if (category.id != path.stem().string())
      map.fail("category", "category '" + category.id + "' must be the file name '" +
                               path.stem().string() + "'");
    category.name = map.requiredString("name");
    const YamlNode ops = map.get("operations");
    if (!ops.IsSequence() || ops.size() == 0)
      map.fail("operations", "'operations': expected a non-empty list of operations");
    const catalog_loader::FilePresets presets = catalog_loader::readFilePresets(map);
    map.rejectUnknown();
    for (const auto& node : ops) {
      Operation op = catalog_loader::parseOperation(
          catalog_loader::withPresets(node, presets, file), file, app, category);
      if (!ids.insert(op.id).second)
        throw CatalogError(op.where, "duplicate operation id '" + op.id + "' in app " + app.id);
      app.operations.push_back(std::move(op));
    }
    app.categories.push_back(category);
  }
  if (app.tenants) {
    const Operation* list = app.find(app.tenants->list);
    if (!list || list->records.empty())
      throw CatalogError(app.tenants->where, "tenants: 'list' must name an operation of app " +
                                                 app.id + " with records");
    if (!app.setting(app.tenants->setting))
      throw CatalogError(app.tenants->where, "tenants: 'setting' must name a connection setting");
  }
  for (const auto& op : app.operations) {
    if (!op.lookup) continue;
    const LookupSpec& lookup = *op.lookup;
    const Operation* target = app.find(lookup.op);
    if (!target)
      throw CatalogError(lookup.where,
                         "op " + op.id + ": lookup names unknown operation '" + lookup.op + "'");
    // The lookup's `with` gives the target's inputs by name: an unknown one would be dropped
    // silently, a missing required one would fail every lookup.
    for (const auto& [name, where] : lookup.withKeys)
      if (!target->input(name))
        throw CatalogError(
            where, "op " + op.id + ": lookup input '" + name + "' is not an input of " + lookup.op);
    for (const auto& in : target->inputs) {
      if (!in.required || in.defaultValue) continue;
      bool given = false;
      for (const auto& key : lookup.withKeys) given = given || key.first == in.name;
      if (!given)
        throw CatalogError(lookup.where, "op " + op.id + ": lookup must give " + lookup.op +
                                             "'s required input '" + in.name + "' in 'with'");
    }
  }
  return app;
}

Catalog Catalog::load(const std::string& root) {
  if (!fs::is_directory(root)) throw CatalogError({root, 0, 0}, "catalog folder not found");
  Catalog catalog;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory() && fs::exists(entry.path() / "app.yaml"))
      folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) catalog.apps_.push_back(loadApp(folder.string()));
  if (catalog.apps_.empty()) throw CatalogError({root, 0, 0}, "no app folder with an app.yaml");
  return catalog;
}

const App* Catalog::app(const std::string& id) const {
  for (const auto& a : apps_)
    if (a.id == id) return &a;
  return nullptr;
}

const Operation* Catalog::find(const std::string& fullId) const {
  const size_t dot = fullId.find('.');
  if (dot == std::string::npos) return nullptr;
  const App* a = app(fullId.substr(0, dot));
  return a ? a->find(fullId.substr(dot + 1)) : nullptr;
}

size_t Catalog::operationCount() const {
  size_t n = 0;
  for (const auto& a : apps_) n += a.operations.size();
  return n;
}

std::vector<std::string> Catalog::suggest(const std::string& fullId, size_t limit) const {
  std::vector<std::pair<size_t, std::string>> scored;
  for (const auto& a : apps_)
    for (const auto& op : a.operations) {
      const std::string id = op.fullId();
      size_t d = editDistance(fullId, id);
      if (id.find(fullId) != std::string::npos) d = std::min<size_t>(d, 1);
      scored.emplace_back(d, id);
    }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (const auto& s : scored) {
    if (out.size() >= limit || s.first > std::max<size_t>(6, fullId.size() / 2)) break;
    out.push_back(s.second);
  }
  return out;
}

namespace {
// A folder with at least one app folder (one holding an app.yaml).
bool holdsCatalog(const fs::path& root) {
  std::error_code ec;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
    if (fs::exists(it->path() / "app.yaml", ec)) return true;
  return false;
}
}  // namespace

std::string Catalog::defaultRoot() {
  if (const char* env = std::getenv("SLUICE_CATALOG")) return env;
  if (holdsCatalog("apps")) return "apps";
  // An installed binary: the catalog where the install put it relative to the binary, so a
  // prefix moved as a whole (or unpacked elsewhere) still finds its own.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path() / install_paths::catalogFromBinDir();
    if (holdsCatalog(installed)) return installed.lexically_normal().string();
  }
  // A binary run from its build folder: the source tree's.
  const std::string source = std::string(SLUICE_SOURCE_DIR) + "/apps";
  if (holdsCatalog(source)) return source;
  return install_paths::catalog();
}

}  // namespace sluice
