// `sluice flow pause|resume -c FILE FLOW`: the paused flag of a flow in the state store; every
// `sluice run` on the store sees it on its next scheduling pass.
#include <ostream>

#include "core/exit_codes.h"
#include "core/logger.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"

namespace sluice::cli {

int flowCommand(const std::vector<std::string>& argv, Io io) {
  if (argv.empty() || (argv[0] != "pause" && argv[0] != "resume")) {
    io.out << subVerbsHelp("flow");
    return argv.empty() || argv[0] == "--help" ? EXIT_OK : EXIT_USAGE;
  }
  const std::string sub = argv[0];
  const auto& flags = flagsOf("flow", sub);
  Args args(std::vector<std::string>(argv.begin() + 1, argv.end()), flags);
  if (args.has("help")) {
    io.out << usageHelp("flow", sub);
    return EXIT_OK;
  }
  Context ctx = loadContext(args);
  auto state = openState(ctx.config);
  useStoredTenants(ctx, *state, args);
  if (args.positional().size() != 1) throw UsageError("flow " + sub + " takes one flow name");
  for (const FlowConfig* flow : flowsNamed(ctx, args.positional()[0])) {
    if (sub == "pause") {
      const bool changed = state->pauseFlow(flow->name, SystemClock().nowMs());
      io.out << flow->name
             << (changed ? " paused: its cursor stays, nothing is polled or delivered until "
                           "`sluice flow resume`\n"
                         : " was paused already\n");
    } else {
      const bool changed = state->resumeFlow(flow->name);
      io.out << flow->name
             << (changed ? " resumed: `sluice run` polls it and delivers its waiting items again\n"
                         : " was not paused\n");
    }
  }
  return EXIT_OK;
}

}  // namespace sluice::cli
