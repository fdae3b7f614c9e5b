#include "catalog/op_filter.h"

#include "core/text.h"

namespace sluice {

bool matchesSearch(const Operation& op, const std::string& needle) {
  const std::string n = lowerAscii(needle);
  std::string hay = op.fullId() + " " + op.name + " " + op.description + " " + op.request.method +
                    " " + op.request.path;
  for (const auto& a : op.aliases) hay += " " + a;
  return lowerAscii(hay).find(n) != std::string::npos;
}

bool matchesFilter(const Operation& op, const OpFilter& f) {
  if (!f.app.empty() && op.app != f.app) return false;
  if (!f.kind.empty() && f.kind != toString(op.kind)) return false;
  if (!f.category.empty() && op.category != f.category) return false;
  return f.search.empty() || matchesSearch(op, f.search);
}

std::vector<const Operation*> filterOps(const Catalog& catalog, const OpFilter& filter) {
  std::vector<const Operation*> selected;
  for (const auto& app : catalog.apps())
    for (const auto& op : app.operations)
      if (matchesFilter(op, filter)) selected.push_back(&op);
  return selected;
}

}  // namespace sluice
