// OutboxStore::backlogByFlow on SQLite and PostgreSQL: pending deliveries per flow (retrying
// ones included, done and dead ones not) and since when the oldest due one has been due.
#include <gtest/gtest.h>

#include "state/postgres_server.h"
#include "state/state_store.h"
#include "state/state_test_data.h"
#include "test_support.h"

namespace sluice {
namespace backlog_by_flow_test {

using state_test_data::item;
using state_test_data::poll;

class BacklogByFlowTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      store_ = openStateStore("sqlite:" + dir_.path() + "/state.db");
      return;
    }
    SLUICE_REQUIRE_POSTGRES(server);
    store_ = openStateStore(server->createDatabase("backlog"));
  }
  int64_t idOf(const std::string& flow, const std::string& key) {
    for (const auto& d : store_->deliveries(std::nullopt, 100))
      if (d.flow == flow && d.itemKey == key) return d.id;
    ADD_FAILURE() << flow << "/" << key << " not queued";
    return 0;
  }

  test::TempDir dir_;
  std::unique_ptr<StateStore> store_;
};

TEST_P(BacklogByFlowTest, CountsPendingPerFlowAndTheOldestDueOne) {
  EXPECT_TRUE(store_->backlogByFlow(1000).empty());
  store_->commitPoll(poll("c1", 1000, {item("f", "a"), item("f", "b"), item("g", "a")}));
  store_->commitPoll(poll("c2", 2000, {item("f", "c"), item("h", "a"), item("k", "a")}));
  store_->markDone(idOf("g", "a"));
  store_->markDead(idOf("k", "a"), 8, "HTTP 400");
  store_->scheduleRetry(idOf("f", "a"), 1, 9000, "HTTP 503");  // waits for its retry time

  const auto rows = store_->backlogByFlow(5000);
  ASSERT_EQ(rows.size(), 2u);  // g's is done, k's is a dead letter
  EXPECT_EQ(rows[0].flow, "f");
  EXPECT_EQ(rows[0].pending, 3);
  EXPECT_EQ(rows[0].oldestDueMs, 1000);  // f/b; f/a's retry is not due before 9000
  EXPECT_EQ(rows[1].flow, "h");
  EXPECT_EQ(rows[1].pending, 1);
  EXPECT_EQ(rows[1].oldestDueMs, 2000);

  const auto early = store_->backlogByFlow(1500);  // h's item is not due yet
  ASSERT_EQ(early.size(), 2u);
  EXPECT_EQ(early[0].oldestDueMs, 1000);
  EXPECT_EQ(early[1].oldestDueMs, 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, BacklogByFlowTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace backlog_by_flow_test
}  // namespace sluice
