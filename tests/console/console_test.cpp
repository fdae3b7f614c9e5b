// The console's pages over HTTP requests made in process: each page shows what the store
// holds, escaped, with item payloads masked; changes need the token (sign-in), the session
// cookie, the form's CSRF token and the console's own origin, and are logged without the token;
// without a token the console is read-only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "console/console_fixture.h"
#include "service/flow_status.h"

namespace sluice::test {
namespace console_test {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

std::string origin() {
  return std::string("http://") + kHost;
}

TEST_F(ConsoleTest, OverviewShowsEachFlowsStateAndCountsFromTheStore) {
  const HttpResponse r = get("/");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.header("Content-Type"), HasSubstr("text/html"));
  EXPECT_THAT(r.header("Content-Security-Policy"), HasSubstr("frame-ancestors 'none'"));
  const StoreView view = readStoreView(*state_, clock_.nowMs());
  for (const auto& f : config_->flows) {
    const FlowStatus s = flowStatus(f, *config_, catalog(), view, clock_.nowMs());
    EXPECT_THAT(r.body, HasSubstr("data-flow=\"" + f.name + "\" data-state=\"" + s.state + "\""));
  }
  EXPECT_THAT(r.body, HasSubstr("data-state=\"ok\""));
  EXPECT_THAT(r.body, HasSubstr("data-state=\"never polled\""));
  EXPECT_THAT(r.body, HasSubstr("/dead-letters?flow=customers\">1</a>"));  // one dead letter
  EXPECT_THAT(r.body, HasSubstr("<meta http-equiv=\"refresh\""));
  EXPECT_THAT(r.body, HasSubstr("name=\"viewport\""));
  EXPECT_THAT(r.body, Not(HasSubstr("method=\"post\"")));  // not signed in: no buttons
}

// The tenants of agency connections, after the flows: a revoked sub-account (whose flows are
// gone from the list) with why, and the deliveries waiting for it.
TEST_F(ConsoleTest, OverviewListsTheTenantsWithTheirStateAndWaitingDeliveries) {
  EXPECT_THAT(get("/").body, Not(HasSubstr("<h2>Tenants</h2>")));  // none: no section
  const auto tenant = [](const std::string& id, const std::string& name) {
    TenantRecord t;
    t.connection = "agency";
    t.id = id;
    t.name = name;
    t.recordJson = "{}";
    return t;
  };
  state_->recordDiscovery("agency", {tenant("loc_a", "Dental"), tenant("loc_b", "Gym")},
                          clock_.nowMs());
  state_->markRevoked("agency", "loc_b", "HTTP 401 <refused>", clock_.nowMs());
  PollCommit queued;
  queued.triggerKey = "customers@loc_b:before-the-revocation";
  queued.op = "stripe.customers.new_customer";
  queued.connection = "stripe";
  queued.items = {{"customers@loc_b", "cus_9", R"({"id":"cus_9"})", ""}};
  queued.nextDueMs = clock_.nowMs() + 300000;
  state_->commitPoll(queued);
  config_->parkedFlows.insert("customers@loc_b");

  const std::string body = get("/").body;
  EXPECT_THAT(body, HasSubstr("<h2>Tenants</h2>"));
  EXPECT_THAT(body, HasSubstr("data-tenant=\"loc_a\" data-state=\"installed\""));
  EXPECT_THAT(body, ContainsRegex("data-tenant=\"loc_b\" data-state=\"revoked\">.*"
                                  "<td class=\"num\">1</td><td>HTTP 401 &lt;refused&gt;</td>"));
}

// A flow's dead letters come from the store by flow, so those older than the newest 500 of
// every flow still show; when there are more than are shown, the page says of how many.
TEST_F(ConsoleTest, AFlowsOldDeadLettersShowAndACutListSaysOfHowMany) {
  PollCommit old;
  old.triggerKey = triggerKey("invoices");
  old.op = "stripe.charges.new_charge";
  old.connection = "stripe";
  old.items = {{"invoices", "ch_old", R"({"id":"ch_old"})", ""}};
  old.nextDueMs = clock_.nowMs() + 300000;
  state_->commitPoll(old);
  PollCommit many;
  many.triggerKey = triggerKey("customers");
  many.op = "stripe.customers.new_customer";
  many.connection = "stripe";
  for (int i = 0; i < 500; ++i)
    many.items.push_back({"customers", "cus_many_" + std::to_string(i), "{}", ""});
  many.nextDueMs = clock_.nowMs() + 300000;
  state_->commitPoll(many);
  for (const auto& d : state_->deliveries(DeliveryStatus::Pending, 1000))
    state_->markDead(d.id, 8, "HTTP 400");

  const std::string flowPage = get("/dead-letters?flow=invoices").body;
  EXPECT_THAT(flowPage, HasSubstr("ch_old"));
  EXPECT_THAT(flowPage, HasSubstr("1 shown, newest first."));
  const std::string all = get("/dead-letters").body;
  EXPECT_THAT(all, HasSubstr("The newest 500 of 502 shown."));
  EXPECT_THAT(all, Not(HasSubstr("ch_old")));
}

TEST_F(ConsoleTest, FlowPageShowsTriggerStepsCursorPollsAndEachStepsOutcome) {
  const HttpResponse r = get("/flows/customers");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("stripe.customers.new_customer"));
  EXPECT_THAT(r.body, HasSubstr("ghl.contacts.upsert_contact"));
  EXPECT_THAT(r.body, HasSubstr("{{trigger.email}}"));
  EXPECT_THAT(r.body, HasSubstr("&quot;created&quot;: 1700000000"));  // the cursor
  EXPECT_THAT(r.body, HasSubstr("<table id=\"polls\">"));
  EXPECT_THAT(r.body, HasSubstr("data-status=\"done\""));
  EXPECT_THAT(r.body, HasSubstr("data-status=\"dead\""));
  EXPECT_THAT(r.body, HasSubstr("s-ok\">done"));
  EXPECT_THAT(r.body, HasSubstr("s-bad\">failed"));
  EXPECT_EQ(get("/flows/nope").status, 404);
}

