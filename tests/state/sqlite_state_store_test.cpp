// The SQLite state store: migrations, file mode, the one-transaction poll commit (proved by
// making it fail midway), outbox dedupe, seen ids, failures, the dispatcher's lifecycle, tokens.
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

TEST_F(SqliteStateStoreTest, CommitPollRecordsCursorSeenOutboxAndHistory) {
  SqliteStateStore store(dbPath());
  EXPECT_FALSE(store.loadTrigger(kKey));
  store.commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b")}, {{"a", "1"}, {"b", "2"}}));

  auto t = store.loadTrigger(kKey);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->op, "stripe.customers.created");
  EXPECT_EQ(t->connection, "live");
  EXPECT_EQ(t->cursorJson, "c1");
  EXPECT_EQ(t->nextDueMs, 61000);
  EXPECT_EQ(t->lastPollMs, 1000);
  EXPECT_EQ(t->watermarkMovedMs, 1000);
  EXPECT_EQ(t->consecutiveErrors, 0);

  auto due = store.dueDeliveries(1000, 10);
  EXPECT_THAT(itemKeys(due), ElementsAre("a", "b"));
  EXPECT_EQ(due[0].flow, "f");
  EXPECT_EQ(due[0].itemJson, item("f", "a").itemJson);
  EXPECT_EQ(due[0].status, DeliveryStatus::Pending);
  EXPECT_EQ(due[0].createdMs, 1000);

  auto h = store.history(kKey, 10);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].triggerKey, kKey);
  EXPECT_EQ(h[0].finishedMs, 1000);
  EXPECT_EQ(h[0].newItems, 2);
  EXPECT_EQ(h[0].cursorAfter, "c1");

  // A poll that does not move the cursor keeps the watermark time.
  PollCommit still = poll("c1", 2000);
  still.cursorMoved = false;
  store.commitPoll(still);
  t = store.loadTrigger(kKey);
  EXPECT_EQ(t->lastPollMs, 2000);
  EXPECT_EQ(t->watermarkMovedMs, 1000);
  EXPECT_EQ(store.triggers().size(), 1u);
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

TEST_F(SqliteStateStoreTest, OutboxIgnoresAFlowItemKeyAlreadyEnqueued) {
  SqliteStateStore store(dbPath());
  store.commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "a"), item("g", "a")}));
  store.commitPoll(poll("c2", 2000, {item("f", "a"), item("f", "b")}));
  auto all = store.deliveries(std::nullopt, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].flow + "/" + all[0].itemKey, "f/b");
  EXPECT_EQ(all[1].flow + "/" + all[1].itemKey, "g/a");
  EXPECT_EQ(all[2].flow + "/" + all[2].itemKey, "f/a");
  EXPECT_EQ(all[2].createdMs, 1000);  // the first enqueue stands

  // Even a delivered item is not enqueued again.
  store.markDone(all[2].id);
  store.commitPoll(poll("c3", 3000, {item("f", "a")}));
  EXPECT_EQ(store.deliveries(std::nullopt, 100).size(), 3u);
}

TEST_F(SqliteStateStoreTest, RefusesOutboxItemsWithoutAKey) {
  SqliteStateStore store(dbPath());
  EXPECT_THROW(store.commitPoll(poll("c1", 1000, {item("f", "")})), StateError);
  EXPECT_FALSE(store.loadTrigger(kKey));
}

TEST_F(SqliteStateStoreTest, SeenVersionsAnswersAPageAndForgetsOldEntries) {
  SqliteStateStore store(dbPath());
  std::vector<SeenEntry> seen;
  std::vector<std::string> page;
  for (int i = 0; i < 100; ++i) {
    const std::string key = "cus_" + std::to_string(i);
    if (i % 2 == 0) seen.push_back({key, "v" + std::to_string(i)});
    page.push_back(key);
  }
  store.commitPoll(poll("c1", 1000, {}, seen));
  auto found = store.seenVersions(kKey, page);
  EXPECT_EQ(found.size(), 50u);
  EXPECT_EQ(found["cus_0"], "v0");
  EXPECT_EQ(found["cus_98"], "v98");
  EXPECT_EQ(found.count("cus_1"), 0u);
  EXPECT_TRUE(store.seenVersions("another trigger", page).empty());
  EXPECT_TRUE(store.seenVersions(kKey, {}).empty());

  // Later poll: cus_0 gets a new version, everything seen before 1500 is forgotten except
  // what this poll saw.
  PollCommit later = poll("c2", 2000, {}, {{"cus_0", "v0b"}, {"new", ""}});
  later.forgetSeenBeforeMs = 1500;
  store.commitPoll(later);
  found = store.seenVersions(kKey, {"cus_0", "cus_2", "new"});
  EXPECT_EQ(found, (std::map<std::string, std::string>{{"cus_0", "v0b"}, {"new", ""}}));
}

