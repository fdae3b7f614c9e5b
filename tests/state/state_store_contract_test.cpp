// One contract, two stores: every behaviour of the store runs against SQLite and against a real
// PostgreSQL 15 (tests/state/postgres_server.h; skipped, saying why, when it is not installed):
// the one-transaction poll commit, outbox dedupe, seen versions, failures keep the cursor, the
// dispatcher's lifecycle, dead-letter replay, tokens, cursor reset, and the leases that divide
// work between processes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "core/error.h"
#include "state/postgres_server.h"
#include "state/postgres_state_store.h"
#include "state/sql_state_store.h"
#include "state/sqlite_state_store.h"
#include "state/state_test_data.h"
#include "test_support.h"

namespace sluice {
namespace state_store_contract_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

using state_test_data::item;
using state_test_data::itemKeys;
using state_test_data::kKey;
using state_test_data::poll;

class StateStoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      store_ = std::make_unique<SqliteStateStore>(dir_.path() + "/state.db");
      return;
    }
    SLUICE_REQUIRE_POSTGRES(server);
    store_ = openStateStore(server->createDatabase("contract"));
  }
  StateStore& store() { return *store_; }

  test::TempDir dir_;
  std::unique_ptr<StateStore> store_;
};

TEST_P(StateStoreContract, CommitPollRecordsCursorSeenOutboxAndHistory) {
  EXPECT_FALSE(store().loadTrigger(kKey));
  store().commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b")}, {{"a", "1"}, {"b", "2"}}));

  auto t = store().loadTrigger(kKey);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->op, "stripe.customers.created");
  EXPECT_EQ(t->connection, "live");
  EXPECT_EQ(t->cursorJson, "c1");
  EXPECT_EQ(t->nextDueMs, 61000);
  EXPECT_EQ(t->lastPollMs, 1000);
  EXPECT_EQ(t->watermarkMovedMs, 1000);
  EXPECT_EQ(t->consecutiveErrors, 0);

  auto due = store().dueDeliveries(1000, 10);
  EXPECT_THAT(itemKeys(due), ElementsAre("a", "b"));
  EXPECT_EQ(due[0].flow, "f");
  EXPECT_EQ(due[0].itemJson, item("f", "a").itemJson);
  EXPECT_EQ(due[0].status, DeliveryStatus::Pending);
  EXPECT_EQ(due[0].createdMs, 1000);

  auto h = store().history(kKey, 10);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].triggerKey, kKey);
  EXPECT_EQ(h[0].finishedMs, 1000);
  EXPECT_EQ(h[0].newItems, 2);
  EXPECT_EQ(h[0].cursorAfter, "c1");

  // A poll that does not move the cursor keeps the watermark time.
  PollCommit still = poll("c1", 2000);
  still.cursorMoved = false;
  store().commitPoll(still);
  t = store().loadTrigger(kKey);
  EXPECT_EQ(t->lastPollMs, 2000);
  EXPECT_EQ(t->watermarkMovedMs, 1000);
  EXPECT_EQ(store().triggers().size(), 1u);

  EXPECT_EQ(store().seenVersions(kKey, {"a", "b", "zz"}),
            (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}}));

  // A commit that is refused writes nothing: the cursor stays, no item is queued.
  EXPECT_THROW(store().commitPoll(poll("c2", 2000, {item("f", "c"), item("f", "")})), StateError);
  EXPECT_EQ(store().loadTrigger(kKey)->cursorJson, "c1");
  EXPECT_EQ(store().pendingCount(), 2);
}

TEST_P(StateStoreContract, OutboxIgnoresAFlowItemKeyAlreadyEnqueued) {
  store().commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "a"), item("g", "a")}));
  store().commitPoll(poll("c2", 2000, {item("f", "a"), item("f", "b")}));
  auto all = store().deliveries(std::nullopt, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].flow + "/" + all[0].itemKey, "f/b");
  EXPECT_EQ(all[1].flow + "/" + all[1].itemKey, "g/a");
  EXPECT_EQ(all[2].flow + "/" + all[2].itemKey, "f/a");
  EXPECT_EQ(all[2].createdMs, 1000);  // the first enqueue stands

  // Even a delivered item is not enqueued again.
  store().markDone(all[2].id);
  store().commitPoll(poll("c3", 3000, {item("f", "a")}));
  EXPECT_EQ(store().deliveries(std::nullopt, 100).size(), 3u);
}

TEST_P(StateStoreContract, RefusesOutboxItemsWithoutAKey) {
  EXPECT_THROW(store().commitPoll(poll("c1", 1000, {item("f", "")})), StateError);
  EXPECT_FALSE(store().loadTrigger(kKey));
}

