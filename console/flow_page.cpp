// One flow: its trigger and steps as the file says them, its state and cursor, its recent polls
// (`sluice history`) and recent deliveries with each step's outcome; the buttons pause or
// resume it and reset its cursor.
#include "console/pages.h"
#include "console/secret_mask.h"
#include "core/json.h"
#include "service/flow_status.h"

namespace sluice::console {

namespace {

constexpr int kRecentPolls = 20;
constexpr int kRecentDeliveries = 20;

std::string opLink(const std::string& op) {
  return "<a href=\"/ops/" + urlPart(op) + "\">" + escape(op) + "</a>";
}

std::string templateText(const ValueTemplate& with) {
  if (with.isNull()) return "<span class=\"muted\">none</span>";
  JsonDoc doc;
  return "<pre>" + escape(maskSecrets(toJson(with.source(doc.GetAllocator())))) + "</pre>";
}

std::string definition(const FlowConfig& f) {
  const TriggerConfig& t = f.trigger;
  std::string out = "<h2>Trigger</h2><div class=\"box\"><dl><dt>operation</dt><dd>" + opLink(t.op) +
                    "</dd><dt>connection</dt><dd>" + escape(t.connection) +
                    "</dd><dt>every</dt><dd>" + ageText(t.everyMs) + "</dd><dt>inputs</dt><dd>" +
                    templateText(t.with) + "</dd>";
  if (!f.filter.empty())
    out += "<dt>filter</dt><dd><code>" + escape(f.filter.source()) + "</code></dd>";
  out +=
      "</dl></div><h2>Steps</h2><div class=\"box\"><table><thead><tr><th>#</th><th>Name</th>"
      "<th>Operation</th><th>Connection</th><th>If</th><th>With</th></tr></thead><tbody>";
  for (size_t i = 0; i < f.steps.size(); ++i) {
    const StepConfig& s = f.steps[i];
    out += "<tr><td>" + std::to_string(i) + "</td><td>" + escape(s.name) + "</td><td>" +
           opLink(s.op) + "</td><td>" + escape(s.connection) + "</td><td><code>" +
           escape(s.when.source()) + "</code></td><td>" + templateText(s.with) + "</td></tr>";
  }
  return out + "</tbody></table></div>";
}

std::string buttons(const PageContext& ctx, const FlowStatus& s) {
  if (!ctx.canChange()) return "";
  const std::string base = "/flows/" + urlPart(s.flow->name);
  const std::string& csrf = ctx.chrome.csrf;
  std::string out = "<p>";
  if (s.pausedMs > 0)
    out += postButton(base + "/resume", "Resume", csrf, "", "primary");
  else if (s.flow->enabled)
    out += postButton(base + "/pause", "Pause", csrf,
                      "Pause " + s.flow->name + "? Its items wait until it is resumed.");
  out += " " + postButton(base + "/cursor-reset", "Reset cursor", csrf,
                          "Reset the cursor of " + s.flow->name +
                              "? The next poll records what exists and fires nothing.",
                          "danger");
  return out + "</p>";
}

std::string summary(const PageContext& ctx, const FlowStatus& s) {
  const TriggerState* t = s.trigger;
  std::string out = "<div class=\"box\"><dl><dt>state</dt><dd id=\"flow-state\">" +
                    stateBadge(s.state) + (s.pausedMs > 0 ? " since " + timeText(s.pausedMs) : "") +
                    "</dd><dt>last poll</dt><dd>" + timeText(t ? t->lastPollMs : 0) +
                    "</dd><dt>next due</dt><dd>" + timeText(t ? t->nextDueMs : 0) +
                    "</dd><dt>items today</dt><dd>" + std::to_string(s.counts.queuedSince) +
                    "</dd><dt>backlog</dt><dd>" + std::to_string(s.counts.pending) +
                    "</dd><dt>dead letters</dt><dd>" + std::to_string(s.counts.dead) +
                    "</dd><dt>watermark age</dt><dd>" + ageText(s.watermarkAgeMs) + "</dd>";
  if (t && !t->lastError.empty())
    out += "<dt>last error</dt><dd class=\"err\">" + escape(maskSecrets(t->lastError)) + "</dd>";
  out +=
      "<dt>trigger key</dt><dd><code>" + escape(s.triggerKey) + "</code></dd><dt>cursor</dt><dd>";
  out += t && !t->cursorJson.empty()
             ? "<pre id=\"cursor\">" + escape(maskSecrets(t->cursorJson)) + "</pre>"
             : "<span class=\"muted\" id=\"cursor\">none: the first poll seeds</span>";
  return out + "</dd></dl></div>" + buttons(ctx, s);
}

std::string polls(const PageContext& ctx, const FlowStatus& s) {
  std::string out =
      "<h2>Recent polls</h2><div class=\"box\"><table id=\"polls\"><thead><tr>"
      "<th>Started</th><th class=\"num\">Pages</th><th class=\"num\">Fetched</th>"
      "<th class=\"num\">New</th><th class=\"num\">Dup</th>"
      "<th class=\"num\">ms</th><th>Error</th></tr></thead><tbody>";
  const auto history = ctx.state.history(s.triggerKey, kRecentPolls);
  for (const auto& h : history)
    out += "<tr><td>" + timeText(h.startedMs) + "</td><td class=\"num\">" +
           std::to_string(h.pages) + "</td><td class=\"num\">" + std::to_string(h.fetched) +
           "</td><td class=\"num\">" + std::to_string(h.newItems) + "</td><td class=\"num\">" +
           std::to_string(h.duplicates) + "</td><td class=\"num\">" +
           std::to_string(h.finishedMs - h.startedMs) + "</td><td class=\"err\">" +
           escape(maskSecrets(h.error)) + "</td></tr>";
  if (history.empty()) out += "<tr><td colspan=\"7\" class=\"muted\">never polled</td></tr>";
  return out + "</tbody></table></div>";
}

// What happened to step i of a delivery, from its recorded results.
std::string stepOutcome(const FlowConfig& f, const Delivery& d,
                        const std::vector<StepResult>& results, size_t i, bool& failedShown) {
  for (const auto& r : results)
    if (r.step == static_cast<int>(i))
      return r.started ? "<span class=\"state s-failing\">sent, outcome unknown</span>"
                       : "<span class=\"state s-ok\">done</span>";
  if (d.status == DeliveryStatus::Done)
    return results.empty() && !f.filter.empty() ? "<span class=\"muted\">filtered out</span>"
                                                : "<span class=\"muted\">not run</span>";
  if (failedShown || (d.attempts == 0 && d.lastError.empty()))
    return "<span class=\"muted\">waiting</span>";
  failedShown = true;
  const bool dead = d.status == DeliveryStatus::Dead;
  return std::string("<span class=\"state ") + (dead ? "s-bad\">failed" : "s-failing\">retrying") +
         "</span> <span class=\"err\">" + escape(maskSecrets(d.lastError)) + "</span>";
}

std::string deliveryRow(const PageContext& ctx, const FlowConfig& f, const Delivery& d) {
  const auto results = ctx.state.stepResults(d.id);
  std::string steps;
  bool failedShown = false;
  for (size_t i = 0; i < f.steps.size(); ++i)
    steps +=
        "<div>" + std::to_string(i) + ": " + stepOutcome(f, d, results, i, failedShown) + "</div>";
  return "<tr data-delivery=\"" + std::to_string(d.id) + "\" data-status=\"" + toString(d.status) +
         "\"><td>" + std::to_string(d.id) + "</td><td>" + escape(d.itemKey) +
         "<details><summary>item</summary><pre>" + escape(maskSecrets(d.itemJson)) +
         "</pre></details></td><td>" + toString(d.status) + "</td><td class=\"num\">" +
         std::to_string(d.attempts) + "</td><td>" + timeText(d.createdMs) + "</td><td>" + steps +
         "</td></tr>";
}

std::string deliveries(const PageContext& ctx, const FlowConfig& f) {
  std::string out =
      "<h2>Recent deliveries</h2><div class=\"box\"><table id=\"deliveries\">"
      "<thead><tr><th>ID</th><th>Item</th><th>Status</th><th class=\"num\">Attempts</th>"
      "<th>Queued</th><th>Steps</th></tr></thead><tbody>";
  const auto recent = ctx.state.flowDeliveries(f.name, kRecentDeliveries);
  for (const auto& d : recent) out += deliveryRow(ctx, f, d);
  if (recent.empty()) out += "<tr><td colspan=\"6\" class=\"muted\">none yet</td></tr>";
  return out + "</tbody></table></div>";
}

}  // namespace

std::optional<std::string> flowPage(PageContext ctx, const std::string& name) {
  const FlowConfig* f = ctx.config.flow(name);
  if (!f) return std::nullopt;
  const StoreView view = readStoreView(ctx.state, ctx.nowMs);
  const FlowStatus s = flowStatus(*f, ctx.config, ctx.catalog, view, ctx.nowMs);
  const std::string body = "<h1>" + escape(f->name) + "</h1>" + summary(ctx, s) + definition(*f) +
                           polls(ctx, s) + deliveries(ctx, *f);
  ctx.chrome.title = f->name;
  ctx.chrome.active = "flows";
  ctx.chrome.refreshSeconds = kRefreshSeconds;
  return page(ctx.chrome, body);
}

}  // namespace sluice::console
