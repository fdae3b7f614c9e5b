// http/request_builder.h: real catalog operations turned into HTTP requests, no network.
#include "http/request_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "catalog/catalog.h"
#include "core/error.h"
#include "core/json.h"
#include "test_support.h"

namespace sluice {
namespace request_builder_test {

using ::testing::HasSubstr;

const Catalog& catalog() {
  static const Catalog c = Catalog::load(test::catalogRoot());
  return c;
}

Connection ghlConnection(bool withLocation = true) {
  Connection c;
  c.name = "ghl";
  c.app = "ghl";
  c.baseUrl = "http://127.0.0.1:1";
  c.settings["token"] = "pit-secret";
  if (withLocation) c.settings["location_id"] = "loc_1";
  c.timeoutMs = 1234;
  return c;
}

Connection stripeConnection() {
  Connection c;
  c.name = "stripe";
  c.app = "stripe";
  c.baseUrl = "http://127.0.0.1:1";
  c.settings["api_key"] = "sk_test_x";
  return c;
}

// Every value of header `name`; a request must not carry duplicates.
std::vector<std::string> headerValues(const HttpRequest& req, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : req.headers)
    if (k == name) out.push_back(v);
  return out;
}

std::string header(const HttpRequest& req, const std::string& name) {
  const auto values = headerValues(req, name);
  EXPECT_LE(values.size(), 1u) << "header " << name << " sent more than once";
  return values.empty() ? "" : values[0];
}

class RequestBuilderTest : public ::testing::Test {
 protected:
  const App& app(const std::string& id) {
    const App* a = catalog().app(id);
    EXPECT_NE(a, nullptr) << id;
    return *a;
  }
  const Operation& op(const std::string& fullId) {
    const Operation* o = catalog().find(fullId);
    EXPECT_NE(o, nullptr) << fullId;
    return *o;
  }
  // inputs written as JSON text.
  const JsonValue& inputs(const std::string& json) {
    const auto error = parseJson(json, inputs_);
    EXPECT_FALSE(error.has_value()) << *error;
    return inputs_;
  }
  // The request's JSON body.
  const JsonDoc& body(const HttpRequest& req) {
    const auto error = parseJson(req.body, body_);
    EXPECT_FALSE(error.has_value()) << req.body;
    return body_;
  }

  JsonDoc inputs_;
  JsonDoc body_;
};

// ---------------------------------------------------------------- GHL

TEST_F(RequestBuilderTest, GhlGetContactUrlEncodesThePathParameter) {
  const HttpRequest req = buildRequest(app("ghl"), op("ghl.contacts.get_contact"), ghlConnection(),
                                       inputs(R"({"contactId":"c 1/2?x"})"));
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.url, "http://127.0.0.1:1/contacts/c%201%2F2%3Fx");
}

TEST_F(RequestBuilderTest, GhlGetContactCarriesTheAppHeadersAndNoBody) {
  const HttpRequest req = buildRequest(app("ghl"), op("ghl.contacts.get_contact"), ghlConnection(),
                                       inputs(R"({"contactId":"ct_1"})"));
  EXPECT_EQ(req.url, "http://127.0.0.1:1/contacts/ct_1");
  EXPECT_EQ(header(req, "Version"), "2021-07-28");
  EXPECT_EQ(header(req, "User-Agent"), "sluice/0.1");
  EXPECT_EQ(header(req, "Accept"), "application/json");
  EXPECT_TRUE(req.body.empty()) << req.body;
  EXPECT_TRUE(headerValues(req, "Content-Type").empty());
  EXPECT_EQ(req.timeoutMs, 1234);
}

TEST_F(RequestBuilderTest, NoAuthorizationHeaderIsAdded) {
  // Auth is the connector's job, not the builder's.
  const HttpRequest req = buildRequest(app("ghl"), op("ghl.contacts.get_contact"), ghlConnection(),
                                       inputs(R"({"contactId":"ct_1"})"));
  EXPECT_TRUE(headerValues(req, "Authorization").empty());
  for (const auto& [k, v] : req.headers) EXPECT_THAT(v, ::testing::Not(HasSubstr("pit-secret")));
}

TEST_F(RequestBuilderTest, GhlUpsertContactSendsJsonWithLocationFromConnection) {
  const HttpRequest req =
      buildRequest(app("ghl"), op("ghl.contacts.upsert_contact"), ghlConnection(),
                   inputs(R"({"email":"ada@example.com","name":"Ada","tags":["vip","stripe"],)"
                          R"("dnd":false,"customFields":[{"key":"k","value":"v"}]})"));
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "http://127.0.0.1:1/contacts/upsert");
  EXPECT_EQ(header(req, "Content-Type"), "application/json");
  const JsonDoc& b = body(req);
  ASSERT_TRUE(b.IsObject());
  EXPECT_STREQ(b["locationId"].GetString(), "loc_1");
  EXPECT_STREQ(b["email"].GetString(), "ada@example.com");
  EXPECT_STREQ(b["name"].GetString(), "Ada");
  ASSERT_TRUE(b["tags"].IsArray());
  EXPECT_EQ(b["tags"].Size(), 2u);
  ASSERT_TRUE(b["dnd"].IsBool());
  EXPECT_FALSE(b["dnd"].GetBool());
  EXPECT_STREQ(b["customFields"][0]["key"].GetString(), "k");
  EXPECT_EQ(b.MemberCount(), 6u);
}

