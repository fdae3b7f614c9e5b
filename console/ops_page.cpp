// The catalog (`sluice ops list`): every operation, filtered by app, kind, category and text
// (catalog/op_filter.h, as the CLI filters).
#include <set>

#include "catalog/op_filter.h"
#include "console/pages.h"

namespace sluice::console {

namespace {

constexpr size_t kOpsShown = 1000;

std::string choice(const std::string& value, const std::string& chosen, const std::string& label) {
  return "<option value=\"" + escape(value) + "\"" + (value == chosen ? " selected" : "") + ">" +
         escape(label) + "</option>";
}

std::string choiceList(const std::string& name, const std::string& chosen,
                       const std::set<std::string>& values, const std::string& any) {
  std::string out =
      "<select name=\"" + name + "\" aria-label=\"" + name + "\">" + choice("", chosen, any);
  for (const auto& v : values) out += choice(v, chosen, v);
  return out + "</select>";
}

std::string filterForm(const PageContext& ctx, const OpFilter& f) {
  std::set<std::string> apps, categories;
  for (const auto& app : ctx.catalog.apps()) {
    apps.insert(app.id);
    for (const auto& op : app.operations)
      if (f.app.empty() || op.app == f.app) categories.insert(op.category);
  }
  return "<form class=\"filters\" method=\"get\" action=\"/ops\">" +
         choiceList("app", f.app, apps, "every app") +
         choiceList("kind", f.kind, {"action", "trigger"}, "triggers and actions") +
         choiceList("category", f.category, categories, "every category") +
         "<input type=\"search\" name=\"search\" placeholder=\"search\" value=\"" +
         escape(f.search) + "\"><button type=\"submit\">Filter</button></form>";
}

std::string opRow(const Operation& op) {
  return "<tr><td><a href=\"/ops/" + urlPart(op.fullId()) + "\">" + escape(op.fullId()) +
         "</a></td><td>" + toString(op.kind) + "</td><td>" + escape(op.request.method) +
         "</td><td><code>" + escape(op.request.path) + "</code></td><td>" + escape(op.name) +
         (op.status == "stable" ? "" : " <span class=\"state\">" + escape(op.status) + "</span>") +
         "</td></tr>";
}

}  // namespace

std::string opsPage(PageContext ctx) {
  const OpFilter filter{ctx.param("app"), ctx.param("kind"), ctx.param("category"),
                        ctx.param("search")};
  const auto ops = filterOps(ctx.catalog, filter);
  std::string rows;
  for (size_t i = 0; i < ops.size() && i < kOpsShown; ++i) rows += opRow(*ops[i]);
  std::string body = "<h1>Catalog</h1>" + filterForm(ctx, filter) +
                     "<p class=\"muted\" id=\"op-count\">" + std::to_string(ops.size()) + " of " +
                     std::to_string(ctx.catalog.operationCount()) + " operations</p>";
  body +=
      "<div class=\"box\"><table id=\"ops\"><thead><tr><th>Operation</th><th>Kind</th>"
      "<th>Method</th><th>Path</th><th>Name</th></tr></thead><tbody>" +
      rows + "</tbody></table></div>";
  ctx.chrome.title = "Catalog";
  ctx.chrome.active = "ops";
  return page(ctx.chrome, body);
}

}  // namespace sluice::console
