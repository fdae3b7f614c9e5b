// `sluice check -c FILE`: validates the file against the catalog without touching the
// network. Errors name file:line:col and what was expected; no secret is ever printed.
#include <ostream>

#include "config/template_typing.h"
#include "core/exit_codes.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"

namespace sluice::cli {

int checkCommand(const std::vector<std::string>& argv, Io io) {
  const auto& flags = flagsOf("check");
  Args args(argv, flags);
  if (args.has("help")) {
    io.out << "usage: sluice check -c FILE\n\nValidates connections and flows against the "
              "catalog, offline.\n\n"
           << flagHelp(flags);
    return EXIT_OK;
  }
  if (!args.positional().empty()) throw UsageError("check takes no arguments (use -c FILE)");
  const Context ctx = loadContext(args);
  for (const auto& w : ctx.config.warnings) io.out << "warning: " << w << "\n";
  // Templates that read a field their trigger's records or step's answer do not have.
  const std::vector<std::string> typos = typeTemplates(ctx.config, ctx.catalog);
  for (const auto& w : typos) io.out << "warning: " << w << "\n";
  if (!typos.empty())
    io.out << typos.size() << (typos.size() == 1 ? " template warning" : " template warnings")
           << " (the vendor's spec describes no such field)\n";
  int enabled = 0;
  for (const auto& f : ctx.config.flows) enabled += f.enabled;
  io.out << ctx.config.file << ": ok: " << ctx.config.connections.size() << " connections, "
         << ctx.config.flows.size() << " flows (" << enabled << " enabled), state "
         << ctx.config.state << "\n";
  for (const auto& f : ctx.config.flows) {
    io.out << "  " << f.name << (f.enabled ? "" : " (disabled)") << ": " << f.trigger.op
           << " every " << f.trigger.everyMs / 1000 << "s ->";
    for (const auto& s : f.steps) io.out << " " << s.op;
    io.out << "\n";
  }
  return EXIT_OK;
}

}  // namespace sluice::cli
