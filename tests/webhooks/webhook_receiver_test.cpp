// Webhook intake end to end: real signatures made here (HMAC-SHA256 with a test secret for
// Stripe, a fresh RSA key pair for GHL), sent over HTTP to the receiver, which shares the state
// store with the pipeline running against the fake Stripe and GHL.
#include "webhooks/webhook_receiver.h"

#include <gmock/gmock.h>

#include <Poco/Net/ServerSocket.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "core/json.h"
#include "fakes/http_test_client.h"
#include "poll/trigger_spec.h"
#include "service/pipeline_fixture.h"
#include "webhook_signing.h"

namespace sluice::test {
namespace webhook_receiver_test {

using fakes::testing::HttpResult;
using fakes::testing::HttpTestClient;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kWebhookSecret = "whsec_pipelineWebhookSecret42";

const test::RsaKeyPair& rsa() {
  static const test::RsaKeyPair keys = test::RsaKeyPair::generate();
  return keys;
}

// A Stripe events trigger whose items become GHL contacts (one upsert per delivery).
std::string invoicePaidFlow(const std::string& name = "paid",
                            const std::string& trigger = "op: stripe.events.invoice_paid") {
  return "  - name: " + name + "\n    trigger: { " + trigger +
         ", connection: stripe, every: 2s }\n"
         "    steps:\n"
         "      - op: ghl.contacts.upsert_contact\n"
         "        connection: ghl\n"
         "        with: { email: \"{{trigger.data.object.customer_email}}\" }\n";
}

// New GHL contacts (polled by search, or pushed as ContactCreate) become Stripe customers.
std::string ghlContactFlow(const std::string& name = "contacts") {
  return "  - name: " + name +
         "\n"
         "    trigger: { op: ghl.contacts.search_contacts, connection: ghl, every: 2s, "
         "webhook_events: [ContactCreate] }\n"
         "    steps:\n"
         "      - op: stripe.customers.create_customer\n"
         "        connection: stripe\n"
         "        with: { email: \"{{trigger.email}}\" }\n";
}

class WebhookTest : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    env_["STRIPE_WEBHOOK_SECRET"] = kWebhookSecret;
    Logger::instance().setSecrets({kStripeKey, kGhlToken, kWebhookSecret});
    keyFile_ = dir_.write("ghl-webhook.pem", rsa().publicPem);
  }
  void TearDown() override {
    receiver_.reset();
    const std::string log = log_.str();
    EXPECT_EQ(log.find(kWebhookSecret), std::string::npos);
    for (const auto& sig : signatures_) EXPECT_EQ(log.find(sig), std::string::npos) << sig;
    PipelineTest::TearDown();
  }

  std::string webhookConnections() const {
    return "connections:\n"
           "  stripe: { app: stripe, api_key: \"${STRIPE_KEY}\", webhook_secret: "
           "\"${STRIPE_WEBHOOK_SECRET}\", base_url: " +
           stripe_.baseUrl() +
           " }\n"
           "  plain: { app: stripe, api_key: \"${STRIPE_KEY}\", base_url: " +
           stripe_.baseUrl() +
           " }\n"
           "  ghl: { app: ghl, token: \"${GHL_TOKEN}\", location_id: " +
           ghl_.locationId() + ", base_url: " + ghl_.baseUrl() +
           ", webhook_public_key_file: " + keyFile_ + " }\n";
  }

  void start(const std::string& flows) {
    configure(flows, webhookConnections());
    receiver_ = std::make_unique<WebhookReceiver>(*catalog_, *config_, *state_, clock_,
                                                  [this] { ++wakes_; });
    receiver_->start("127.0.0.1:0");
    client_ =
        std::make_unique<HttpTestClient>("http://127.0.0.1:" + std::to_string(receiver_->port()));
  }

  int64_t nowS() const { return clock_.nowMs() / 1000; }

  // A customer with an invoice paid in full: makes an invoice.paid event.
  void payInvoice(const std::string& email, int64_t amount) {
    JsonDoc customer;
    ASSERT_FALSE(parseJson(newCustomer(email), customer));
    stripe_.payInvoice(jsonText(customer["id"]), amount);
  }

