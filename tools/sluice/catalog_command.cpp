// `sluice catalog check`: loads every app (schema errors name file:line:col) and, when the
// vendor specs are at hand, checks every operation against them.
#include <filesystem>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/spec_conformance.h"
#include "core/error.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "tools/sluice/cli_args.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"

namespace sluice::cli {

namespace {

// The list triggers whose polls read their whole list, each with its reason under -v: the
// ones whose cost grows with what exists, not with what is new.
void printFullSweeps(const Catalog& catalog, bool verbose, Io io) {
  int lists = 0;
  std::vector<const Operation*> full;
  for (const auto& app : catalog.apps())
    for (const auto& op : app.operations) {
      if (op.kind != OpKind::Trigger || op.shape != RecordShape::List ||
          op.detect != DetectMode::New)
        continue;
      ++lists;
      if (!op.fullSweep.empty()) full.push_back(&op);
    }
  io.out << "poll cost: of " << lists << " list triggers of new records, "
         << lists - static_cast<int>(full.size())
         << " read only what is new (newest first, since, or a time window) and " << full.size()
         << " their whole list (full_sweep)" << (verbose ? ":" : "; -v lists them") << "\n";
  if (verbose)
    for (const Operation* op : full)
      io.out << "  " << op->fullId() << ": " << op->fullSweep << "\n";
}

// The findings a declared spec_exception excuses, under -v: the exception once, with its
// place and reason, then each finding it covers once (the request checks meet the same one
// in several requests of an operation).
void printExcused(const std::vector<ConformanceFinding>& findings, Io io) {
  std::string lastHeader;
  std::set<std::string> listed;
  for (const auto& f : findings) {
    const std::string header =
        f.where.str() + ": " + f.op + ": excused " + f.check + ": " + f.reason;
    if (header != lastHeader) {
      io.out << header << "\n";
      lastHeader = header;
      listed.clear();
    }
    if (!f.message.empty() && listed.insert(f.message).second)
      io.out << "    " << f.message << "\n";
  }
}

const std::vector<FlagSpec>& kCheckFlags = flagsOf("catalog", "check");

std::string defaultSpecs() {
  if (const char* env = std::getenv("SLUICE_SPECS")) return env;
  return std::string(SLUICE_SOURCE_DIR) + "/../shared/specs";
}
}  // namespace

int catalogCommand(const std::vector<std::string>& argv, Io io) {
  if (argv.empty() || argv[0] != "check") {
    if (!argv.empty() && (argv[0] == "--help" || argv[0] == "-h")) {
      io.out << usageHelp("catalog", "check");
      return EXIT_OK;
    }
    throw UsageError(trim(subVerbsHelp("catalog")));
  }
  Args args(std::vector<std::string>(argv.begin() + 1, argv.end()), kCheckFlags);
  if (args.has("help")) {
    io.out << usageHelp("catalog", "check");
    return EXIT_OK;
  }
  const Catalog catalog = Catalog::load(args.get("catalog", Catalog::defaultRoot()));
  for (const auto& app : catalog.apps())
    io.out << app.id << ": " << app.operations.size() << " operations in " << app.categories.size()
           << " categories: schema ok\n";
  // What the polls cost is the catalog's own data: said with or without the vendor specs.
  printFullSweeps(catalog, args.has("verbose"), io);
  if (args.has("no-specs")) return EXIT_OK;
  const std::string specs = args.get("specs", defaultSpecs());
  if (!std::filesystem::is_directory(specs)) {
    io.err << "warning: specs folder '" << specs
           << "' not found; checked the schema only (use --specs DIR)\n";
    return EXIT_OK;
  }
  SpecConformance conformance(specs);
  int failures = 0, excused = 0;
  for (const auto& app : catalog.apps()) {
    std::vector<ConformanceFinding> excusedOfApp;
    for (auto& f : conformance.check(app)) {
      if (f.excused) {
        ++excused;
        excusedOfApp.push_back(std::move(f));
        continue;
      }
      ++failures;
      io.err << f.where.str() << ": " << f.op << ": " << f.check << ": " << f.message << "\n";
    }
    if (args.has("verbose")) printExcused(excusedOfApp, io);
  }
  io.out << "spec conformance: " << failures << " problems, " << excused
         << " findings excused by declared exceptions\n";
  return failures == 0 ? EXIT_OK : EXIT_FAILURE_;
}

}  // namespace sluice::cli
