// The fake Stripe as a Connect platform sees it: connected accounts in newest-first pages,
// the Stripe-Account header that partitions objects, events and idempotency keys, and the 403
// of an unknown or deauthorized account.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fakes/http_test_client.h"
#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::fakes {
namespace fake_stripe_accounts_test {

using testing::HttpResult;
using testing::HttpTestClient;
using testing::str;

constexpr const char* kKey = "sk_test_connect_key_4321";

class FakeStripeAccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stripe.start();
    api = std::make_unique<HttpTestClient>(
        stripe.baseUrl(), testing::Headers{{"Authorization", std::string("Bearer ") + kKey},
                                           {"User-Agent", "sluice-test"}});
  }

  static testing::Headers in(const std::string& account) { return {{"Stripe-Account", account}}; }

  std::string customer(const std::string& email, const std::string& account = "") {
    HttpResult r = api->postForm("/v1/customers", "email=" + email, in(account));
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "id");
  }

  static std::vector<std::string> ids(const HttpResult& r) {
    std::vector<std::string> out;
    rapidjson::Document d = r.json();
    if (!d.IsObject() || !d.HasMember("data")) return out;
    for (const auto& item : d["data"].GetArray()) out.push_back(str(item, "id"));
    return out;
  }

  FakeStripe stripe{kKey};
  std::unique_ptr<HttpTestClient> api;
};