TEST_F(RequestBuilderTest, NullInputIsLeftOutOfTheBody) {
  const HttpRequest req =
      buildRequest(app("ghl"), op("ghl.contacts.upsert_contact"), ghlConnection(),
                   inputs(R"({"email":"a@b.co","phone":null})"));
  const JsonDoc& b = body(req);
  EXPECT_FALSE(b.HasMember("phone"));
  EXPECT_TRUE(b.HasMember("email"));
}

TEST_F(RequestBuilderTest, GhlCalendarsOperationOverridesTheVersionHeader) {
  const HttpRequest req = buildRequest(app("ghl"), op("ghl.calendars.get_calendar_by_id"),
                                       ghlConnection(), inputs(R"({"calendarId":"cal_1"})"));
  EXPECT_EQ(req.url, "http://127.0.0.1:1/calendars/cal_1");
  EXPECT_EQ(headerValues(req, "Version"), std::vector<std::string>{"2021-04-15"});
  EXPECT_EQ(header(req, "User-Agent"), "sluice/0.1");
}

TEST_F(RequestBuilderTest, GhlQueryTemplateAndBooleanDefault) {
  const HttpRequest req = buildRequest(app("ghl"), op("ghl.calendars.list_calendars"),
                                       ghlConnection(), inputs(R"({"groupId":"g 1"})"));
  EXPECT_EQ(req.url,
            "http://127.0.0.1:1/calendars/?locationId=loc_1&groupId=g%201&showDrafted=true");
}

TEST_F(RequestBuilderTest, GivenInputWinsOverItsDefault) {
  const HttpRequest req = buildRequest(app("ghl"), op("ghl.calendars.list_calendars"),
                                       ghlConnection(), inputs(R"({"showDrafted":false})"));
  EXPECT_EQ(req.url, "http://127.0.0.1:1/calendars/?locationId=loc_1&showDrafted=false");
}

TEST_F(RequestBuilderTest, InputDefaultThatIsATemplateIsRendered) {
  // locationId: { in: path, default: "{{connection.location_id}}" }
  const HttpRequest req = buildRequest(app("ghl"), op("ghl.custom_fields.list_custom_fields"),
                                       ghlConnection(), inputs(R"({"model":"contact"})"));
  EXPECT_EQ(req.url, "http://127.0.0.1:1/locations/loc_1/customFields?model=contact");
}

TEST_F(RequestBuilderTest, InputDefaultIsOverriddenByAGivenValue) {
  const HttpRequest req = buildRequest(app("ghl"), op("ghl.custom_fields.list_custom_fields"),
                                       ghlConnection(), inputs(R"({"locationId":"other"})"));
  EXPECT_EQ(req.url, "http://127.0.0.1:1/locations/other/customFields");
}

// Rejected: the default renders empty (no location_id on the connection), so the path has a hole.
TEST_F(RequestBuilderTest, DefaultRenderingEmptyLeavesAnEmptyPathParameter) {
  try {
    buildRequest(app("ghl"), op("ghl.custom_fields.list_custom_fields"), ghlConnection(false),
                 inputs("{}"));
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("ghl.custom_fields.list_custom_fields"));
    EXPECT_THAT(e.what(), HasSubstr("locationId"));
  }
}

// Rejected: a required input that is not given.
TEST_F(RequestBuilderTest, MissingRequiredInputNamesOpAndInput) {
  try {
    buildRequest(app("ghl"), op("ghl.contacts.get_contact"), ghlConnection(), inputs("{}"));
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("ghl.contacts.get_contact"));
    EXPECT_THAT(e.what(), HasSubstr("'contactId'"));
  }
}

// Rejected: a required input given as null counts as missing.
TEST_F(RequestBuilderTest, NullRequiredInputIsMissing) {
  EXPECT_THROW(buildRequest(app("ghl"), op("ghl.contacts.get_contact"), ghlConnection(),
                            inputs(R"({"contactId":null})")),
               Error);
}

