// The embedded StateStore: the shared store algorithm over one SQLite file
// (state/sqlite_database.h).
#pragma once

#include <memory>
#include <string>

#include "state/sql_state_store.h"
#include "state/sqlite_database.h"

namespace sluice {

class SqliteStateStore : public SqlStateStore {
 public:
  // Opens (creating with mode 0600) the database at path and applies migrations. ":memory:"
  // opens a private in-memory database. Throws StateError.
  explicit SqliteStateStore(const std::string& path, SqliteStoreOptions options = {})
      : SqlStateStore(std::make_unique<SqliteDatabase>(path, options)), path_(path) {}

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace sluice
