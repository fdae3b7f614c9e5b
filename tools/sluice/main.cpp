// The sluice command line: one entry point, one verb per subsystem.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/exit_codes.h"
#include "tools/sluice/commands.h"

namespace {

using namespace sluice;

// Every verb once: its dispatch and its line in `sluice --help`.
struct Verb {
  const char* name;
  const char* synopsis;
  const char* summary;
  int (*run)(const std::vector<std::string>& args, cli::Io io);
};

const Verb kVerbs[] = {
    {"run", "run -c FILE [--once]", "poll and deliver until stopped (SIGHUP reloads FILE)",
     cli::runCommand},
    {"check", "check -c FILE", "validate FILE against the catalog, offline", cli::checkCommand},
    {"test", "test -c FILE FLOW", "fetch sample items and show what would fire; moves nothing",
     cli::testCommand},
    {"status", "status -c FILE", "flows: last poll, next due, errors, backlog, dead letters",
     cli::statusCommand},
    {"history", "history -c FILE [FLOW]", "recent polls", cli::historyCommand},
    {"dlq", "dlq list|replay -c FILE", "dead letters, and sending them again", cli::dlqCommand},
    {"cursor", "cursor show|reset -c FILE", "trigger cursors", cli::cursorCommand},
    {"migrate", "migrate -c FILE", "apply the state store's schema migrations (PostgreSQL)",
     cli::migrateCommand},
    {"ops", "ops list|show|call", "what the catalog offers; call one action by hand",
     cli::opsCommand},
    {"catalog", "catalog check", "validate the catalog against its schema and the vendor specs",
     cli::catalogCommand},
};

std::string usage() {
  std::string out =
      "sluice: a polling trigger and connector runtime\n\n"
      "usage: sluice VERB [options]   (sluice VERB --help for details)\n\n";
  for (const Verb& verb : kVerbs) {
    std::string line = std::string("  ") + verb.synopsis;
    line.resize(std::max<size_t>(line.size() + 1, 28), ' ');
    out += line + verb.summary + "\n";
  }
  return out;
}

const Verb* findVerb(const std::string& name) {
  for (const Verb& verb : kVerbs)
    if (name == verb.name) return &verb;
  return nullptr;
}

// Runs the verb, mapping each error family to its exit code.
int dispatch(const std::string& name, const std::vector<std::string>& rest) {
  cli::Io io{std::cout, std::cerr};
  try {
    const Verb* verb = findVerb(name);
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
