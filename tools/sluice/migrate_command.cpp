// `sluice migrate`: brings the state store's schema to this binary's version. PostgreSQL is
// shared by several processes, so its schema changes only here, never behind a running fleet's
// back; SQLite migrates itself on open and this just reports its version.
#include <ostream>

#include "core/exit_codes.h"
#include "state/postgres_migrations.h"
#include "state/postgres_state_store.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"

namespace sluice::cli {

int migrateCommand(const std::vector<std::string>& argv, Io io) {
  const auto& flags = flagsOf("migrate");
  Args args(argv, flags);
  if (args.has("help")) {
    io.out << usageHelp("migrate");
    return EXIT_OK;
  }
  const Context ctx = loadContext(args);
  const std::string& url = ctx.config.state;
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    const PostgresTarget target = parsePostgresUrl(url);
    PostgresStateStore store(target, SchemaPolicy::Migrate, {});
    const int before = store.versionOnOpen(), now = store.schemaVersion();
    if (before == now)
      io.out << target.describe() << ": schema version " << now << ", up to date\n";
    else
      io.out << target.describe() << ": schema migrated from version " << before << " to " << now
             << "\n";
    return EXIT_OK;
  }
  auto state = openStateStore(url, SchemaPolicy::Migrate);
  io.out << "SQLite state is migrated on open: up to date\n";
  return EXIT_OK;
}

}  // namespace sluice::cli
