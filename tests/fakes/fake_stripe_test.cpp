// The fake Stripe against its contract: what a connector relies on must hold here, or the
// pipeline tests that use it prove nothing.
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fakes/http_test_client.h"
#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_stripe.h"
#include "tools/fakes/form_decode.h"

namespace sluice::fakes {
namespace fake_stripe_test {

using testing::HttpResult;
using testing::HttpTestClient;
using testing::str;

constexpr const char* kKey = "sk_test_unit_key_9876";

class FakeStripeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stripe.start();
    api = std::make_unique<HttpTestClient>(
        stripe.baseUrl(), testing::Headers{{"Authorization", std::string("Bearer ") + kKey},
                                           {"User-Agent", "sluice-test"}});
  }

  std::string createCustomer(const std::string& email) {
    HttpResult r = api->postForm("/v1/customers", "email=" + email);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "id");
  }

  std::vector<std::string> ids(const HttpResult& r) {
    std::vector<std::string> out;
    rapidjson::Document d = r.json();
    if (!d.IsObject() || !d.HasMember("data")) return out;
    for (const auto& item : d["data"].GetArray()) out.push_back(str(item, "id"));
    return out;
  }

  FakeStripe stripe{kKey};
  std::unique_ptr<HttpTestClient> api;
};

TEST(FormDecodeTest, BracketedKeysBecomeNestedJson) {
  rapidjson::Document d;
  std::string error;
  ASSERT_TRUE(decodeForm(
      "email=a%40b.com&metadata[plan]=pro&metadata[seats]=3&items[0][price]=price_1&items[0]"
      "[quantity]=2&items[1][price]=price_2&expand[]=customer&expand[]=invoice&amount=1500&"
      "auto_advance=false&name=Ann+Lee",
      d, &error))
      << error;
  EXPECT_STREQ(d["email"].GetString(), "a@b.com");
  EXPECT_STREQ(d["metadata"]["plan"].GetString(), "pro");
  EXPECT_STREQ(d["metadata"]["seats"].GetString(), "3");  // metadata stays strings
  ASSERT_TRUE(d["items"].IsArray());
  ASSERT_EQ(d["items"].Size(), 2u);
  EXPECT_STREQ(d["items"][1]["price"].GetString(), "price_2");
  EXPECT_EQ(d["items"][0]["quantity"].GetInt64(), 2);
  ASSERT_EQ(d["expand"].Size(), 2u);
  EXPECT_STREQ(d["expand"][1].GetString(), "invoice");
  EXPECT_EQ(d["amount"].GetInt64(), 1500);
  EXPECT_FALSE(d["auto_advance"].GetBool());
  EXPECT_STREQ(d["name"].GetString(), "Ann Lee");
  EXPECT_FALSE(decodeForm("metadata[plan=pro", d, &error));
}

TEST_F(FakeStripeTest, RejectsMissingAndWrongKeysWithMaskedKey) {
  HttpTestClient anonymous(stripe.baseUrl());
  HttpResult none = anonymous.get("/v1/customers");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(str(none.json()["error"], "type"), "invalid_request_error");

  HttpResult wrong =
      anonymous.get("/v1/customers", {{"Authorization", "Bearer sk_test_wrongsecret1234"}});
  ASSERT_EQ(wrong.status, 401);
  std::string message = str(wrong.json()["error"], "message");
  EXPECT_NE(message.find("Invalid API Key provided: sk_test_"), std::string::npos) << message;
  EXPECT_NE(message.find("1234"), std::string::npos);
  EXPECT_EQ(message.find("wrongsecret"), std::string::npos) << "key must be masked";
  EXPECT_EQ(api->get("/v1/customers").status, 200);
  EXPECT_TRUE(stripe.effects().empty());
}

