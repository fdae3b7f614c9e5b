// Every app and operation sluice knows, loaded from catalog/*/ once at start-up.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "catalog/app.h"

namespace sluice {

class Catalog {
 public:
  // Loads every app folder under root (each with an app.yaml). Throws CatalogError on the
  // first mistake, with file:line:col.
  static Catalog load(const std::string& root);
  // Loads one app folder.
  static App loadApp(const std::string& folder);

  const std::vector<App>& apps() const { return apps_; }
  const App* app(const std::string& id) const;
  // By full id "ghl.contacts.get_contact"; nullptr when unknown.
  const Operation* find(const std::string& fullId) const;
  // Up to `limit` full ids close to `fullId`, for "did you mean".
  std::vector<std::string> suggest(const std::string& fullId, size_t limit = 3) const;
  size_t operationCount() const;

  // The catalog folder (one sub-folder per app with its app.yaml): $SLUICE_CATALOG, else
  // ./apps, else the installed catalog next to the binary (share/sluice/apps from its bin/),
  // else the source tree's apps/ (a binary in its build folder), else the configured install
  // place.
  static std::string defaultRoot();

 private:
  std::vector<App> apps_;
};

}  // namespace sluice
