// `sluice check -c FILE`: validates the file against the catalog without touching the
// network. Every error and warning is reported in one run, in file order, each once with
// file:line:col, then the count; the exit status is non-zero only for errors. No secret is
// ever printed.
#include <ostream>

#include "config/template_typing.h"
#include "core/exit_codes.h"
#include "core/logger.h"
#include "core/text.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"

namespace sluice::cli {

namespace {

void printSummary(const Config& config, std::ostream& out) {
  int enabled = 0;
  for (const auto& f : config.flows) enabled += f.enabled;
  out << config.file << ": ok: " << counted(config.connections.size(), "connection") << ", "
      << counted(config.flows.size(), "flow") << " (" << enabled << " enabled), state "
      << config.state << "\n";
  for (const auto& f : config.flows) {
    out << "  " << f.name << (f.enabled ? "" : " (disabled)") << ": " << f.trigger.op << " every "
        << f.trigger.everyMs / 1000 << "s ->";
    for (const auto& s : f.steps) out << " " << s.op;
    out << "\n";
  }
}

}  // namespace

int checkCommand(const std::vector<std::string>& argv, Io io) {
  const auto& flags = flagsOf("check");
  Args args(argv, flags);
  if (args.has("help")) {
    io.out << usageHelp("check");
    return EXIT_OK;
  }
  if (!args.positional().empty()) throw UsageError("check takes no arguments (use -c FILE)");
  const Catalog catalog = Catalog::load(args.get("catalog", Catalog::defaultRoot()));
  ConfigCheck check = checkConfig(args.get("config", "sluice.yaml"), catalog);
  Logger::instance().setSecrets(check.config.secrets());
  // Templates that read a field their trigger's records or step's answer do not have.
  for (auto& w : typeTemplates(check.config, catalog)) check.diagnostics.push_back(std::move(w));
  const std::vector<Diagnostic> all = inFileOrder(std::move(check.diagnostics));
  // A message quotes what the file says; a secret it holds is masked all the same.
  for (const auto& d : all) io.err << Logger::instance().mask(d.tagged()) << "\n";
  if (!all.empty()) io.err << countLine(all) << "\n";
  for (const auto& d : all)
    if (d.severity == Severity::Error) return EXIT_CONFIG;
  printSummary(check.config, io.out);
  return EXIT_OK;
}

}  // namespace sluice::cli
