// The fake GHL against its contract: header rules, token rotation and expiry, rate limits,
// the contact cursor list and the other endpoints a connector polls.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fakes/http_test_client.h"
#include "tools/fakes/fake_ghl.h"

namespace sluice::fakes {
namespace fake_ghl_test {

using testing::HttpResult;
using testing::HttpTestClient;
using testing::str;

constexpr const char* kToken = "pit-unit-token";
constexpr const char* kLocation = "loc_unit_1";

class FakeGhlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ghl.setStaticToken(kToken);
    ghl.start();
    api = std::make_unique<HttpTestClient>(
        ghl.baseUrl(), testing::Headers{{"Authorization", std::string("Bearer ") + kToken},
                                        {"Version", "2021-07-28"},
                                        {"User-Agent", "sluice-test/1"},
                                        {"Accept", "application/json"}});
  }

  std::string createContact(const std::string& email, const std::string& first = "Ann") {
    HttpResult r = api->postJson("/contacts/", R"({"locationId":")" + std::string(kLocation) +
                                                   R"(","firstName":")" + first + R"(","email":")" +
                                                   email + R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
    return str(r.json()["contact"], "id");
  }

  static std::vector<std::string> ids(const rapidjson::Value& list) {
    std::vector<std::string> out;
    if (!list.IsArray()) return out;
    for (const auto& item : list.GetArray()) out.push_back(str(item, "id"));
    return out;
  }

  HttpResult refresh(const std::string& refreshToken) {
    HttpTestClient anonymous(ghl.baseUrl(), {{"User-Agent", "sluice-test/1"}});
    return anonymous.postForm("/oauth/token",
                              "grant_type=refresh_token&client_id=cid&client_secret=csecret&"
                              "refresh_token=" +
                                  refreshToken);
  }

  FakeGhl ghl{kLocation};
  std::unique_ptr<HttpTestClient> api;
};

