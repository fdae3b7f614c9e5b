// `sluice run` as a process: SIGHUP reloads the file and keeps cursors; SIGTERM stops it
// promptly with nothing lost.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "state/state_store.h"
#include "test_support.h"
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::test {
namespace run_signals_test {

class RunSignalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stripe_.setApiKey("sk_test_signals1234");
    stripe_.start();
    ghl_.setStaticToken("ghl-signals-token");
    ghl_.start();
  }
  std::string config(bool twoFlows) const {
    auto named = [](const std::string& n) {
      return customerToContactFlowYaml(n, "email: \"{{trigger.email}}\", source: " + n);
    };
    return "state: sqlite:state.db\n"
           "settings: { demo_mode: true }\n" +
           fakeConnectionsYaml(stripe_.baseUrl(), ghl_.baseUrl(), ghl_.locationId()) + "flows:\n" +
           named("first") + (twoFlows ? named("second") : "");
  }
  std::vector<std::string> env() const {
    return {"K=sk_test_signals1234", "T=ghl-signals-token", "SLUICE_CATALOG=" + catalogRoot()};
  }
  TempDir dir_;
  fakes::FakeStripe stripe_;
  fakes::FakeGhl ghl_{"loc_signals"};
};

TEST_F(RunSignalsTest, SighupReloadsTheFileAndSigtermStopsCleanly) {
  const std::string file = dir_.write("sluice.yaml", config(false));
  SluiceProcess run({"run", "-c", file}, env());
  ASSERT_TRUE(run.waitForOutput("seeded=true", 10000)) << run.output();
  stripe_.createCustomer("one@signals.test", "One");
  ASSERT_TRUE(run.waitForOutput("delivery.done", 10000)) << run.output();

  dir_.write("sluice.yaml", config(true));  // a second flow on the same trigger
  run.signal(SIGHUP);
  ASSERT_TRUE(run.waitForOutput("reload.ok flows=2", 10000)) << run.output();
  // Read first, then the runner stopped for the rebuild.
  EXPECT_LT(run.output().find("reload.read flows=2"), run.output().find("reason=reload"));
  stripe_.createCustomer("two@signals.test", "Two");
  ASSERT_TRUE(run.waitForOutput("item=", 10000));
  // Both flows get the new customer; the kept cursor means the first one is not fired again.
  for (int i = 0; i < 200 && ghl_.effects().size() < 3; ++i) usleep(50 * 1000);

  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(10000), 0) << run.output();
  EXPECT_THAT(run.output(), ::testing::HasSubstr("run.stop reason=signal"));
  int forOne = 0, forTwo = 0;
  for (const auto& e : ghl_.effects()) {
    forOne += e.body.find("one@signals.test") != std::string::npos;
    forTwo += e.body.find("two@signals.test") != std::string::npos;
  }
  EXPECT_EQ(forOne, 1);
  EXPECT_EQ(forTwo, 2);
  EXPECT_EQ(run.output().find("sk_test_signals1234"), std::string::npos);
}

TEST_F(RunSignalsTest, AnInvalidFileOnReloadKeepsThePreviousOne) {
  const std::string file = dir_.write("sluice.yaml", config(false));
  SluiceProcess run({"run", "-c", file}, env());
  ASSERT_TRUE(run.waitForOutput("seeded=true", 10000)) << run.output();
  dir_.write("sluice.yaml", "flows: [ {\n");
  run.signal(SIGHUP);
  ASSERT_TRUE(run.waitForOutput("reload.failed", 10000)) << run.output();
  EXPECT_THAT(run.output(), ::testing::HasSubstr("sluice.yaml:"));
  stripe_.createCustomer("after@signals.test", "After");
  EXPECT_TRUE(run.waitForOutput("delivery.done", 10000)) << run.output();
  // The file is read beside the running runner, which a broken file never stops.
  EXPECT_THAT(run.output(), ::testing::Not(::testing::HasSubstr("reason=reload")));
  const std::string out = run.output();
  EXPECT_EQ(out.find("run.start"), out.rfind("run.start")) << out;
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(10000), 0);
}

// Waits (bounded) until the file at path holds text.
bool waitForFile(const std::string& path, const std::string& text, int timeoutMs) {
  for (int waited = 0; waited < timeoutMs; waited += 50) {
    std::ifstream in(path);
    std::stringstream all;
    all << in.rdbuf();
    if (all.str().find(text) != std::string::npos) return true;
    usleep(50 * 1000);
  }
  return false;
}

std::string fileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

TEST_F(RunSignalsTest, TheLogFileIsReopenedOnSigusr1SoLogrotateWorks) {
  const std::string file = dir_.write("sluice.yaml", config(false));
  const std::string log = dir_.path() + "/sluice.log";
  SluiceProcess run({"run", "-c", file, "--log-file", log}, env());
  ASSERT_TRUE(waitForFile(log, "seeded=true", 10000)) << run.output();
  stripe_.createCustomer("before@signals.test", "Before");
  ASSERT_TRUE(waitForFile(log, "delivery.done", 10000)) << fileText(log);

  // logrotate renames the file, then signals: the next lines go to a new file by the old name.
  ASSERT_EQ(std::rename(log.c_str(), (log + ".1").c_str()), 0);
  run.signal(SIGUSR1);
  ASSERT_TRUE(waitForFile(log, "name=SIGUSR1 action=reopen_log", 10000)) << run.output();
  stripe_.createCustomer("after@signals.test", "After");
  ASSERT_TRUE(waitForFile(log, "delivery.done", 10000)) << fileText(log);
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(10000), 0) << run.output();

  const std::string rotated = fileText(log + ".1"), current = fileText(log);
  EXPECT_THAT(rotated, ::testing::HasSubstr("seeded=true"));
  EXPECT_EQ(rotated.find("run.stop"), std::string::npos);
  EXPECT_THAT(current, ::testing::HasSubstr("run.stop reason=signal"));
  EXPECT_EQ(run.output().find("delivery.done"), std::string::npos) << "stderr stays quiet";
  // Info level: a poll line only when a poll found something (every: 1s polls many times).
  for (const std::string& text : {rotated, current}) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(" new=0 ") != std::string::npos) {
        EXPECT_THAT(line, ::testing::HasSubstr("seeded=true"));
      }
    }
  }
}

TEST_F(RunSignalsTest, ALogFileThatCannotBeOpenedIsAUsageError) {
  const std::string file = dir_.write("sluice.yaml", config(false));
  SluiceProcess run({"run", "-c", file, "--log-file", dir_.path() + "/no/such/dir/sluice.log"},
                    env());
  EXPECT_EQ(run.wait(10000), 64) << run.output();
  EXPECT_THAT(run.output(), ::testing::HasSubstr("--log-file"));
}

}  // namespace run_signals_test
}  // namespace sluice::test
