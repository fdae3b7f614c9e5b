// What is SQLite's own in the state store: migrations, file mode, refusing junk, the
// one-transaction poll commit proved by making it fail midway or meet another process's lock,
// and leases of processes of this machine that are gone. What every store does is in
// state_store_contract_test.cpp.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "core/error.h"
#include "state/lease_owner.h"
#include "state/sqlite_migrations.h"
#include "state/sqlite_state_store.h"
#include "state/state_test_data.h"
#include "state/store_sql.h"
#include "test_support.h"

namespace sluice {
namespace sqlite_state_store_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using state_test_data::item;
using state_test_data::itemKeys;
using state_test_data::kKey;
using state_test_data::poll;

int mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

class SqliteStateStoreTest : public ::testing::Test {
 protected:
  std::string dbPath() const { return dir.path() + "/state.db"; }
  test::TempDir dir;
};

TEST_F(SqliteStateStoreTest, MigratesAFreshFileAndReopensIt) {
  {
    SqliteStateStore store(dbPath());
    store.commitPoll(poll("c1", 1000, {item("f", "a")}));
  }
  {
    SQLite::Database raw(dbPath());
    EXPECT_EQ(sqlite_schema::currentVersion(raw), sqlite_schema::latestVersion());
    EXPECT_EQ(raw.execAndGet("PRAGMA journal_mode").getString(), "wal");
    for (const char* table :
         {"triggers", "seen", "outbox", "step_results", "history", "oauth_tokens"}) {
      EXPECT_TRUE(raw.tableExists(table)) << table;
    }
  }
  SqliteStateStore reopened(dbPath());
  auto trigger = reopened.loadTrigger(kKey);
  ASSERT_TRUE(trigger);
  EXPECT_EQ(trigger->cursorJson, "c1");
  EXPECT_EQ(reopened.pendingCount(), 1);
  SQLite::Database raw(dbPath());
  EXPECT_EQ(raw.execAndGet("SELECT COUNT(*) FROM schema_version").getInt(), 1);
}

// Migration 8, the leaner outbox: a file written with the two indexes of every row's status
// keeps its rows, and every outbox question is answered through an index of the rows it asks
// about, never by reading the done rows.
TEST_F(SqliteStateStoreTest, TheLeanerOutboxKeepsAnOlderFilesRowsAndIndexesWhatIsAsked) {
  int64_t done = 0, dead = 0;
  {
    SqliteStateStore store(dbPath());
    store.commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b"), item("g", "c")}));
    const auto due = store.dueDeliveries(1000, 10);
    done = due[1].id;
    dead = due[2].id;
    store.markDone(done);
    store.markDead(dead, 3, "HTTP 400");
  }
  {
    SQLite::Database raw(dbPath(), SQLite::OPEN_READWRITE);
    raw.exec(
        "DROP INDEX outbox_pending; DROP INDEX outbox_dead;"
        " CREATE INDEX outbox_by_status ON outbox(status, id);"
        " CREATE INDEX outbox_due ON outbox(next_attempt_ms) WHERE status = 'pending';"
        " UPDATE schema_version SET version = 7");
  }
  SqliteStateStore store(dbPath());
  EXPECT_EQ(store.pendingCount(), 1);
  EXPECT_THAT(itemKeys(store.dueDeliveries(1000, 10)), ElementsAre("a"));
  EXPECT_EQ(store.deliveries(DeliveryStatus::Done, 10).at(0).id, done);
  EXPECT_EQ(store.deliveries(DeliveryStatus::Dead, 10).at(0).id, dead);
  auto counts = store.flowCounts(0);
  EXPECT_EQ(counts["f"].pending, 1);
  EXPECT_EQ(counts["g"].dead, 1);

  SQLite::Database raw(dbPath());
  EXPECT_EQ(sqlite_schema::currentVersion(raw), sqlite_schema::latestVersion());
  std::vector<std::string> indexes;
  SQLite::Statement list(raw,
                         "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                         "'outbox' AND sql IS NOT NULL ORDER BY name");
  while (list.executeStep()) indexes.push_back(list.getColumn(0).getString());
  EXPECT_THAT(indexes, ElementsAre("outbox_by_created", "outbox_by_flow", "outbox_dead",
                                   "outbox_pending", "outbox_pending_by_record"));
  // The store's own statements, their parameters written as numbers.
  const auto plan = [&](std::string sql) {
    for (size_t at = sql.find('$'); at != std::string::npos; at = sql.find('$', at))
      sql.replace(at, 2, "5");
    std::string text;
    SQLite::Statement q(raw, "EXPLAIN QUERY PLAN " + sql);
    while (q.executeStep()) text += q.getColumn(3).getString() + "; ";
    return text;
  };
  EXPECT_THAT(plan(store_sql::kDue), HasSubstr("SCAN outbox USING INDEX outbox_pending;"));
  EXPECT_THAT(plan(store_sql::kClaimableDeliveries),
              HasSubstr("SCAN outbox USING INDEX outbox_pending;"));
  EXPECT_THAT(plan(store_sql::kPendingCount), HasSubstr("outbox_pending"));
  EXPECT_THAT(plan(store_sql::kPendingDeliveries), HasSubstr("outbox_pending"));
  EXPECT_THAT(plan(store_sql::kDeadDeliveries), HasSubstr("USING INDEX outbox_dead"));
  EXPECT_THAT(plan(store_sql::kUnfinishedByFlow),
              ::testing::AllOf(HasSubstr("USING INDEX outbox_pending_by_record"),
                               HasSubstr("USING INDEX outbox_dead")));
  EXPECT_THAT(plan(store_sql::kQueuedSinceByFlow), HasSubstr("USING INDEX outbox_by_created"));
  EXPECT_THAT(plan(store_sql::kFlowDeadLetters), HasSubstr("USING INDEX outbox_dead"));
  EXPECT_THAT(plan(store_sql::kReplayFlow), HasSubstr("USING INDEX outbox_dead"));
}

TEST_F(SqliteStateStoreTest, RefusesADatabaseWithANewerSchema) {
  { SqliteStateStore store(dbPath()); }
  const int newer = sqlite_schema::latestVersion() + 1;
  {
    SQLite::Database raw(dbPath(), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE schema_version SET version = " + std::to_string(newer));
  }
  try {
    SqliteStateStore store(dbPath());
    FAIL() << "opened a database with a newer schema";
  } catch (const StateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("schema version " + std::to_string(newer)));
    EXPECT_THAT(e.what(), HasSubstr("version " + std::to_string(sqlite_schema::latestVersion())));
    EXPECT_THAT(e.what(), HasSubstr(dbPath()));
  }
  SQLite::Database raw(dbPath());
  EXPECT_EQ(sqlite_schema::currentVersion(raw), newer);  // left as it was
}

TEST_F(SqliteStateStoreTest, CreatesTheFileWithMode0600WhateverTheUmask) {
  const mode_t old = ::umask(0);  // nothing masked: SQLite alone would create 0644
  {
    SqliteStateStore store(dbPath());
    store.saveTokens("c", {"at", "rt", 1});
    EXPECT_EQ(mode(dbPath()), 0600);
    EXPECT_EQ(mode(dbPath() + "-wal"), 0600);
  }
  ::umask(0277);  // masks the owner's write bit: open(0600) alone would give 0400
  const std::string other = dir.path() + "/other.db";
  { SqliteStateStore store(other); }
  ::umask(old);
  EXPECT_EQ(mode(other), 0600);
}

TEST_F(SqliteStateStoreTest, OpenStateStoreAcceptsSqliteUrlsAndRefusesUnknownSchemes) {
  for (const std::string& url : {"sqlite:" + dir.path() + "/a.db",
                                 "sqlite://" + dir.path() + "/b.db", dir.path() + "/c.db"}) {
    auto store = openStateStore(url);
    EXPECT_EQ(store->pendingCount(), 0) << url;
  }
  for (const char* name : {"a.db", "b.db", "c.db"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.path() + "/" + name)) << name;
  }
  try {
    openStateStore("mysql://sluice:hunter2@db.example.com/sluice");
    FAIL() << "mysql accepted";
  } catch (const StateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not supported"));
    EXPECT_THAT(e.what(), Not(HasSubstr("hunter2")));
  }
  EXPECT_THROW(openStateStore("sqlite:"), StateError);
  EXPECT_THROW(openStateStore(dir.path() + "/missing/dir/x.db"), StateError);
}

TEST_F(SqliteStateStoreTest, RefusesAFileThatIsNotADatabase) {
  const std::string path = dir.write("junk.db", std::string(4096, 'x'));
  try {
    SqliteStateStore store(path);
    FAIL() << "opened junk";
  } catch (const StateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not an SQLite database"));
  }
}

// The state every atomicity test starts from and checks again after the failed commit.
void expectFirstPollOnly(SqliteStateStore& store) {
  auto t = store.loadTrigger(kKey);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->cursorJson, "c1");
  EXPECT_EQ(t->lastPollMs, 1000);
  EXPECT_EQ(t->nextDueMs, 61000);
  EXPECT_THAT(itemKeys(store.deliveries(std::nullopt, 100)), ElementsAre("a"));
  auto seen = store.seenVersions(kKey, {"a", "b", "c"});
  EXPECT_EQ(seen, (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_EQ(store.history(kKey, 10).size(), 1u);
}

TEST_F(SqliteStateStoreTest, CommitPollWritesNothingWhenAStatementFailsMidway) {
  SqliteStateStore store(dbPath());
  store.commitPoll(poll("c1", 1000, {item("f", "a")}, {{"a", "1"}}));
  {
    // Sabotage the second outbox insert: by then the trigger row, the seen rows and the first
    // outbox row of the same transaction are already written.
    SQLite::Database raw(dbPath(), SQLite::OPEN_READWRITE);
    raw.exec(
        "CREATE TRIGGER sabotage BEFORE INSERT ON outbox WHEN NEW.item_key = 'c'"
        " BEGIN SELECT RAISE(ABORT, 'sabotaged insert'); END");
  }
  try {
    store.commitPoll(poll("c2", 2000, {item("f", "b"), item("f", "c")}, {{"b", "1"}, {"c", "1"}}));
    FAIL() << "the sabotaged commit succeeded";
  } catch (const StateError& e) {
    EXPECT_THAT(e.what(), HasSubstr(std::string("state: commitPoll for trigger ") + kKey));
    EXPECT_THAT(e.what(), Not(HasSubstr("secret@example.com")));
  }
  expectFirstPollOnly(store);

  // The store stays usable: once the sabotage is gone the same commit goes through.
  {
    SQLite::Database raw(dbPath(), SQLite::OPEN_READWRITE);
    raw.exec("DROP TRIGGER sabotage");
  }
  store.commitPoll(poll("c2", 2000, {item("f", "b"), item("f", "c")}, {{"b", "1"}, {"c", "1"}}));
  EXPECT_EQ(store.loadTrigger(kKey)->cursorJson, "c2");
  EXPECT_EQ(store.pendingCount(), 3);
}

TEST_F(SqliteStateStoreTest, CommitPollWritesNothingWhileAnotherProcessHoldsTheLock) {
  SqliteStoreOptions options;
  options.busyTimeoutMs = 10;  // fail fast instead of waiting 5 s
  SqliteStateStore store(dbPath(), options);
  store.commitPoll(poll("c1", 1000, {item("f", "a")}, {{"a", "1"}}));

  SQLite::Database other(dbPath(), SQLite::OPEN_READWRITE);
  other.exec("BEGIN EXCLUSIVE");
  try {
    store.commitPoll(poll("c2", 2000, {item("f", "b")}, {{"b", "1"}}));
    FAIL() << "committed under another process's lock";
  } catch (const StateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("commitPoll for trigger"));
    EXPECT_THAT(e.what(), HasSubstr("database is locked by another process"));
  }
  EXPECT_THROW(store.recordPollFailure(kKey, "op", "live", {}, 5), StateError);
  other.exec("ROLLBACK");
  expectFirstPollOnly(store);
}

// One process per SQLite file: a `sluice run` killed on this machine does not keep its triggers
// and deliveries until its leases expire; the next one takes them over at once.
TEST_F(SqliteStateStoreTest, LeasesOfAProcessOfThisMachineThatIsGoneAreFreeAtOnce) {
  SqliteStateStore store(dbPath());
  store.commitPoll(poll("c1", 1000, {item("f", "a")}));
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  const std::string mine = makeLeaseOwner();
  const std::string gone =
      mine.substr(0, mine.find(':')) + ":" + std::to_string(child) + ":0000dead";
  EXPECT_FALSE(leaseOwnerGoneHere(mine));
  EXPECT_TRUE(leaseOwnerGoneHere(gone));
  EXPECT_FALSE(leaseOwnerGoneHere("elsewhere.example:" + std::to_string(child) + ":1"));
  ASSERT_THAT(store.claimTriggers({kKey}, gone, 70000, 30000), ElementsAre(kKey));
  ASSERT_EQ(store.claimDeliveries(gone, 70000, 10, 30000).size(), 1u);
  EXPECT_THAT(store.claimTriggers({kKey}, mine, 71000, 30000), ElementsAre(kKey));
  EXPECT_EQ(store.claimDeliveries(mine, 71000, 10, 30000).size(), 1u);
  // A live owner's lease holds.
  EXPECT_TRUE(store.claimTriggers({kKey}, "other-host:1:1", 72000, 30000).empty());
}

}  // namespace sqlite_state_store_test
}  // namespace sluice
