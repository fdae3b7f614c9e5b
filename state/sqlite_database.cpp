#include "state/sqlite_database.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/error.h"
#include "core/text.h"
#include "state/lease_owner.h"
#include "state/sqlite_migrations.h"
#include "state/store_sql.h"

namespace sluice {

namespace {

// Maps an SQLite failure to words an operator can act on. SQLite's own messages name tables and
// constraints, never the bound values, so item contents and tokens cannot leak through here.
std::string describe(const SQLite::Exception& e) {
  switch (e.getErrorCode() & 0xff) {
    case SQLITE_BUSY:
      return "database is locked by another process";
    case SQLITE_LOCKED:
      return "database table is locked";
    case SQLITE_FULL:
      return "disk is full";
    case SQLITE_READONLY:
      return "database is read-only";
    case SQLITE_PERM:
      return "permission denied";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return "file is not an SQLite database or is corrupt";
    case SQLITE_CANTOPEN:
      return "cannot open the database file";
    case SQLITE_IOERR:
      return std::string("disk I/O error (") + e.what() + ")";
    default:
      return e.what();
  }
}

// Creates the database file readable by its owner only, before SQLite writes anything to it:
// it holds OAuth tokens and customer records. SQLite gives its -wal and -shm files the mode of
// the main file, so they inherit 0600 too.
void createPrivateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return;  // an existing database keeps the mode its owner gave it
    failState("cannot create", path, std::strerror(errno));
  }
  // open() applied the umask (0600 & ~umask); fchmod makes it exactly 0600 either way.
  int rc = ::fchmod(fd, 0600);
  int err = errno;
  ::close(fd);
  if (rc != 0) failState("cannot set mode 0600 on", path, std::strerror(err));
}

// Owners other than $1 holding an unexpired lease at $2.
constexpr char kLeaseOwners[] =
    "SELECT lease_owner FROM triggers WHERE lease_owner NOT IN ('', $1) AND lease_until > $2"
    " UNION SELECT lease_owner FROM outbox WHERE status = 'pending'"
    " AND lease_owner NOT IN ('', $1) AND lease_until > $2";

class SqliteRow : public SqlRow {
 public:
  explicit SqliteRow(SQLite::Statement& statement) : statement_(statement) {}
  int64_t integer(int column) const override { return statement_.getColumn(column).getInt64(); }
  std::string text(int column) const override { return statement_.getColumn(column).getString(); }

 private:
  SQLite::Statement& statement_;
};

}  // namespace

// Statements run through the connection's cache. Each use ends reset and unbound, so no read
// snapshot stays open (it would pin the WAL) and no item or token text lingers in bindings.
class SqliteDatabase::Transaction : public SqlTransaction {
 public:
  // readOnly: a statement that writes is refused, on whichever connection the read runs.
  Transaction(SqliteConnection& connection, bool readOnly)
      : connection_(connection), readOnly_(readOnly) {}

  int64_t exec(const char* sql, const SqlParams& params) override {
    Use use(bound(sql, params));
    return use.statement.exec();
  }

  void query(const char* sql, const SqlParams& params, const SqlRowVisitor& visit) override {
    Use use(bound(sql, params));
    const SqliteRow row(use.statement);
    while (use.statement.executeStep()) visit(row);
  }

 private:
  struct Use {
    explicit Use(SQLite::Statement& s) : statement(s) {}
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    ~Use() {
      statement.tryReset();
      try {
        statement.clearBindings();
      } catch (...) {  // sqlite3_clear_bindings cannot fail; a destructor must not throw anyway
      }
    }
    SQLite::Statement& statement;
  };

  SQLite::Statement& bound(const char* sql, const SqlParams& params) {
    SqliteConnection::Prepared& prepared = connection_.prepared(sql);
    if (readOnly_ && !prepared.readOnly)
      throw SQLite::Exception("a read-only call ran a statement that writes", SQLITE_MISUSE);
    SQLite::Statement& statement = *prepared.statement;
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      // Text is bound without a copy: params outlive the statement's use, whose end clears
      // the bindings.
      if (const auto* number = std::get_if<int64_t>(&params[i]))
        statement.bind(index, static_cast<int64_t>(*number));
      else
        statement.bindNoCopy(index, std::get<std::string>(params[i]));
    }
    return statement;
  }

  SqliteConnection& connection_;
  const bool readOnly_;
};

