// `sluice test -c FILE FLOW`: polls the flow's trigger once and shows what would fire and
// what each step would be called with. Moves no cursor and calls no action.
#include <ostream>
#include <thread>

#include "core/exit_codes.h"
#include "core/logger.h"
#include "http/client_registry.h"
#include "poll/trigger_spec.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"

namespace sluice::cli {

int testCommand(const std::vector<std::string>& argv, Io io) {
  const auto& flags = flagsOf("test");
  Args args(argv, flags);
  if (args.has("help") || args.positional().size() != 1) {
    io.out
        << "usage: sluice test -c FILE FLOW\n\nFetches sample items and shows what would fire.\n\n"
        << flagHelp(flags);
    return args.has("help") ? EXIT_OK : EXIT_USAGE;
  }
  const Context ctx = loadContext(args);
  const FlowConfig* flow = ctx.config.flow(args.positional()[0]);
  if (!flow) throw UsageError("unknown flow '" + args.positional()[0] + "'");
  auto state = openState(ctx.config);
  OneShotClients one(ctx, state.get());
  ClientRegistry& clients = *one.registry;
  const Clock& clock = one.clock;
  TriggerSpec spec = makeTriggerSpec(*flow, ctx.config, ctx.catalog);
  // Show samples even on a first poll: pretend a backfill of `limit` items.
  const int limit = std::stoi(args.get("limit", "3"));
  const auto saved = state->loadTrigger(spec.key);
  const bool first = !saved || saved->cursorJson.empty();
  spec.subscribers = {{flow->name, limit}};
  TriggerPoller poller(clients.get(spec.connection), *state, clock);
  const PollResult r = poller.poll(spec);
  if (!r.ok) {
    io.err << "sluice: test: " << Logger::instance().mask(r.error) << "\n";
    return EXIT_UNAVAILABLE;
  }
  const auto& h = r.commit.history;
  io.out << flow->name << ": " << flow->trigger.op << " fetched " << h.fetched << " records in "
         << h.pages << " pages\n";
  if (first)
    io.out << "  first poll: `sluice run` would record these as seen and fire nothing"
           << (flow->trigger.backfill ? " but the newest " + std::to_string(flow->trigger.backfill)
                                      : "")
           << "; samples:\n";
  else
    io.out << "  " << r.commit.items.size() << " new since the last poll:\n";
  int shown = 0;
  for (const auto& item : r.commit.items) {
    if (shown++ >= limit) break;
    JsonDoc doc;
    parseJson(item.itemJson, doc);
    io.out << "\n  item " << item.itemKey << "\n" << toJson(doc, true) << "\n";
    MapScope scope;
    scope.set("trigger", &doc);
    JsonDoc scratch;
    JsonValue steps(rapidjson::kObjectType);
    scope.set("steps", &steps);
    if (!flow->filter.empty() && !flow->filter.evaluate(scope)) {
      io.out << "  filter '" << flow->filter.source() << "' is false: nothing would run\n";
      continue;
    }
    for (size_t i = 0; i < flow->steps.size(); ++i) {
      const StepConfig& step = flow->steps[i];
      JsonValue conn =
          connectionJson(ctx.config.connections.at(step.connection), scratch.GetAllocator());
      scope.set("connection", &conn);
      if (!step.when.empty() && !step.when.evaluate(scope)) {
        io.out << "  step " << i << " " << step.op << ": skipped (if: " << step.when.source()
               << ")\n";
        continue;
      }
      JsonValue with = step.with.isNull() ? JsonValue(rapidjson::kObjectType)
                                          : step.with.render(scope, scratch.GetAllocator());
      io.out << "  step " << i << " " << step.op << " with "
             << Logger::instance().mask(toJson(with))
             << (i > 0 ? "   (earlier steps' results are empty in a test)" : "") << "\n";
    }
  }
  return EXIT_OK;
}

}  // namespace sluice::cli
