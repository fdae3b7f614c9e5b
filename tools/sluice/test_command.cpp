// `sluice test -c FILE FLOW`: polls the flow's trigger once and shows what would fire and
// what each step would be called with. Moves no cursor and calls no action.
#include <ostream>
#include <thread>

#include "core/exit_codes.h"
#include "core/logger.h"
#include "deliver/delivery_scope.h"
#include "http/client_registry.h"
#include "poll/trigger_spec.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"

namespace sluice::cli {

namespace {

// What the dispatcher would do with one item: the filter, then each step's `if:` and inputs,
// read from the same template roots a delivery has (trigger, flow, now, tenant, connection).
void showSteps(const FlowConfig& flow, const Config& config, const OutboxItem& item,
               const JsonDoc& doc, int64_t nowMs, Io io) {
  Delivery delivery;
  delivery.flow = flow.name;
  delivery.itemKey = item.itemKey;
  DeliveryScope scope(flow, delivery, doc, nowMs);
  if (!flow.filter.empty() && !flow.filter.evaluate(scope.scope())) {
    io.out << "  filter '" << flow.filter.source() << "' is false: nothing would run\n";
    return;
  }
  scope.beginSteps();
  for (size_t i = 0; i < flow.steps.size(); ++i) {
    const StepConfig& step = flow.steps[i];
    scope.useConnection(config.connections.at(step.connection));
    if (!step.when.empty() && !step.when.evaluate(scope.scope())) {
      io.out << "  step " << i << " " << step.op << ": skipped (if: " << step.when.source()
             << ")\n";
      continue;
    }
    JsonValue with = step.with.isNull() ? JsonValue(rapidjson::kObjectType)
                                        : step.with.render(scope.scope(), scope.alloc());
    io.out << "  step " << i << " " << step.op << " with " << Logger::instance().mask(toJson(with))
           << (i > 0 ? "   (earlier steps' results are empty in a test)" : "") << "\n";
  }
}

}  // namespace

int testCommand(const std::vector<std::string>& argv, Io io) {
  const auto& flags = flagsOf("test");
  Args args(argv, flags);
  if (args.has("help") || args.positional().size() != 1) {
    io.out << usageHelp("test");
    return args.has("help") ? EXIT_OK : EXIT_USAGE;
  }
  Context ctx = loadContext(args);
  auto state = openState(ctx.config);
  useStoredTenants(ctx, *state, args);  // a per-tenant flow is tested in one tenant
  const FlowConfig* flow = &requireFlow(ctx, args.positional()[0]);
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
    showSteps(*flow, ctx.config, item, doc, clock.nowMs(), io);
  }
  return EXIT_OK;
}

}  // namespace sluice::cli