TEST_P(StateStoreContract, SeenVersionsAnswersAPageAndForgetsOldEntries) {
  std::vector<SeenEntry> seen;
  std::vector<std::string> page;
  for (int i = 0; i < 100; ++i) {
    const std::string key = "cus_" + std::to_string(i);
    if (i % 2 == 0) seen.push_back({key, "v" + std::to_string(i)});
    page.push_back(key);
  }
  store().commitPoll(poll("c1", 1000, {}, seen));
  auto found = store().seenVersions(kKey, page);
  EXPECT_EQ(found.size(), 50u);
  EXPECT_EQ(found["cus_0"], "v0");
  EXPECT_EQ(found["cus_98"], "v98");
  EXPECT_EQ(found.count("cus_1"), 0u);
  EXPECT_TRUE(store().seenVersions("another trigger", page).empty());
  EXPECT_TRUE(store().seenVersions(kKey, {}).empty());

  // Later poll: cus_0 gets a new version, everything seen before 1500 is forgotten except
  // what this poll saw.
  PollCommit later = poll("c2", 2000, {}, {{"cus_0", "v0b"}, {"new", ""}});
  later.forgetSeenBeforeMs = 1500;
  store().commitPoll(later);
  found = store().seenVersions(kKey, {"cus_0", "cus_2", "new"});
  EXPECT_EQ(found, (std::map<std::string, std::string>{{"cus_0", "v0b"}, {"new", ""}}));
}

// A list read whole at every poll reads the same items again and again: an item seen again
// with its version keeps its time (no row written) until that time is a day old.
TEST_P(StateStoreContract, AnItemSeenAgainKeepsItsTimeUntilItIsADayOld) {
  const int64_t t0 = 1'000'000;
  store().commitPoll(poll("c1", t0, {}, {{"same", "1"}, {"changed", "1"}, {"old", "1"}}));
  store().commitPoll(poll("c2", t0 + kSeenRefreshMs / 2, {}, {{"same", "1"}, {"changed", "2"}}));
  store().commitPoll(poll("c3", t0 + kSeenRefreshMs + 1, {}, {{"old", "1"}}));

  // Forgetting what was seen before t0 + 1: "same" kept its first time; "changed" took the
  // time of its new version, "old" the time of the poll that found it a day on.
  PollCommit forget = poll("c4", t0 + kSeenRefreshMs + 2);
  forget.forgetSeenBeforeMs = t0 + 1;
  store().commitPoll(forget);
  EXPECT_EQ(store().seenVersions(kKey, {"same", "changed", "old"}),
            (std::map<std::string, std::string>{{"changed", "2"}, {"old", "1"}}));
}

TEST_P(StateStoreContract, RecordPollFailureKeepsTheCursorAndCountsErrors) {
  store().commitPoll(poll("c1", 1000, {}, {{"a", "1"}}));
  PollRecord failed;
  failed.startedMs = 2000;
  failed.finishedMs = 2100;
  failed.error = "HTTP 503 from GET /v1/customers";
  failed.cursorBefore = "c1";
  store().recordPollFailure(kKey, "stripe.customers.created", "live", failed, 5000);
  store().recordPollFailure(kKey, "stripe.customers.created", "live", failed, 9000);

  auto t = store().loadTrigger(kKey);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->cursorJson, "c1");
  EXPECT_EQ(t->consecutiveErrors, 2);
  EXPECT_EQ(t->lastError, failed.error);
  EXPECT_EQ(t->nextDueMs, 9000);
  EXPECT_EQ(t->lastPollMs, 1000);
  EXPECT_EQ(store().seenVersions(kKey, {"a"}).size(), 1u);
  auto h = store().history(kKey, 10);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].error, failed.error);  // newest first
  EXPECT_EQ(h[2].error, "");

  // The next good poll clears the error count.
  store().commitPoll(poll("c2", 10000));
  t = store().loadTrigger(kKey);
  EXPECT_EQ(t->consecutiveErrors, 0);
  EXPECT_EQ(t->lastError, "");

  // A trigger whose very first poll fails gets a row with no cursor.
  store().recordPollFailure("fresh", "ghl.contacts.created", "loc", failed, 7000);
  auto fresh = store().loadTrigger("fresh");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->cursorJson, "");
  EXPECT_EQ(fresh->consecutiveErrors, 1);
  EXPECT_EQ(fresh->op, "ghl.contacts.created");
}