TEST_F(FakeStripeTest, AcceptsFormBodiesOnlyAndDecodesNesting) {
  HttpResult json = api->postJson("/v1/customers", R"({"email":"a@b.com"})");
  EXPECT_EQ(json.status, 400);
  EXPECT_EQ(str(json.json()["error"], "type"), "invalid_request_error");
  EXPECT_EQ(stripe.recordCount("customers"), 0u);

  HttpResult form = api->postForm("/v1/customers", "email=a%40b.com&metadata[plan]=pro");
  ASSERT_EQ(form.status, 200) << form.body;
  rapidjson::Document c = form.json();
  EXPECT_EQ(str(c, "object"), "customer");
  EXPECT_EQ(str(c, "id").rfind("cus_", 0), 0u);
  EXPECT_EQ(str(c["metadata"], "plan"), "pro");
  EXPECT_EQ(str(c, "email"), "a@b.com");
}

TEST_F(FakeStripeTest, IdempotencyKeyReplaysAndRejectsADifferentBody) {
  testing::Headers key{{"Idempotency-Key", "idem-1"}};
  HttpResult first = api->postForm("/v1/customers", "email=x%40y.com", key);
  HttpResult again = api->postForm("/v1/customers", "email=x%40y.com", key);
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(first.body, again.body);
  EXPECT_EQ(first.header("Idempotent-Replayed"), "");
  EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(stripe.recordCount("customers"), 1u);

  HttpResult other = api->postForm("/v1/customers", "email=other%40y.com", key);
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(str(other.json()["error"], "type"), "idempotency_error");

  std::vector<Effect> effects = stripe.effects();
  ASSERT_EQ(effects.size(), 1u);
  EXPECT_EQ(effects[0].idempotencyKey, "idem-1");
  EXPECT_EQ(effects[0].path, "/v1/customers");
  EXPECT_EQ(effects[0].body, "email=x%40y.com");
}

TEST_F(FakeStripeTest, ListsNewestFirstAndPagesThroughSameSecondRecords) {
  stripe.setNow(1700000000);
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i)
    created.push_back(createCustomer("c" + std::to_string(i) + "%40x.com"));
  std::vector<std::string> expected(created.rbegin(), created.rend());

  HttpResult first = api->get("/v1/customers?limit=3");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(ids(first), std::vector<std::string>(expected.begin(), expected.begin() + 3));
  EXPECT_TRUE(first.json()["has_more"].GetBool());
  EXPECT_EQ(str(first.json(), "url"), "/v1/customers");

  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    HttpResult r =
        api->get("/v1/customers?limit=3" + (cursor.empty() ? "" : "&starting_after=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    std::vector<std::string> got = ids(r);
    seen.insert(seen.end(), got.begin(), got.end());
    if (!r.json()["has_more"].GetBool()) break;
    cursor = got.back();
  }
  EXPECT_EQ(seen, expected);

  HttpResult before = api->get("/v1/customers?limit=2&ending_before=" + expected[4]);
  EXPECT_EQ(ids(before), (std::vector<std::string>{expected[2], expected[3]}));
  EXPECT_TRUE(before.json()["has_more"].GetBool());

  stripe.setNow(1700000100);
  std::string newer = createCustomer("new%40x.com");
  EXPECT_EQ(ids(api->get("/v1/customers?limit=1")), std::vector<std::string>{newer});
  EXPECT_EQ(ids(api->get("/v1/customers?created[gt]=1700000000")), std::vector<std::string>{newer});
  EXPECT_EQ(api->get("/v1/customers?limit=101").status, 400);
  EXPECT_EQ(api->get("/v1/customers?starting_after=cus_nope").status, 400);
}