  std::string stripeSignature(const std::string& body, int64_t t,
                              const std::string& secret = kWebhookSecret) {
    const std::string v1 = test::hmacSha256Hex(secret, std::to_string(t) + "." + body);
    signatures_.push_back(v1);
    return "t=" + std::to_string(t) + ",v1=" + v1;
  }
  HttpResult postStripe(const std::string& body, const std::string& signature,
                        const std::string& connection = "stripe") {
    return client_->postJson("/webhooks/" + connection, body, {{"Stripe-Signature", signature}});
  }
  HttpResult postStripe(const std::string& body) {
    return postStripe(body, stripeSignature(body, nowS()));
  }
  HttpResult postGhl(const std::string& body) {
    const std::string sig = rsa().sign(body);
    signatures_.push_back(sig);
    return client_->postJson("/webhooks/ghl", body, {{"x-wh-signature", sig}});
  }

  // The newest event of a type, as Stripe sends it to a webhook endpoint.
  std::string stripeEvent(const std::string& type) const {
    JsonDoc events;
    EXPECT_FALSE(parseJson(stripe_.listRecords("events"), events));
    std::string found;
    for (const auto& e : events.GetArray())
      if (jsonText(e["type"]) == type) found = toJson(e, true);
    EXPECT_FALSE(found.empty()) << "no " << type << " event";
    return found;
  }

  std::string iso(int64_t ms) const {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }
  std::string ghlEvent(const std::string& type, const std::string& id, const std::string& email,
                       const std::string& webhookId, int64_t atMs = -1,
                       const std::string& location = "") const {
    return R"({"type":")" + type + R"(","locationId":")" +
           (location.empty() ? ghl_.locationId() : location) + R"(","id":")" + id +
           R"(","email":")" + email + R"(","timestamp":")" + iso(atMs < 0 ? clock_.nowMs() : atMs) +
           R"(","webhookId":")" + webhookId + "\"}";
  }

  int deliveries(const std::string& flow) const {
    int n = 0;
    for (const auto& d : state_->deliveries(std::nullopt, 1000)) n += d.flow == flow;
    return n;
  }
  int stripeCustomerCreates() const {
    int n = 0;
    for (const auto& e : stripe_.effects()) n += e.method == "POST" && e.path == "/v1/customers";
    return n;
  }
  std::string triggerKey(size_t flow = 0) const {
    return makeTriggerSpec(config_->flows.at(flow), *config_, *catalog_).key;
  }

  std::string keyFile_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<HttpTestClient> client_;
  std::vector<std::string> signatures_;
  std::atomic<int> wakes_{0};
};

TEST_F(WebhookTest, AStripeEventReceivedByWebhookThenPolledFiresOnce) {
  start(invoicePaidFlow());
  runOnce();  // seeds the trigger
  const auto before = state_->loadTrigger(triggerKey());
  ASSERT_TRUE(before);
  payInvoice("payer@x.test", 4200);
  const std::string event = stripeEvent("invoice.paid");

  const HttpResult r = postStripe(event);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"received":true})");
  EXPECT_EQ(deliveries("paid"), 1);
  EXPECT_EQ(wakes_.load(), 1);
  // The trigger's cursor and schedule are the poll's business: untouched.
  const auto after = state_->loadTrigger(triggerKey());
  EXPECT_EQ(after->cursorJson, before->cursorJson);
  EXPECT_EQ(after->nextDueMs, before->nextDueMs);

  runOnce();  // delivers it; the poll finds the same event and knows it
  const auto polls = state_->history(triggerKey(), 1);
  ASSERT_EQ(polls.size(), 1u);
  EXPECT_GE(polls[0].fetched, 1);
  EXPECT_GE(polls[0].duplicates, 1);
  EXPECT_EQ(polls[0].newItems, 0);
  runOnce();
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 1);
  EXPECT_EQ(contactCount(), 1);
  EXPECT_THAT(ghl_.listRecords("contacts"), HasSubstr("payer@x.test"));

  // Stripe delivers it again: a duplicate, accepted and not fired.
  EXPECT_EQ(postStripe(event).status, 200);
  runOnce();
  EXPECT_EQ(deliveries("paid"), 1);
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 1);
  EXPECT_EQ(wakes_.load(), 1);
  EXPECT_THAT(log_.str(), HasSubstr("webhook.accepted"));
}

TEST_F(WebhookTest, AStripeEventPolledFirstIsADuplicateByWebhook) {
  start(invoicePaidFlow());
  runOnce();
  payInvoice("polled@x.test", 1000);
  runOnce();  // the poll fires it
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 1);
  EXPECT_EQ(postStripe(stripeEvent("invoice.paid")).status, 200);
  runOnce();
  EXPECT_EQ(deliveries("paid"), 1);
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 1);
  EXPECT_EQ(wakes_.load(), 0);
}