// A runner's build reads every trigger's schedule, the same values as the whole states.
TEST_P(StateStoreContract, TriggerSchedulesMatchTheStoredStates) {
  store().commitPoll(poll("c1", 1000, {}, {{"a", "1"}}));
  PollRecord failed;
  failed.startedMs = failed.finishedMs = 2000;
  failed.error = "HTTP 503";
  store().recordPollFailure("other", "ghl.contacts.created", "loc", failed, 7000);
  const auto states = store().triggers();
  auto schedules = store().triggerSchedules();
  ASSERT_EQ(schedules.size(), states.size());
  std::sort(schedules.begin(), schedules.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  for (size_t i = 0; i < states.size(); ++i) {
    EXPECT_EQ(schedules[i].key, states[i].key);
    EXPECT_EQ(schedules[i].nextDueMs, states[i].nextDueMs);
    EXPECT_EQ(schedules[i].lastPollMs, states[i].lastPollMs);
    EXPECT_EQ(schedules[i].watermarkMovedMs, states[i].watermarkMovedMs);
    EXPECT_EQ(schedules[i].consecutiveErrors, states[i].consecutiveErrors);
  }
  EXPECT_EQ(schedules[0].key, "other");
  EXPECT_EQ(schedules[0].nextDueMs, 7000);
  EXPECT_EQ(schedules[0].consecutiveErrors, 1);
}

TEST_P(StateStoreContract, HistoryIsPrunedToTheNewestRowsPerTrigger) {
  const int total = SqlStateStore::kHistoryPerTrigger + 5;
  for (int i = 1; i <= total; ++i) store().commitPoll(poll("c" + std::to_string(i), 1000 + i));
  PollRecord other;
  other.finishedMs = 1;
  other.error = "boom";
  store().recordPollFailure("other", "op", "conn", other, 0);

  auto h = store().history(kKey, total);
  ASSERT_EQ(h.size(), static_cast<size_t>(SqlStateStore::kHistoryPerTrigger));
  EXPECT_EQ(h.front().finishedMs, 1000 + total);
  EXPECT_EQ(h.back().finishedMs, 1000 + total - SqlStateStore::kHistoryPerTrigger + 1);
  EXPECT_EQ(store().history("other", 10).size(), 1u);
}

// The last step's result and the done mark are one commit: both or, for a delivery that is
// not there, neither.
TEST_P(StateStoreContract, FinishingADeliveryRecordsItsLastStepAndMarksItDone) {
  store().commitPoll(poll("c1", 1000, {item("f", "a")}));
  const int64_t a = store().dueDeliveries(1000, 10).at(0).id;
  store().recordStep(a, 0, R"({"id":"note_1"})");
  store().markStepStarted(a, 1, 1500);
  store().finishDelivery(a, 1, R"({"id":"task_1"})");
  const auto steps = store().stepResults(a);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[1].resultJson, R"({"id":"task_1"})");
  EXPECT_FALSE(steps[1].started);  // the mark is replaced by the result
  EXPECT_EQ(store().pendingCount(), 0);
  ASSERT_EQ(store().deliveries(DeliveryStatus::Done, 10).size(), 1u);

  EXPECT_THROW(store().finishDelivery(987654, 0, "null"), StateError);
  EXPECT_TRUE(store().stepResults(987654).empty());
}

// A worker going on to its next delivery writes the last one's result and done mark with the
// next one's first started mark: one commit, and none of it for a delivery that is not there.
TEST_P(StateStoreContract, OneDeliverysFinishAndTheNextOnesMarkAreOneWrite) {
  store().commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b")}));
  const auto due = store().dueDeliveries(1000, 10);
  ASSERT_EQ(due.size(), 2u);
  const int64_t a = due[0].id, b = due[1].id;
  store().markStepStarted(a, 0, 1500);
  store().finishThenStart(a, 0, R"({"id":"c_a"})", b, 0, 2000);
  const auto stepsA = store().stepResults(a);
  ASSERT_EQ(stepsA.size(), 1u);
  EXPECT_FALSE(stepsA[0].started);  // the mark is replaced by the result
  EXPECT_EQ(stepsA[0].resultJson, R"({"id":"c_a"})");
  const auto stepsB = store().stepResults(b);
  ASSERT_EQ(stepsB.size(), 1u);
  EXPECT_TRUE(stepsB[0].started);
  EXPECT_EQ(stepsB[0].resultJson, "2000");
  EXPECT_THAT(itemKeys(store().deliveries(DeliveryStatus::Pending, 10)), ElementsAre("b"));

  // The finished delivery is not there: B gets no mark either.
  EXPECT_THROW(store().finishThenStart(987654, 0, "null", b, 1, 3000), StateError);
  EXPECT_EQ(store().stepResults(b).size(), 1u);
  // The next delivery is not there: A's finish does not land alone.
  store().markStepStarted(b, 1, 3500);
  EXPECT_THROW(store().finishThenStart(b, 1, "null", 987654, 0, 4000), StateError);
  EXPECT_EQ(store().pendingCount(), 1);
  EXPECT_TRUE(store().stepResults(b).at(1).started);
}