TEST_F(FakeStripeTest, MutationsCreateEvents) {
  std::string id = createCustomer("e%40x.com");
  HttpResult updated = api->postForm("/v1/customers/" + id, "name=Eve&metadata[tier]=gold");
  ASSERT_EQ(updated.status, 200);
  EXPECT_EQ(str(updated.json(), "name"), "Eve");
  HttpResult deleted = api->request("DELETE", "/v1/customers/" + id);
  ASSERT_EQ(deleted.status, 200);
  EXPECT_TRUE(deleted.json()["deleted"].GetBool());
  EXPECT_TRUE(api->get("/v1/customers/" + id).json()["deleted"].GetBool());

  EXPECT_EQ(stripe.eventTypes(),
            (std::vector<std::string>{"customer.created", "customer.updated", "customer.deleted"}));
  HttpResult events = api->get("/v1/events?type=customer.updated");
  ASSERT_EQ(events.status, 200);
  rapidjson::Document d = events.json();
  ASSERT_EQ(d["data"].Size(), 1u);
  const rapidjson::Value& e = d["data"][0];
  EXPECT_EQ(str(e, "object"), "event");
  EXPECT_EQ(str(e["data"]["object"], "id"), id);
  EXPECT_TRUE(e["data"]["previous_attributes"]["name"].IsNull());
  EXPECT_EQ(ids(api->get("/v1/events?type=customer.*")).size(), 3u);
  EXPECT_EQ(ids(api->get("/v1/customers")).size(), 0u);
}

// Stripe's previous_attributes.metadata holds only the keys that changed: the old value, or
// null for a key that was added; a metadata update that changes nothing is not announced.
TEST_F(FakeStripeTest, MetadataUpdatesAnnounceOnlyTheChangedKeys) {
  std::string id = createCustomer("m%40x.com");
  auto previous = [&](const std::string& form) {
    EXPECT_EQ(api->postForm("/v1/customers/" + id, form).status, 200);
    rapidjson::Document d = api->get("/v1/events?type=customer.updated&limit=1").json();
    return json::dump(d["data"][0]["data"]["previous_attributes"]);
  };
  EXPECT_EQ(previous("metadata[tags]=a,b&metadata[plan]=pro"),
            R"({"metadata":{"tags":null,"plan":null}})");
  EXPECT_EQ(previous("metadata[tags]=b&metadata[plan]=pro"), R"({"metadata":{"tags":"a,b"}})");
  EXPECT_EQ(previous("metadata[tags]=&name=Mo"), R"({"metadata":{"tags":"b"},"name":null})");
  std::size_t before = stripe.eventTypes().size();
  EXPECT_EQ(api->postForm("/v1/customers/" + id, "metadata[plan]=pro&metadata[gone]=").status, 200);
  EXPECT_EQ(stripe.eventTypes().size(), before);
}

TEST_F(FakeStripeTest, PaymentInvoiceAndRefundFlowsAnnounceEachStep) {
  std::string cus = createCustomer("p%40x.com");
  rapidjson::Document paid;
  paid.Parse(stripe.succeedPayment(cus, 2500).c_str());
  EXPECT_EQ(str(paid, "status"), "succeeded");
  std::string charge = str(paid, "latest_charge");
  ASSERT_FALSE(charge.empty());

  rapidjson::Document failed;
  failed.Parse(stripe.failPayment(cus, 900).c_str());
  EXPECT_EQ(str(failed, "status"), "requires_payment_method");
  EXPECT_EQ(str(failed["last_payment_error"], "code"), "card_declined");

  rapidjson::Document refund;
  refund.Parse(stripe.refundCharge(charge, 500).c_str());
  EXPECT_EQ(str(refund, "object"), "refund");
  rapidjson::Document ch = api->get("/v1/charges/" + charge).json();
  EXPECT_EQ(ch["amount_refunded"].GetInt64(), 500);
  EXPECT_FALSE(ch["refunded"].GetBool());

  rapidjson::Document inv;
  inv.Parse(stripe.payInvoice(cus, 4000).c_str());
  EXPECT_EQ(str(inv, "status"), "paid");
  EXPECT_EQ(inv["amount_paid"].GetInt64(), 4000);
  rapidjson::Document bad;
  bad.Parse(stripe.failInvoice(cus, 100).c_str());
  EXPECT_EQ(str(bad, "status"), "open");

  std::multiset<std::string> types;
  for (const std::string& t : stripe.eventTypes()) types.insert(t);
  for (const char* t :
       {"payment_intent.created", "payment_intent.succeeded", "charge.succeeded",
        "payment_intent.payment_failed", "charge.failed", "charge.refunded", "refund.created",
        "invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_failed"}) {
    EXPECT_GT(types.count(t), 0u) << t;
  }
  EXPECT_EQ(ids(api->get("/v1/payment_intents?customer=" + cus)).size(), 2u);
  EXPECT_EQ(ids(api->get("/v1/invoices?status=paid")).size(), 1u);
  rapidjson::Document balance = api->get("/v1/balance").json();
  EXPECT_EQ(str(balance, "object"), "balance");
  EXPECT_GT(balance["available"][0]["amount"].GetInt64(), 0);
}

