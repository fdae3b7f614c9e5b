// `sluice status`: how each flow is doing, from what the state store knows.
#include <algorithm>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "core/exit_codes.h"
#include "core/json.h"
#include "service/flow_status.h"
#include "tenants/tenant_expansion.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"
#include "tools/sluice/table.h"
#include "tools/sluice/tenant_table.h"

namespace sluice::cli {

namespace {

JsonValue statusJson(const FlowStatus& s, JsonAlloc& a) {
  const TriggerState* t = s.trigger;
  JsonValue o(rapidjson::kObjectType);
  o.AddMember("flow", jsonString(s.flow->name, a), a);
  if (!s.flow->tenant.empty()) {
    o.AddMember("base_flow", jsonString(s.flow->base, a), a);
    o.AddMember("tenant", jsonString(s.flow->tenant, a), a);
  }
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
  o.AddMember("backlog", JsonValue(static_cast<int64_t>(s.counts.pending)), a);
  o.AddMember("delivery_lag_s", JsonValue(static_cast<int64_t>(s.deliveryLagMs / 1000)), a);
  o.AddMember("dead", JsonValue(static_cast<int64_t>(s.counts.dead)), a);
  o.AddMember("queued_today", JsonValue(static_cast<int64_t>(s.counts.queuedSince)), a);
  if (s.pausedMs > 0)
    o.AddMember("paused_ms", JsonValue(static_cast<int64_t>(s.pausedMs)), a);
  else
    o.AddMember("paused_ms", JsonValue(rapidjson::kNullType), a);
  o.AddMember("lease_owner", jsonString(s.owner, a), a);
  o.AddMember("polled_by", jsonString(t ? t->polledBy : "", a), a);
  return o;
}

Color stateColor(const std::string& state) {
  if (state == "ok") return Color::Green;
  if (state == "failing") return Color::Yellow;
  if (state == "STALE" || state == "LATE" || state == "BEHIND") return Color::Red;
  return Color::Dim;  // disabled, paused, never polled
}

Table statusTable() {
  // The flow name and the texts are cut on a narrow terminal; times and counts never are.
  return Table({Column::shrink("FLOW", 20), Column::fixed("LAST POLL"), Column::fixed("NEXT DUE"),
                Column::fixed("ERRORS"), Column::fixed("BACKLOG"), Column::fixed("DEAD"),
                Column::fixed("WATERMARK AGE"), Column::fixed("STATE"),
                Column::shrink("POLLED BY", 12).orHidden(),
                Column::shrink("LAST ERROR", 12).orHidden()});
}

std::vector<Cell> statusRow(const FlowStatus& s) {
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
          std::to_string(s.counts.pending),
          std::to_string(s.counts.dead),
          shortAge(s.watermarkAgeMs),
          Cell(state, stateColor(s.state)),
          process,
          t ? t->lastError : ""};
}

// A per-tenant flow's totals over its tenants, after their rows.
struct TenantTotals {
  std::string base;
  int tenants = 0, notOk = 0, errors = 0;
  int64_t backlog = 0, dead = 0;

  void add(const FlowStatus& s) {
    ++tenants;
    notOk += s.state != "ok";
    errors += s.errors;
    backlog += s.counts.pending;
    dead += s.counts.dead;
  }
  std::vector<Cell> row() const {
    const std::string state = notOk ? std::to_string(notOk) + " not ok" : "ok";
    return {Cell(base + ": " + std::to_string(tenants) + " tenants", Color::Dim),
            "",
            "",
            std::to_string(errors),
            std::to_string(backlog),
            std::to_string(dead),
            "",
            Cell(state, notOk ? Color::Yellow : Color::Green),
            "",
            ""};
  }
};

// The tenants of the agency connections, and why one is not running.
void printTenants(StateStore& state, const std::string& only, std::ostream& out,
                  const Terminal& terminal) {
  const auto tenants = chosenTenants(state.tenants(""), only);
  if (tenants.empty()) return;
  out << "\n";
  tenantTable(tenants).print(out, terminal);
}

// The instances waiting for a stopped tenant (service/flow_status.h) of one tenant ("" = all).
std::vector<WaitingInstance> ofTenant(std::vector<WaitingInstance> waiting,
                                      const std::string& onlyTenant) {
  if (onlyTenant.empty()) return waiting;
  waiting.erase(
      std::remove_if(waiting.begin(), waiting.end(),
                     [&](const WaitingInstance& w) { return tenantIdOf(w.flow) != onlyTenant; }),
      waiting.end());
  return waiting;
}

// In the JSON a parked instance is one more flow, in the state "waiting for tenant".
JsonValue parkedJson(const WaitingInstance& p, JsonAlloc& a) {
  JsonValue o(rapidjson::kObjectType);
  o.AddMember("flow", jsonString(p.flow, a), a);
  o.AddMember("base_flow", jsonString(baseNameOf(p.flow), a), a);
  o.AddMember("tenant", jsonString(tenantIdOf(p.flow), a), a);
  o.AddMember("state", jsonString("waiting for tenant", a), a);
  o.AddMember("backlog", JsonValue(static_cast<int64_t>(p.counts.pending)), a);
  o.AddMember("dead", JsonValue(static_cast<int64_t>(p.counts.dead)), a);
  return o;
}

void printParked(const std::vector<WaitingInstance>& parked, std::ostream& out,
                 const Terminal& terminal) {
  if (parked.empty()) return;
  Table table({Column::shrink("WAITING FOR A STOPPED TENANT", 20), Column::fixed("BACKLOG")});
  for (const auto& p : parked) table.add({p.flow, std::to_string(p.counts.pending)});
  out << "\n";
  table.print(out, terminal);
}

}  // namespace

int statusCommand(const std::vector<std::string>& argv, Io io) {
  const auto& flags = flagsOf("status");
  Args args(argv, flags);
  if (args.has("help")) {
    io.out << usageHelp("status");
    return EXIT_OK;
  }
  Context ctx = loadContext(args);
  auto state = openState(ctx.config);
  useStoredTenants(ctx, *state, args);
  const int64_t nowMs = SystemClock().nowMs();
  const StoreView view = readStoreView(*state, nowMs);
  std::map<std::string, int> flowsByOwner;
  JsonDoc doc(rapidjson::kArrayType);
  Table flows = statusTable();
  TenantTotals totals;
  for (const auto& f : ctx.config.flows) {
    const FlowStatus s = flowStatus(f, ctx.config, ctx.catalog, view, nowMs);
    const std::string who = !s.owner.empty() ? s.owner : s.trigger ? s.trigger->polledBy : "";
    if (f.enabled && !who.empty()) flowsByOwner[who]++;
    doc.PushBack(statusJson(s, doc.GetAllocator()), doc.GetAllocator());
    if (totals.tenants && totals.base != f.base) {
      flows.add(totals.row());
      totals = TenantTotals{};
    }
    flows.add(statusRow(s));
    if (!f.tenant.empty()) {
      totals.base = f.base;
      totals.add(s);
    }
  }
  if (totals.tenants) flows.add(totals.row());
  const auto parked = ofTenant(waitingInstances(ctx.config, view), args.get("tenant", ""));
  if (args.has("json")) {
    for (const auto& p : parked)
      doc.PushBack(parkedJson(p, doc.GetAllocator()), doc.GetAllocator());
    io.out << toJson(doc, true) << "\n";
    return EXIT_OK;
  }
  const Terminal terminal = stdoutTerminal();
  flows.print(io.out, terminal);
  printTenants(*state, args.get("tenant", ""), io.out, terminal);
  printParked(parked, io.out, terminal);
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
