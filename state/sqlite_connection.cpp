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

// SQLite's allocator counts memory under one process-wide mutex unless told not to, and sluice
// reads no such count: with dozens of threads in SQLite at once, that mutex was a contended
// lock on every allocation. It can only be set before SQLite initialises, so once, before the
// first connection opens (SQLITE_MISUSE if something opened one earlier: the count stays on).
void configureSqliteOnce() {
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
}

std::unique_ptr<SQLite::Database> openDatabase(const std::string& path, int flags,
                                               int busyTimeoutMs) {
  configureSqliteOnce();
  // NOMUTEX: each connection is used by one thread at a time (its owner serialises use), so
  // SQLite's own mutex around every call on it would only cost.
  return std::make_unique<SQLite::Database>(path, flags | SQLITE_OPEN_NOMUTEX, busyTimeoutMs);
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, int flags, int busyTimeoutMs)
    : db_(openDatabase(path, flags, busyTimeoutMs)) {}

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
