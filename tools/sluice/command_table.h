// Every verb of the sluice command line once: its dispatch, its line in `sluice --help`, its
// sub-verbs and the flags each takes. The verbs parse with these flags and print them in
// --help; the man page and the bash completion are generated from the same table.
#pragma once

#include <string>
#include <vector>

#include "tools/sluice/cli_args.h"
#include "tools/sluice/commands.h"

namespace sluice::cli {

// One thing a verb does (`dlq list`), or the verb itself when it has none.
struct Usage {
  std::string name;      // the sub-verb ("list"); empty for the verb itself
  std::string synopsis;  // after "sluice ": "dlq list -c FILE [--json]"
  std::string summary;   // one line
  std::vector<FlagSpec> flags;
  std::string positional;  // what its arguments are (FLOW, OP, ID...), empty for none
};

struct Verb {
  std::string name;
  std::string synopsis;  // its line in `sluice --help`
  std::string summary;
  int (*run)(const std::vector<std::string>& args, Io io);
  std::vector<Usage> usages;  // one without a name, or one per sub-verb
};

const std::vector<Verb>& verbs();
const Verb* findVerb(const std::string& name);
// The flags of `sluice VERB [SUB]`; throws std::logic_error for a pair not in the table.
const std::vector<FlagSpec>& flagsOf(const std::string& verb, const std::string& sub = "");
// A usage's summary as a sentence: its first letter a capital, a full stop at the end (the
// man page and --help both print it so).
std::string summarySentence(const Usage& usage);
// `sluice VERB [SUB] --help`, from the table: the synopsis, what it does, and the flags.
std::string usageHelp(const std::string& verb, const std::string& sub = "");
// What `sluice VERB` prints for a missing or unknown sub-verb: each sub-verb's synopsis.
std::string subVerbsHelp(const std::string& verb);

}  // namespace sluice::cli
