// One SQLite connection and the statements prepared on it, cached by their SQL text's address
// (a string literal) and prepared at first use. Not thread-safe: its owner serialises use.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace sluice {

class SqliteConnection {
 public:
  // Opens path with SQLite's open flags; a lock held by another connection is waited for up
  // to busyTimeoutMs. Throws SQLite::Exception.
  SqliteConnection(const std::string& path, int flags, int busyTimeoutMs);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  SQLite::Database& db() { return *db_; }

  struct Prepared {
    std::unique_ptr<SQLite::Statement> statement;
    bool readOnly = false;  // it writes nothing (sqlite3_stmt_readonly)
  };
  // The prepared form of sql, reset; its $n placeholders read as ?n.
  Prepared& prepared(const char* sql);

 private:
  std::unique_ptr<SQLite::Database> db_;
  // Declared after db_ so the statements are finalised before the connection closes.
  std::unordered_map<const char*, Prepared> statements_;
};

}  // namespace sluice