// A reader connection lent to one read, given back after it. Readers are opened as reads
// need them, up to kMaxReaders; a read beyond that waits for one to be given back, so their
// page caches stay a few MiB however many threads read.
class SqliteDatabase::Reader {
 public:
  explicit Reader(SqliteDatabase& database) : database_(database) {
    std::unique_lock<std::mutex> lock(database.readersMutex_);
    database.readerFree_.wait(lock, [&] {
      return !database.idleReaders_.empty() || database.readersOpen_ < kMaxReaders;
    });
    if (!database.idleReaders_.empty()) {
      connection_ = std::move(database.idleReaders_.back());
      database.idleReaders_.pop_back();
      return;
    }
    ++database.readersOpen_;
    lock.unlock();
    try {
      // Never written through: Transaction refuses a statement that writes in a read.
      connection_ = std::make_unique<SqliteConnection>(database.path_, SQLite::OPEN_READWRITE,
                                                       database.options_.busyTimeoutMs);
    } catch (...) {
      lock.lock();
      --database.readersOpen_;
      database.readerFree_.notify_one();
      throw;
    }
  }
  ~Reader() {
    std::lock_guard<std::mutex> lock(database_.readersMutex_);
    database_.idleReaders_.push_back(std::move(connection_));
    database_.readerFree_.notify_one();
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  SqliteConnection& connection() { return *connection_; }

 private:
  SqliteDatabase& database_;
  std::unique_ptr<SqliteConnection> connection_;
};

SqliteDatabase::SqliteDatabase(const std::string& path, SqliteStoreOptions options)
    : path_(path), options_(options), memory_(path == ":memory:") {
  if (path.empty()) throw StateError("state: empty database path");
  if (!memory_) createPrivateFile(path);
  try {
    writer_ = std::make_unique<SqliteConnection>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                                 options.busyTimeoutMs);
    SQLite::Database& db = writer_->db();
    db.exec("PRAGMA foreign_keys = ON");
    // WAL: pollers' and dispatchers' reads never wait for a commit, and a commit is one
    // sequential append.
    std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
    if (!memory_ && mode != "wal")
      failState("open", path, "cannot switch to WAL (got " + mode + ")");
    // NORMAL, not FULL. In WAL mode NORMAL keeps every transaction atomic and loses nothing when
    // the process crashes; only a power cut or OS crash can drop the last few commits, and
    // then it drops them whole and in order. A dropped commitPoll takes its cursor with its
    // items, so the next poll fetches them again: nothing lost, nothing doubled in the store.
    // A dropped recordStep/markDone makes the dispatcher redo a step, a window that exists
    // anyway between an API call and its record, and that the idempotency key (flow, item,
    // step) closes. FULL would add an fsync per commit, which tens of thousands of flows on
    // one core cannot afford.
    db.exec("PRAGMA synchronous = NORMAL");
    // A group commit runs each job under a savepoint, so every page a batch changes is first
    // copied to the statement journal. Debian's SQLite keeps temporary files on disk: past
    // 64 KiB that journal went to a file in /var/tmp, more pwrite calls than the WAL itself.
    // It is rolled back or dropped within the transaction, so memory is all it needs.
    db.exec("PRAGMA temp_store = MEMORY");
    sqlite_schema::migrate(db);
  } catch (const SQLite::Exception& e) {
    failState("open", path, describe(e));
  } catch (const StateError& e) {
    if (startsWith(e.what(), "state: ")) throw;
    failState("open", path, e.what());
  }
}

SqliteDatabase::~SqliteDatabase() = default;