TEST_F(FakeStripeTest, ApiPaymentIntentConfirmDeclineIs402) {
  std::string cus = createCustomer("d%40x.com");
  HttpResult pi =
      api->postForm("/v1/payment_intents", "amount=1000&currency=usd&customer=" + cus +
                                               "&payment_method=pm_card_chargeDeclined");
  ASSERT_EQ(pi.status, 200) << pi.body;
  std::string id = str(pi.json(), "id");
  HttpResult confirm = api->postForm("/v1/payment_intents/" + id + "/confirm", "");
  EXPECT_EQ(confirm.status, 402);
  EXPECT_EQ(str(confirm.json()["error"], "code"), "card_declined");
  HttpResult ok =
      api->postForm("/v1/payment_intents/" + id + "/confirm", "payment_method=pm_card_visa");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(str(ok.json(), "status"), "succeeded");
  HttpResult missing = api->postForm("/v1/payment_intents", "currency=usd");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(str(missing.json()["error"], "param"), "amount");
}

TEST_F(FakeStripeTest, ErrorsUseStripeShape) {
  HttpResult missing = api->get("/v1/customers/cus_doesnotexist");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(str(missing.json()["error"], "code"), "resource_missing");
  HttpResult unknown = api->get("/v1/nothing_here");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(unknown.json()["error"].IsObject());
}

TEST_F(FakeStripeTest, SearchByEmailAndMetadata) {
  createCustomer("s1%40x.com");
  std::string id =
      str(api->postForm("/v1/customers", "email=s2%40x.com&metadata[ext]=42").json(), "id");
  HttpResult byEmail = api->get("/v1/customers/search?query=email%3A%27s2%40x.com%27");
  ASSERT_EQ(byEmail.status, 200) << byEmail.body;
  EXPECT_EQ(str(byEmail.json(), "object"), "search_result");
  EXPECT_EQ(ids(byEmail), std::vector<std::string>{id});
  HttpResult byMeta = api->get("/v1/customers/search?query=metadata%5B%27ext%27%5D%3A%2742%27");
  EXPECT_EQ(ids(byMeta), std::vector<std::string>{id});
  EXPECT_TRUE(byMeta.json()["next_page"].IsNull());
}

TEST_F(FakeStripeTest, ControlEndpointsCreateListAndPinTheClock) {
  HttpTestClient control(stripe.baseUrl());
  EXPECT_EQ(control.postJson("/_control/clock", R"({"now": 1600000000})").status, 200);
  HttpResult made = control.postJson("/_control/customers", R"({"email":"ctl@x.com"})");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json()["created"].GetInt64(), 1600000000);
  HttpResult list = control.get("/_control/customers");
  ASSERT_TRUE(list.json().IsArray());
  EXPECT_EQ(list.json().Size(), 1u);
  HttpResult action =
      control.postJson("/_control/actions/payment_succeeded",
                       R"({"customer":")" + str(made.json(), "id") + R"(","amount":700})");
  EXPECT_EQ(action.status, 200) << action.body;
  EXPECT_EQ(str(action.json(), "status"), "succeeded");
  EXPECT_EQ(control.get("/_control/nope/x").status, 404);
  EXPECT_EQ(control.postJson("/_control/reset", "").status, 200);
  EXPECT_EQ(stripe.recordCount("customers"), 0u);
}