TEST_F(WebhookTest, AWebhookBeforeTheFirstPollIsDeliveredAndTheSeedingPollKnowsIt) {
  start(invoicePaidFlow());
  payInvoice("early@x.test", 500);
  EXPECT_EQ(postStripe(stripeEvent("invoice.paid")).status, 200);
  runOnce();  // delivers the webhook's item; the first poll seeds and fires nothing
  runOnce();
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 1);
  EXPECT_EQ(deliveries("paid"), 1);
}

TEST_F(WebhookTest, StripeEventsGoToTriggersWhoseTypeFilterMatches) {
  start(invoicePaidFlow("paid") +
        invoicePaidFlow("invoices", "op: stripe.events.new_event, with: { type: \"invoice.*\" }") +
        invoicePaidFlow("customers",
                        "op: stripe.events.new_event, with: { type: customer.created }") +
        invoicePaidFlow("failed", "op: stripe.events.invoice_payment_failed"));
  payInvoice("typed@x.test", 700);
  EXPECT_EQ(postStripe(stripeEvent("invoice.paid")).status, 200);
  EXPECT_EQ(deliveries("paid"), 1);
  EXPECT_EQ(deliveries("invoices"), 1);
  EXPECT_EQ(deliveries("customers"), 0);
  EXPECT_EQ(deliveries("failed"), 0);
  EXPECT_EQ(postStripe(stripeEvent("customer.created")).status, 200);
  EXPECT_EQ(deliveries("customers"), 1);
  EXPECT_EQ(deliveries("paid"), 1);
}

TEST_F(WebhookTest, UnsignedTamperedStaleOrMalformedStripeRequestsAreRejected) {
  start(invoicePaidFlow());
  payInvoice("bad@x.test", 900);
  const std::string event = stripeEvent("invoice.paid");
  std::string tampered = event;
  tampered.replace(tampered.find("bad@x.test"), 10, "evil@x.tst");

  const HttpResult unsigned_ = client_->postJson("/webhooks/stripe", event);
  EXPECT_EQ(unsigned_.status, 401);
  EXPECT_EQ(postStripe(tampered, stripeSignature(event, nowS())).status, 401);
  EXPECT_EQ(postStripe(event, stripeSignature(event, nowS(), "whsec_wrongSecret99")).status, 401);
  EXPECT_EQ(postStripe(event, stripeSignature(event, nowS() - 301)).status, 400);
  EXPECT_EQ(postStripe(event, "v1=abc").status, 400);
  EXPECT_EQ(postStripe(event, "t=now,v1=abc").status, 400);
  const std::string notJson = "hello";
  EXPECT_EQ(postStripe(notJson, stripeSignature(notJson, nowS())).status, 400);
  // One valid v1 among several is enough (Stripe signs with both secrets during a roll).
  const std::string t = std::to_string(nowS());
  const std::string good = test::hmacSha256Hex(kWebhookSecret, t + "." + event);
  signatures_.push_back(good);
  const std::string both = "t=" + t +
                           ",v1=" + test::hmacSha256Hex("whsec_rolledSecret", t + "." + event) +
                           ",v1=" + good;
  EXPECT_EQ(postStripe(event, both).status, 200);
  EXPECT_EQ(deliveries("paid"), 1);
  EXPECT_EQ(wakes_.load(), 1);
  const std::string log = log_.str();
  EXPECT_THAT(log, HasSubstr("webhook.rejected connection=stripe status=401"));
  EXPECT_THAT(log, HasSubstr("webhook.rejected connection=stripe status=400"));
}

TEST_F(WebhookTest, WrongPathsMethodsAndSizesGetTheirStatus) {
  start(invoicePaidFlow());
  const std::string body = R"({"id":"evt_x","type":"invoice.paid"})";
  const std::string sig = stripeSignature(body, nowS());
  EXPECT_EQ(postStripe(body, sig, "nosuch").status, 404);
  EXPECT_EQ(postStripe(body, sig, "plain").status, 404);  // no webhook_secret: not enabled
  EXPECT_EQ(client_->postJson("/other", body).status, 404);
  const HttpResult get = client_->get("/webhooks/stripe");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.header("Allow"), "POST");
  const std::string big(WebhookReceiver::kMaxBodyBytes + 1, 'x');
  EXPECT_EQ(postStripe(big, "t=1,v1=00").status, 413);
  EXPECT_EQ(deliveries("paid"), 0);
  EXPECT_THAT(log_.str(), HasSubstr("status=413"));
}

