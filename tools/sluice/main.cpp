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
    "  ops list|show             what the catalog offers\n"
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
