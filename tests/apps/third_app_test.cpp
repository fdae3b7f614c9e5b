// Adding an app is one folder plus one registry line: "acme" exists only in the tests (its YAML
// in tests/apps/acme/, its connector and webhook source below, registered on a copy of the
// built-in registry) and runs through the generic poller, dispatcher and webhook receiver.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "apps/registry.h"
#include "core/clock.h"
#include "deliver/dispatcher.h"
#include "poll/trigger_poller.h"
#include "poll/trigger_spec.h"
#include "state/state_store.h"
#include "test_support.h"
#include "webhooks/webhook_receiver.h"

namespace sluice {
namespace third_app_test {

using ::testing::HasSubstr;

// Acme's auth: the key in its own header instead of a bearer token.
class AcmeConnector : public Connector {
 public:
  using Connector::Connector;
  bool authorize(HttpRequest& request, HttpTransport&, bool forceRefresh) override {
    if (forceRefresh) return false;
    request.headers.emplace_back("X-Acme-Key", setting("api_key"));
    return true;
  }
};

// Acme's webhooks: a shared token in a header; the body is one order.
class AcmeWebhooks : public WebhookSource {
 public:
  explicit AcmeWebhooks(std::string token) : token_(std::move(token)) {}
  WebhookVerdict read(const std::string& body, const WebhookHeaders& headers, int64_t,
                      WebhookEvent& event) const override {
    const auto token = headers.find("x-acme-token");
    if (token == headers.end())
      return WebhookVerdict::reject(WebhookVerdict::Kind::Missing, "no X-Acme-Token");
    if (token->second != token_)
      return WebhookVerdict::reject(WebhookVerdict::Kind::Invalid, "wrong token");
    if (parseJson(body, event.body) || !event.body.IsObject())
      return WebhookVerdict::reject(WebhookVerdict::Kind::Malformed, "not an order");
    event.type = "order.created";
    event.logFields = "type=order.created";
    return WebhookVerdict::accept();
  }
  std::optional<WebhookTypes> typesFor(const Operation& op, const JsonValue&,
                                       const std::vector<std::string>&) const override {
    if (op.kind != OpKind::Trigger) return std::nullopt;
    WebhookTypes types;
    types.any = true;
    return types;
  }
  std::string recordId(const Operation&, const WebhookEvent& event) const override {
    return webhookField(event.body, "/id");
  }

 private:
  std::string token_;
};

AppRegistry withAcme() {
  AppRegistry apps = AppRegistry::builtIn();
  apps.add("acme", {[](const App& app, const Connection& c, TokenStore*,
                       const Clock&) -> std::unique_ptr<Connector> {
                      return std::make_unique<AcmeConnector>(app, c);
                    },
                    [](const Connection& c) -> std::unique_ptr<WebhookSource> {
                      const auto token = c.settings.find("webhook_token");
                      if (token == c.settings.end()) return nullptr;
                      return std::make_unique<AcmeWebhooks>(token->second);
                    }});
  return apps;
}

// Acme's API in memory: GET /orders pages, POST /tickets.
class AcmeApi : public HttpTransport {
 public:
  HttpResponse send(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    requests.push_back(request);
    HttpResponse r;
    r.status = 200;
    if (request.method == "POST") {
      r.body = R"({"ticket":{"id":"t1"}})";
      return r;
    }
    const bool second = request.url.find("&page=2") != std::string::npos;
    r.body = std::string(R"({"orders":[)") + (second ? "" : orders) + "]}";
    return r;
  }
  std::string orders = R"({"id":"o1"})";
  std::vector<HttpRequest> requests;
  std::mutex mutex_;
};

const char* kConfig = R"(
connections:
  acme: { app: acme, api_key: "${ACME_KEY}", webhook_token: "${ACME_TOKEN}" }
flows:
  - name: tickets
    trigger: { op: acme.orders.new_order, connection: acme }
    steps:
      - { op: acme.orders.create_ticket, connection: acme, with: { subject: "Order {{trigger.id}}" } }
)";

class ThirdAppTest : public ::testing::Test {
 protected:
  Catalog catalog_ = Catalog::load(std::string(SLUICE_SOURCE_DIR) + "/tests/apps");
  const std::map<std::string, std::string> env_{{"ACME_KEY", "key-123"}, {"ACME_TOKEN", "tok-9"}};
  Config config_ = loadConfigText(kConfig, "sluice.yaml", catalog_, &env_);
  test::TempDir dir_;
  std::unique_ptr<StateStore> state_ = openStateStore("sqlite:" + dir_.path() + "/state.db");
  ManualClock clock_;
  AcmeApi api_;
  AppRegistry apps_ = withAcme();
  ClientRegistry clients_{
      config_, catalog_, api_, state_.get(), clock_, [](int64_t) { return true; }, nullptr, apps_};
  TriggerSpec spec_ = makeTriggerSpec(config_.flows[0], config_, catalog_);

  void pollAndCommit() {
    TriggerPoller poller(clients_.get("acme"), *state_, clock_);
    PollResult r = poller.poll(spec_);
    ASSERT_TRUE(r.ok) << r.error;
    state_->commitPoll(r.commit);
  }
};

TEST_F(ThirdAppTest, PollsAndDeliversThroughItsOwnConnector) {
  pollAndCommit();  // the first poll seeds o1
  api_.orders = R"({"id":"o2"},{"id":"o1"})";
  pollAndCommit();
  ASSERT_FALSE(api_.requests.empty());
  EXPECT_EQ(api_.requests[0].url, "https://api.acme.test/orders?per_page=2&page=1");
  EXPECT_THAT(api_.requests[0].headers, ::testing::Contains(std::make_pair(
                                            std::string("X-Acme-Key"), std::string("key-123"))));
  const auto due = state_->dueDeliveries(clock_.nowMs(), 10);
  ASSERT_EQ(due.size(), 1u);
  Dispatcher dispatcher(config_, catalog_, clients_, *state_, clock_);
  EXPECT_EQ(dispatcher.deliver(due[0]).kind, DeliveryReport::Done);
  const HttpRequest& post = api_.requests.back();
  EXPECT_EQ(post.method, "POST");
  EXPECT_EQ(post.body, R"({"subject":"Order o2"})");
}

TEST_F(ThirdAppTest, ItsWebhooksFeedTheSameOutbox) {
  WebhookReceiver receiver(catalog_, config_, *state_, clock_, {}, apps_);
  EXPECT_EQ(receiver.handle("POST", "/webhooks/acme", {{"x-acme-token", "nope"}}, "{}").status,
            401);
  const std::string order = R"({"id":"o7"})";
  EXPECT_EQ(receiver.handle("POST", "/webhooks/acme", {{"x-acme-token", "tok-9"}}, order).status,
            200);
  EXPECT_EQ(receiver.handle("POST", "/webhooks/acme", {{"x-acme-token", "tok-9"}}, order).status,
            200);  // a redelivery: a duplicate, not a second item
  const auto due = state_->dueDeliveries(clock_.nowMs(), 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].itemKey, "o7");
}

}  // namespace third_app_test
}  // namespace sluice
