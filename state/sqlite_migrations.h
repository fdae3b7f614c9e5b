// Versioned schema of the SQLite state store. Migrations only ever get appended, so a database
// written by an older sluice is brought forward on open, and one written by a newer sluice is
// refused rather than misread.
#pragma once

namespace SQLite {
class Database;
}

namespace sluice::sqlite_schema {

// The schema version this binary writes.
int latestVersion();

// The version recorded in db (0 for a fresh database).
int currentVersion(SQLite::Database& db);

// Applies every migration db has not seen yet, each in its own transaction. Throws StateError
// (naming both versions) when db was written by a newer schema than latestVersion().
void migrate(SQLite::Database& db);

}  // namespace sluice::sqlite_schema
