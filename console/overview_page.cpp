// The console's front page: every flow with its state, last poll, next due, items queued
// today, backlog, dead letters and watermark age (service/flow_status.h, as `sluice status`).
#include "console/pages.h"
#include "service/flow_status.h"

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
  ctx.chrome.title = "Flows";
  ctx.chrome.active = "flows";
  ctx.chrome.refreshSeconds = kRefreshSeconds;
  return page(ctx.chrome, body);
}

}  // namespace sluice::console
