// `sluice run` under back-pressure: a flow whose deliveries cannot keep up (here: every action
// answered 503) is behind past max_backlog, its trigger's polls wait instead of growing the
// outbox, `sluice status` says BEHIND and by how much, and once the deliveries go through the
// polls resume: every item is delivered once, none lost while the polls waited.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>

#include "test_support.h"
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::test {
namespace run_back_pressure_test {

using ::testing::HasSubstr;

class RunBackPressureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stripe_.setApiKey("sk_test_pressure1234");
    stripe_.start();
    ghl_.setStaticToken("ghl-pressure-token");
    ghl_.start();
    file_ =
        dir_.write("sluice.yaml",
                   "state: sqlite:state.db\n"
                   "settings: { demo_mode: true, max_backlog: 2, admin: \"off\" }\n" +
                       fakeConnectionsYaml(stripe_.baseUrl(), ghl_.baseUrl(), ghl_.locationId()) +
                       "flows:\n" + customerToContactFlowYaml("customers"));
  }
  std::vector<std::string> env() const {
    return {"K=sk_test_pressure1234", "T=ghl-pressure-token", "SLUICE_CATALOG=" + catalogRoot()};
  }
  int upsertsOf(const std::string& email) const {
    int n = 0;
    for (const auto& e : ghl_.effects()) n += e.body.find(email) != std::string::npos;
    return n;
  }

  TempDir dir_;
  std::string file_;
  fakes::FakeStripe stripe_;
  fakes::FakeGhl ghl_{"loc_pressure"};
};

TEST_F(RunBackPressureTest, PollsWaitWhileAFlowIsBehindAndNothingIsLost) {
  SluiceProcess run({"run", "-c", file_}, env());
  ASSERT_TRUE(run.waitForOutput("seeded=true", 10000)) << run.output();
  ghl_.addFaultJson(R"({"status":503,"match":"/contacts/upsert","count":-1})");
  for (const char* email : {"a@pressure.test", "b@pressure.test", "c@pressure.test"})
    stripe_.createCustomer(email, "Pressed");
  ASSERT_TRUE(run.waitForOutput("flow.behind flow=customers pending=3", 20000)) << run.output();

  const CommandResult status = runSluice({"status", "-c", file_, "--json"}, env());
  EXPECT_THAT(status.out, HasSubstr(R"("state": "BEHIND")")) << status.out << status.err;
  EXPECT_THAT(status.out, HasSubstr(R"("backlog": 3)"));

  // Polls on a 1 s interval, and none while behind (the schedule passes every 20-500 ms).
  stripe_.clearCounters();
  stripe_.createCustomer("d@pressure.test", "Waiting");
  usleep(3000 * 1000);
  EXPECT_EQ(stripe_.requestCount("GET /v1/customers"), 0) << run.output();

  ghl_.clearFaults();
  ASSERT_TRUE(run.waitForOutput("flow.caught_up flow=customers", 30000)) << run.output();
  // d waited at the API; a, b and c may still be waiting for their retry's backoff (caught up
  // means under 90 % of the bound, not empty): every one arrives, bounded by the backoff.
  auto allArrived = [&] {
    for (const char* email :
         {"a@pressure.test", "b@pressure.test", "c@pressure.test", "d@pressure.test"})
      if (upsertsOf(email) == 0) return false;
    return true;
  };
  for (int i = 0; i < 600 && !allArrived(); ++i) usleep(50 * 1000);
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(10000), 0) << run.output();
  for (const char* email :
       {"a@pressure.test", "b@pressure.test", "c@pressure.test", "d@pressure.test"})
    EXPECT_EQ(upsertsOf(email), 1) << email << "\n" << run.output();
}

}  // namespace run_back_pressure_test
}  // namespace sluice::test
