// The console in a real browser: headless Chromium (tests/console/chromium.h) against a
// `sluice run` on the fake Stripe and GHL. The flow states it shows are the state store's (as
// `sluice status --json` reads them), a dead letter is replayed through its button after
// signing in with the token, and screenshots are taken on the way ($SLUICE_SCREENSHOT_DIR, else
// the build's console-screenshots/; scripts/console_screenshot.sh copies one to docs/). Skipped,
// saying so, only when there is no chromium (Debian package `chromium`, in
// scripts/lib/packages.sh).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <Poco/Net/ServerSocket.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "console/chromium.h"
#include "core/json.h"
#include "test_support.h"
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::test {
namespace console_browser_test {

using ::testing::HasSubstr;

const char* const kToken = "browser-console-token-42";

uint16_t freePort() {
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress("127.0.0.1", 0), false);
  return socket.address().port();
}

std::string screenshotDir() {
  const char* env = std::getenv("SLUICE_SCREENSHOT_DIR");
  const std::string dir = env && *env ? env : SLUICE_GENERATED_DIR "/../console-screenshots";
  std::filesystem::create_directories(dir);
  return dir;
}

class ConsoleBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto binary = Chromium::find();
    if (!binary)
      GTEST_SKIP() << "no chromium: install the Debian package `chromium` (scripts/setup.sh "
                      "does, from scripts/lib/packages.sh) or set CHROMIUM to its path";
    binary_ = *binary;
    stripe_.setApiKey("sk_test_browser12345");
    stripe_.start();
    ghl_.setStaticToken("ghl-browser-token");
    ghl_.start();
    port_ = freePort();
    file_ = dir_.write("sluice.yaml", config());
  }

  std::string config() const {
    const std::string flow =
        "    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 1s }\n"
        "    steps:\n"
        "      - name: contact\n"
        "        op: ghl.contacts.upsert_contact\n"
        "        connection: ghl\n"
        "        with: { email: \"{{trigger.email}}\", name: \"{{trigger.name}}\" }\n";
    return "state: sqlite:state.db\n"
           "settings: { demo_mode: true, max_attempts: 2, admin: 127.0.0.1:" +
           std::to_string(port_) + ", console_token: { env: CONSOLE_TOKEN } }\n" +
           fakeConnectionsYaml(stripe_.baseUrl(), ghl_.baseUrl(), ghl_.locationId()) +
           "flows:\n  - name: customers-to-contacts\n" + flow + "  - name: vip-customers\n" + flow;
  }
  std::vector<std::string> env() const {
    return {"K=sk_test_browser12345", "T=ghl-browser-token", std::string("CONSOLE_TOKEN=") + kToken,
            "SLUICE_CATALOG=" + catalogRoot()};
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // flow -> state, as `sluice status --json` reads them from the store.
  std::map<std::string, std::string> storeStates() const {
    const auto r = runSluice({"status", "-c", file_, "--json"}, env());
    JsonDoc doc;
    std::map<std::string, std::string> states;
    if (r.exitCode != 0 || parseJson(r.out, doc) || !doc.IsArray()) {
      ADD_FAILURE() << r.out << r.err;
      return states;
    }
    for (const auto& f : doc.GetArray()) states[f["flow"].GetString()] = f["state"].GetString();
    return states;
  }
  std::string shownStates(Chromium& browser) const {
    return browser.eval(
        "[...document.querySelectorAll('tr[data-flow]')]"
        ".map(r => r.dataset.flow + '=' + r.dataset.state).join(',')");
  }
  static std::string joined(const std::map<std::string, std::string>& states) {
    std::string out;
    for (const auto& [flow, state] : states) out += (out.empty() ? "" : ",") + flow + "=" + state;
    return out;
  }

  std::string binary_;
  TempDir dir_;
  fakes::FakeStripe stripe_;
  fakes::FakeGhl ghl_{"loc_browser"};
  uint16_t port_ = 0;
  std::string file_;
};

TEST_F(ConsoleBrowserTest, ShowsTheStoresFlowStatesAndReplaysADeadLetterThroughItsButton) {
  ASSERT_EQ(runSluice({"flow", "pause", "-c", file_, "vip-customers"}, env()).exitCode, 0);
  SluiceProcess run({"run", "-c", file_}, env());
  ASSERT_TRUE(run.waitForOutput("admin.listen", 15000)) << run.output();
  ASSERT_TRUE(run.waitForOutput("seeded=true", 15000)) << run.output();
  // GHL refuses the first upsert for good: a dead letter.
  ghl_.addFaultJson(
      R"({"match":"/contacts/upsert","method":"POST","status":400,"message":"bad email"})");
  stripe_.createCustomer("ada@browser.test", "Ada Lovelace");
  ASSERT_TRUE(run.waitForOutput("delivery.dead", 15000)) << run.output();

  const std::string shots = screenshotDir();
  Chromium browser(binary_, 1280, 800);
  browser.open(url("/"));
  const std::map<std::string, std::string> states = storeStates();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states.at("vip-customers"), "paused");
  EXPECT_EQ(shownStates(browser), joined(states));
  EXPECT_EQ(browser.eval("document.querySelectorAll('form[method=post] button').length"), "0");

  // Sign in with the token, then the buttons show.
  browser.open(url("/login"));
  browser.andWait("document.getElementById('token').value = '" + std::string(kToken) +
                  "'; document.getElementById('sign-in').click()");
  EXPECT_THAT(browser.eval("document.getElementById('notice').textContent"),
              HasSubstr("Signed in"));
  browser.open(url("/"));
  EXPECT_EQ(shownStates(browser), joined(storeStates()));
  EXPECT_THAT(browser.eval("document.querySelectorAll('form[method=post] button').length"),
              ::testing::Not("0"));
  browser.screenshot(shots + "/console-overview.png");
  browser.resize(390, 844);
  browser.open(url("/"));
  browser.screenshot(shots + "/console-overview-phone.png", true);
  browser.resize(1280, 800);

  browser.open(url("/dead-letters"));
  const std::string deadId = browser.eval("document.querySelector('tr[data-dead]').dataset.dead");
  ASSERT_FALSE(deadId.empty());
  EXPECT_THAT(browser.eval("document.getElementById('dead-letters').textContent"),
              HasSubstr("bad email"));
  browser.screenshot(shots + "/console-dead-letters.png");
  browser.andWait("document.querySelector('tr[data-dead] button').click()");
  EXPECT_THAT(browser.eval("document.getElementById('notice').textContent"),
              HasSubstr("Queued again"));
  ASSERT_TRUE(run.waitForOutput("console.action action=replay delivery=" + deadId, 5000))
      << run.output();

  // The replayed delivery goes through: the flow page shows it done, GHL has the contact.
  std::string status;
  for (int i = 0; i < 100 && status != "done"; ++i) {
    browser.open(url("/flows/customers-to-contacts"));
    status = browser.eval("(document.querySelector('tr[data-delivery=\"" + deadId +
                          "\"]') || {dataset: {}}).dataset.status || ''");
    if (status != "done") usleep(200 * 1000);
  }
  EXPECT_EQ(status, "done") << run.output();
  EXPECT_EQ(ghl_.recordCount("contacts"), 1u);
  browser.screenshot(shots + "/console-flow.png", true);
  EXPECT_EQ(runSluice({"dlq", "list", "-c", file_, "--json"}, env()).out, "[]\n");
  EXPECT_EQ(run.output().find(kToken), std::string::npos) << "the token was logged";

  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(15000), 0) << run.output();
}

}  // namespace console_browser_test
}  // namespace sluice::test