// A subscription made through the control API has Stripe's item list, not the input items.
TEST_F(FakeStripeTest, ControlCreatedSubscriptionHasTheItemList) {
  HttpTestClient control(stripe.baseUrl());
  std::string cus =
      str(control.postJson("/_control/customers", R"({"email":"s@x.com"})").json(), "id");
  std::string prod = str(control.postJson("/_control/products", R"({"name":"P"})").json(), "id");
  std::string price =
      str(control
              .postJson("/_control/prices",
                        R"({"product":")" + prod +
                            R"(","unit_amount":500,"currency":"usd","nickname":"Pro"})")
              .json(),
          "id");
  HttpResult sub =
      control.postJson("/_control/subscriptions",
                       R"({"customer":")" + cus + R"(","items":[{"price":")" + price + R"("}]})");
  ASSERT_EQ(sub.status, 201) << sub.body;
  EXPECT_EQ(str(sub.json()["items"]["data"][0]["price"], "nickname"), "Pro");
  EXPECT_EQ(stripe.eventTypes().back(), "customer.subscription.created");
}

TEST_F(FakeStripeTest, RequestCountersUseRoutePatterns) {
  std::string id = createCustomer("n%40x.com");
  api->get("/v1/customers/" + id);
  api->get("/v1/customers/" + id);
  EXPECT_EQ(stripe.requestCount("GET /v1/customers/{id}"), 2);
  EXPECT_EQ(stripe.requestCount("POST /v1/customers"), 1);
}

TEST_F(FakeStripeTest, SubscriptionsAndInvoicesThroughTheApi) {
  std::string cus = createCustomer("sub%40x.com");
  std::string prod = str(api->postForm("/v1/products", "name=Pro").json(), "id");
  HttpResult price = api->postForm(
      "/v1/prices", "currency=usd&unit_amount=1500&recurring[interval]=month&product=" + prod);
  ASSERT_EQ(price.status, 200) << price.body;
  EXPECT_EQ(str(price.json(), "type"), "recurring");
  HttpResult sub = api->postForm("/v1/subscriptions",
                                 "customer=" + cus + "&items[0][price]=" + str(price.json(), "id"));
  ASSERT_EQ(sub.status, 200) << sub.body;
  std::string subId = str(sub.json(), "id");
  EXPECT_EQ(str(sub.json(), "status"), "active");
  EXPECT_EQ(ids(api->get("/v1/subscriptions")).size(), 1u);
  HttpResult canceled = api->request("DELETE", "/v1/subscriptions/" + subId);
  EXPECT_EQ(str(canceled.json(), "status"), "canceled");
  EXPECT_EQ(ids(api->get("/v1/subscriptions")).size(), 0u);
  EXPECT_EQ(ids(api->get("/v1/subscriptions?status=all")).size(), 1u);
  EXPECT_EQ(ids(api->get("/v1/events?type=customer.subscription.deleted")).size(), 1u);

  ASSERT_EQ(api->postForm("/v1/invoiceitems", "customer=" + cus + "&amount=700").status, 200);
  HttpResult inv = api->postForm("/v1/invoices", "customer=" + cus);
  ASSERT_EQ(inv.status, 200) << inv.body;
  std::string invId = str(inv.json(), "id");
  EXPECT_EQ(inv.json()["amount_due"].GetInt64(), 700);
  EXPECT_EQ(str(inv.json(), "status"), "draft");
  EXPECT_EQ(str(api->postForm("/v1/invoices/" + invId + "/finalize", "").json(), "status"), "open");
  HttpResult paid = api->postForm("/v1/invoices/" + invId + "/pay", "");
  EXPECT_EQ(str(paid.json(), "status"), "paid");
  EXPECT_EQ(api->postForm("/v1/invoices/" + invId + "/void", "").status, 400);
  EXPECT_EQ(ids(api->get("/v1/events?type=invoice.paid")).size(), 1u);
}

// --- faults ---

TEST_F(FakeStripeTest, StatusFaultAppliesToCountMatchingRequestsOnly) {
  stripe.addFaultJson(
      R"({"match":"/v1/customers","method":"GET","status":429,"retry_after":2,"count":2})");
  EXPECT_EQ(api->get("/v1/events").status, 200);                             // other path
  EXPECT_EQ(api->postForm("/v1/customers", "email=a%40b.com").status, 200);  // other method
  HttpResult limited = api->get("/v1/customers");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("Retry-After"), "2");
  EXPECT_TRUE(limited.json()["error"].IsObject());
  EXPECT_EQ(api->get("/v1/customers?limit=1").status, 429);
  EXPECT_EQ(api->get("/v1/customers").status, 200);
}

