#include "state/sqlite_connection.h"

#include <SQLiteCpp/SQLiteCpp.h>

namespace sluice {
namespace {

// The shared statements' $n placeholders as SQLite's ?n.
std::string sqliteText(const char* sql) {
  std::string text(sql);
  for (char& c : text)
    if (c == '$') c = '?';
  return text;
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, int flags, int busyTimeoutMs)
    : db_(std::make_unique<SQLite::Database>(path, flags, busyTimeoutMs)) {}

SqliteConnection::~SqliteConnection() = default;

SQLite::Statement& SqliteConnection::prepared(const char* sql) {
  auto& slot = statements_[sql];
  if (!slot) slot = std::make_unique<SQLite::Statement>(*db_, sqliteText(sql));
  slot->tryReset();
  return *slot;
}

}  // namespace sluice