TEST_F(RequestBuilderTest, BodyFieldPointersBuildAnArrayBody) {
  // create_calendar_notification places every input at /0/...
  const HttpRequest req =
      buildRequest(app("ghl"), op("ghl.calendars.create_calendar_notification"), ghlConnection(),
                   inputs(R"({"calendarId":"cal_1","receiverType":"contact","channel":"email",)"
                          R"("notificationType":"booked","isActive":true})"));
  EXPECT_EQ(req.url, "http://127.0.0.1:1/calendars/cal_1/notifications");
  const JsonDoc& b = body(req);
  ASSERT_TRUE(b.IsArray()) << req.body;
  ASSERT_EQ(b.Size(), 1u);
  EXPECT_STREQ(b[0]["receiverType"].GetString(), "contact");
  EXPECT_STREQ(b[0]["channel"].GetString(), "email");
  EXPECT_TRUE(b[0]["isActive"].GetBool());
  EXPECT_FALSE(b[0].HasMember("calendarId"));
}

TEST_F(RequestBuilderTest, PageParamsInTheBodyForGhlSearch) {
  PageParams page;
  page.inBody = true;
  page.values.emplace_back("page", JsonValue(3));
  page.values.emplace_back("pageLimit", JsonValue(100));
  const HttpRequest req = buildRequest(app("ghl"), op("ghl.contacts.search_contacts"),
                                       ghlConnection(), inputs(R"({"query":"ada"})"), &page);
  EXPECT_EQ(req.url, "http://127.0.0.1:1/contacts/search");
  const JsonDoc& b = body(req);
  EXPECT_STREQ(b["locationId"].GetString(), "loc_1");
  EXPECT_STREQ(b["query"].GetString(), "ada");
  EXPECT_EQ(b["page"].GetInt(), 3);
  EXPECT_EQ(b["pageLimit"].GetInt(), 100);
}

// ---------------------------------------------------------------- Stripe

TEST_F(RequestBuilderTest, StripeCreateCustomerSendsBracketedForm) {
  const HttpRequest req = buildRequest(
      app("stripe"), op("stripe.customers.create_customer"), stripeConnection(),
      inputs(R"({"email":"ada@example.com","metadata":{"plan":"pro","ghl_id":"c1"}})"));
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "http://127.0.0.1:1/v1/customers");
  EXPECT_EQ(header(req, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(req.body, "email=ada%40example.com&metadata%5Bplan%5D=pro&metadata%5Bghl_id%5D=c1");
  EXPECT_EQ(header(req, "Stripe-Version"), "2024-04-10");
  EXPECT_EQ(header(req, "Accept"), "application/json");
}

TEST_F(RequestBuilderTest, StripeCreateCustomerWithNoInputsHasNoBody) {
  const HttpRequest req = buildRequest(app("stripe"), op("stripe.customers.create_customer"),
                                       stripeConnection(), inputs("{}"));
  EXPECT_EQ(req.url, "http://127.0.0.1:1/v1/customers");
  EXPECT_TRUE(req.body.empty()) << req.body;
}

TEST_F(RequestBuilderTest, StripeListWithPageParamsPutsStartingAfterInTheQuery) {
  PageParams page;
  page.values.emplace_back("limit", JsonValue(100));
  JsonDoc holder;
  page.values.emplace_back("starting_after", jsonString("cus_9", holder.GetAllocator()));
  const HttpRequest req =
      buildRequest(app("stripe"), op("stripe.customers.new_customer"), stripeConnection(),
                   inputs(R"({"email":"a+b@x.co"})"), &page);
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.url,
            "http://127.0.0.1:1/v1/customers?email=a%2Bb%40x.co&limit=100&starting_after=cus_9");
  EXPECT_TRUE(req.body.empty());
  EXPECT_TRUE(headerValues(req, "Content-Type").empty());
}

TEST_F(RequestBuilderTest, StripeListWithoutPageParamsHasNoQuery) {
  const HttpRequest req = buildRequest(app("stripe"), op("stripe.customers.new_customer"),
                                       stripeConnection(), inputs("{}"));
  EXPECT_EQ(req.url, "http://127.0.0.1:1/v1/customers");
}

TEST_F(RequestBuilderTest, StripeUpdateCustomerPathParameterIsNotInTheBody) {
  const HttpRequest req =
      buildRequest(app("stripe"), op("stripe.customers.update_customer"), stripeConnection(),
                   inputs(R"({"customer":"cus_1","name":"Ada"})"));
  EXPECT_EQ(req.url, "http://127.0.0.1:1/v1/customers/cus_1");
  EXPECT_EQ(req.body, "name=Ada");
}

// ---------------------------------------------------------------- connectionJson

TEST(ConnectionJsonTest, SettingsAndName) {
  Connection c = ghlConnection();
  JsonDoc doc;
  const JsonValue v = connectionJson(c, doc.GetAllocator());
  ASSERT_TRUE(v.IsObject());
  EXPECT_STREQ(v["location_id"].GetString(), "loc_1");
  EXPECT_STREQ(v["token"].GetString(), "pit-secret");
  EXPECT_STREQ(v["name"].GetString(), "ghl");
}

}  // namespace request_builder_test
}  // namespace sluice