// A delivery read from the store says whether a step of it has a result or a mark, so a
// first attempt can skip reading its steps; a marked step is never missed.
TEST_P(StateStoreContract, AClaimedDeliverySaysWhetherItsStepsHaveResults) {
  store().commitPoll(poll("c1", 1000, {item("f", "fresh"), item("f", "ran"), item("f", "sent")}));
  const auto due = store().dueDeliveries(1000, 10);
  ASSERT_EQ(due.size(), 3u);
  for (const Delivery& d : due) EXPECT_FALSE(d.hasStepResults) << d.itemKey;
  store().recordStep(due[1].id, 0, R"({"id":"note_1"})");
  store().markStepStarted(due[2].id, 0, 1500);

  const auto claimed = store().claimDeliveries("A", 1000, 10, 30000);
  ASSERT_EQ(claimed.size(), 3u);
  EXPECT_FALSE(claimed[0].hasStepResults);
  EXPECT_TRUE(claimed[1].hasStepResults);
  EXPECT_TRUE(claimed[2].hasStepResults);  // only marked as sent: looked at before sending
  store().clearStepStarted(due[2].id, 0);
  EXPECT_FALSE(store().deliveries(DeliveryStatus::Pending, 10).at(0).hasStepResults);
  EXPECT_TRUE(Delivery().hasStepResults);  // one not read from the store: read its steps
}

TEST_P(StateStoreContract, DeliveriesAreListedRetriedKilledAndReplayed) {
  store().commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b"), item("f", "c")}));
  auto due = store().dueDeliveries(1000, 2);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_THAT(itemKeys(due), ElementsAre("a", "b"));    // oldest first, limited
  EXPECT_TRUE(store().dueDeliveries(999, 10).empty());  // not before it was enqueued
  const int64_t a = due[0].id, b = due[1].id;
  const int64_t c = store().dueDeliveries(1000, 10)[2].id;

  // Steps are recorded one by one and read back in order.
  store().recordStep(a, 1, R"({"id":"note_2"})");
  store().recordStep(a, 0, R"({"id":"note_1"})");
  auto steps = store().stepResults(a);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].step, 0);
  EXPECT_EQ(steps[1].resultJson, R"({"id":"note_2"})");
  EXPECT_TRUE(store().stepResults(b).empty());
  EXPECT_THROW(store().recordStep(987654, 0, "null"), StateError);  // no such delivery

  store().markDone(a);
  store().scheduleRetry(b, 1, 5000, "HTTP 429");
  store().recordStep(c, 0, "null");
  store().markDead(c, 3, "HTTP 400: invalid email");

  EXPECT_TRUE(store().dueDeliveries(4999, 10).empty());
  due = store().dueDeliveries(5000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, b);
  EXPECT_EQ(due[0].attempts, 1);
  EXPECT_EQ(due[0].lastError, "HTTP 429");
  EXPECT_EQ(store().pendingCount(), 1);

  auto done = store().deliveries(DeliveryStatus::Done, 10);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].id, a);
  auto dead = store().deliveries(DeliveryStatus::Dead, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, c);
  EXPECT_EQ(dead[0].attempts, 3);
  EXPECT_EQ(dead[0].lastError, "HTTP 400: invalid email");
  auto all = store().deliveries(std::nullopt, 10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, c);  // newest first
  EXPECT_EQ(store().deliveries(std::nullopt, 1).size(), 1u);

  // Replay: dead -> pending from now, attempts reset, error and finished steps kept.
  EXPECT_EQ(store().replayDead({a, b}, 6000), 0);  // neither is dead
  EXPECT_EQ(store().replayDead({c}, 6000), 1);
  EXPECT_TRUE(store().deliveries(DeliveryStatus::Dead, 10).empty());
  due = store().dueDeliveries(6000, 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[1].id, c);
  EXPECT_EQ(due[1].attempts, 0);
  EXPECT_EQ(due[1].nextAttemptMs, 6000);
  EXPECT_EQ(due[1].lastError, "HTTP 400: invalid email");
  EXPECT_EQ(store().stepResults(c).size(), 1u);

  // Replay all.
  store().markDead(b, 5, "gave up");
  store().markDead(c, 1, "again");
  EXPECT_EQ(store().replayDead({}, 7000), 0);  // no ids: none, not all
  EXPECT_EQ(store().replayAllDead(7000), 2);
  EXPECT_EQ(store().pendingCount(), 2);

  EXPECT_THROW(store().markDone(987654), StateError);
  EXPECT_THROW(store().scheduleRetry(987654, 1, 1, "x"), StateError);
  EXPECT_THROW(store().markDead(987654, 1, "x"), StateError);
}

TEST_P(StateStoreContract, TokensRoundTrip) {
  EXPECT_FALSE(store().loadTokens("ghl"));
  store().saveTokens("ghl", {"access-1", "refresh-1", 1700000000000});
  store().saveTokens("other", {"x", "y", 1});
  store().saveTokens("ghl", {"access-2", "refresh-2", 1700003600000});
  auto tokens = store().loadTokens("ghl");
  ASSERT_TRUE(tokens);
  EXPECT_EQ(tokens->accessToken, "access-2");
  EXPECT_EQ(tokens->refreshToken, "refresh-2");
  EXPECT_EQ(tokens->expiresAtMs, 1700003600000);
  EXPECT_EQ(store().loadTokens("other")->accessToken, "x");
}

