// Looking at and repairing state: `sluice history`, `dlq list|replay`, `cursor show|reset`
// (`sluice status` is in status_command.cpp).
#include <algorithm>
#include <cstdint>
#include <ostream>

#include "core/exit_codes.h"
#include "core/json.h"
#include "core/text.h"
#include "poll/trigger_spec.h"
#include "service/flow_status.h"
#include "tenants/tenant_expansion.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"
#include "tools/sluice/table.h"

namespace sluice::cli {

namespace {

// The flow named on the command line, or every flow.
std::vector<const FlowConfig*> chosenFlows(const Context& ctx, const Args& args) {
  if (!args.positional().empty()) return flowsNamed(ctx, args.positional()[0]);
  std::vector<const FlowConfig*> flows;
  for (const auto& f : ctx.config.flows) flows.push_back(&f);
  return flows;
}

int positiveNumber(const std::string& flag, const std::string& text) {
  size_t used = 0;
  int n = 0;
  try {
    n = std::stoi(text, &used);
  } catch (const std::exception&) {
  }
  if (n <= 0 || used != text.size())
    throw UsageError("--" + flag + " takes a positive number, found '" + text + "'");
  return n;
}

JsonValue pollJson(const FlowConfig& f, const std::string& key, const PollRecord& h, JsonAlloc& a) {
  JsonValue o(rapidjson::kObjectType);
  o.AddMember("flow", jsonString(f.name, a), a);
  o.AddMember("trigger", jsonString(f.trigger.op, a), a);
  o.AddMember("trigger_key", jsonString(key, a), a);
  o.AddMember("started_ms", JsonValue(static_cast<int64_t>(h.startedMs)), a);
  o.AddMember("finished_ms", JsonValue(static_cast<int64_t>(h.finishedMs)), a);
  o.AddMember("pages", h.pages, a);
  o.AddMember("fetched", h.fetched, a);
  o.AddMember("new", h.newItems, a);
  o.AddMember("duplicates", h.duplicates, a);
  o.AddMember("duration_ms", JsonValue(static_cast<int64_t>(h.finishedMs - h.startedMs)), a);
  o.AddMember("error", jsonString(h.error, a), a);
  return o;
}

std::vector<Cell> pollRow(const FlowConfig& f, const PollRecord& h) {
  return {f.name,
          utcTime(h.startedMs),
          std::to_string(h.pages),
          std::to_string(h.fetched),
          std::to_string(h.newItems),
          std::to_string(h.duplicates),
          std::to_string(h.finishedMs - h.startedMs),
          Cell(h.error, Color::Red)};
}

// The newest `limit` dead letters; tenant: only those of its flow instances ("flow@tenant").
// When there are more than it shows, it says so (on stderr under --json): never a silent cut.
void listDeadLetters(StateStore& state, const Args& args, Io io) {
  const bool json = args.has("json");
  const std::string tenant = args.get("tenant", "");
  const int limit = positiveNumber("limit", args.get("limit", "1000"));
  auto dead = state.deliveries(DeliveryStatus::Dead, limit);
  if (!tenant.empty())
    dead.erase(std::remove_if(dead.begin(), dead.end(),
                              [&](const Delivery& d) { return tenantIdOf(d.flow) != tenant; }),
               dead.end());
  const int64_t total = countDeadLetters(
      state, [&](const std::string& flow) { return tenant.empty() || tenantIdOf(flow) == tenant; });
  const std::string shown = std::to_string(dead.size());
  const std::string more = static_cast<int64_t>(dead.size()) >= total ? ""
                           : tenant.empty()
                               ? shown + " of " + std::to_string(total) +
                                     " dead letters shown, the newest; --limit N reads more\n"
                               : "the newest " + std::to_string(limit) + " dead letters hold " +
                                     shown + " of the " + std::to_string(total) + " of tenant " +
                                     tenant + "; --limit N reads more\n";
  std::ostream& out = io.out;
  if (json) {
    io.err << more;
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
    out << toJson(doc, true) << "\n";
    return;
  }
  Table table({Column::fixed("ID"), Column::shrink("FLOW", 20), Column::shrink("ITEM", 12),
               Column::fixed("ATTEMPTS"), Column::shrink("ERROR", 12)});
  for (const auto& d : dead)
    table.add({std::to_string(d.id), d.flow, d.itemKey, std::to_string(d.attempts),
               Cell(d.lastError, Color::Red)});
  if (!dead.empty()) {
    table.print(out, stdoutTerminal());
    out << "\n";
  }
  out << (more.empty() ? counted(dead.size(), "dead letter") + "\n" : more);
}

// The flows --flow and --tenant choose (a per-tenant flow's name alone means every tenant's
// instance; --tenant alone, every flow of that tenant).
std::vector<const FlowConfig*> replayedFlows(Context& ctx, StateStore& state, const Args& args) {
  useStoredTenants(ctx, state, args);
  if (args.has("flow")) return flowsNamed(ctx, args.get("flow", ""));
  std::vector<const FlowConfig*> flows;
  for (const auto& f : ctx.config.flows)
    if (f.tenant == args.get("tenant", "")) flows.push_back(&f);
  return flows;
}

int replayDeadLetters(Context& ctx, StateStore& state, const Args& args, std::ostream& out) {
  std::vector<int64_t> ids;
  for (const auto& p : args.positional()) {
    try {
      ids.push_back(std::stoll(p));
    } catch (const std::exception&) {
      throw UsageError("dlq replay takes delivery ids (numbers), found '" + p + "'");
    }
  }
  const bool byFlow = args.has("flow") || args.has("tenant");
  if (static_cast<int>(!ids.empty()) + args.has("all") + byFlow != 1)
    throw UsageError("dlq replay needs one of: delivery ids, --all, or --flow NAME / --tenant ID");
  SystemClock clock;
  int n = 0;
  if (byFlow) {
    for (const FlowConfig* f : replayedFlows(ctx, state, args))
      n += state.replayFlowDead(f->name, clock.nowMs());
    if (n == 0) {
      out << "no dead letters of those flows\n";
      return EXIT_OK;
    }
  } else {
    n = args.has("all") ? state.replayAllDead(clock.nowMs()) : state.replayDead(ids, clock.nowMs());
  }
  out << counted(n, "dead letter") << " queued again; `sluice run` delivers them\n";
  return EXIT_OK;
}

// A trigger's cursor as JSON: the stored document, null when there is none.
JsonValue cursorValue(const std::optional<TriggerState>& t, JsonAlloc& a) {
  if (!t || t->cursorJson.empty()) return JsonValue(rapidjson::kNullType);
  JsonDoc parsed;
  if (parseJson(t->cursorJson, parsed)) return jsonString(t->cursorJson, a);
  return jsonCopy(parsed, a);
}

void showCursors(const Context& ctx, StateStore& state, const Args& args, std::ostream& out) {
  JsonDoc doc(rapidjson::kArrayType);
  auto& a = doc.GetAllocator();
  Table table({Column::shrink("FLOW", 20), Column::fixed("TRIGGER KEY"),
               Column::shrink("OPERATION", 20), Column::shrink("CURSOR", 16)});
  for (const FlowConfig* f : chosenFlows(ctx, args)) {
    const TriggerSpec spec = makeTriggerSpec(*f, ctx.config, ctx.catalog);
    const auto t = state.loadTrigger(spec.key);
    JsonValue o(rapidjson::kObjectType);
    o.AddMember("flow", jsonString(f->name, a), a);
    o.AddMember("trigger", jsonString(f->trigger.op, a), a);
    o.AddMember("trigger_key", jsonString(spec.key, a), a);
    o.AddMember("cursor", cursorValue(t, a), a);
    doc.PushBack(o, a);
    const bool none = !t || t->cursorJson.empty();
    table.add({f->name, spec.key, f->trigger.op,
               none ? Cell("(none: the first poll seeds)", Color::Dim) : Cell(t->cursorJson)});
  }
  if (args.has("json"))
    out << toJson(doc, true) << "\n";
  else
    table.print(out, stdoutTerminal());
}

}  // namespace

int historyCommand(const std::vector<std::string>& argv, Io io) {
  const auto& flags = flagsOf("history");
  Args args(argv, flags);
  if (args.has("help")) {
    io.out << usageHelp("history");
    return EXIT_OK;
  }
  const int limit = positiveNumber("limit", args.get("limit", "20"));
  Context ctx = loadContext(args);
  auto state = openState(ctx.config);
  useStoredTenants(ctx, *state, args);
  const auto flows = chosenFlows(ctx, args);
  JsonDoc doc(rapidjson::kArrayType);
  Table table({Column::shrink("FLOW", 20), Column::fixed("STARTED"), Column::fixed("PAGES"),
               Column::fixed("FETCHED"), Column::fixed("NEW"), Column::fixed("DUP"),
               Column::fixed("MS"), Column::shrink("ERROR", 12).orHidden()});
  for (const FlowConfig* f : flows) {
    const TriggerSpec spec = makeTriggerSpec(*f, ctx.config, ctx.catalog);
    const auto polls = state->history(spec.key, limit);
    for (const auto& h : polls) {
      doc.PushBack(pollJson(*f, spec.key, h, doc.GetAllocator()), doc.GetAllocator());
      table.add(pollRow(*f, h));
    }
    if (polls.empty()) table.add({f->name, Cell("never polled", Color::Dim)});
  }
  if (args.has("json"))
    io.out << toJson(doc, true) << "\n";
  else
    table.print(io.out, stdoutTerminal());
  return EXIT_OK;
}

int dlqCommand(const std::vector<std::string>& argv, Io io) {
  if (argv.empty() || (argv[0] != "list" && argv[0] != "replay")) {
    io.out << subVerbsHelp("dlq");
    return argv.empty() || argv[0] == "--help" ? EXIT_OK : EXIT_USAGE;
  }
  const auto& flags = flagsOf("dlq", argv[0]);
  Args args(std::vector<std::string>(argv.begin() + 1, argv.end()), flags);
  if (args.has("help")) {
    io.out << usageHelp("dlq", argv[0]);
    return EXIT_OK;
  }
  Context ctx = loadContext(args);
  auto state = openState(ctx.config);
  if (argv[0] == "list") {
    listDeadLetters(*state, args, io);
    return EXIT_OK;
  }
  return replayDeadLetters(ctx, *state, args, io.out);
}

int cursorCommand(const std::vector<std::string>& argv, Io io) {
  if (argv.empty() || (argv[0] != "show" && argv[0] != "reset")) {
    io.out << subVerbsHelp("cursor");
    return argv.empty() || argv[0] == "--help" ? EXIT_OK : EXIT_USAGE;
  }
  const auto& flags = flagsOf("cursor", argv[0]);
  Args args(std::vector<std::string>(argv.begin() + 1, argv.end()), flags);
  if (args.has("help")) {
    io.out << usageHelp("cursor", argv[0]);
    return EXIT_OK;
  }
  Context ctx = loadContext(args);
  auto state = openState(ctx.config);
  useStoredTenants(ctx, *state, args);
  if (argv[0] == "show") {
    showCursors(ctx, *state, args, io.out);
    return EXIT_OK;
  }
  if (args.positional().size() != 1) throw UsageError("cursor reset takes one flow name");
  const FlowConfig& f = requireFlow(ctx, args.positional()[0]);
  const TriggerSpec spec = makeTriggerSpec(f, ctx.config, ctx.catalog);
  const bool had = state->resetTrigger(spec.key);
  io.out << (had ? "cursor reset: the next poll of " : "no cursor yet for ") << f.name
         << (had ? " records what exists and fires nothing\n" : "\n");
  return EXIT_OK;
}

}  // namespace sluice::cli
