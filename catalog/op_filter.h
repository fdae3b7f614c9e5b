// Which operations a listing shows (`sluice ops list`, the console's catalog page): by app,
// kind, category and a text search; an empty field matches everything.
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace sluice {

struct OpFilter {
  std::string app;
  std::string kind;  // "trigger" or "action"
  std::string category;
  std::string search;  // text in the id, name, aliases, description, method or path
};

bool matchesSearch(const Operation& op, const std::string& needle);
bool matchesFilter(const Operation& op, const OpFilter& filter);
// The catalog's operations the filter matches, app by app in catalog order.
std::vector<const Operation*> filterOps(const Catalog& catalog, const OpFilter& filter);

}  // namespace sluice
