#include "state/sqlite_connection.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

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

SqliteConnection::Prepared& SqliteConnection::prepared(const char* sql) {
  Prepared& slot = statements_[sql];
  if (!slot.statement) {
    const std::string text = sqliteText(sql);
    slot.statement = std::make_unique<SQLite::Statement>(*db_, text);
    // SQLiteCpp keeps its handle to itself: a second, raw preparation answers the question.
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_->getHandle(), text.c_str(), -1, &raw, nullptr) == SQLITE_OK)
      slot.readOnly = sqlite3_stmt_readonly(raw) != 0;
    sqlite3_finalize(raw);
  }
  slot.statement->tryReset();
  return slot;
}

}  // namespace sluice
