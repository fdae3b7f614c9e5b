// Versioned schema of the PostgreSQL state store: the same tables and rules as the SQLite one
// (state/sqlite_migrations.cpp), its own version numbers. Migrations are only ever appended;
// `sluice migrate` applies them, everything else refuses a schema that is not the latest.
#pragma once

namespace pqxx {
class connection_base;
}

namespace sluice::postgres_schema {

// The schema version this binary writes.
int latestVersion();

// The version recorded in the database (0 when it has no sluice schema).
int currentVersion(pqxx::connection_base& connection);

// Applies every migration the database has not seen yet, each in its own transaction, under
// an advisory lock so two `sluice migrate` at once apply each migration once. Throws
// StateError (naming both versions) for a database written by a newer sluice.
void migrate(pqxx::connection_base& connection);

}  // namespace sluice::postgres_schema