TEST_F(ConsoleTest, EverythingShownIsEscapedAndPayloadsHaveTheirSecretsMasked) {
  for (const std::string page : {"/flows/customers", "/dead-letters"}) {
    const HttpResponse r = get(page);
    ASSERT_EQ(r.status, 200) << page;
    EXPECT_THAT(r.body, Not(HasSubstr("<script>"))) << page;
    EXPECT_THAT(r.body, Not(HasSubstr("<b>2</b>"))) << page;
    EXPECT_THAT(r.body, HasSubstr("cus_&lt;b&gt;2&lt;/b&gt;")) << page;
    EXPECT_THAT(r.body, HasSubstr("&lt;invalid&gt;")) << page;
    EXPECT_THAT(r.body, Not(HasSubstr("sk_live_SECRETVALUE"))) << page;
    EXPECT_THAT(r.body, Not(HasSubstr("4242 4242 4242 4242"))) << page;
    EXPECT_THAT(r.body, HasSubstr("**** 4242")) << page;
  }
}

TEST_F(ConsoleTest, CatalogFiltersOperationsAndShowsAnOpsInputs) {
  HttpResponse r = get("/ops?app=stripe&kind=trigger&search=customer");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr(">stripe.customers.new_customer</a>"));
  EXPECT_THAT(r.body, Not(HasSubstr(">ghl.")));
  EXPECT_THAT(r.body, Not(HasSubstr(">stripe.customers.create_customer</a>")));  // an action
  r = get("/ops/ghl.contacts.upsert_contact");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, AllOf(HasSubstr("<table id=\"inputs\">"), HasSubstr("<code>email</code>")));
  EXPECT_EQ(get("/ops/ghl.nope").status, 404);
  EXPECT_EQ(get("/nowhere").status, 404);
}