TEST_P(StateStoreContract, ResetTriggerForgetsCursorAndSeenButKeepsHistory) {
  store().commitPoll(poll("c1", 1000, {item("f", "a")}, {{"a", "1"}}));
  PollCommit other = poll("o1", 1000, {}, {{"a", "1"}});
  other.triggerKey = "other";
  store().commitPoll(other);

  EXPECT_TRUE(store().resetTrigger(kKey));
  EXPECT_FALSE(store().loadTrigger(kKey));
  EXPECT_TRUE(store().seenVersions(kKey, {"a"}).empty());
  EXPECT_EQ(store().history(kKey, 10).size(), 1u);
  EXPECT_EQ(store().pendingCount(), 1);  // queued deliveries still go out
  EXPECT_EQ(store().seenVersions("other", {"a"}).size(), 1u);
  EXPECT_FALSE(store().resetTrigger(kKey));
  EXPECT_FALSE(store().resetTrigger("never polled"));
}

TEST_P(StateStoreContract, SeveralThreadsCommitAndDispatchWithoutLosingItems) {
  constexpr int kThreads = 4, kPolls = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int p = 0; p < kPolls; ++p) {
        PollCommit c = poll("c" + std::to_string(p), 1000 + p,
                            {item("f", std::to_string(t) + "-" + std::to_string(p))});
        c.triggerKey = "trigger-" + std::to_string(t);
        store().commitPoll(c);
        store().dueDeliveries(2000, 5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store().pendingCount(), kThreads * kPolls);
  EXPECT_EQ(store().triggers().size(), static_cast<size_t>(kThreads));
  for (const auto& t : store().triggers())
    EXPECT_EQ(t.cursorJson, "c" + std::to_string(kPolls - 1));
}

// In a flow of several steps, a step's result and the next step's started mark are one write.
TEST_P(StateStoreContract, AStepsResultAndTheNextStepsMarkAreOneWrite) {
  store().commitPoll(poll("c1", 1000, {item("f", "a")}));
  const int64_t a = store().dueDeliveries(1000, 1).at(0).id;
  store().markStepStarted(a, 0, 1500);
  store().recordStepThenStart(a, 0, R"({"id":"n1"})", 1, 2000);
  auto steps = store().stepResults(a);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_FALSE(steps[0].started);  // the mark of step 0 became its result
  EXPECT_EQ(steps[0].resultJson, R"({"id":"n1"})");
  EXPECT_TRUE(steps[1].started);
  EXPECT_EQ(steps[1].resultJson, "2000");

  store().recordStepThenStart(a, 0, R"({"id":"n1"})", 1, 3000);  // sent again: the mark moves
  EXPECT_EQ(store().stepResults(a).at(1).resultJson, "3000");
  store().recordStep(a, 1, R"({"id":"n2"})");
  store().recordStepThenStart(a, 0, R"({"id":"n1"})", 1, 4000);  // a finished step stays so
  steps = store().stepResults(a);
  EXPECT_FALSE(steps.at(1).started);
  EXPECT_EQ(steps.at(1).resultJson, R"({"id":"n2"})");

  EXPECT_THROW(store().recordStepThenStart(987654, 0, "null", 1, 5000), StateError);
}

TEST_P(StateStoreContract, DispatcherLifecycle) {
  store().commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b"), item("f", "c")}));
  auto due = store().dueDeliveries(1000, 2);
  ASSERT_THAT(itemKeys(due), ElementsAre("a", "b"));
  EXPECT_TRUE(store().dueDeliveries(999, 10).empty());
  const int64_t a = due[0].id, b = due[1].id;
  const int64_t c = store().dueDeliveries(1000, 10)[2].id;

  store().recordStep(a, 0, R"({"contact":{"id":"x"}})");
  store().markStepStarted(a, 1, 4000);
  store().markStepStarted(a, 1, 4500);  // sent again: the mark moves
  store().markStepStarted(a, 0, 4600);  // a finished step is never marked again
  auto steps = store().stepResults(a);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_FALSE(steps[0].started);
  EXPECT_EQ(steps[0].resultJson, R"({"contact":{"id":"x"}})");
  EXPECT_TRUE(steps[1].started);
  EXPECT_EQ(steps[1].resultJson, "4500");
  store().clearStepStarted(a, 1);
  EXPECT_EQ(store().stepResults(a).size(), 1u);
  store().markDone(a);

  store().scheduleRetry(b, 1, 5000, "HTTP 503");
  EXPECT_THAT(itemKeys(store().dueDeliveries(4999, 10)), ElementsAre("c"));
  due = store().dueDeliveries(5000, 10);
  ASSERT_THAT(itemKeys(due), ElementsAre("b", "c"));
  EXPECT_EQ(due[0].attempts, 1);
  EXPECT_EQ(due[0].lastError, "HTTP 503");
  store().markDead(c, 3, "HTTP 400: bad email");
  EXPECT_EQ(store().pendingCount(), 1);
  auto dead = store().deliveries(DeliveryStatus::Dead, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].lastError, "HTTP 400: bad email");
  EXPECT_EQ(store().deliveries(DeliveryStatus::Done, 10).size(), 1u);
  EXPECT_EQ(store().deliveries(std::nullopt, 10).size(), 3u);
  EXPECT_THROW(store().markDone(987654), StateError);
  EXPECT_THROW(store().scheduleRetry(987654, 1, 1, "x"), StateError);
  EXPECT_THROW(store().markDead(987654, 1, "x"), StateError);
}