TEST_F(SqliteStateStoreTest, RecordPollFailureKeepsTheCursorAndCountsErrors) {
  SqliteStateStore store(dbPath());
  store.commitPoll(poll("c1", 1000, {}, {{"a", "1"}}));
  PollRecord failed;
  failed.startedMs = 2000;
  failed.finishedMs = 2100;
  failed.error = "HTTP 503 from GET /v1/customers";
  failed.cursorBefore = "c1";
  store.recordPollFailure(kKey, "stripe.customers.created", "live", failed, 5000);
  store.recordPollFailure(kKey, "stripe.customers.created", "live", failed, 9000);

  auto t = store.loadTrigger(kKey);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->cursorJson, "c1");
  EXPECT_EQ(t->consecutiveErrors, 2);
  EXPECT_EQ(t->lastError, failed.error);
  EXPECT_EQ(t->nextDueMs, 9000);
  EXPECT_EQ(t->lastPollMs, 1000);
  EXPECT_EQ(store.seenVersions(kKey, {"a"}).size(), 1u);
  auto h = store.history(kKey, 10);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].error, failed.error);  // newest first
  EXPECT_EQ(h[2].error, "");

  // The next good poll clears the error count.
  store.commitPoll(poll("c2", 10000));
  t = store.loadTrigger(kKey);
  EXPECT_EQ(t->consecutiveErrors, 0);
  EXPECT_EQ(t->lastError, "");

  // A trigger whose very first poll fails gets a row with no cursor.
  store.recordPollFailure("fresh", "ghl.contacts.created", "loc", failed, 7000);
  auto fresh = store.loadTrigger("fresh");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->cursorJson, "");
  EXPECT_EQ(fresh->consecutiveErrors, 1);
  EXPECT_EQ(fresh->op, "ghl.contacts.created");
}

TEST_F(SqliteStateStoreTest, HistoryIsPrunedToTheNewestRowsPerTrigger) {
  SqliteStateStore store(dbPath());
  const int total = SqliteStateStore::kHistoryPerTrigger + 5;
  for (int i = 1; i <= total; ++i) store.commitPoll(poll("c" + std::to_string(i), 1000 + i));
  PollRecord other;
  other.finishedMs = 1;
  other.error = "boom";
  store.recordPollFailure("other", "op", "conn", other, 0);

  auto h = store.history(kKey, total);
  ASSERT_EQ(h.size(), static_cast<size_t>(SqliteStateStore::kHistoryPerTrigger));
  EXPECT_EQ(h.front().finishedMs, 1000 + total);
  EXPECT_EQ(h.back().finishedMs, 1000 + total - SqliteStateStore::kHistoryPerTrigger + 1);
  EXPECT_EQ(store.history("other", 10).size(), 1u);
}

TEST_F(SqliteStateStoreTest, DispatcherLifecycle) {
  SqliteStateStore store(dbPath());
  store.commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b"), item("f", "c")}));
  auto due = store.dueDeliveries(1000, 2);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_THAT(itemKeys(due), ElementsAre("a", "b"));  // oldest first, limited
  EXPECT_TRUE(store.dueDeliveries(999, 10).empty());  // not before it was enqueued
  const int64_t a = due[0].id, b = due[1].id;
  const int64_t c = store.dueDeliveries(1000, 10)[2].id;

  // Steps are recorded one by one and read back in order.
  store.recordStep(a, 1, R"({"id":"note_2"})");
  store.recordStep(a, 0, R"({"id":"note_1"})");
  auto steps = store.stepResults(a);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].step, 0);
  EXPECT_EQ(steps[1].resultJson, R"({"id":"note_2"})");
  EXPECT_TRUE(store.stepResults(b).empty());
  EXPECT_THROW(store.recordStep(987654, 0, "null"), StateError);  // no such delivery

  store.markDone(a);
  store.scheduleRetry(b, 1, 5000, "HTTP 429");
  store.recordStep(c, 0, "null");
  store.markDead(c, 3, "HTTP 400: invalid email");

  EXPECT_TRUE(store.dueDeliveries(4999, 10).empty());
  due = store.dueDeliveries(5000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, b);
  EXPECT_EQ(due[0].attempts, 1);
  EXPECT_EQ(due[0].lastError, "HTTP 429");
  EXPECT_EQ(store.pendingCount(), 1);

  auto done = store.deliveries(DeliveryStatus::Done, 10);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].id, a);
  auto dead = store.deliveries(DeliveryStatus::Dead, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, c);
  EXPECT_EQ(dead[0].attempts, 3);
  EXPECT_EQ(dead[0].lastError, "HTTP 400: invalid email");
  auto all = store.deliveries(std::nullopt, 10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, c);  // newest first
  EXPECT_EQ(store.deliveries(std::nullopt, 1).size(), 1u);

  // Replay: dead -> pending from now, attempts reset, error and finished steps kept.
  EXPECT_EQ(store.replayDead({a, b}, 6000), 0);  // neither is dead
  EXPECT_EQ(store.replayDead({c}, 6000), 1);
  EXPECT_TRUE(store.deliveries(DeliveryStatus::Dead, 10).empty());
  due = store.dueDeliveries(6000, 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[1].id, c);
  EXPECT_EQ(due[1].attempts, 0);
  EXPECT_EQ(due[1].nextAttemptMs, 6000);
  EXPECT_EQ(due[1].lastError, "HTTP 400: invalid email");
  EXPECT_EQ(store.stepResults(c).size(), 1u);

  // Replay all.
  store.markDead(b, 5, "gave up");
  store.markDead(c, 1, "again");
  EXPECT_EQ(store.replayDead({}, 7000), 2);
  EXPECT_EQ(store.pendingCount(), 2);

  EXPECT_THROW(store.markDone(987654), StateError);
  EXPECT_THROW(store.scheduleRetry(987654, 1, 1, "x"), StateError);
  EXPECT_THROW(store.markDead(987654, 1, "x"), StateError);
}