TEST_F(ConsoleTest, WithoutATokenTheConsoleIsReadOnly) {
  load(false);
  EXPECT_THAT(get("/").body, HasSubstr("read-only"));
  EXPECT_THAT(get("/login").body, HasSubstr("settings.console_token"));
  const HttpResponse r = post("/flows/customers/pause", "csrf=x", {{"Origin", origin()}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(post("/login", "token=", {{"Origin", origin()}}).status, 403);
  EXPECT_TRUE(state_->pausedFlows().empty());
}

TEST_F(ConsoleTest, SigningInNeedsTheTokenFromTheConsolesOwnOrigin) {
  HttpResponse r = post("/login", "token=wrong-token-0123456789", {{"Origin", origin()}});
  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("not the console token"));
  EXPECT_EQ(r.header("Set-Cookie"), "");
  r = post("/login", std::string("token=") + kConsoleToken, {});  // no Origin, no Referer
  EXPECT_EQ(r.status, 403);
  r = post("/login", std::string("token=") + kConsoleToken, {{"Origin", "http://evil.test"}});
  EXPECT_EQ(r.status, 403);
  const std::string cookie = signIn();
  EXPECT_THAT(cookie, HasSubstr("sluice_console="));
  EXPECT_THAT(cookie, Not(HasSubstr(kConsoleToken)));
  const std::string page = get("/", cookie).body;
  EXPECT_THAT(page, HasSubstr("sign out"));
  EXPECT_THAT(page, HasSubstr("/flows/customers/pause"));
}

TEST_F(ConsoleTest, AChangeNeedsTheSessionTheFormTokenAndTheSameOrigin) {
  const std::string cookie = signIn();
  const std::string csrf = csrfIn(get("/flows/customers", cookie).body);
  ASSERT_FALSE(csrf.empty());
  // No session: refused. A session without the form token, or with another: refused.
  EXPECT_EQ(post("/flows/customers/pause", "csrf=" + csrf, {{"Origin", origin()}}).status, 403);
  EXPECT_EQ(post("/flows/customers/pause", "", {{"Origin", origin()}, {"Cookie", cookie}}).status,
            403);
  std::string other = csrf;
  other[0] = other[0] == '0' ? '1' : '0';
  EXPECT_EQ(
      post("/flows/customers/pause", "csrf=" + other, {{"Origin", origin()}, {"Cookie", cookie}})
          .status,
      403);
  // Another site's page posting with the browser's cookie: refused by its Origin or Referer.
  EXPECT_EQ(post("/flows/customers/pause", "csrf=" + csrf,
                 {{"Origin", "http://evil.test"}, {"Cookie", cookie}})
                .status,
            403);
  EXPECT_EQ(post("/flows/customers/pause", "csrf=" + csrf,
                 {{"Referer", "http://evil.test/x"}, {"Cookie", cookie}})
                .status,
            403);
  EXPECT_TRUE(state_->pausedFlows().empty());
  // All of them, the Referer standing in for the Origin: done.
  const HttpResponse r = post("/flows/customers/pause", "csrf=" + csrf,
                              {{"Referer", origin() + "/flows/customers"}, {"Cookie", cookie}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("Location"), "/flows/customers?done=paused");
  EXPECT_EQ(state_->pausedFlows().count("customers"), 1u);
  EXPECT_THAT(log_.str(), HasSubstr("console.action action=pause flow=customers"));
}

TEST_F(ConsoleTest, TheButtonsPauseResumeResetTheCursorAndReplayADeadLetter) {
  const std::string cookie = signIn();
  const std::string csrf = csrfIn(get("/", cookie).body);
  const HttpHeaders same = {{"Origin", origin()}, {"Cookie", cookie}};
  ASSERT_EQ(post("/flows/customers/pause", "csrf=" + csrf, same).status, 303);
  EXPECT_THAT(get("/?done=paused", cookie).body,
              AllOf(HasSubstr("data-state=\"paused\""), HasSubstr("id=\"notice\"")));
  ASSERT_EQ(post("/flows/customers/resume", "csrf=" + csrf, same).status, 303);
  EXPECT_TRUE(state_->pausedFlows().empty());

  ASSERT_EQ(post("/flows/customers/cursor-reset", "csrf=" + csrf, same).status, 303);
  EXPECT_FALSE(state_->loadTrigger(triggerKey("customers")));

  EXPECT_THAT(get("/dead-letters", cookie).body,
              HasSubstr("/dead-letters/" + std::to_string(deadId_) + "/replay"));
  const HttpResponse r =
      post("/dead-letters/" + std::to_string(deadId_) + "/replay", "csrf=" + csrf, same);
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("Location"), "/dead-letters?done=replayed");
  EXPECT_TRUE(state_->deliveries(DeliveryStatus::Dead, 10).empty());
  EXPECT_EQ(state_->pendingCount(), 1);
  EXPECT_EQ(post("/dead-letters/999/replay", "csrf=" + csrf, same).status, 404);
  EXPECT_EQ(post("/flows/nope/pause", "csrf=" + csrf, same).status, 404);
  EXPECT_THAT(log_.str(), HasSubstr("console.action action=replay delivery=" +
                                    std::to_string(deadId_) + " remote=127.0.0.1 changed=true"));

  // One flow's dead letters, from its dead letters page.
  const auto pending = state_->deliveries(DeliveryStatus::Pending, 10);
  ASSERT_EQ(pending.size(), 1u);
  state_->markDead(pending[0].id, 8, "HTTP 400");
  EXPECT_THAT(get("/dead-letters?flow=customers", cookie).body,
              HasSubstr("/flows/customers/replay-dead"));
  EXPECT_THAT(get("/dead-letters?flow=invoices", cookie).body,
              Not(HasSubstr("/replay-dead")));  // none to replay
  const HttpResponse flowReplay = post("/flows/customers/replay-dead", "csrf=" + csrf, same);
  EXPECT_EQ(flowReplay.status, 303);
  EXPECT_EQ(flowReplay.header("Location"), "/dead-letters?flow=customers&done=replayed-flow");
  EXPECT_TRUE(state_->deliveries(DeliveryStatus::Dead, 10).empty());
  EXPECT_THAT(get(flowReplay.header("Location"), cookie).body,
              HasSubstr("This flow&#39;s dead letters are queued again."));
}

TEST_F(ConsoleTest, SigningOutEndsTheSession) {
  const std::string cookie = signIn();
  const std::string csrf = csrfIn(get("/", cookie).body);
  const HttpResponse r =
      post("/logout", "csrf=" + csrf, {{"Origin", origin()}, {"Cookie", cookie}});
  EXPECT_EQ(r.status, 303);
  EXPECT_THAT(r.header("Set-Cookie"), HasSubstr("Max-Age=0"));
}

}  // namespace console_test
}  // namespace sluice::test
