// The sluice command line: one entry point, one verb per subsystem.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/exit_codes.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/man_page.h"

namespace {

using namespace sluice;

std::string usage() {
  std::string out =
      "sluice: a polling trigger and connector runtime\n\n"
      "usage: sluice VERB [options]   (sluice VERB --help for details)\n\n";
  // The summaries line up after the longest synopsis.
  size_t width = 0;
  for (const cli::Verb& verb : cli::verbs())
    width = std::max(width, std::string(verb.synopsis).size());
  for (const cli::Verb& verb : cli::verbs()) {
    std::string line = std::string("  ") + verb.synopsis;
    line.resize(width + 4, ' ');
    out += line + verb.summary + "\n";
  }
  return out;
}

// Runs the verb, mapping each error family to its exit code.
int dispatch(const std::string& name, const std::vector<std::string>& rest) {
  cli::Io io{std::cout, std::cerr};
  try {
    const cli::Verb* verb = cli::findVerb(name);
    if (!verb) throw UsageError("unknown verb '" + name + "' (try sluice --help)");
    return verb->run(rest, io);
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

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Not in the usage: the build writes the man page and the completion script with these.
  if (args.size() == 2 && args[0] == "help" && args[1] == "--man") {
    std::cout << cli::manPage();
    return EXIT_OK;
  }
  if (args.size() == 2 && args[0] == "help" && args[1] == "--bash-completion") {
    std::cout << cli::bashCompletion();
    return EXIT_OK;
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << usage();
    return args.empty() ? EXIT_USAGE : EXIT_OK;
  }
  if (args[0] == "--version") {
    std::cout << "sluice " << SLUICE_VERSION << "\n";
    return EXIT_OK;
  }
  return dispatch(args[0], std::vector<std::string>(args.begin() + 1, args.end()));
}