TEST_P(StateStoreContract, PruneDoneDeletesOldFinishedDeliveriesOnly) {
  store().commitPoll(poll("c1", 1000,
                          {item("f", "old-done"), item("f", "old-dead"), item("f", "old-pending"),
                           item("f", "old-done-2")}));
  store().commitPoll(poll("c2", 9000, {item("f", "new-done")}));
  const auto all = store().deliveries(std::nullopt, 10);
  std::map<std::string, int64_t> id;
  for (const auto& d : all) id[d.itemKey] = d.id;
  store().recordStep(id["old-done"], 0, R"({"ok":true})");
  store().markDone(id["old-done"]);
  store().markDone(id["old-done-2"]);
  store().markDead(id["old-dead"], 8, "HTTP 400");
  store().markDone(id["new-done"]);

  EXPECT_EQ(store().pruneDone(5000, 1), 1);  // oldest first, at most the limit
  EXPECT_EQ(store().pruneDone(5000, 10), 1);
  EXPECT_EQ(store().pruneDone(5000, 10), 0);
  std::vector<std::string> left;
  for (const auto& d : store().deliveries(std::nullopt, 10)) left.push_back(d.itemKey);
  EXPECT_THAT(left, UnorderedElementsAre("old-dead", "old-pending", "new-done"));
  EXPECT_TRUE(store().stepResults(id["old-done"]).empty());
  EXPECT_EQ(store().pendingCount(), 1);
}

TEST_P(StateStoreContract, ReplayDeadQueuesAgainAndForgetsUncertainMarks) {
  store().commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b"), item("f", "c")}));
  auto due = store().dueDeliveries(1000, 10);
  store().recordStep(due[0].id, 0, "{}");
  store().markStepStarted(due[0].id, 1, 1500);
  for (const auto& d : due) store().markDead(d.id, 8, "gave up");
  EXPECT_EQ(store().replayDead({due[1].id}, 2000), 1);
  EXPECT_EQ(store().replayDead({due[1].id}, 2000), 0);  // not dead any more
  EXPECT_EQ(store().replayAllDead(3000), 2);
  due = store().dueDeliveries(3000, 10);
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].attempts, 0);
  auto steps = store().stepResults(due[0].id);
  ASSERT_EQ(steps.size(), 1u);  // the finished step stays, the uncertain mark goes
  EXPECT_FALSE(steps[0].started);
}

// One flow's dead letters, and only those, with their uncertain marks gone as above.
TEST_P(StateStoreContract, ReplayFlowDeadQueuesOneFlowsDeadLettersOnly) {
  store().commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b"), item("g", "c")}));
  auto due = store().dueDeliveries(1000, 10);
  store().recordStep(due[0].id, 0, "{}");
  store().markStepStarted(due[0].id, 1, 1500);
  for (const auto& d : due) store().markDead(d.id, 8, "gave up");
  EXPECT_EQ(store().replayFlowDead("f", 2000), 2);
  EXPECT_EQ(store().replayFlowDead("f", 2000), 0);  // none dead any more
  EXPECT_EQ(store().replayFlowDead("nope", 2000), 0);
  const auto dead = store().deliveries(DeliveryStatus::Dead, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].flow, "g");
  const auto steps = store().stepResults(due[0].id);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_FALSE(steps[0].started);
}