TEST_F(FakeGhlTest, EnforcesUserAgentVersionAndToken) {
  std::string path = std::string("/contacts/?locationId=") + kLocation;
  HttpTestClient bare(ghl.baseUrl(), {{"Authorization", std::string("Bearer ") + kToken},
                                      {"Version", "2021-07-28"}});
  EXPECT_EQ(bare.get(path).status, 403);

  HttpTestClient noVersion(
      ghl.baseUrl(), {{"Authorization", std::string("Bearer ") + kToken}, {"User-Agent", "x"}});
  HttpResult missing = noVersion.get(path);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(str(missing.json(), "message"), "version header was not found");
  EXPECT_EQ(missing.json()["statusCode"].GetInt(), 400);

  // Conversations want 2021-04-15; the contacts version is rejected there.
  std::string convPath = std::string("/conversations/search?locationId=") + kLocation;
  EXPECT_EQ(api->get(convPath).status, 400);
  EXPECT_EQ(api->get(convPath, {{"Version", "2021-04-15"}}).status, 200);
  EXPECT_EQ(api->get(path, {{"Version", "2021-04-15"}}).status, 400);

  HttpResult badToken = api->get(path, {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(badToken.status, 401);
  EXPECT_EQ(str(badToken.json(), "message"), "Invalid JWT");
  EXPECT_EQ(api->get(path).status, 200);
}

TEST_F(FakeGhlTest, RefreshRotatesTokensAndAccessTokensExpire) {
  ghl.setOAuthClient("cid", "csecret", "rt-initial");
  HttpResult first = refresh("rt-initial");
  ASSERT_EQ(first.status, 200) << first.body;
  rapidjson::Document grant = first.json();
  std::string access = str(grant, "access_token"), next = str(grant, "refresh_token");
  EXPECT_EQ(str(grant, "token_type"), "Bearer");
  EXPECT_EQ(str(grant, "userType"), "Location");
  EXPECT_EQ(str(grant, "locationId"), kLocation);
  EXPECT_GT(grant["expires_in"].GetInt64(), 0);
  EXPECT_NE(next, "rt-initial");
  EXPECT_EQ(ghl.currentRefreshToken(), next);

  HttpResult reused = refresh("rt-initial");
  EXPECT_EQ(reused.status, 400);
  EXPECT_EQ(str(reused.json(), "error"), "invalid_grant");

  std::string path = std::string("/contacts/?locationId=") + kLocation;
  testing::Headers bearer{{"Authorization", "Bearer " + access}};
  EXPECT_EQ(api->get(path, bearer).status, 200);
  ghl.expireAccessTokens();
  EXPECT_EQ(api->get(path, bearer).status, 401);
  EXPECT_EQ(api->get(path).status, 200);  // the static token never expires

  HttpResult second = refresh(next);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(
      api->get(path, {{"Authorization", "Bearer " + str(second.json(), "access_token")}}).status,
      200);
  EXPECT_EQ(ghl.refreshCount(), 2);

  ghl.setTokenLifetime(0);  // born expired
  EXPECT_EQ(api->get(path, {{"Authorization", "Bearer " + ghl.issueAccessToken()}}).status, 401);
  HttpTestClient control(ghl.baseUrl());
  EXPECT_EQ(control.postJson("/_control/oauth", R"({"expire_now":true})").status, 200);

  HttpTestClient anonymous(ghl.baseUrl(), {{"User-Agent", "t"}});
  EXPECT_EQ(anonymous
                .postForm("/oauth/token",
                          "grant_type=refresh_token&client_id=cid&client_secret=wrong&"
                          "refresh_token=" +
                              ghl.currentRefreshToken())
                .status,
            401);
  EXPECT_TRUE(ghl.effects().empty()) << "token grants stay out of the ledger";
}

TEST_F(FakeGhlTest, RateLimitHeadersCountDownThen429) {
  ghl.setRateLimit(3, 60000);
  std::string path = std::string("/contacts/?locationId=") + kLocation;
  for (int i = 0; i < 3; ++i) {
    HttpResult r = api->get(path);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("X-RateLimit-Remaining"), std::to_string(2 - i));
    EXPECT_EQ(r.header("X-RateLimit-Max"), "3");
    EXPECT_EQ(r.header("X-RateLimit-Interval-Milliseconds"), "60000");
    EXPECT_FALSE(r.header("X-RateLimit-Daily-Remaining").empty());
    EXPECT_FALSE(r.header("X-RateLimit-Limit-Daily").empty());
  }
  HttpResult limited = api->get(path);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(str(limited.json(), "message"), "Too Many Requests");
  EXPECT_EQ(limited.header("X-RateLimit-Remaining"), "0");
}

TEST_F(FakeGhlTest, ContactLifecycleAndDuplicates) {
  std::string id = createContact("Ann@Example.com");
  HttpResult dup =
      api->postJson("/contacts/", R"({"locationId":"loc_unit_1","email":"ann@example.com"})");
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(dup.json()["statusCode"].GetInt(), 400);

  HttpResult got = api->get("/contacts/" + id);
  ASSERT_EQ(got.status, 200);
  rapidjson::Document c = got.json();
  EXPECT_EQ(str(c["contact"], "email"), "ann@example.com");
  EXPECT_EQ(str(c["contact"], "locationId"), kLocation);
  EXPECT_EQ(str(c["contact"], "dateAdded").size(), 24u);  // 2024-01-01T00:00:00.000Z

  HttpResult put = api->putJson("/contacts/" + id, R"({"lastName":"Lee","tags":["A","b"]})");
  ASSERT_EQ(put.status, 200);
  EXPECT_EQ(str(put.json()["contact"], "name"), "Ann Lee");

  HttpResult up =
      api->postJson("/contacts/upsert",
                    R"({"locationId":"loc_unit_1","email":"ann@example.com","phone":"+1555"})");
  EXPECT_FALSE(up.json()["new"].GetBool());
  EXPECT_EQ(str(up.json()["contact"], "id"), id);
  HttpResult fresh =
      api->postJson("/contacts/upsert", R"({"locationId":"loc_unit_1","email":"new@example.com"})");
  EXPECT_TRUE(fresh.json()["new"].GetBool());
  EXPECT_FALSE(str(fresh.json(), "traceId").empty());

  HttpResult tags = api->postJson("/contacts/" + id + "/tags", R"({"tags":["c"]})");
  ASSERT_EQ(tags.status, 201);
  EXPECT_EQ(tags.json()["tags"].Size(), 3u);
  HttpResult removed = api->del("/contacts/" + id + "/tags", R"({"tags":["a"]})");
  EXPECT_EQ(removed.json()["tags"].Size(), 2u);

  HttpResult dupCheck =
      api->get("/contacts/search/duplicate?locationId=loc_unit_1&email=ann%40example.com");
  EXPECT_EQ(str(dupCheck.json()["contact"], "id"), id);

  EXPECT_EQ(api->del("/contacts/" + id).status, 200);
  EXPECT_EQ(api->get("/contacts/" + id).status, 404);
  EXPECT_EQ(api->postJson("/contacts/", R"({"firstName":"x"})").status, 422);
}

TEST_F(FakeGhlTest, ContactListPagesNewestFirstThroughSameMillisecond) {
  ghl.setNow(1700000000);
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) created.push_back(createContact("p" + std::to_string(i) + "@x.com"));
  std::vector<std::string> expected(created.rbegin(), created.rend());
  std::vector<std::string> seen;
  std::string query = std::string("/contacts/?locationId=") + kLocation + "&limit=2";
  for (int page = 0; page < 10; ++page) {
    HttpResult r = api->get(query);
    ASSERT_EQ(r.status, 200) << r.body;
    rapidjson::Document d = r.json();
    std::vector<std::string> got = ids(d["contacts"]);
    seen.insert(seen.end(), got.begin(), got.end());
    EXPECT_EQ(d["meta"]["total"].GetInt(), 5);
    if (d["meta"]["nextPageUrl"].IsNull()) break;
    query = std::string("/contacts/?locationId=") + kLocation +
            "&limit=2&startAfter=" + std::to_string(d["meta"]["startAfter"].GetInt64()) +
            "&startAfterId=" + str(d["meta"], "startAfterId");
  }
  EXPECT_EQ(seen, expected);

  // Another location sees none of them.
  ghl.createRecord("locations", R"({"id":"loc_other","name":"Other","companyId":"c"})");
  ghl.createContact(R"({"locationId":"loc_other","email":"o@x.com"})");
  HttpResult other = api->get("/contacts/?locationId=loc_other");
  EXPECT_EQ(other.json()["contacts"].Size(), 1u);
  EXPECT_EQ(
      api->get(std::string("/contacts/?locationId=") + kLocation).json()["meta"]["total"].GetInt(),
      5);
  EXPECT_EQ(api->get("/contacts/").status, 422);
}

