// The sluice command line: one entry point, one verb per subsystem.
#include <iostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/exit_codes.h"
#include "tools/sluice/commands.h"

namespace {

const char* kUsage =
    "sluice: a polling trigger and connector runtime\n"
    "\n"
    "usage: sluice VERB [options]   (sluice VERB --help for details)\n"
    "\n"
    "  run -c FILE [--once]      poll and deliver until stopped (SIGHUP reloads FILE)\n"
    "  check -c FILE             validate FILE against the catalog, offline\n"
    "  test -c FILE FLOW         fetch sample items and show what would fire; moves nothing\n"
    "  status -c FILE            flows: last poll, next due, errors, backlog, dead letters\n"
    "  history -c FILE [FLOW]    recent polls\n"
    "  dlq list|replay -c FILE   dead letters, and sending them again\n"
    "  cursor show|reset -c FILE trigger cursors\n"
    "  migrate -c FILE           apply the state store's schema migrations (PostgreSQL)\n"
    "  ops list|show|call        what the catalog offers; call one action by hand\n"
    "  catalog check             validate the catalog against its schema and the vendor specs\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace sluice;
  std::vector<std::string> args(argv + 1, argv + argc);
  cli::Io io{std::cout, std::cerr};
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? EXIT_USAGE : EXIT_OK;
  }
  if (args[0] == "--version") {
    std::cout << "sluice " << SLUICE_VERSION << "\n";
    return EXIT_OK;
  }
  const std::string verb = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (verb == "ops") return cli::opsCommand(rest, io);
    if (verb == "catalog") return cli::catalogCommand(rest, io);
    if (verb == "run") return cli::runCommand(rest, io);
    if (verb == "check") return cli::checkCommand(rest, io);
    if (verb == "test") return cli::testCommand(rest, io);
    if (verb == "status") return cli::statusCommand(rest, io);
    if (verb == "history") return cli::historyCommand(rest, io);
    if (verb == "dlq") return cli::dlqCommand(rest, io);
    if (verb == "cursor") return cli::cursorCommand(rest, io);
    if (verb == "migrate") return cli::migrateCommand(rest, io);
    throw UsageError("unknown verb '" + verb + "' (try sluice --help)");
  } catch (const UsageError& e) {
    std::cerr << "sluice: " << e.what() << "\n";
    return EXIT_USAGE;
  } catch (const LocatedError& e) {
    std::cerr << "sluice: " << e.what() << "\n";
    return EXIT_CONFIG;
  } catch (const StateError& e) {
    std::cerr << "sluice: state: " << e.what() << "\n";
    return EXIT_UNAVAILABLE;
  } catch (const std::exception& e) {
    std::cerr << "sluice: " << e.what() << "\n";
    return EXIT_SOFTWARE;
  }
}
