// `sluice status`: how each flow is doing, from what the state store knows.
#include <algorithm>
#include <map>
#include <ostream>

#include "core/exit_codes.h"
#include "core/json.h"
#include "poll/trigger_spec.h"
#include "service/runner.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"
#include "tools/sluice/table.h"

namespace sluice::cli {

namespace {

// A flow whose trigger is this far past its due time is shown as LATE: its polls fall behind
// (or no `sluice run` is polling it). The runner itself warns from 1 s (poll.late).
constexpr int64_t kLateAfterMs = 60 * 1000;

// What the state store knows of every trigger, for `sluice status`.
struct StoreView {
  std::map<std::string, TriggerState> byKey;
  std::map<std::string, FlowBacklog> backlog;  // pending deliveries per flow
  std::map<std::string, int> dead;     // dead letters per flow
  // Which process polls which trigger right now (several `sluice run` on one PostgreSQL).
  std::map<std::string, std::string> heldBy;
};

StoreView readStore(StateStore& state, int64_t nowMs) {
  StoreView v;
  for (auto& t : state.triggers()) v.byKey[t.key] = t;
  for (auto& b : state.backlogByFlow(nowMs)) v.backlog[b.flow] = b;
  for (const auto& d : state.deliveries(DeliveryStatus::Dead, 100000)) v.dead[d.flow]++;
  for (auto& [key, owner] : state.triggerLeases(nowMs)) v.heldBy[key] = owner;
  return v;
}

struct FlowStatus {
  const FlowConfig* flow = nullptr;
  const TriggerState* trigger = nullptr;  // none: never polled
  std::string state;
  std::string owner;  // the process polling it now
  int errors = 0;
  int64_t watermarkAgeMs = -1;
  int64_t lateMs = 0;
  int64_t backlog = 0;        // pending deliveries
  int64_t deliveryLagMs = 0;  // how long its oldest due delivery has waited for a worker
};

FlowStatus flowStatus(const FlowConfig& f, const Context& ctx, const StoreView& v, int64_t nowMs) {
  FlowStatus s;
  s.flow = &f;
  const TriggerSpec spec = makeTriggerSpec(f, ctx.config, ctx.catalog);
  const auto it = v.byKey.find(spec.key);
  const TriggerState* t = s.trigger = it == v.byKey.end() ? nullptr : &it->second;
  s.errors = t ? t->consecutiveErrors : 0;
  const bool polled = t && (t->lastPollMs > 0 || s.errors > 0 || !t->cursorJson.empty());
  const auto holder = v.heldBy.find(spec.key);
  s.owner = holder == v.heldBy.end() ? "" : holder->second;
  s.state = !f.enabled                              ? "disabled"
            : !polled                               ? "never polled"
            : s.errors >= Runner::kStaleAfterErrors ? "STALE"
            : s.errors                              ? "failing"
                                                    : "ok";
  s.watermarkAgeMs = t && t->watermarkMovedMs > 0 ? nowMs - t->watermarkMovedMs : -1;
  s.lateMs = f.enabled && t && t->nextDueMs > 0 ? nowMs - t->nextDueMs : 0;
  const auto b = v.backlog.find(f.name);
  if (b != v.backlog.end()) {
    s.backlog = b->second.pending;
    s.deliveryLagMs = b->second.oldestDueMs > 0 ? std::max<int64_t>(0, nowMs - b->second.oldestDueMs) : 0;
  }
  // Past a back-pressure bound (service/back_pressure.h) its polls wait: not late, behind.
  const RunSettings& limits = ctx.config.settings;
  const bool behind = s.backlog > limits.maxBacklog || s.deliveryLagMs > limits.maxDeliveryLagMs;
  if ((s.state == "ok" || s.state == "failing") && f.enabled && behind) s.state = "BEHIND";
  if (s.state == "ok" && s.lateMs > kLateAfterMs) s.state = "LATE";
  return s;
}

int countIn(const std::map<std::string, int>& counts, const std::string& flow) {
  const auto it = counts.find(flow);
  return it == counts.end() ? 0 : it->second;
}

JsonValue statusJson(const FlowStatus& s, const StoreView& v, JsonAlloc& a) {
  const TriggerState* t = s.trigger;
  JsonValue o(rapidjson::kObjectType);
  o.AddMember("flow", jsonString(s.flow->name, a), a);
  o.AddMember("trigger", jsonString(s.flow->trigger.op, a), a);
  o.AddMember("state", jsonString(s.state, a), a);
  o.AddMember("last_poll_ms", JsonValue(static_cast<int64_t>(t ? t->lastPollMs : 0)), a);
  o.AddMember("next_due_ms", JsonValue(static_cast<int64_t>(t ? t->nextDueMs : 0)), a);
  o.AddMember("watermark_moved_ms", JsonValue(static_cast<int64_t>(t ? t->watermarkMovedMs : 0)),
              a);
  if (s.watermarkAgeMs >= 0)
    o.AddMember("watermark_age_s", JsonValue(static_cast<int64_t>(s.watermarkAgeMs / 1000)), a);
  else
    o.AddMember("watermark_age_s", JsonValue(rapidjson::kNullType), a);
  o.AddMember("late_s", JsonValue(static_cast<int64_t>(std::max<int64_t>(0, s.lateMs) / 1000)), a);
  o.AddMember("consecutive_errors", s.errors, a);
  o.AddMember("last_error", jsonString(t ? t->lastError : "", a), a);
  o.AddMember("backlog", JsonValue(static_cast<int64_t>(s.backlog)), a);
  o.AddMember("delivery_lag_s", JsonValue(static_cast<int64_t>(s.deliveryLagMs / 1000)), a);
  o.AddMember("dead", countIn(v.dead, s.flow->name), a);
  o.AddMember("lease_owner", jsonString(s.owner, a), a);
  o.AddMember("polled_by", jsonString(t ? t->polledBy : "", a), a);
  return o;
}

Color stateColor(const std::string& state) {
  if (state == "ok") return Color::Green;
  if (state == "failing") return Color::Yellow;
  if (state == "STALE" || state == "LATE" || state == "BEHIND") return Color::Red;
  return Color::Dim;  // disabled, never polled
}

Table statusTable() {
  // The flow name and the texts are cut on a narrow terminal; times and counts never are.
  return Table({Column::shrink("FLOW", 20), Column::fixed("LAST POLL"), Column::fixed("NEXT DUE"),
                Column::fixed("ERRORS"), Column::fixed("BACKLOG"), Column::fixed("DEAD"),
                Column::fixed("WATERMARK AGE"), Column::fixed("STATE"),
                Column::shrink("POLLED BY", 12).orHidden(),
                Column::shrink("LAST ERROR", 12).orHidden()});
}

std::vector<Cell> statusRow(const FlowStatus& s, const StoreView& v) {
  const TriggerState* t = s.trigger;
  const std::string& name = s.flow->name;
  const std::string state =
      s.state + (s.state == "LATE"     ? " (" + shortAge(s.lateMs) + " behind)"
                 : s.state == "BEHIND" ? " (lag " + shortAge(s.deliveryLagMs) + ")"
                                       : "");
  // The process polling it now, else the one that polled it last (several `sluice run`).
  const std::string process = !s.owner.empty() ? s.owner + " (polling)" : t ? t->polledBy : "";
  return {name,
          utcTime(t ? t->lastPollMs : 0),
          utcTime(t ? t->nextDueMs : 0),
          std::to_string(s.errors),
          std::to_string(s.backlog),
          std::to_string(countIn(v.dead, name)),
          shortAge(s.watermarkAgeMs),
          Cell(state, stateColor(s.state)),
          process,
          t ? t->lastError : ""};
}

}  // namespace

int statusCommand(const std::vector<std::string>& argv, Io io) {
  const auto& flags = flagsOf("status");
  Args args(argv, flags);
  if (args.has("help")) {
    io.out << "usage: sluice status -c FILE [--json]\n\n" << flagHelp(flags);
    return EXIT_OK;
  }
  const Context ctx = loadContext(args);
  auto state = openState(ctx.config);
  const int64_t nowMs = SystemClock().nowMs();
  const StoreView view = readStore(*state, nowMs);
  std::map<std::string, int> flowsByOwner;
  JsonDoc doc(rapidjson::kArrayType);
  Table flows = statusTable();
  for (const auto& f : ctx.config.flows) {
    const FlowStatus s = flowStatus(f, ctx, view, nowMs);
    const std::string who = !s.owner.empty() ? s.owner : s.trigger ? s.trigger->polledBy : "";
    if (f.enabled && !who.empty()) flowsByOwner[who]++;
    doc.PushBack(statusJson(s, view, doc.GetAllocator()), doc.GetAllocator());
    flows.add(statusRow(s, view));
  }
  if (args.has("json")) {
    io.out << toJson(doc, true) << "\n";
    return EXIT_OK;
  }
  const Terminal terminal = stdoutTerminal();
  flows.print(io.out, terminal);
  if (!flowsByOwner.empty()) {
    // A flow belongs to the process polling it now, else to the one that polled it last.
    Table processes({Column::shrink("PROCESS", 20), Column::fixed("FLOWS")});
    for (const auto& [owner, n] : flowsByOwner) processes.add({owner, std::to_string(n)});
    io.out << "\n";
    processes.print(io.out, terminal);
  }
  return EXIT_OK;
}

}  // namespace sluice::cli