TEST_F(SqliteStateStoreTest, TokensRoundTrip) {
  SqliteStateStore store(dbPath());
  EXPECT_FALSE(store.loadTokens("ghl"));
  store.saveTokens("ghl", {"access-1", "refresh-1", 1700000000000});
  store.saveTokens("other", {"x", "y", 1});
  store.saveTokens("ghl", {"access-2", "refresh-2", 1700003600000});
  auto tokens = store.loadTokens("ghl");
  ASSERT_TRUE(tokens);
  EXPECT_EQ(tokens->accessToken, "access-2");
  EXPECT_EQ(tokens->refreshToken, "refresh-2");
  EXPECT_EQ(tokens->expiresAtMs, 1700003600000);
  EXPECT_EQ(store.loadTokens("other")->accessToken, "x");
}

TEST_F(SqliteStateStoreTest, ResetTriggerForgetsCursorAndSeenButKeepsHistory) {
  SqliteStateStore store(dbPath());
  store.commitPoll(poll("c1", 1000, {item("f", "a")}, {{"a", "1"}}));
  PollCommit other = poll("o1", 1000, {}, {{"a", "1"}});
  other.triggerKey = "other";
  store.commitPoll(other);

  EXPECT_TRUE(store.resetTrigger(kKey));
  EXPECT_FALSE(store.loadTrigger(kKey));
  EXPECT_TRUE(store.seenVersions(kKey, {"a"}).empty());
  EXPECT_EQ(store.history(kKey, 10).size(), 1u);
  EXPECT_EQ(store.pendingCount(), 1);  // queued deliveries still go out
  EXPECT_EQ(store.seenVersions("other", {"a"}).size(), 1u);
  EXPECT_FALSE(store.resetTrigger(kKey));
  EXPECT_FALSE(store.resetTrigger("never polled"));
}

TEST_F(SqliteStateStoreTest, SeveralThreadsCommitAndDispatchWithoutLosingItems) {
  SqliteStateStore store(dbPath());
  constexpr int kThreads = 4, kPolls = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, t] {
      for (int p = 0; p < kPolls; ++p) {
        PollCommit c = poll("c" + std::to_string(p), 1000 + p,
                            {item("f", std::to_string(t) + "-" + std::to_string(p))});
        c.triggerKey = "trigger-" + std::to_string(t);
        store.commitPoll(c);
        store.dueDeliveries(2000, 5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store.pendingCount(), kThreads * kPolls);
  EXPECT_EQ(store.triggers().size(), static_cast<size_t>(kThreads));
  for (const auto& t : store.triggers()) EXPECT_EQ(t.cursorJson, "c" + std::to_string(kPolls - 1));
}

TEST(SqliteDeliveryStatus, Names) {
  EXPECT_STREQ(toString(DeliveryStatus::Pending), "pending");
  EXPECT_STREQ(toString(DeliveryStatus::Done), "done");
  EXPECT_STREQ(toString(DeliveryStatus::Dead), "dead");
}

}  // namespace sqlite_state_store_test
}  // namespace sluice

namespace sluice {
namespace sqlite_state_store_test {

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
