// The shared StateStore: the store algorithm over one PostgreSQL database
// (state/postgres_database.h) that several `sluice run` processes share through leases.
#pragma once

#include <memory>

#include "state/postgres_database.h"
#include "state/postgres_target.h"
#include "state/sql_state_store.h"

namespace sluice {

class PostgresStateStore : public SqlStateStore {
 public:
  // Connects once (failing at once with a clear error when the server is unreachable or the
  // credentials are wrong) and applies or checks the schema per policy.
  PostgresStateStore(const PostgresTarget& target, SchemaPolicy policy,
                     PostgresStoreOptions options = {})
      : SqlStateStore(std::make_unique<PostgresDatabase>(target, policy, options)) {}

  // The schema version found on open (before migrating) and now.
  int versionOnOpen() const { return static_cast<PostgresDatabase&>(database()).versionOnOpen(); }
  int schemaVersion();

  bool sharedByProcesses() const override { return true; }
};

}  // namespace sluice