TEST_P(StateStoreContract, OnlyOneOwnerHoldsATriggerAndAnExpiredLeaseIsTakenOver) {
  const std::vector<std::string> keys = {kKey, "other"};
  EXPECT_THAT(store().claimTriggers(keys, "A", 1000, 30000), UnorderedElementsAre(kKey, "other"));
  EXPECT_THAT(store().claimTriggers(keys, "B", 1000, 30000), IsEmpty());
  EXPECT_THAT(store().claimTriggers(keys, "A", 1001, 30000), UnorderedElementsAre(kKey, "other"));
  EXPECT_THAT(store().triggerLeases(2000),
              UnorderedElementsAre(std::make_pair(std::string(kKey), std::string("A")),
                                   std::make_pair(std::string("other"), std::string("A"))));
  // A commits: its lease on kKey ends, and the trigger is not due again before nextDueMs.
  PollCommit c = poll("c1", 2000);
  c.leaseOwner = "A";
  store().commitPoll(c);
  EXPECT_EQ(store().loadTrigger(kKey)->polledBy, "A");
  EXPECT_THAT(store().claimTriggers({kKey}, "B", 3000, 30000), IsEmpty());
  EXPECT_THAT(store().claimTriggers({kKey}, "B", 62000, 30000), ElementsAre(kKey));
  // "other": A renews until 40000, so B cannot take it at 35000; it can after.
  store().renewLeases("A", 40000);
  EXPECT_THAT(store().claimTriggers({"other"}, "B", 35000, 30000), IsEmpty());
  EXPECT_THAT(store().claimTriggers({"other"}, "B", 40000, 30000), ElementsAre("other"));
  // A, stalled past its lease, may not commit over B's poll, nor record its failure.
  PollCommit late = poll("stale", 41000, {}, {}, "other");
  late.leaseOwner = "A";
  EXPECT_THROW(store().commitPoll(late), LeaseLostError);
  store().recordPollFailure("other", "op", "live", late.history, 99, "A");
  EXPECT_EQ(store().loadTrigger("other")->consecutiveErrors, 0);
  // B stops cleanly: its leases are free at once, and evenIfNotDue (--once) ignores the schedule.
  store().releaseLeases("B");
  EXPECT_THAT(store().triggerLeases(41000), IsEmpty());
  EXPECT_THAT(store().claimTriggers({kKey}, "C", 41000, 30000, true), ElementsAre(kKey));
}

TEST_P(StateStoreContract, OnlyOneOwnerHoldsADeliveryAndFinishingReleasesIt) {
  store().commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b"), item("f", "c")}));
  auto a = store().claimDeliveries("A", 1000, 2, 30000);
  ASSERT_THAT(itemKeys(a), ElementsAre("a", "b"));
  auto b = store().claimDeliveries("B", 1000, 10, 30000);
  ASSERT_THAT(itemKeys(b), ElementsAre("c"));
  EXPECT_THAT(store().claimDeliveries("B", 2000, 10, 30000), ::testing::SizeIs(1));  // its own
  store().markDone(a[0].id);
  store().scheduleRetry(a[1].id, 1, 3000, "HTTP 503");  // released, due at 3000
  EXPECT_THAT(itemKeys(store().claimDeliveries("C", 3000, 10, 30000)), ElementsAre("b"));
  // B dies holding c: nobody else gets it until the lease runs out.
  EXPECT_THAT(store().claimDeliveries("C", 30999, 10, 30000), ::testing::SizeIs(1));  // b, C's
  auto taken = store().claimDeliveries("D", 32001, 10, 30000);
  EXPECT_THAT(itemKeys(taken), UnorderedElementsAre("c"));
}

// Two changes of one record go out in order: the later waits while the earlier is pending,
// retrying included (a repeat of the earlier must never land after the later), and also in
// another process (claims); other records and other flows do not wait.
TEST_P(StateStoreContract, ALaterChangeOfARecordWaitsForTheEarlierOne) {
  store().commitPoll(poll("c1", 1000,
                          {item("f", "cus_1@v1", "cus_1"), item("f", "cus_2@v1", "cus_2"),
                           item("g", "cus_1@v1", "cus_1")}));
  store().commitPoll(poll("c2", 2000, {item("f", "cus_1@v2", "cus_1")}));
  auto due = store().dueDeliveries(2000, 10);
  ASSERT_THAT(itemKeys(due), ElementsAre("cus_1@v1", "cus_2@v1", "cus_1@v1"));
  const int64_t first = due[0].id;
  EXPECT_EQ(due[0].recordKey, "cus_1");

  store().scheduleRetry(first, 1, 9000, "HTTP 503");  // the earlier change is retrying
  EXPECT_THAT(itemKeys(store().dueDeliveries(5000, 10)), ElementsAre("cus_2@v1", "cus_1@v1"));
  EXPECT_THAT(itemKeys(store().claimDeliveries("B", 5000, 10, 30000)),
              ElementsAre("cus_2@v1", "cus_1@v1"));
  EXPECT_THAT(itemKeys(store().claimDeliveries("C", 9000, 10, 30000)), ElementsAre("cus_1@v1"));

  store().markDone(first);  // once it is done, the later change is due (g's is B's)
  EXPECT_THAT(itemKeys(store().claimDeliveries("C", 9000, 10, 30000)), ElementsAre("cus_1@v2"));
  // A dead earlier change holds nothing back (a human decides about it).
  store().commitPoll(poll("c3", 9500, {item("f", "cus_9@v1", "cus_9")}));
  store().commitPoll(poll("c4", 9600, {item("f", "cus_9@v2", "cus_9")}));
  due = store().dueDeliveries(9600, 10);
  ASSERT_EQ(itemKeys(due).back(), "cus_9@v1");
  EXPECT_THAT(itemKeys(due), ::testing::Not(::testing::Contains("cus_9@v2")));
  store().markDead(due.back().id, 1, "HTTP 400");
  EXPECT_THAT(itemKeys(store().dueDeliveries(9600, 10)), ::testing::Contains("cus_9@v2"));
}

