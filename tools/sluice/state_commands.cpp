// Looking at and repairing state: `sluice status`, `history`, `dlq list|replay`,
// `cursor show|reset`.
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <ostream>

#include "core/exit_codes.h"
#include "core/json.h"
#include "poll/trigger_spec.h"
#include "service/runner.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"

namespace sluice::cli {

namespace {

std::string when(int64_t ms) {
  if (ms <= 0) return "-";
  return Poco::DateTimeFormatter::format(Poco::Timestamp((ms / 1000) * 1000000),
                                         "%Y-%m-%d %H:%M:%SZ");
}

const FlowConfig& requireFlow(const Context& ctx, const std::string& name) {
  const FlowConfig* f = ctx.config.flow(name);
  if (!f) {
    std::string known;
    for (const auto& fl : ctx.config.flows) known += (known.empty() ? "" : ", ") + fl.name;
    throw UsageError("unknown flow '" + name + "' (flows: " + known + ")");
  }
  return *f;
}

// A duration in its largest unit: 45s, 12m, 3h, 2d; "-" when unknown.
std::string age(int64_t ms) {
  if (ms < 0) return "-";
  const int64_t s = ms / 1000;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 7200) return std::to_string(s / 60) + "m";
  if (s < 2 * 86400) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

// A flow whose trigger is this far past its due time is shown as LATE: its polls fall behind
// (or no `sluice run` is polling it). The runner itself warns from 1 s (poll.late).
constexpr int64_t kLateAfterMs = 60 * 1000;

std::string column(const std::string& s, size_t n) {
  return s.size() >= n ? s + " " : s + std::string(n - s.size(), ' ');
}

}  // namespace

namespace {

// What the state store knows of every trigger, for `sluice status`.
struct StoreView {
  std::map<std::string, TriggerState> byKey;
  std::map<std::string, int> backlog;  // pending deliveries per flow
  std::map<std::string, int> dead;     // dead letters per flow
  // Which process polls which trigger right now (several `sluice run` on one PostgreSQL).
  std::map<std::string, std::string> heldBy;
};

StoreView readStore(StateStore& state, int64_t nowMs) {
  StoreView v;
  for (auto& t : state.triggers()) v.byKey[t.key] = t;
  for (const auto& d : state.deliveries(DeliveryStatus::Pending, 100000)) v.backlog[d.flow]++;
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
  o.AddMember("backlog", countIn(v.backlog, s.flow->name), a);
  o.AddMember("dead", countIn(v.dead, s.flow->name), a);
  o.AddMember("lease_owner", jsonString(s.owner, a), a);
  o.AddMember("polled_by", jsonString(t ? t->polledBy : "", a), a);
  return o;
}

void printStatusRow(std::ostream& out, const FlowStatus& s, const StoreView& v) {
  const TriggerState* t = s.trigger;
  const std::string& name = s.flow->name;
  out << column(name, 34) << column(when(t ? t->lastPollMs : 0), 22)
      << column(when(t ? t->nextDueMs : 0), 22) << column(std::to_string(s.errors), 7)
      << column(std::to_string(countIn(v.backlog, name)), 8)
      << column(std::to_string(countIn(v.dead, name)), 5) << column(age(s.watermarkAgeMs), 14)
      << s.state << (s.state == "LATE" ? " (" + age(s.lateMs) + " behind)" : "")
      << (s.owner.empty() ? "" : "  polling: " + s.owner)
      << (s.owner.empty() && t && !t->polledBy.empty() ? "  polled by: " + t->polledBy : "")
      << (t && !t->lastError.empty() ? "  " + t->lastError : "") << "\n";
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
  const bool json = args.has("json");
  std::map<std::string, int> flowsByOwner;
  JsonDoc doc(rapidjson::kArrayType);
  if (!json)
    io.out << column("FLOW", 34) << column("LAST POLL", 22) << column("NEXT DUE", 22)
           << column("ERRORS", 7) << column("BACKLOG", 8) << column("DEAD", 5)
           << column("WATERMARK AGE", 14) << "STATE\n";
  for (const auto& f : ctx.config.flows) {
    const FlowStatus s = flowStatus(f, ctx, view, nowMs);
    const std::string who = !s.owner.empty() ? s.owner : s.trigger ? s.trigger->polledBy : "";
    if (f.enabled && !who.empty()) flowsByOwner[who]++;
    if (json)
      doc.PushBack(statusJson(s, view, doc.GetAllocator()), doc.GetAllocator());
    else
      printStatusRow(io.out, s, view);
  }
  if (!json && !flowsByOwner.empty()) {
    // A flow belongs to the process polling it now, else to the one that polled it last.
    io.out << "\n" << column("PROCESS", 34) << "FLOWS\n";
    for (const auto& [owner, n] : flowsByOwner) io.out << column(owner, 34) << n << "\n";
  }
  if (json) io.out << toJson(doc, true) << "\n";
  return EXIT_OK;
}

int historyCommand(const std::vector<std::string>& argv, Io io) {
  const auto& flags = flagsOf("history");
  Args args(argv, flags);
  if (args.has("help")) {
    io.out << "usage: sluice history -c FILE [FLOW] [--limit N]\n\nPolls, newest first.\n\n"
           << flagHelp(flags);
    return EXIT_OK;
  }
  const Context ctx = loadContext(args);
  auto state = openState(ctx.config);
  const int limit = std::stoi(args.get("limit", "20"));
  for (const auto& f : ctx.config.flows) {
    if (!args.positional().empty() && args.positional()[0] != f.name) continue;
    const TriggerSpec spec = makeTriggerSpec(f, ctx.config, ctx.catalog);
    io.out << f.name << " (" << f.trigger.op << ")\n";
    for (const auto& h : state->history(spec.key, limit))
      io.out << "  " << when(h.startedMs) << "  pages=" << h.pages << " fetched=" << h.fetched
             << " new=" << h.newItems << " dup=" << h.duplicates
             << " ms=" << (h.finishedMs - h.startedMs)
             << (h.error.empty() ? "" : "  error: " + h.error) << "\n";
  }
  if (!args.positional().empty()) requireFlow(ctx, args.positional()[0]);
  return EXIT_OK;
}

int dlqCommand(const std::vector<std::string>& argv, Io io) {
  if (argv.empty() || (argv[0] != "list" && argv[0] != "replay")) {
    io.out << "usage: sluice dlq list -c FILE [--json]\n       sluice dlq replay -c FILE (ID... | "
              "--all)\n";
    return argv.empty() || argv[0] == "--help" ? EXIT_OK : EXIT_USAGE;
  }
  const auto& flags = flagsOf("dlq", argv[0]);
  Args args(std::vector<std::string>(argv.begin() + 1, argv.end()), flags);
  if (args.has("help")) {
    io.out << "usage: sluice dlq " << argv[0] << " -c FILE\n\n" << flagHelp(flags);
    return EXIT_OK;
  }
  const Context ctx = loadContext(args);
  auto state = openState(ctx.config);
  if (argv[0] == "list") {
    const auto dead = state->deliveries(DeliveryStatus::Dead, 1000);
    if (args.has("json")) {
      JsonDoc doc(rapidjson::kArrayType);
      auto& a = doc.GetAllocator();
      for (const auto& d : dead) {
        JsonValue o(rapidjson::kObjectType);
        o.AddMember("id", JsonValue(static_cast<int64_t>(d.id)), a);
        o.AddMember("flow", jsonString(d.flow, a), a);
        o.AddMember("item", jsonString(d.itemKey, a), a);
        o.AddMember("attempts", d.attempts, a);
        o.AddMember("error", jsonString(d.lastError, a), a);
        doc.PushBack(o, a);
      }
      io.out << toJson(doc, true) << "\n";
    } else {
      for (const auto& d : dead)
        io.out << d.id << "  " << d.flow << "  item=" << d.itemKey << "  attempts=" << d.attempts
               << "  " << d.lastError << "\n";
      io.out << dead.size() << " dead letters\n";
    }
    return EXIT_OK;
  }
  std::vector<int64_t> ids;
  for (const auto& p : args.positional()) {
    try {
      ids.push_back(std::stoll(p));
    } catch (const std::exception&) {
      throw UsageError("dlq replay takes delivery ids (numbers), found '" + p + "'");
    }
  }
  if (ids.empty() && !args.has("all")) throw UsageError("dlq replay needs ids or --all");
  SystemClock clock;
  const int n = state->replayDead(ids, clock.nowMs());
  io.out << n << " deliveries queued again; `sluice run` delivers them\n";
  return EXIT_OK;
}

int cursorCommand(const std::vector<std::string>& argv, Io io) {
  if (argv.empty() || (argv[0] != "show" && argv[0] != "reset")) {
    io.out << "usage: sluice cursor show -c FILE [FLOW]\n       sluice cursor reset -c FILE FLOW\n";
    return argv.empty() || argv[0] == "--help" ? EXIT_OK : EXIT_USAGE;
  }
  const auto& flags = flagsOf("cursor", argv[0]);
  Args args(std::vector<std::string>(argv.begin() + 1, argv.end()), flags);
  if (args.has("help")) {
    io.out << "usage: sluice cursor " << argv[0] << " -c FILE FLOW\n\n" << flagHelp(flags);
    return EXIT_OK;
  }
  const Context ctx = loadContext(args);
  auto state = openState(ctx.config);
  if (argv[0] == "reset") {
    if (args.positional().size() != 1) throw UsageError("cursor reset takes one flow name");
    const FlowConfig& f = requireFlow(ctx, args.positional()[0]);
    const TriggerSpec spec = makeTriggerSpec(f, ctx.config, ctx.catalog);
    const bool had = state->resetTrigger(spec.key);
    io.out << (had ? "cursor reset: the next poll of " : "no cursor yet for ") << f.name
           << (had ? " records what exists and fires nothing\n" : "\n");
    return EXIT_OK;
  }
  for (const auto& f : ctx.config.flows) {
    if (!args.positional().empty() && args.positional()[0] != f.name) continue;
    const TriggerSpec spec = makeTriggerSpec(f, ctx.config, ctx.catalog);
    const auto t = state->loadTrigger(spec.key);
    io.out << f.name << "  trigger=" << spec.key << "  " << f.trigger.op << "\n  cursor: "
           << (t && !t->cursorJson.empty() ? t->cursorJson : "(none: the first poll seeds)")
           << "\n";
  }
  if (!args.positional().empty()) requireFlow(ctx, args.positional()[0]);
  return EXIT_OK;
}

}  // namespace sluice::cli
