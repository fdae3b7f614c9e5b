// The console's front page: every flow with its state, last poll, next due, items queued
// today, backlog, dead letters and watermark age (service/flow_status.h, as `sluice status`),
// then the tenants of agency and platform connections.
#include <map>
#include <string>

#include "console/pages.h"
#include "service/flow_status.h"
#include "tenants/tenant_expansion.h"

namespace sluice::console {

namespace {

std::string pauseButton(const PageContext& ctx, const FlowStatus& s) {
  if (!ctx.canChange() || !s.flow->enabled) return "";
  const std::string base = "/flows/" + urlPart(s.flow->name);
  if (s.pausedMs > 0) return postButton(base + "/resume", "Resume", ctx.chrome.csrf);
  return postButton(base + "/pause", "Pause", ctx.chrome.csrf,
                    "Pause " + s.flow->name + "? Its items wait until it is resumed.");
}

std::string flowRow(const PageContext& ctx, const FlowStatus& s) {
  const TriggerState* t = s.trigger;
  const std::string& name = s.flow->name;
  std::string row = "<tr data-flow=\"" + escape(name) + "\" data-state=\"" + escape(s.state) +
                    "\"><td><a href=\"/flows/" + urlPart(name) + "\">" + escape(name) +
                    "</a><div class=\"muted\">" + escape(s.flow->trigger.op) + "</div></td>";
  row += "<td>" + stateBadge(s.state) + "</td>";
  row += "<td>" + timeText(t ? t->lastPollMs : 0) + "</td>";
  row += "<td>" + timeText(t && s.pausedMs == 0 ? t->nextDueMs : 0) + "</td>";
  row += "<td class=\"num\">" + std::to_string(s.counts.queuedSince) + "</td>";
  row += "<td class=\"num\">" + std::to_string(s.counts.pending) + "</td>";
  row += "<td class=\"num\">" +
         (s.counts.dead > 0 ? "<a class=\"err\" href=\"/dead-letters?flow=" + urlPart(name) +
                                  "\">" + std::to_string(s.counts.dead) + "</a>"
                            : "0") +
         "</td>";
  row += "<td>" + ageText(s.watermarkAgeMs) + "</td>";
  if (ctx.canChange()) row += "<td>" + pauseButton(ctx, s) + "</td>";
  return row + "</tr>";
}

std::string tenantBadge(TenantState state) {
  const char* kind = state == TenantState::Installed ? "s-ok"
                     : state == TenantState::Revoked ? "s-bad"
                                                     : "s-other";
  return std::string("<span class=\"state ") + kind + "\">" + tenantStateName(state) + "</span>";
}

// The deliveries waiting for each stopped tenant, by tenant id.
std::map<std::string, int64_t> waitingByTenant(const PageContext& ctx, const StoreView& view) {
  std::map<std::string, int64_t> out;
  for (const auto& w : waitingInstances(ctx.config, view))
    out[tenantIdOf(w.flow)] += w.counts.pending;
  return out;
}

// The tenants of agency and platform connections (as `sluice tenants`), after the flows: a
// revoked sub-account's flows are gone from the list above, so it shows here, with why.
std::string tenantsSection(const PageContext& ctx, const StoreView& view) {
  const auto tenants = ctx.state.tenants("");
  if (tenants.empty()) return "";
  const auto waiting = waitingByTenant(ctx, view);
  std::string rows;
  for (const auto& t : tenants) {
    const std::string state = tenantStateName(t.state);
    const auto w = waiting.find(t.id);
    rows += "<tr data-tenant=\"" + escape(t.id) + "\" data-state=\"" + state + "\"><td>" +
            escape(t.connection) + "</td><td>" + escape(t.id) + "<div class=\"muted\">" +
            escape(t.name) + "</div></td><td>" + tenantBadge(t.state) + "</td><td>" +
            timeText(t.sinceMs) + "</td><td class=\"num\">" +
            std::to_string(w == waiting.end() ? 0 : w->second) + "</td><td>" + escape(t.reason) +
            "</td></tr>";
  }
  return "<h2>Tenants</h2><div class=\"box\"><table id=\"tenants\"><thead><tr>"
         "<th>Connection</th><th>Tenant</th><th>State</th><th>Since</th>"
         "<th class=\"num\">Waiting deliveries</th><th>Why</th></tr></thead><tbody>" +
         rows + "</tbody></table></div>";
}

}  // namespace

std::string overviewPage(PageContext ctx) {
  const StoreView view = readStoreView(ctx.state, ctx.nowMs);
  std::string rows;
  int problems = 0;
  for (const auto& f : ctx.config.flows) {
    const FlowStatus s = flowStatus(f, ctx.config, ctx.catalog, view, ctx.nowMs);
    problems += s.state == "failing" || s.state == "STALE" || s.state == "LATE";
    rows += flowRow(ctx, s);
  }
  std::string body = "<h1>Flows</h1><p class=\"muted\">" + std::to_string(ctx.config.flows.size()) +
                     " flows, " + std::to_string(problems) + " needing attention. Times are UTC; " +
                     "items today are those queued since midnight UTC.</p>";
  body +=
      "<div class=\"box\"><table id=\"flows\"><thead><tr><th>Flow</th><th>State</th>"
      "<th>Last poll</th><th>Next due</th><th class=\"num\">Items today</th>"
      "<th class=\"num\">Backlog</th>"
      "<th class=\"num\">Dead letters</th><th>Watermark age</th>";
  if (ctx.canChange()) body += "<th></th>";
  body += "</tr></thead><tbody>" + rows + "</tbody></table></div>";
  body += tenantsSection(ctx, view);
  ctx.chrome.title = "Flows";
  ctx.chrome.active = "flows";
  ctx.chrome.refreshSeconds = kRefreshSeconds;
  return page(ctx.chrome, body);
}

}  // namespace sluice::console
