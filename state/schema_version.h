// What the SQLite and PostgreSQL migrations share: the version table and the refusal to touch
// a database written by a newer sluice.
#pragma once

namespace sluice {

// A single row (id = 1) holds the version; the same DDL works in SQLite and PostgreSQL.
inline constexpr const char* kCreateSchemaVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)";

// Throws StateError when the database's schema is newer than this build knows (`latest`).
void refuseNewerSchema(int version, int latest);

}  // namespace sluice