TEST_F(FakeGhlTest, SearchFiltersByEmail) {
  createContact("one@x.com", "One");
  std::string two = createContact("two@x.com", "Two");
  HttpResult r = api->postJson("/contacts/search",
                               R"({"locationId":"loc_unit_1","page":1,"pageLimit":10,
                                   "filters":[{"field":"email","operator":"eq","value":"two@x.com"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r.json()["contacts"]), std::vector<std::string>{two});
  EXPECT_EQ(r.json()["total"].GetInt(), 1);
  HttpResult all =
      api->postJson("/contacts/search", R"({"locationId":"loc_unit_1","query":"x.com"})");
  EXPECT_EQ(all.json()["total"].GetInt(), 2);
  EXPECT_EQ(ghl.effects().size(), 2u) << "the two creates; a search changes nothing";
}

TEST_F(FakeGhlTest, SearchesGoOnRightAfterTheirCursor) {
  ghl.setNow(1700000000);  // one second: the order comes from insertion alone
  std::vector<std::string> made;
  for (int i = 0; i < 3; ++i) made.push_back(createContact("s" + std::to_string(i) + "@x.com"));

  // Contacts search: each contact carries searchAfter [dateAddedMs, id] to continue after it.
  HttpResult first =
      api->postJson("/contacts/search", R"({"locationId":"loc_unit_1","pageLimit":1})");
  ASSERT_EQ(first.status, 200) << first.body;
  rapidjson::Document f = first.json();
  ASSERT_EQ(ids(f["contacts"]), std::vector<std::string>{made[2]});
  const rapidjson::Value& after = f["contacts"][0]["searchAfter"];
  ASSERT_TRUE(after.IsArray() && after.Size() == 2u);
  std::string rest = R"({"locationId":"loc_unit_1","pageLimit":5,"searchAfter":[)" +
                     std::to_string(after[0].GetInt64()) + R"(,")" + after[1].GetString() +
                     R"("]})";
  EXPECT_EQ(ids(api->postJson("/contacts/search", rest).json()["contacts"]),
            (std::vector<std::string>{made[1], made[0]}));
  HttpResult unknown =
      api->postJson("/contacts/search", R"({"locationId":"loc_unit_1","searchAfter":[0,"nope"]})");
  EXPECT_EQ(unknown.json()["contacts"].Size(), 0u);

  // Opportunities search: startAfterId likewise.
  std::vector<std::string> deals;
  for (const std::string& contact : made) {
    HttpResult d = api->postJson("/opportunities/",
                                 R"({"pipelineId":"p1","locationId":"loc_unit_1","name":"Deal",
                                     "status":"open","contactId":")" +
                                     contact + R"("})");
    ASSERT_EQ(d.status, 201) << d.body;
    deals.push_back(str(d.json()["opportunity"], "id"));
  }
  std::string search = "/opportunities/search?location_id=loc_unit_1";
  rapidjson::Document top = api->get(search + "&limit=1").json();
  ASSERT_EQ(ids(top["opportunities"]), std::vector<std::string>{deals[2]});
  EXPECT_EQ(str(top["meta"], "startAfterId"), deals[2]);
  EXPECT_EQ(ids(api->get(search + "&startAfterId=" + deals[2]).json()["opportunities"]),
            (std::vector<std::string>{deals[1], deals[0]}));
  EXPECT_EQ(api->get(search + "&startAfterId=nope").json()["opportunities"].Size(), 0u);
}

