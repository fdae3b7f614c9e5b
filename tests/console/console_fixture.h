// A Console over a SQLite store with two flows, a few deliveries (one dead, whose item carries
// secrets and markup) and polls, called in process: what the page tests share.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "catalog/catalog.h"
#include "config/config.h"
#include "console/console.h"
#include "core/clock.h"
#include "core/logger.h"
#include "poll/trigger_spec.h"
#include "state/state_store.h"
#include "test_support.h"

namespace sluice::test {

inline constexpr const char* kConsoleToken = "console-token-0123456789";
inline constexpr const char* kHost = "127.0.0.1:9464";

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Logger::instance().setSink(&log_);
    load(true);
    seed();
  }
  void TearDown() override {
    Logger::instance().setSink(nullptr);
    EXPECT_EQ(log_.str().find(kConsoleToken), std::string::npos) << "the token was logged";
  }

  static const Catalog& catalog() {
    static const Catalog c = Catalog::load(catalogRoot());
    return c;
  }

  // The config, with or without settings.console_token; a new Console over it.
  void load(bool withToken) {
    const std::string text =
        std::string("state: sqlite:state.db\nsettings: {") +
        (withToken ? " console_token: { env: CONSOLE_TOKEN } " : "") +
        "}\n"
        "connections:\n"
        "  stripe: { app: stripe, api_key: \"${K}\" }\n"
        "  ghl: { app: ghl, token: \"${T}\", location_id: loc_1 }\n"
        "flows:\n"
        "  - name: customers\n"
        "    trigger: { op: stripe.customers.new_customer, connection: stripe }\n"
        "    steps:\n"
        "      - name: contact\n"
        "        op: ghl.contacts.upsert_contact\n"
        "        connection: ghl\n"
        "        with: { email: \"{{trigger.email}}\" }\n"
        "  - name: invoices\n"
        "    trigger: { op: stripe.charges.new_charge, connection: stripe }\n"
        "    steps:\n"
        "      - op: ghl.contacts.upsert_contact\n"
        "        connection: ghl\n"
        "        with: { email: \"{{trigger.billing_details.email}}\" }\n";
    const std::map<std::string, std::string> env = {
        {"K", "sk_test_consolekey"}, {"T", "pit-console-token"}, {"CONSOLE_TOKEN", kConsoleToken}};
    config_ = std::make_unique<Config>(loadConfigText(text, "sluice.yaml", catalog(), &env));
    Logger::instance().setSecrets(config_->secrets());
    console_.reset();
    if (!state_) state_ = openStateStore("sqlite:" + dir_.path() + "/state.db");
    console_ = std::make_unique<console::Console>(catalog(), *config_, *state_, clock_,
                                                  "process-secret-for-tests");
  }

  std::string triggerKey(const std::string& flow) {
    return makeTriggerSpec(*config_->flow(flow), *config_, catalog()).key;
  }

  // customers: polled, two items (one delivered, one dead with secrets in it); invoices: never.
  void seed() {
    PollCommit c;
    c.triggerKey = triggerKey("customers");
    c.op = "stripe.customers.new_customer";
    c.connection = "stripe";
    c.cursorJson = R"({"created":1700000000,"ids":["cus_1"]})";
    c.cursorMoved = true;
    c.items = {{"customers", "cus_1", R"({"id":"cus_1","email":"one@example.com"})", ""},
               {"customers", "cus_<b>2</b>",
                R"({"id":"cus_2","api_key":"sk_live_SECRETVALUE","card":"4242 4242 4242 4242",)"
                R"("note":"<script>alert(1)</script>"})",
                ""}};
    c.history = {c.triggerKey, clock_.nowMs() - 50, clock_.nowMs(), 1, 2, 2, 0, "",
                 "",           c.cursorJson};
    c.nextDueMs = clock_.nowMs() + 300000;
    state_->commitPoll(c);
    const auto due = state_->dueDeliveries(clock_.nowMs(), 10);
    state_->recordStep(due[0].id, 0, R"({"contact":{"id":"c_1"}})");
    state_->markDone(due[0].id);
    deadId_ = due[1].id;
    state_->markDead(deadId_, 8, "step 0: HTTP 422 <invalid> email");
  }

  HttpResponse get(const std::string& target, const std::string& cookie = "") {
    HttpRequest r;
    r.url = std::string("http://") + kHost + target;
    r.headers = {{"Host", kHost}};
    if (!cookie.empty()) r.headers.emplace_back("Cookie", cookie);
    return console_->serve(r, "127.0.0.1");
  }
  HttpResponse post(const std::string& target, const std::string& body, HttpHeaders headers) {
    HttpRequest r;
    r.method = "POST";
    r.url = std::string("http://") + kHost + target;
    r.headers = std::move(headers);
    r.headers.emplace_back("Host", kHost);
    r.body = body;
    return console_->serve(r, "127.0.0.1");
  }
  // Signs in with the token; the session cookie ("name=value").
  std::string signIn() {
    const HttpResponse r = post("/login", std::string("token=") + kConsoleToken,
                                {{"Origin", std::string("http://") + kHost}});
    EXPECT_EQ(r.status, 303) << r.body;
    const std::string cookie = r.header("Set-Cookie");
    return cookie.substr(0, cookie.find(';'));
  }
  // The CSRF token in a page's forms ("" when it has none).
  static std::string csrfIn(const std::string& page) {
    const std::string marker = "name=\"csrf\" value=\"";
    const size_t at = page.find(marker);
    if (at == std::string::npos) return "";
    const size_t from = at + marker.size();
    return page.substr(from, page.find('"', from) - from);
  }

  TempDir dir_;
  ManualClock clock_{1'767'000'000'000};
  std::unique_ptr<Config> config_;
  std::unique_ptr<StateStore> state_;
  std::unique_ptr<console::Console> console_;
  int64_t deadId_ = 0;
  std::ostringstream log_;
};

}  // namespace sluice::test
