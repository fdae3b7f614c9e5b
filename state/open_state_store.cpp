// openStateStore: the state URL's scheme picks the implementation.
#include <memory>
#include <string>

#include "core/text.h"
#include "state/postgres_state_store.h"
#include "state/sqlite_state_store.h"

namespace sluice {

std::unique_ptr<StateStore> openStateStore(const std::string& url, SchemaPolicy policy) {
  if (startsWith(url, "postgresql://") || startsWith(url, "postgres://"))
    return std::make_unique<PostgresStateStore>(parsePostgresUrl(url), policy);
  std::string path;
  if (startsWith(url, "sqlite://")) {
    path = url.substr(9);  // sqlite:///abs/x.db -> /abs/x.db, sqlite://x.db -> x.db
  } else if (startsWith(url, "sqlite:")) {
    path = url.substr(7);
  } else {
    // Only the scheme goes into the message: the rest of a URL may hold a password.
    auto schemeEnd = url.find("://");
    if (schemeEnd != std::string::npos) {
      throw StateError("state: " + url.substr(0, schemeEnd) +
                       ":// state stores are not supported (use sqlite:PATH or "
                       "postgresql://user@host:port/db)");
    }
    if (startsWith(url, "postgresql:") || startsWith(url, "postgres:")) {
      throw StateError("state: a PostgreSQL state URL looks like postgresql://user@host:port/db");
    }
    path = url;
  }
  if (path.empty()) throw StateError("state: no database path in state URL '" + url + "'");
  // SQLite always brings its file to the latest schema: one process owns it.
  return std::make_unique<SqliteStateStore>(path);
}

}  // namespace sluice
