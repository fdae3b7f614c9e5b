// A connection's rate limit holds across restarts: `sluice run` killed and started again and
// again keeps within GHL's window, because the budget lives in the state store
// (http/shared_rate_budget.h). With the budget in memory only, each restart began with a full
// bucket and the fake answered 429.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "test_support.h"
#include "tools/fakes/fake_ghl.h"

namespace sluice::test {
namespace run_rate_budget_test {

TEST(RunRateBudgetTest, RestartsKeepWithinTheWindowTheServerCounts) {
  fakes::FakeGhl ghl{"loc_budget"};
  ghl.setStaticToken("ghl-budget-token");
  ghl.setRateLimit(10, 2000);  // what the connection below declares
  ghl.start();
  TempDir dir;
  std::string flows;
  for (int i = 0; i < 12; ++i)  // 12 triggers due every second: far more than 10 per 2 s
    flows += "  - name: search" + std::to_string(i) +
             "\n"
             "    trigger: { op: ghl.contacts.search_contacts, connection: ghl, every: 1s, "
             "with: { query: q" +
             std::to_string(i) +
             " } }\n"
             "    steps: [ { op: ghl.contacts.add_tags_to_contact, connection: ghl, with: "
             "{ contactId: \"{{trigger.id}}\", tags: [seen] } } ]\n";
  const std::string file = dir.write("sluice.yaml",
                                     "state: sqlite:state.db\n"
                                     "settings: { demo_mode: true, admin: \"off\" }\n"
                                     "connections:\n"
                                     "  ghl: { app: ghl, token: \"${T}\", location_id: " +
                                         ghl.locationId() + ", base_url: " + ghl.baseUrl() +
                                         ", rate_limit: { requests: 10, per: 2s } }\n"
                                         "flows:\n" +
                                         flows);
  const std::vector<std::string> env = {"T=ghl-budget-token", "SLUICE_CATALOG=" + catalogRoot()};
  int64_t polled = 0;
  for (int run = 0; run < 6; ++run) {
    SluiceProcess sluice({"run", "-c", file}, env);
    ASSERT_TRUE(sluice.waitForOutput("run.start", 10000)) << sluice.output();
    usleep(1500 * 1000);
    sluice.signal(SIGKILL);
    sluice.wait(5000);
  }
  polled = ghl.requestCount("POST /contacts/search");
  EXPECT_GT(polled, 10) << "the runs polled";
  EXPECT_EQ(ghl.rateLimitedCount(), 0) << polled << " searches";
}

}  // namespace run_rate_budget_test
}  // namespace sluice::test