TEST_F(WebhookTest, AGhlEventIsDeliveredOnceAndDedupedByWebhookIdAndByThePoll) {
  start(ghlContactFlow());
  runOnce();  // seeds (no contacts yet)
  JsonDoc contact;
  ASSERT_FALSE(parseJson(ghl_.createContact(R"({"email":"hook@x.test"})"), contact));
  const JsonValue* idValue = jsonAt(contact, "/contact/id");
  if (!idValue) idValue = jsonAt(contact, "/id");
  ASSERT_TRUE(idValue);
  const std::string id = jsonText(*idValue);
  const std::string event = ghlEvent("ContactCreate", id, "hook@x.test", "wh_1");

  EXPECT_EQ(postGhl(event).status, 200);
  EXPECT_EQ(deliveries("contacts"), 1);
  EXPECT_EQ(wakes_.load(), 1);
  // HighLevel retries the same delivery: the same webhookId is a duplicate.
  EXPECT_EQ(postGhl(event).status, 200);
  // A replayed webhookId is a duplicate even when it names another record.
  EXPECT_EQ(postGhl(ghlEvent("ContactCreate", "other_contact", "x@x.test", "wh_1")).status, 200);
  EXPECT_EQ(deliveries("contacts"), 1);
  EXPECT_EQ(wakes_.load(), 1);

  runOnce();  // delivers it; the poll finds the contact and knows it
  runOnce();
  EXPECT_EQ(stripeCustomerCreates(), 1);
  EXPECT_EQ(deliveries("contacts"), 1);

  // Types no flow lists, and other locations' events, are accepted and not fired.
  EXPECT_EQ(postGhl(ghlEvent("ContactDelete", id, "hook@x.test", "wh_2")).status, 200);
  EXPECT_EQ(
      postGhl(ghlEvent("ContactCreate", "c_elsewhere", "e@x.test", "wh_3", -1, "loc_other")).status,
      200);
  EXPECT_EQ(deliveries("contacts"), 1);
}

TEST_F(WebhookTest, UnsignedTamperedOrStaleGhlRequestsAreRejected) {
  start(ghlContactFlow());
  const std::string event = ghlEvent("ContactCreate", "c_1", "a@x.test", "wh_9");
  EXPECT_EQ(client_->postJson("/webhooks/ghl", event).status, 401);
  const std::string sig = rsa().sign(event);
  signatures_.push_back(sig);
  std::string tampered = event;
  tampered.replace(tampered.find("a@x.test"), 8, "b@x.test");
  EXPECT_EQ(client_->postJson("/webhooks/ghl", tampered, {{"x-wh-signature", sig}}).status, 401);
  EXPECT_EQ(client_->postJson("/webhooks/ghl", event, {{"x-wh-signature", "%%%"}}).status, 400);
  const std::string stale =
      ghlEvent("ContactCreate", "c_2", "s@x.test", "wh_10", clock_.nowMs() - 6 * 60 * 1000);
  EXPECT_EQ(postGhl(stale).status, 400);
  const std::string future =
      ghlEvent("ContactCreate", "c_3", "f@x.test", "wh_11", clock_.nowMs() + 6 * 60 * 1000);
  EXPECT_EQ(postGhl(future).status, 400);
  EXPECT_EQ(deliveries("contacts"), 0);
  // The genuine request still goes through.
  EXPECT_EQ(client_->postJson("/webhooks/ghl", event, {{"x-wh-signature", sig}}).status, 200);
  EXPECT_EQ(deliveries("contacts"), 1);
  EXPECT_THAT(log_.str(), HasSubstr("webhook.rejected connection=ghl status=401"));
  EXPECT_THAT(log_.str(), HasSubstr("webhook.rejected connection=ghl status=400"));
}

uint16_t freePort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const uint16_t port = socket.address().port();
  socket.close();
  return port;
}