TEST_F(FakeGhlTest, NotesAndTasks) {
  std::string id = createContact("n@x.com");
  HttpResult bad = api->postJson("/contacts/" + id + "/notes", "{}");
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(bad.json()["message"].IsArray());
  HttpResult note = api->postJson("/contacts/" + id + "/notes", R"({"body":"hello"})");
  ASSERT_EQ(note.status, 201);
  EXPECT_EQ(str(note.json()["note"], "body"), "hello");
  EXPECT_EQ(api->get("/contacts/" + id + "/notes").json()["notes"].Size(), 1u);

  HttpResult task =
      api->postJson("/contacts/" + id + "/tasks",
                    R"({"title":"Call","dueDate":"2030-01-01T00:00:00Z","completed":false})");
  ASSERT_EQ(task.status, 201) << task.body;
  std::string taskId = str(task.json()["task"], "id");
  HttpResult done =
      api->putJson("/contacts/" + id + "/tasks/" + taskId + "/completed", R"({"completed":true})");
  EXPECT_TRUE(done.json()["task"]["completed"].GetBool());
  EXPECT_EQ(api->get("/contacts/" + id + "/tasks").json()["tasks"].Size(), 1u);
}

TEST_F(FakeGhlTest, ConversationsAndMessagePaging) {
  std::string id = createContact("c@x.com");
  testing::Headers v{{"Version", "2021-04-15"}};
  for (int i = 0; i < 3; ++i) {
    HttpResult sent = api->postJson(
        "/conversations/messages",
        R"({"type":"SMS","contactId":")" + id + R"(","message":"m)" + std::to_string(i) + R"("})",
        v);
    ASSERT_EQ(sent.status, 201) << sent.body;
    EXPECT_FALSE(str(sent.json(), "messageId").empty());
  }
  ghl.receiveMessage(id, "inbound hi");
  HttpResult search = api->get(std::string("/conversations/search?locationId=") + kLocation, v);
  ASSERT_EQ(search.status, 200);
  rapidjson::Document s = search.json();
  ASSERT_EQ(s["conversations"].Size(), 1u);
  EXPECT_EQ(str(s["conversations"][0], "lastMessageBody"), "inbound hi");
  std::string conv = str(s["conversations"][0], "id");

  HttpResult page1 = api->get("/conversations/" + conv + "/messages?limit=3", v);
  rapidjson::Document p1 = page1.json();
  ASSERT_EQ(p1["messages"]["messages"].Size(), 3u);
  EXPECT_TRUE(p1["messages"]["nextPage"].GetBool());
  EXPECT_EQ(str(p1["messages"]["messages"][0], "body"), "inbound hi");
  HttpResult page2 = api->get("/conversations/" + conv + "/messages?limit=3&lastMessageId=" +
                                  str(p1["messages"], "lastMessageId"),
                              v);
  rapidjson::Document p2 = page2.json();
  ASSERT_EQ(p2["messages"]["messages"].Size(), 1u);
  EXPECT_EQ(str(p2["messages"]["messages"][0], "body"), "m0");
  EXPECT_FALSE(p2["messages"]["nextPage"].GetBool());

  HttpResult again = api->postJson("/conversations/",
                                   R"({"locationId":"loc_unit_1","contactId":")" + id + R"("})", v);
  EXPECT_EQ(again.status, 400);
}