TEST_F(FakeStripeAccountsTest, AccountsAreListedNewestFirstInPages) {
  std::vector<std::string> made;
  for (int i = 0; i < 5; ++i) {
    stripe.setNow(1700000000 + i);
    made.push_back(stripe.createAccount("Shop " + std::to_string(i), R"({"pair":"loc_x"})"));
  }
  const std::vector<std::string> newestFirst(made.rbegin(), made.rend());
  HttpResult first = api->get("/v1/accounts?limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(ids(first), (std::vector<std::string>{newestFirst[0], newestFirst[1]}));
  EXPECT_TRUE(first.json()["has_more"].GetBool());
  EXPECT_EQ(str(first.json(), "url"), "/v1/accounts");
  HttpResult rest = api->get("/v1/accounts?limit=10&starting_after=" + newestFirst[1]);
  EXPECT_EQ(ids(rest), (std::vector<std::string>(newestFirst.begin() + 2, newestFirst.end())));
  EXPECT_FALSE(rest.json()["has_more"].GetBool());
  HttpResult back = api->get("/v1/accounts?limit=1&ending_before=" + newestFirst[2]);
  EXPECT_EQ(ids(back), std::vector<std::string>{newestFirst[1]});

  HttpResult one = api->get("/v1/accounts/" + made[0]);
  ASSERT_EQ(one.status, 200) << one.body;
  rapidjson::Document a = one.json();
  EXPECT_EQ(str(a, "object"), "account");
  EXPECT_EQ(str(a, "id").rfind("acct_", 0), 0u);
  EXPECT_EQ(str(a, "type"), "standard");
  EXPECT_EQ(str(a["business_profile"], "name"), "Shop 0");
  EXPECT_EQ(str(a["metadata"], "pair"), "loc_x");
  EXPECT_EQ(a["created"].GetInt64(), 1700000000);
  EXPECT_TRUE(a["charges_enabled"].GetBool());
  EXPECT_TRUE(a["payouts_enabled"].GetBool());
  // Connected accounts are the platform's business: not an account's own.
  HttpResult fromAccount = api->get("/v1/accounts", in(made[1]));
  EXPECT_EQ(fromAccount.status, 403);
  EXPECT_EQ(str(fromAccount.json()["error"], "type"), "invalid_request_error");
  EXPECT_EQ(api->get("/v1/accounts/" + made[0], in(made[1])).status, 403);
}

TEST_F(FakeStripeAccountsTest, StripeAccountPartitionsCustomersAndEvents) {
  const std::string a = stripe.createAccount("A"), b = stripe.createAccount("B");
  const std::string mine = customer("p%40x.test");
  const std::string ofA = customer("a%40x.test", a);
  const std::string ofB = stripe.inAccount(b, [&] {
    rapidjson::Document c;
    c.Parse(stripe.createCustomer("b@x.test").c_str());
    return str(c, "id");
  });
  stripe.createCustomer("a2@x.test", "", "{}", a);
  EXPECT_EQ(ids(api->get("/v1/customers")), std::vector<std::string>{mine});
  EXPECT_EQ(ids(api->get("/v1/customers", in(a))).size(), 2u);
  EXPECT_EQ(ids(api->get("/v1/customers", in(b))), std::vector<std::string>{ofB});
  EXPECT_EQ(api->get("/v1/customers/" + ofA, in(a)).status, 200);
  EXPECT_EQ(api->get("/v1/customers/" + ofA).status, 404) << "the platform cannot see it";
  EXPECT_EQ(api->get("/v1/customers/" + ofA, in(b)).status, 404);
  EXPECT_EQ(api->postForm("/v1/customers/" + ofA, "name=X", in(b)).status, 404);
  HttpResult search = api->get("/v1/customers/search?query=email%7E%27x.test%27", in(a));
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_EQ(search.json()["total_count"].GetInt(), 2);

  HttpResult events = api->get("/v1/events", in(a));
  ASSERT_EQ(events.status, 200);
  rapidjson::Document e = events.json();
  ASSERT_EQ(e["data"].Size(), 2u);
  for (const auto& event : e["data"].GetArray()) {
    EXPECT_EQ(str(event, "type"), "customer.created");
    EXPECT_EQ(str(event, "account"), a);
  }
  EXPECT_EQ(ids(api->get("/v1/events")).size(), 1u);
  EXPECT_FALSE(api->get("/v1/events").json()["data"][0].HasMember("account"));
  EXPECT_EQ(stripe.eventTypes(b), std::vector<std::string>{"customer.created"});
  EXPECT_EQ(stripe.eventTypes().size(), 1u);
}

TEST_F(FakeStripeAccountsTest, HelpersActInTheAccountTheyAreGiven) {
  const std::string a = stripe.createAccount("A");
  rapidjson::Document c, pi, inv;
  c.Parse(stripe.createCustomer("h@x.test", "H", R"({"k":"v"})", a).c_str());
  const std::string id = str(c, "id");
  pi.Parse(stripe.succeedPayment(id, 500, "usd", a).c_str());
  EXPECT_EQ(str(pi, "status"), "succeeded");
  inv.Parse(stripe.payInvoice(id, 700, a).c_str());
  EXPECT_EQ(str(inv, "status"), "paid");
  rapidjson::Document refund;
  refund.Parse(stripe.refundCharge(str(pi, "latest_charge"), 100, a).c_str());
  EXPECT_EQ(refund["amount"].GetInt(), 100);
  stripe.updateCustomer(id, R"({"name":"Hana"})", a);
  EXPECT_EQ(str(api->get("/v1/customers/" + id, in(a)).json(), "name"), "Hana");
  EXPECT_EQ(ids(api->get("/v1/payment_intents", in(a))).size(), 1u);
  EXPECT_EQ(ids(api->get("/v1/payment_intents")).size(), 0u);
  EXPECT_THROW(stripe.succeedPayment(id, 500), ControlError) << "not a platform customer";
  EXPECT_THROW(stripe.createCustomer("x@x.test", "", "{}", "acct_unknown"), ControlError);
}

TEST_F(FakeStripeAccountsTest, AnUnknownOrDeauthorizedAccountIsRefused) {
  HttpResult unknown = api->get("/v1/customers", in("acct_nope"));
  ASSERT_EQ(unknown.status, 403);
  rapidjson::Document u = unknown.json();
  EXPECT_EQ(str(u["error"], "type"), "invalid_request_error");
  EXPECT_EQ(str(u["error"], "code"), "account_invalid");
  EXPECT_EQ(str(u["error"], "message"),
            "The provided key 'sk_test_" + std::string(12, '*') +
                "4321' does not have access to account 'acct_nope' (or that account does not "
                "exist). Application access may have been revoked.");

  const std::string gone = stripe.createAccount("Gone"), kept = stripe.createAccount("Kept");
  customer("g%40x.test", gone);
  stripe.deauthorizeAccount(gone);
  EXPECT_EQ(ids(api->get("/v1/accounts")), std::vector<std::string>{kept});
  EXPECT_EQ(api->get("/v1/accounts/" + gone).status, 404);
  HttpResult refused = api->get("/v1/customers", in(gone));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(str(refused.json()["error"], "code"), "account_invalid");
  EXPECT_EQ(api->postForm("/v1/customers", "email=n%40x.test", in(gone)).status, 403);
  EXPECT_EQ(api->get("/v1/customers", in(kept)).status, 200);
  EXPECT_THROW(stripe.createCustomer("x@x.test", "", "{}", gone), ControlError);
  EXPECT_EQ(stripe.effects().size(), 1u) << "only the customer made before the deauthorization";
  HttpResult wrongKey = api->get(
      "/v1/customers", {{"Stripe-Account", "acct_nope"}, {"Authorization", "Bearer sk_test_bad"}});
  EXPECT_EQ(wrongKey.status, 401) << "the key is checked first";
}

TEST_F(FakeStripeAccountsTest, IdempotencyKeysArePerAccount) {
  const std::string a = stripe.createAccount("A");
  testing::Headers platform{{"Idempotency-Key", "same-key"}};
  testing::Headers inA{{"Idempotency-Key", "same-key"}, {"Stripe-Account", a}};
  HttpResult p1 = api->postForm("/v1/customers", "email=i%40x.test", platform);
  HttpResult a1 = api->postForm("/v1/customers", "email=i%40x.test", inA);
  ASSERT_EQ(p1.status, 200);
  ASSERT_EQ(a1.status, 200);
  EXPECT_NE(str(p1.json(), "id"), str(a1.json(), "id")) << "one key, two accounts: two customers";
  EXPECT_EQ(a1.header("Idempotent-Replayed"), "");
  HttpResult a2 = api->postForm("/v1/customers", "email=i%40x.test", inA);
  EXPECT_EQ(a2.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(str(a2.json(), "id"), str(a1.json(), "id"));
  HttpResult other = api->postForm("/v1/customers", "email=other%40x.test", inA);
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(str(other.json()["error"], "type"), "idempotency_error");
  EXPECT_EQ(ids(api->get("/v1/customers", in(a))).size(), 1u);
  EXPECT_EQ(ids(api->get("/v1/customers")).size(), 1u);
}

TEST_F(FakeStripeAccountsTest, RequestsAreCountedPerAccount) {
  const std::string a = stripe.createAccount("A"), b = stripe.createAccount("B");
  for (int i = 0; i < 3; ++i) api->get("/v1/customers", in(a));
  api->get("/v1/customers", in(b));
  api->get("/v1/customers");
  api->get("/v1/customers", in("acct_nope"));
  EXPECT_EQ(stripe.requestCount(a), 3);
  EXPECT_EQ(stripe.requestCount(b), 1);
  EXPECT_EQ(stripe.requestCount(""), 1) << "the platform's own, without the header";
  EXPECT_EQ(stripe.requestCount("acct_nope"), 1);
  EXPECT_EQ(stripe.accountRequestCount(a), 3);
  EXPECT_EQ(stripe.requestCount("GET /v1/customers"), 6) << "a route key still counts per route";
}

TEST_F(FakeStripeAccountsTest, TheDemoMakesAccountsAndTheirCustomersOverControl) {
  HttpTestClient control(stripe.baseUrl());
  HttpResult made =
      control.postJson("/_control/accounts", R"({"name":"Demo","metadata":{"pair":"loc_d"}})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string a = str(made.json(), "id");
  EXPECT_EQ(str(made.json()["business_profile"], "name"), "Demo");
  EXPECT_EQ(str(made.json()["metadata"], "pair"), "loc_d");
  HttpResult generic = control.postJson("/_control/customers", R"({"email":"g@x.test"})", in(a));
  ASSERT_EQ(generic.status, 201) << generic.body;
  HttpResult action =
      control.postJson("/_control/actions/create_customer", R"({"email":"c@x.test"})", in(a));
  ASSERT_EQ(action.status, 200) << action.body;
  EXPECT_EQ(ids(api->get("/v1/customers", in(a))).size(), 2u);
  EXPECT_EQ(ids(api->get("/v1/customers")).size(), 0u);
  EXPECT_EQ(control.get("/_control/customers", in(a)).json().Size(), 2u);
  EXPECT_EQ(control.postJson("/_control/customers", "{}", in("acct_nope")).status, 404);
  EXPECT_EQ(control.postJson("/_control/accounts/" + a + "/deauthorize", "").status, 200);
  EXPECT_EQ(api->get("/v1/customers", in(a)).status, 403);
}

}  // namespace fake_stripe_accounts_test
}  // namespace sluice::fakes
