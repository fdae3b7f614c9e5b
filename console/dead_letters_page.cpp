// The dead letters (`sluice dlq list`): each with its flow, item (secrets masked), attempts
// and error, and a button that queues it again (`sluice dlq replay`).
#include <algorithm>
#include <cstdint>
#include <string>

#include "console/pages.h"
#include "console/secret_mask.h"
#include "service/flow_status.h"

namespace sluice::console {

namespace {

constexpr int kDeadLettersShown = 500;

std::string deadRow(const PageContext& ctx, const Delivery& d) {
  std::string row = "<tr data-dead=\"" + std::to_string(d.id) + "\"><td>" + std::to_string(d.id) +
                    "</td><td><a href=\"/flows/" + urlPart(d.flow) + "\">" + escape(d.flow) +
                    "</a></td><td>" + escape(d.itemKey) + "<details><summary>item</summary><pre>" +
                    escape(maskSecrets(d.itemJson)) + "</pre></details></td><td class=\"num\">" +
                    std::to_string(d.attempts) + "</td><td>" + timeText(d.createdMs) +
                    "</td><td class=\"err\">" + escape(maskSecrets(d.lastError)) + "</td>";
  if (ctx.canChange())
    row += "<td>" +
           postButton("/dead-letters/" + std::to_string(d.id) + "/replay", "Replay",
                      ctx.chrome.csrf, "", "primary") +
           "</td>";
  return row + "</tr>";
}

}  // namespace

std::string deadLettersPage(PageContext ctx) {
  const std::string flow = ctx.param("flow");
  const auto dead = flow.empty() ? ctx.state.deliveries(DeliveryStatus::Dead, kDeadLettersShown)
                                 : ctx.state.flowDeadLetters(flow, kDeadLettersShown);
  std::string rows;
  for (const auto& d : dead) rows += deadRow(ctx, d);
  const auto shown = static_cast<int64_t>(dead.size());
  const int64_t total = std::max(shown, countDeadLetters(ctx.state, [&](const std::string& name) {
                                   return flow.empty() || name == flow;
                                 }));
  std::string body = "<h1>Dead letters" + (flow.empty() ? "" : " of " + escape(flow)) + "</h1>";
  body += "<p class=\"muted\">" +
          (shown < total
               ? "The newest " + std::to_string(shown) + " of " + std::to_string(total) + " shown."
               : std::to_string(shown) + " shown, newest first.") +
          " A replayed delivery resumes after its last finished step.";
  if (!flow.empty()) body += " <a href=\"/dead-letters\">All flows</a>";
  body += "</p>";
  if (ctx.canChange() && flow.empty() && shown > 0)
    body += "<p>" +
            postButton("/dead-letters/replay-all", "Replay all", ctx.chrome.csrf,
                       "Queue every dead letter again?") +
            "</p>";
  if (ctx.canChange() && !flow.empty() && shown > 0 && ctx.config.flow(flow))
    body += "<p>" +
            postButton("/flows/" + urlPart(flow) + "/replay-dead", "Replay this flow's",
                       ctx.chrome.csrf, "Queue every dead letter of " + flow + " again?") +
            "</p>";
  body +=
      "<div class=\"box\"><table id=\"dead-letters\"><thead><tr><th>ID</th><th>Flow</th>"
      "<th>Item</th><th class=\"num\">Attempts</th><th>Queued</th><th>Error</th>";
  if (ctx.canChange()) body += "<th></th>";
  body += "</tr></thead><tbody>" + rows;
  if (shown == 0) body += "<tr><td colspan=\"7\" class=\"muted\">no dead letters</td></tr>";
  body += "</tbody></table></div>";
  ctx.chrome.title = "Dead letters";
  ctx.chrome.active = "dead";
  ctx.chrome.refreshSeconds = kRefreshSeconds;
  return page(ctx.chrome, body);
}

}  // namespace sluice::console