TEST_F(FakeStripeTest, UntilClearedFaultLastsUntilDeleted) {
  HttpTestClient control(stripe.baseUrl());
  ASSERT_EQ(control.postJson("/_control/faults", R"({"status":503,"count":-1})").status, 200);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(api->get("/v1/customers").status, 503);
  ASSERT_EQ(control.del("/_control/faults").status, 200);
  EXPECT_EQ(api->get("/v1/customers").status, 200);
}

TEST_F(FakeStripeTest, SlowFaultDelaysTheResponse) {
  stripe.addFaultJson(R"({"kind":"slow","delay_ms":300})");
  auto start = std::chrono::steady_clock::now();
  HttpResult r = api->get("/v1/customers");
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(ms, 290);
}

TEST_F(FakeStripeTest, TruncateFaultSendsHalfTheBody) {
  createCustomer("t%40x.com");
  stripe.addFaultJson(R"({"kind":"truncate"})");
  HttpResult r = api->get("/v1/customers");
  bool shortBody = r.ok && r.body.size() < std::stoul(r.header("Content-Length"));
  EXPECT_TRUE(!r.ok || shortBody) << r.body;
  EXPECT_FALSE(r.json().IsObject());
}

TEST_F(FakeStripeTest, MalformedFaultSendsInvalidJson) {
  stripe.addFaultJson(R"({"kind":"malformed"})");
  HttpResult r = api->get("/v1/customers");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.json().IsObject());
  EXPECT_TRUE(api->get("/v1/customers").json().IsObject());
}

TEST_F(FakeStripeTest, DropFaultClosesWithoutResponseAndApplyKeepsTheEffect) {
  stripe.addFaultJson(R"({"kind":"drop","method":"POST"})");
  HttpResult dropped = api->postForm("/v1/customers", "email=d%40x.com");
  EXPECT_FALSE(dropped.ok);
  EXPECT_EQ(stripe.recordCount("customers"), 0u);

  // apply: the request runs, then the response is lost: the case idempotency keys exist for.
  stripe.addFaultJson(R"({"kind":"drop","method":"POST","apply":true})");
  testing::Headers key{{"Idempotency-Key", "lost-1"}};
  EXPECT_FALSE(api->postForm("/v1/customers", "email=d%40x.com", key).ok);
  HttpResult retry = api->postForm("/v1/customers", "email=d%40x.com", key);
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(stripe.recordCount("customers"), 1u);
  EXPECT_EQ(stripe.effects().size(), 1u);
}

TEST_F(FakeStripeTest, MissingRecordsAndMissingIdFaults) {
  createCustomer("m%40x.com");
  stripe.addFaultJson(R"({"kind":"missing_records"})");
  rapidjson::Document noData = api->get("/v1/customers").json();
  ASSERT_TRUE(noData.IsObject());
  EXPECT_FALSE(noData.HasMember("data"));
  EXPECT_TRUE(noData.HasMember("has_more"));

  stripe.addFaultJson(R"({"kind":"missing_id"})");
  rapidjson::Document noIds = api->get("/v1/customers").json();
  ASSERT_EQ(noIds["data"].Size(), 1u);
  EXPECT_FALSE(noIds["data"][0].HasMember("id"));
  EXPECT_TRUE(noIds["data"][0].HasMember("email"));
  EXPECT_TRUE(api->get("/v1/customers").json()["data"][0].HasMember("id"));
}

TEST_F(FakeStripeTest, BadFaultIsRejected) {
  HttpTestClient control(stripe.baseUrl());
  EXPECT_EQ(control.postJson("/_control/faults", R"({"kind":"explode"})").status, 400);
  EXPECT_THROW(stripe.addFaultJson(R"({"status":42})"), ControlError);
}

}  // namespace fake_stripe_test
}  // namespace sluice::fakes