TEST_F(FakeGhlTest, PaymentsListWithOffsetPaging) {
  std::string id = createContact("pay@x.com");
  for (int i = 0; i < 3; ++i) ghl.createOrder(id, 10.0 * (i + 1));
  ghl.createTransaction(id, 25.5);
  EXPECT_EQ(api->get("/payments/orders").status, 422);
  HttpResult page = api->get(std::string("/payments/orders?altId=") + kLocation +
                             "&altType=location&limit=2&offset=2");
  ASSERT_EQ(page.status, 200) << page.body;
  rapidjson::Document d = page.json();
  EXPECT_EQ(d["totalCount"].GetInt(), 3);
  ASSERT_EQ(d["data"].Size(), 1u);
  EXPECT_EQ(d["data"][0]["amount"].GetDouble(), 10.0);  // oldest is last
  std::string orderId = str(d["data"][0], "_id");
  EXPECT_EQ(
      api->get("/payments/orders/" + orderId + "?altId=" + kLocation + "&altType=location").status,
      200);
  HttpResult tx = api->get(std::string("/payments/transactions?altId=") + kLocation +
                           "&altType=location&contactId=" + id);
  EXPECT_EQ(tx.json()["data"].Size(), 1u);
  EXPECT_FALSE(str(tx.json()["data"][0], "createdAt").empty());
  // Orders and transactions begin alike: their location, the contact, the currency.
  rapidjson::Document txs = tx.json();
  for (const rapidjson::Value* item : {&d["data"][0], &txs["data"][0]}) {
    EXPECT_EQ(str(*item, "altId"), kLocation);
    EXPECT_EQ(str(*item, "altType"), "location");
    EXPECT_EQ(str(*item, "contactId"), id);
    EXPECT_EQ(str(*item, "contactEmail"), "pay@x.com");
    EXPECT_EQ(str(*item, "currency"), "USD");
    EXPECT_EQ(str(*item, "_id").size(), 24u);
  }
}

TEST_F(FakeGhlTest, OpportunitiesLocationsAndUsers) {
  std::string id = createContact("o@x.com");
  HttpResult made = api->postJson("/opportunities/",
                                  R"({"pipelineId":"p1","locationId":"loc_unit_1","name":"Deal",
                                      "status":"open","contactId":")" +
                                      id + R"("})");
  ASSERT_EQ(made.status, 201) << made.body;
  HttpResult found = api->get("/opportunities/search?location_id=loc_unit_1&contact_id=" + id);
  EXPECT_EQ(found.json()["opportunities"].Size(), 1u);
  EXPECT_EQ(found.json()["meta"]["total"].GetInt(), 1);
  EXPECT_EQ(str(api->get(std::string("/locations/") + kLocation).json()["location"], "id"),
            kLocation);
  EXPECT_EQ(api->get(std::string("/users/?locationId=") + kLocation).json()["users"].Size(), 1u);
  HttpResult loc = api->postJson("/locations/", R"({"name":"New","companyId":"comp"})");
  EXPECT_EQ(loc.status, 201);
}

TEST_F(FakeGhlTest, EffectsLedgerRecordsAnIdempotencyHeader) {
  api->postJson("/contacts/", R"({"locationId":"loc_unit_1","email":"l@x.com"})",
                {{"Idempotency-Key", "run1-step2"}});
  api->get(std::string("/contacts/?locationId=") + kLocation);
  api->postJson("/contacts/", R"({"locationId":"loc_unit_1","email":"l@x.com"})");  // dup: 400
  std::vector<Effect> effects = ghl.effects();
  ASSERT_EQ(effects.size(), 1u);
  EXPECT_EQ(effects[0].idempotencyKey, "run1-step2");
  EXPECT_EQ(effects[0].method, "POST");
  HttpTestClient control(ghl.baseUrl());
  rapidjson::Document d = control.get("/_control/effects").json();
  EXPECT_EQ(str(d["effects"][0], "idempotency_key"), "run1-step2");
  EXPECT_EQ(control.get("/_control/requests").json()["POST /contacts/"].GetInt(), 2);
}

