// The console over real HTTP, through the admin server it attaches to: every page answers on a
// socket, the built-in endpoints stay, a sign-in and a change go through with the cookie, the
// form token and the console's own Origin (the Host the browser used), and refusals are 403.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "console/console_fixture.h"
#include "fakes/http_test_client.h"
#include "service/admin_server.h"

namespace sluice::test {
namespace console_http_test {

using fakes::testing::HttpTestClient;
using ::testing::HasSubstr;

class ConsoleHttpTest : public ConsoleTest {
 protected:
  void SetUp() override {
    ConsoleTest::SetUp();
    admin_.start("127.0.0.1:0");
    admin_.attachPages(console_.get());
    base_ = "http://127.0.0.1:" + std::to_string(admin_.port());
  }
  void TearDown() override {
    admin_.attachPages(nullptr);
    admin_.stop();
    ConsoleTest::TearDown();
  }
  AdminServer admin_;
  std::string base_;
};

TEST_F(ConsoleHttpTest, EveryPageAnswersOnTheAdminAddressNextToTheBuiltInEndpoints) {
  HttpTestClient client(base_);
  for (const std::string path :
       {"/", "/flows/customers", "/flows/invoices", "/dead-letters", "/dead-letters?flow=customers",
        "/ops", "/ops?kind=action&search=contact", "/ops/ghl.contacts.upsert_contact", "/login"}) {
    const auto r = client.get(path);
    ASSERT_TRUE(r.ok) << path << ": " << r.error;
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_THAT(r.header("Content-Type"), HasSubstr("text/html")) << path;
    EXPECT_EQ(r.header("X-Frame-Options"), "DENY") << path;
    EXPECT_THAT(r.body, HasSubstr("</html>")) << path;
  }
  EXPECT_EQ(client.get("/healthz").status, 200);
  EXPECT_EQ(client.get("/readyz").status, 503);  // no runner attached
  EXPECT_EQ(client.get("/flows/nope").status, 404);
  admin_.attachPages(nullptr);
  EXPECT_EQ(client.get("/").status, 404);  // between runners: no pages
}

TEST_F(ConsoleHttpTest, ASignedInChangeGoesThroughAndEveryOtherPostIsRefused) {
  HttpTestClient client(base_);
  const std::string own = base_;
  // Without the token, or from another origin: refused, nothing set.
  EXPECT_EQ(client.postForm("/login", "token=nope-nope-nope-nope", {{"Origin", own}}).status, 403);
  EXPECT_EQ(client
                .postForm("/login", std::string("token=") + kConsoleToken,
                          {{"Origin", "http://evil.test"}})
                .status,
            403);
  auto login = client.postForm("/login", std::string("token=") + kConsoleToken, {{"Origin", own}});
  ASSERT_EQ(login.status, 303) << login.body;
  const std::string cookie =
      login.header("Set-Cookie").substr(0, login.header("Set-Cookie").find(';'));
  EXPECT_THAT(login.header("Set-Cookie"), HasSubstr("HttpOnly; SameSite=Strict"));
  const auto page = client.get("/flows/invoices", {{"Cookie", cookie}});
  const std::string csrf = csrfIn(page.body);
  ASSERT_FALSE(csrf.empty());
  EXPECT_EQ(client.postForm("/flows/invoices/pause", "csrf=" + csrf, {{"Cookie", cookie}}).status,
            403);  // no Origin, no Referer
  const auto paused = client.postForm("/flows/invoices/pause", "csrf=" + csrf,
                                      {{"Cookie", cookie}, {"Origin", own}});
  EXPECT_EQ(paused.status, 303);
  EXPECT_EQ(paused.header("Location"), "/flows/invoices?done=paused");
  EXPECT_EQ(state_->pausedFlows().count("invoices"), 1u);
  EXPECT_THAT(client.get("/", {{"Cookie", cookie}}).body,
              HasSubstr("data-flow=\"invoices\" data-state=\"paused\""));
  // A body over the cap is refused before any of it reaches the console.
  const auto big = client.postForm("/flows/invoices/resume",
                                   "csrf=" + csrf + "&pad=" + std::string(70 * 1024, 'x'),
                                   {{"Cookie", cookie}, {"Origin", own}});
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(state_->pausedFlows().count("invoices"), 1u);
}

}  // namespace console_http_test
}  // namespace sluice::test
