#include "state/postgres_state_store.h"

namespace sluice {

int PostgresStateStore::schemaVersion() {
  int version = 0;
  database().transact("schemaVersion", "", SqlAccess::Read, [&](SqlTransaction& tx) {
    version = 0;
    bool exists = false;
    tx.query("SELECT 1 WHERE to_regclass('schema_version') IS NOT NULL", {},
             [&](const SqlRow&) { exists = true; });
    if (!exists) return;
    tx.query("SELECT version FROM schema_version WHERE id = 1", {},
             [&](const SqlRow& row) { version = static_cast<int>(row.integer(0)); });
  });
  return version;
}

}  // namespace sluice