TEST_F(FakeGhlTest, FaultsRewriteGhlShapes) {
  std::string id = createContact("f@x.com");
  ghl.receiveMessage(id, "hi");
  std::string conv =
      str(rapidjson::Document().Parse(ghl.listRecords("conversations").c_str())[0], "id");
  testing::Headers v{{"Version", "2021-04-15"}};

  ghl.addFaultJson(R"({"kind":"missing_records","match":"/contacts"})");
  rapidjson::Document noRecords =
      api->get(std::string("/contacts/?locationId=") + kLocation).json();
  EXPECT_FALSE(noRecords.HasMember("contacts"));
  EXPECT_TRUE(noRecords.HasMember("meta"));

  ghl.addFaultJson(R"({"kind":"missing_id"})");
  rapidjson::Document noIds = api->get("/conversations/" + conv + "/messages", v).json();
  ASSERT_EQ(noIds["messages"]["messages"].Size(), 1u);
  EXPECT_FALSE(noIds["messages"]["messages"][0].HasMember("id"));

  ghl.addFaultJson(R"({"status":500,"message":"boom"})");
  HttpResult err = api->get("/contacts/" + id);
  EXPECT_EQ(err.status, 500);
  EXPECT_EQ(str(err.json(), "message"), "boom");
  EXPECT_FALSE(err.header("X-RateLimit-Remaining").empty());

  ghl.addFaultJson(R"({"kind":"drop"})");
  EXPECT_FALSE(api->get("/contacts/" + id).ok);
  EXPECT_EQ(api->get("/contacts/" + id).status, 200);
}

TEST_F(FakeGhlTest, ControlRecordsAndReset) {
  HttpTestClient control(ghl.baseUrl());
  HttpResult c =
      control.postJson("/_control/contacts", R"({"email":"ctl@x.com","locationId":"loc_unit_1"})");
  ASSERT_EQ(c.status, 201) << c.body;
  std::string id = str(c.json(), "id");
  EXPECT_EQ(
      control
          .request("PATCH", "/_control/contacts/" + id, R"({"firstName":"Z"})", "application/json")
          .status,
      200);
  EXPECT_EQ(str(api->get("/contacts/" + id).json()["contact"], "firstName"), "Z");
  EXPECT_EQ(control.get("/_control/contacts").json().Size(), 1u);
  EXPECT_EQ(control.del("/_control/contacts/" + id).status, 200);
  EXPECT_EQ(control.postJson("/_control/notes", R"({"body":"x","contactId":"missing"})").status,
            404);
  EXPECT_EQ(control.postJson("/_control/reset", "").status, 200);
  EXPECT_EQ(ghl.recordCount("contacts"), 0u);
  EXPECT_EQ(ghl.recordCount("locations"), 1u);  // the default location comes back
}

TEST_F(FakeGhlTest, ControlDateAddedPlacesTheRecordInTheList) {
  rapidjson::Document old;
  old.Parse(ghl.createRecord("contacts", R"({"locationId":"loc_unit_1","email":"old@x.com",
                                             "dateAdded":"2020-01-01T00:00:00.000Z"})")
                .c_str());
  std::string older = str(old, "id");
  std::string newer = createContact("new@x.com");
  HttpResult list = api->get(std::string("/contacts/?locationId=") + kLocation);
  EXPECT_EQ(ids(list.json()["contacts"]), (std::vector<std::string>{newer, older}));
  EXPECT_EQ(str(list.json()["contacts"][1], "dateAdded"), "2020-01-01T00:00:00.000Z");

  rapidjson::Document updated;
  updated.Parse(ghl.updateRecord("contacts", older, R"({"email":"MiXed@X.com"})").c_str());
  EXPECT_EQ(str(updated, "email"), "mixed@x.com");
  EXPECT_THROW(ghl.updateRecord("contacts", "nope", "{}"), ControlError);
}

}  // namespace fake_ghl_test
}  // namespace sluice::fakes