void SqliteDatabase::transact(const char* what, const std::string& subject, SqlAccess access,
                              const std::function<void(SqlTransaction&)>& body) {
  if (access == SqlAccess::Write) {
    GroupCommit::Job job{what, subject, body};
    writes_.run(job);
    return;
  }
  if (onlyReads(access) && !memory_) {
    // The writer's connection when no write holds it: its page cache is warm, while another
    // connection's commit empties a reader's (at the steady schedule's pace, reading through
    // readers only cost a third more CPU per poll). A reader otherwise: no read waits for a
    // commit.
    std::unique_lock<std::mutex> writer(mutex_, std::try_to_lock);
    if (writer.owns_lock()) return transactAlone(*writer_, what, subject, access, body);
    std::unique_ptr<Reader> reader;
    try {
      reader = std::make_unique<Reader>(*this);
    } catch (const SQLite::Exception& e) {
      failState(what, subject, describe(e));
    }
    return transactAlone(reader->connection(), what, subject, access, body);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  transactAlone(*writer_, what, subject, access, body);
}

void SqliteDatabase::transactAlone(SqliteConnection& connection, const char* what,
                                   const std::string& subject, SqlAccess access,
                                   const std::function<void(SqlTransaction&)>& body) {
  try {
    Transaction tx(connection, onlyReads(access));
    if (access == SqlAccess::Statement || access == SqlAccess::Query) {
      body(tx);  // one statement is its own transaction
      return;
    }
    // IMMEDIATE takes the write lock up front, so a competing process makes us wait (or fail)
    // before anything is written rather than halfway through.
    SQLite::Transaction transaction(connection.db(), access == SqlAccess::Write
                                                         ? SQLite::TransactionBehavior::IMMEDIATE
                                                         : SQLite::TransactionBehavior::DEFERRED);
    body(tx);
    transaction.commit();
  } catch (const SQLite::Exception& e) {
    failState(what, subject, describe(e));
  }
}

void SqliteDatabase::writeBatch(const std::vector<GroupCommit::Job*>& batch) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto alone = [&](GroupCommit::Job& job) {
    try {
      transactAlone(*writer_, job.what, job.subject, SqlAccess::Write, job.body);
    } catch (...) {
      job.error = std::current_exception();
    }
  };
  if (batch.size() == 1) return alone(*batch.front());
  try {
    SQLite::Database& db = writer_->db();
    Transaction tx(*writer_, false);
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    for (GroupCommit::Job* job : batch) {
      // A body that throws (a lost lease, a missing row) is undone alone, as its own
      // transaction would have been; the others stand.
      db.exec("SAVEPOINT job");
      try {
        job->body(tx);
      } catch (const SQLite::Exception&) {
        throw;  // the database failed: the whole batch again, one job at a time
      } catch (...) {
        job->error = std::current_exception();
        db.exec("ROLLBACK TO job");
      }
      db.exec("RELEASE job");
    }
    transaction.commit();
  } catch (const SQLite::Exception&) {
    // Nothing of the batch was written (a full disk, a lock held by another process): each
    // job alone meets the failure, or succeeds, as it would have without the batch.
    for (GroupCommit::Job* job : batch) {
      job->error = nullptr;
      alone(*job);
    }
  }
}

void SqliteDatabase::freeLeasesOfGoneProcesses(SqlTransaction& tx, const std::string& owner,
                                               int64_t nowMs) {
  // At most once a second: a process killed on this machine does not hold its work until its
  // leases expire (the next `sluice run` takes it over at once).
  if (nowMs - lastSweepMs_ < 1000 && nowMs >= lastSweepMs_) return;
  lastSweepMs_ = nowMs;
  std::vector<std::string> gone;
  tx.query(kLeaseOwners, {owner, nowMs}, [&](const SqlRow& row) {
    std::string other = row.text(0);
    if (leaseOwnerGoneHere(other)) gone.push_back(std::move(other));
  });
  for (const auto& other : gone) {
    tx.exec(store_sql::kReleaseTriggers, {other});
    tx.exec(store_sql::kReleaseDeliveries, {other});
  }
}

std::vector<std::string> SqliteDatabase::claimTriggers(SqlTransaction& tx,
                                                       const std::vector<std::string>& keys,
                                                       const std::string& owner, int64_t nowMs,
                                                       int64_t untilMs, bool evenIfNotDue) {
  freeLeasesOfGoneProcesses(tx, owner, nowMs);
  return SqlDatabase::claimTriggers(tx, keys, owner, nowMs, untilMs, evenIfNotDue);
}

std::vector<Delivery> SqliteDatabase::claimDeliveries(SqlTransaction& tx, const std::string& owner,
                                                      int64_t nowMs, int limit, int64_t untilMs) {
  freeLeasesOfGoneProcesses(tx, owner, nowMs);
  return SqlDatabase::claimDeliveries(tx, owner, nowMs, limit, untilMs);
}

}  // namespace sluice
