// The small per-database layer under SqlStateStore. The store's algorithm (what each call
// reads, checks and writes, in which transaction) is written once over it; SQLite and
// PostgreSQL implement only their connection handling (a writer under a mutex and readers; a pool
// that reconnects) and the few statements where their dialects differ (arrays for batches,
// SKIP LOCKED for claims).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "state/outbox_store.h"
#include "state/trigger_store.h"

namespace sluice {

// A bound parameter: every column sluice stores is an integer or text.
using SqlValue = std::variant<int64_t, std::string>;
using SqlParams = std::vector<SqlValue>;

// One result row; columns by position, as the statement lists them.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual int64_t integer(int column) const = 0;
  virtual std::string text(int column) const = 0;
};

using SqlRowVisitor = std::function<void(const SqlRow&)>;

// Statements are written once for both databases with PostgreSQL's $1..$n placeholders
// (SQLite reads them as ?1..?n). A statement's text must outlive the store (a string literal):
// SQLite keeps its prepared form by the text's address.
class SqlTransaction {
 public:
  virtual ~SqlTransaction() = default;
  // Runs a statement; the number of rows it changed.
  virtual int64_t exec(const char* sql, const SqlParams& params = {}) = 0;
  // Runs a query, calling visit for each row in order.
  virtual void query(const char* sql, const SqlParams& params, const SqlRowVisitor& visit) = 0;
};

// How much of a transaction a call needs; SQLite uses it to keep one-statement calls cheap.
enum class SqlAccess {
  Statement,  // one statement, atomic by itself
  Query,      // one statement that only reads (SQLite runs it beside the writer)
  Read,       // several reads from one snapshot
  Write,      // writes that must all land or none: takes the write lock up front
};
inline bool onlyReads(SqlAccess access) {
  return access == SqlAccess::Query || access == SqlAccess::Read;
}

// Throws StateError "state: <what> <subject>: <cause>", the form of every store error.
[[noreturn]] void failState(const char* what, const std::string& subject, const std::string& cause);

class SqlDatabase {
 public:
  virtual ~SqlDatabase() = default;

  // Runs body in one transaction and commits it. May run body again (PostgreSQL after a
  // broken connection or a conflict), so body keeps no state across runs. A database failure
  // becomes a StateError (failState); a StateError thrown by body rolls the transaction back
  // and passes through unchanged.
  virtual void transact(const char* what, const std::string& subject, SqlAccess access,
                        const std::function<void(SqlTransaction&)>& body) = 0;

  // --- where the dialects differ; these defaults run one statement per row ---

  // The trigger's lease owner ("" = free), nullopt without a row; locks the row where the
  // database locks rows.
  virtual std::optional<std::string> leaseHolder(SqlTransaction& tx, const std::string& key);
  virtual std::map<std::string, std::string> seenVersions(SqlTransaction& tx,
                                                          const std::string& key,
                                                          const std::vector<std::string>& itemKeys);
  virtual void upsertSeen(SqlTransaction& tx, const std::string& key,
                          const std::vector<SeenEntry>& entries, int64_t nowMs);
  virtual void enqueue(SqlTransaction& tx, const std::vector<OutboxItem>& items, int64_t nowMs);
  virtual std::vector<std::string> claimTriggers(SqlTransaction& tx,
                                                 const std::vector<std::string>& keys,
                                                 const std::string& owner, int64_t nowMs,
                                                 int64_t untilMs, bool evenIfNotDue);
  virtual std::vector<Delivery> claimDeliveries(SqlTransaction& tx, const std::string& owner,
                                                int64_t nowMs, int limit, int64_t untilMs);
};

}  // namespace sluice
