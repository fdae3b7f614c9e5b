// One operation (`sluice ops show`): what it calls and its inputs.
#include "console/pages.h"
#include "core/json.h"

namespace sluice::console {

namespace {

std::string inputRow(const InputSpec& in) {
  std::string enums;
  for (const auto& e : in.enumValues) enums += (enums.empty() ? "" : ", ") + e;
  std::string fallback;
  if (in.defaultValue) {
    JsonDoc doc;
    fallback = toJson(in.defaultValue->source(doc.GetAllocator()));
  }
  return "<tr><td><code>" + escape(in.name) + "</code>" +
         (in.field.empty() ? "" : "<div class=\"muted\">" + escape(in.field) + "</div>") +
         "</td><td>" + toString(in.in) + "</td><td>" + toString(in.type) + "</td><td>" +
         (in.required ? "yes" : "") + "</td><td>" + escape(enums) + "</td><td>" + escape(fallback) +
         "</td><td>" + escape(in.description) + "</td></tr>";
}

std::string commaList(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

}  // namespace

std::optional<std::string> opPage(PageContext ctx, const std::string& id) {
  const Operation* op = ctx.catalog.find(id);
  if (!op) return std::nullopt;
  std::string body =
      "<h1>" + escape(op->fullId()) + "</h1><div class=\"box\"><dl><dt>name</dt><dd>" +
      escape(op->name) + "</dd><dt>kind</dt><dd>" + toString(op->kind) +
      "</dd><dt>request</dt><dd><code>" + escape(op->request.method) + " " +
      escape(op->request.path) + "</code></dd><dt>status</dt><dd>" + escape(op->status) + "</dd>";
  if (!op->scopes.empty()) body += "<dt>scopes</dt><dd>" + escape(commaList(op->scopes)) + "</dd>";
  if (!op->aliases.empty())
    body += "<dt>aliases</dt><dd>" + escape(commaList(op->aliases)) + "</dd>";
  if (op->kind == OpKind::Trigger)
    body += "<dt>detects</dt><dd>" + std::string(toString(op->detect)) + " (records " +
            escape(op->records) + ", id " + escape(op->recordId) + ")</dd>";
  body += "<dt>description</dt><dd>" + escape(op->description) + "</dd></dl></div>";
  body +=
      "<h2>Inputs</h2><div class=\"box\"><table id=\"inputs\"><thead><tr><th>Name</th>"
      "<th>In</th><th>Type</th><th>Required</th><th>One of</th><th>Default</th>"
      "<th>Description</th></tr></thead><tbody>";
  for (const auto& in : op->inputs) body += inputRow(in);
  if (op->inputs.empty()) body += "<tr><td colspan=\"7\" class=\"muted\">none</td></tr>";
  body += "</tbody></table></div><p><a href=\"/ops?app=" + urlPart(op->app) + "\">All " +
          escape(op->app) + " operations</a></p>";
  ctx.chrome.title = op->fullId();
  ctx.chrome.active = "ops";
  return page(ctx.chrome, body);
}

}  // namespace sluice::console