TEST_P(StateStoreContract, ConcurrentClaimsNeverHandOutADeliveryTwice) {
  std::vector<OutboxItem> items;
  for (int i = 0; i < 300; ++i) items.push_back(item("f", "k" + std::to_string(1000 + i)));
  store().commitPoll(poll("c1", 1000, items));
  std::vector<std::vector<int64_t>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string owner = "owner" + std::to_string(t);
      for (;;) {
        auto claimed = store().claimDeliveries(owner, 2000, 7, 60000);
        if (claimed.empty()) break;
        for (const auto& d : claimed) {
          got[t].push_back(d.id);
          store().markDone(d.id);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::multiset<int64_t> all;
  for (const auto& g : got) all.insert(g.begin(), g.end());
  EXPECT_EQ(all.size(), 300u);
  EXPECT_EQ(std::set<int64_t>(all.begin(), all.end()).size(), 300u);
  EXPECT_EQ(store().pendingCount(), 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, StateStoreContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// --- PostgreSQL only: schema policy, connection errors, restarts ---

TEST(PostgresStateStore, RunRefusesAnUnmigratedOrNewerSchemaAndMigrateFixesIt) {
  SLUICE_REQUIRE_POSTGRES(server);
  const std::string url = server->createDatabase("policy");
  try {
    openStateStore(url, SchemaPolicy::RequireLatest);
    FAIL() << "opened an unmigrated database";
  } catch (const StateError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("has no sluice schema yet: run `sluice migrate -c FILE` first"));
  }
  openStateStore(url, SchemaPolicy::Migrate);
  EXPECT_EQ(openStateStore(url, SchemaPolicy::RequireLatest)->pendingCount(), 0);
  server->exec(url, "UPDATE schema_version SET version = 99");
  for (auto policy : {SchemaPolicy::RequireLatest, SchemaPolicy::Migrate}) {
    try {
      openStateStore(url, policy);
      FAIL() << "opened a newer schema";
    } catch (const StateError& e) {
      EXPECT_THAT(e.what(), HasSubstr("version 99"));
      EXPECT_THAT(e.what(), HasSubstr("upgrade sluice"));
    }
  }
}

TEST(PostgresStateStore, WrongCredentialsAndAnUnreachableServerFailClearlyWithoutThePassword) {
  SLUICE_REQUIRE_POSTGRES(server);
  const std::string url = server->createDatabase("creds");
  const std::string db = test::PostgresServer::databaseOf(url);
  const std::string wrong =
      "postgresql://sluice:Wrong-Secret-42@127.0.0.1:" + std::to_string(server->port()) + "/" + db;
  try {
    openStateStore(wrong);
    FAIL() << "connected with a wrong password";
  } catch (const StateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:" + std::to_string(server->port()) + "/" + db +
                                    " as user sluice"));
    EXPECT_THAT(e.what(), HasSubstr("password authentication failed"));
    EXPECT_THAT(e.what(), Not(HasSubstr("Wrong-Secret-42")));
  }
  // Nothing listens on this port: a clear error within the connect timeout, not a hang.
  const auto started = std::chrono::steady_clock::now();
  try {
    openStateStore("postgresql://sluice:Wrong-Secret-42@127.0.0.1:1/" + db);
    FAIL() << "connected to nothing";
  } catch (const StateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:1/" + db));
    EXPECT_THAT(e.what(), HasSubstr("refused"));
    EXPECT_THAT(e.what(), Not(HasSubstr("Wrong-Secret-42")));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_THROW(parsePostgresUrl("postgresql://u@h/db?password_file=/nonexistent/pw"), StateError);
  EXPECT_THROW(parsePostgresUrl("postgresql://u@h:99999/db"), StateError);
  EXPECT_THROW(parsePostgresUrl("postgresql://u@h:5432"), StateError);
  const PostgresTarget t = parsePostgresUrl("postgresql://me@db.example.com:6543/sluice?pool=3");
  EXPECT_EQ(t.host, "db.example.com");
  EXPECT_EQ(t.port, 6543);
  EXPECT_EQ(t.user, "me");
  EXPECT_EQ(t.database, "sluice");
  EXPECT_EQ(t.pool, 3);
}

TEST(PostgresStateStore, CallsSurviveADatabaseRestart) {
  SLUICE_REQUIRE_POSTGRES(server);
  auto store = openStateStore(server->createDatabase("restart"));
  store->commitPoll(poll("c1", 1000, {item("f", "a")}));
  std::string error;
  ASSERT_TRUE(server->restart(&error)) << error;
  // The pooled connection is dead; the call reconnects and goes through.
  store->commitPoll(poll("c2", 2000, {item("f", "b")}));
  EXPECT_EQ(store->pendingCount(), 2);
  EXPECT_EQ(store->loadTrigger(kKey)->cursorJson, "c2");
}

}  // namespace state_store_contract_test
}  // namespace sluice