TEST_F(WebhookTest, SluiceRunListensWhenConfiguredAndDeliversAWebhookAtOnce) {
  const uint16_t port = freePort();
  const std::string text =
      "settings: { demo_mode: true, workers: 2, webhooks: { listen: "
      "\"127.0.0.1:" +
      std::to_string(port) + "\" } }\n" + webhookConnections() + "flows:\n" + invoicePaidFlow();
  config_ = std::make_unique<Config>(loadConfigText(text, "test.yaml", *catalog_, &env_));
  EXPECT_EQ(config_->settings.webhookListen, "127.0.0.1:" + std::to_string(port));
  runOnce();  // seeded, so only the new event can fire
  Runner runner(*catalog_, *config_, *state_, *transport_, clock_);
  std::thread thread([&] { runner.run(false); });
  payInvoice("live@x.test", 1200);
  client_ = std::make_unique<HttpTestClient>("http://127.0.0.1:" + std::to_string(port));
  HttpResult r;
  for (int i = 0; i < 100 && !r.ok; ++i) {  // until the runner listens
    r = postStripe(stripeEvent("invoice.paid"));
    if (!r.ok) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(r.status, 200);
  for (int i = 0; i < 200 && ghlEffects("/contacts/upsert") < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  runner.requestStop();
  thread.join();
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 1);
  // Stopped with the runner.
  EXPECT_FALSE(postStripe(stripeEvent("invoice.paid")).ok);
  runOnce();
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 1);
  EXPECT_THAT(log_.str(), HasSubstr("webhooks.listen"));
  EXPECT_THAT(log_.str(), HasSubstr("webhook.accepted connection=stripe"));
  EXPECT_THAT(log_.str(), HasSubstr("new=1"));
}

TEST_F(WebhookTest, ConfigChecksTheWebhookSettings) {
  auto load = [&](const std::string& webhooks, const std::string& flows) {
    return loadConfigText("settings: { demo_mode: true" + webhooks + " }\n" + webhookConnections() +
                              "flows:\n" + flows,
                          "t.yaml", *catalog_, &env_);
  };
  auto error = [&](const std::string& webhooks, const std::string& flows) -> std::string {
    try {
      load(webhooks, flows);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "(loaded)";
  };
  EXPECT_THAT(error(", webhooks: { listen: nowhere }", invoicePaidFlow()),
              HasSubstr("'listen': expected HOST:PORT"));
  EXPECT_THAT(error(", webhooks: { listen: \"127.0.0.1:99999\" }", invoicePaidFlow()),
              HasSubstr("'listen': expected HOST:PORT"));
  EXPECT_THAT(error(", webhooks: { listen: \"127.0.0.1:1\", port: 2 }", invoicePaidFlow()),
              HasSubstr("port"));
  EXPECT_EQ(
      load(", webhooks: { listen: \"[::1]:8787\" }", invoicePaidFlow()).settings.webhookListen,
      "[::1]:8787");
  EXPECT_EQ(load("", invoicePaidFlow()).settings.webhookListen, "");
  // webhook_events is for GHL triggers that detect new records.
  EXPECT_THAT(error("", invoicePaidFlow("x",
                                        "op: stripe.events.invoice_paid, "
                                        "webhook_events: [ContactCreate]")),
              HasSubstr("'webhook_events' needs a trigger that detects new records, of an app "
                        "whose webhooks name event types (app.yaml webhook_event_types: ghl)"));
  EXPECT_EQ(load("", ghlContactFlow()).flows[0].trigger.webhookEvents,
            std::vector<std::string>{"ContactCreate"});
  // The Stripe secret is a secret: never written in the file itself.
  try {
    loadConfigText(
        "connections:\n  s: { app: stripe, api_key: \"${STRIPE_KEY}\", "
        "webhook_secret: whsec_literal123 }\n",
        "t.yaml", *catalog_, &env_);
    ADD_FAILURE() << "a literal webhook_secret was accepted";
  } catch (const ConfigError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("'webhook_secret' is a secret"));
  }
  const Config c = load("", invoicePaidFlow());
  const auto secrets = c.secrets();
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), kWebhookSecret), secrets.end());
  // A GHL key that is not a PEM key is refused when the receiver is made.
  const std::string badKey = dir_.write("bad.pem", "not a key\n");
  const Config bad = loadConfigText(
      "connections:\n  ghl: { app: ghl, token: \"${GHL_TOKEN}\", "
      "webhook_public_key_file: " +
          badKey + " }\n",
      "t.yaml", *catalog_, &env_);
  EXPECT_THROW({ WebhookReceiver receiver(*catalog_, bad, *state_, clock_); }, ConfigError);
}

}  // namespace webhook_receiver_test
}  // namespace sluice::test
