// The fake GHL as an agency sees it (oauth.json): the marketplace app's authorization-code
// grant and Company tokens, installed locations in pages, location tokens, tokens that act
// only in their own location, rate limits per location, uninstalls and revoked installs.
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fakes/http_test_client.h"
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_json.h"

namespace sluice::fakes {
namespace fake_ghl_agency_test {

using testing::HttpResult;
using testing::HttpTestClient;
using testing::str;

constexpr const char* kClient = "app-client-1";
constexpr const char* kSecret = "app-secret-1";
constexpr const char* kRedirect = "http://127.0.0.1:9/callback";
constexpr const char* kStatic = "pit-static-token";

class FakeGhlAgencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ghl.setOAuthApp(kClient, kSecret, kRedirect);
    ghl.setStaticToken(kStatic);
    ghl.start();
  }

  HttpResult grant(const std::string& form) const {
    HttpTestClient anonymous(ghl.baseUrl(), {{"User-Agent", "sluice-test/1"}});
    return anonymous.postForm("/oauth/token", form);
  }

  HttpResult trade(const std::string& code, const std::string& extra = "") const {
    return grant(std::string("grant_type=authorization_code&client_id=") + kClient +
                 "&client_secret=" + kSecret + "&code=" + code + "&redirect_uri=" + kRedirect +
                 extra);
  }

  // A Company token from a fresh authorization code.
  std::string companyToken(const std::string& scopes = FakeGhl::kAppScopes) {
    HttpResult r = trade(ghl.authorizationCode("Company", scopes), "&user_type=Company");
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "access_token");
  }

  HttpTestClient as(const std::string& token, const std::string& version = "2021-07-28") const {
    return HttpTestClient(ghl.baseUrl(), {{"Authorization", "Bearer " + token},
                                          {"Version", version},
                                          {"User-Agent", "sluice-test/1"}});
  }

  HttpResult requestLocationToken(const std::string& company, const std::string& location) const {
    return as(company).postForm("/oauth/locationToken",
                                "companyId=" + ghl.companyId() + "&locationId=" + location);
  }

  std::string locationToken(const std::string& company, const std::string& location) {
    HttpResult r = requestLocationToken(company, location);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "access_token");
  }

  HttpResult installed(const std::string& token, const std::string& query) const {
    return as(token).get("/oauth/installedLocations?companyId=" + ghl.companyId() +
                         "&appId=app_fake_0001" + query);
  }

  std::string contactIn(const std::string& location, const std::string& email) {
    rapidjson::Document c;
    c.Parse(ghl.createContact(R"({"locationId":")" + location + R"(","email":")" + email + "\"}")
                .c_str());
    return str(c, "id");
  }

  FakeGhl ghl;
};

TEST_F(FakeGhlAgencyTest, AnAuthorizationCodeIsTradedOnceForACompanyToken) {
  const std::string code = ghl.authorizationCode();
  HttpResult first = trade(code, "&user_type=Company");
  ASSERT_EQ(first.status, 200) << first.body;
  rapidjson::Document t = first.json();
  EXPECT_EQ(str(t, "token_type"), "Bearer");
  EXPECT_EQ(str(t, "userType"), "Company");
  EXPECT_EQ(str(t, "companyId"), "comp_fake_0001");
  EXPECT_EQ(str(t, "userId"), "user_fake_0001");
  EXPECT_EQ(str(t, "scope"), FakeGhl::kAppScopes);
  EXPECT_GT(t["expires_in"].GetInt64(), 0);
  EXPECT_FALSE(str(t, "refresh_token").empty());
  EXPECT_TRUE(t["isBulkInstallation"].GetBool());
  EXPECT_FALSE(t.HasMember("locationId")) << "only a Location token names a location";
  EXPECT_EQ(ghl.authorizationCodeGrants(), 1);

  HttpResult again = trade(code);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(str(again.json(), "error"), "invalid_grant");
  EXPECT_EQ(trade("never-issued").status, 400);
  EXPECT_EQ(ghl.authorizationCodeGrants(), 1);
  EXPECT_TRUE(ghl.effects().empty()) << "token grants stay out of the ledger";
}

TEST_F(FakeGhlAgencyTest, AWrongClientOrRedirectUriIsRefusedAndTheCodeStaysGood) {
  const std::string code = ghl.authorizationCode();
  HttpResult wrongSecret = grant("grant_type=authorization_code&client_id=" + std::string(kClient) +
                                 "&client_secret=nope&code=" + code + "&redirect_uri=" + kRedirect);
  EXPECT_EQ(wrongSecret.status, 401);
  EXPECT_EQ(str(wrongSecret.json(), "error"), "invalid_client");
  HttpResult wrongClient =
      grant("grant_type=authorization_code&client_id=other&client_secret=" + std::string(kSecret) +
            "&code=" + code);
  EXPECT_EQ(wrongClient.status, 401);
  HttpResult wrongRedirect =
      grant("grant_type=authorization_code&client_id=" + std::string(kClient) + "&client_secret=" +
            kSecret + "&code=" + code + "&redirect_uri=http://127.0.0.1:9/elsewhere");
  EXPECT_EQ(wrongRedirect.status, 400);
  EXPECT_EQ(str(wrongRedirect.json(), "error"), "invalid_grant");
  HttpResult wrongType = trade(code, "&user_type=Location");
  EXPECT_EQ(wrongType.status, 400) << "the code was approved for a Company";
  EXPECT_EQ(grant("client_id=" + std::string(kClient)).status, 422);
  EXPECT_EQ(trade(code).status, 200) << "a refused attempt does not use the code up";
}

TEST_F(FakeGhlAgencyTest, ACompanyRefreshRotatesAndKeepsWhatTheTokenIs) {
  HttpResult first = trade(ghl.authorizationCode("Company", "oauth.readonly oauth.write"));
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string refresh = str(first.json(), "refresh_token");
  const std::string form = std::string("grant_type=refresh_token&client_id=") + kClient +
                           "&client_secret=" + kSecret + "&user_type=Company&refresh_token=";
  HttpResult second = grant(form + refresh);
  ASSERT_EQ(second.status, 200) << second.body;
  rapidjson::Document t = second.json();
  EXPECT_EQ(str(t, "userType"), "Company");
  EXPECT_EQ(str(t, "companyId"), "comp_fake_0001");
  EXPECT_EQ(str(t, "scope"), "oauth.readonly oauth.write");
  EXPECT_NE(str(t, "refresh_token"), refresh);
  EXPECT_NE(str(t, "access_token"), str(first.json(), "access_token"));
  EXPECT_EQ(ghl.refreshCount(), 1);

  HttpResult reused = grant(form + refresh);
  EXPECT_EQ(reused.status, 400) << "the used refresh token died";
  EXPECT_EQ(str(reused.json(), "error"), "invalid_grant");
  EXPECT_EQ(grant(form + str(t, "refresh_token")).status, 200);
  // The new access token is a Company token: it may list the installs.
  EXPECT_EQ(installed(str(t, "access_token"), "").status, 200);
}

TEST_F(FakeGhlAgencyTest, InstalledLocationsComeInStablePagesWithTheTotal) {
  std::vector<std::string> added{ghl.locationId()};  // the app comes installed there
  for (int i = 1; i < 45; ++i) {
    added.push_back("loc_" + std::string(i < 10 ? "0" : "") + std::to_string(i));
    ghl.addLocation(added.back(), "Shop " + std::to_string(i));
  }
  const std::string company = companyToken();
  std::vector<std::string> seen;
  std::vector<std::size_t> sizes;
  for (int skip = 0; skip < 100; skip += 20) {
    HttpResult page = installed(company, "&isInstalled=true&limit=20&skip=" + std::to_string(skip));
    ASSERT_EQ(page.status, 200) << page.body;
    rapidjson::Document d = page.json();
    EXPECT_EQ(d["count"].GetInt(), 45);
    if (d["locations"].Empty()) break;
    sizes.push_back(d["locations"].Size());
    for (const auto& loc : d["locations"].GetArray()) {
      seen.push_back(str(loc, "_id"));
      EXPECT_TRUE(loc["isInstalled"].GetBool());
      EXPECT_EQ(str(loc, "installedAt").size(), 24u);
      EXPECT_FALSE(str(loc, "address").empty());
    }
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{20, 20, 5}));
  EXPECT_EQ(seen, added) << "every install once, in the order they were added";
  EXPECT_EQ(installed(company, "&isInstalled=true").json()["locations"].Size(), 20u)
      << "limit defaults to 20";
  HttpResult named = installed(company, "&isInstalled=true&query=shop%2044");
  ASSERT_EQ(named.json()["locations"].Size(), 1u);
  EXPECT_EQ(str(named.json()["locations"][0], "name"), "Shop 44");
  EXPECT_EQ(as(company).get("/oauth/installedLocations?appId=app_fake_0001").status, 422);
}

TEST_F(FakeGhlAgencyTest, AnUninstalledLocationLeavesTheListAndItsTokensStop) {
  for (const char* id : {"loc_a", "loc_b", "loc_c"}) ghl.addLocation(id);
  const std::string company = companyToken();
  const std::string b = locationToken(company, "loc_b");
  EXPECT_EQ(as(b).get("/contacts/?locationId=loc_b").status, 200);
  ghl.uninstallLocation("loc_b");
  EXPECT_EQ(ghl.installedLocationIds(),
            (std::vector<std::string>{ghl.locationId(), "loc_a", "loc_c"}));
  HttpResult list = installed(company, "&isInstalled=true");
  EXPECT_EQ(list.json()["count"].GetInt(), 3);
  const auto listed = list.json();  // kept: the loop must not outlive the document
  for (const auto& loc : listed["locations"].GetArray()) EXPECT_NE(str(loc, "_id"), "loc_b");
  // Without the filter every location of the company shows, with whether the app is there.
  HttpResult all = installed(company, "&locationId=loc_b");
  ASSERT_EQ(all.json()["locations"].Size(), 1u);
  EXPECT_FALSE(all.json()["locations"][0]["isInstalled"].GetBool());
  EXPECT_EQ(as(b).get("/contacts/?locationId=loc_b").status, 401);
  HttpResult refused = requestLocationToken(company, "loc_b");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(str(refused.json(), "message").find("has not installed this app"), std::string::npos);
  ghl.installLocation("loc_b");
  EXPECT_EQ(requestLocationToken(company, "loc_b").status, 200);
}

TEST_F(FakeGhlAgencyTest, ALocationTokenComesFromACompanyTokenWithOAuthWrite) {
  ghl.addLocation("loc_a", "Alpha");
  HttpResult r = requestLocationToken(companyToken(), "loc_a");
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document t = r.json();
  EXPECT_EQ(str(t, "token_type"), "Bearer");
  EXPECT_EQ(str(t, "locationId"), "loc_a");
  EXPECT_EQ(str(t, "userId"), "user_fake_0001");
  EXPECT_EQ(str(t, "appId"), "app_fake_0001");
  EXPECT_EQ(str(t, "scope"), FakeGhl::kAppScopes);
  EXPECT_EQ(ghl.locationTokenGrants("loc_a"), 1);

  HttpResult readOnly = requestLocationToken(companyToken("oauth.readonly"), "loc_a");
  EXPECT_EQ(readOnly.status, 401);
  EXPECT_EQ(str(readOnly.json(), "message"), "The token is not authorized for this scope.");
  EXPECT_EQ(requestLocationToken(str(t, "access_token"), "loc_a").status, 401);
  EXPECT_EQ(requestLocationToken(kStatic, "loc_a").status, 401);
  HttpResult unknown = requestLocationToken(companyToken(), "loc_nowhere");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(str(unknown.json(), "message").find("loc_nowhere"), std::string::npos);
  EXPECT_EQ(ghl.locationTokenGrants("loc_a"), 1);
  HttpTestClient noVersion(ghl.baseUrl(),
                           {{"Authorization", "Bearer " + companyToken()}, {"User-Agent", "t"}});
  EXPECT_EQ(noVersion.postForm("/oauth/locationToken", "companyId=comp_fake_0001&locationId=loc_a")
                .status,
            400);
}

TEST_F(FakeGhlAgencyTest, InstalledLocationsNeedACompanyTokenWithOAuthReadonly) {
  ghl.addLocation("loc_a");
  HttpResult noScope = installed(companyToken("oauth.write"), "");
  EXPECT_EQ(noScope.status, 401);
  EXPECT_EQ(str(noScope.json(), "message"), "The token is not authorized for this scope.");
  EXPECT_EQ(noScope.json()["statusCode"].GetInt(), 401);
  const std::string a = locationToken(companyToken(), "loc_a");
  EXPECT_EQ(installed(a, "").status, 401);
  EXPECT_EQ(installed(companyToken(), "").status, 200);
}

TEST_F(FakeGhlAgencyTest, ALocationTokenActsInItsOwnLocationOnly) {
  for (const char* id : {"loc_a", "loc_b"}) ghl.addLocation(id);
  const std::string a = locationToken(companyToken(), "loc_a");
  const std::string theirs = contactIn("loc_b", "b@x.test");
  HttpTestClient api = as(a);
  HttpResult elsewhere = api.get("/contacts/?locationId=loc_b");
  EXPECT_EQ(elsewhere.status, 403);
  EXPECT_EQ(elsewhere.json()["statusCode"].GetInt(), 403);
  EXPECT_EQ(str(elsewhere.json(), "message"), "The token does not have access to this location");
  EXPECT_EQ(api.get("/contacts/" + theirs).status, 403);
  EXPECT_EQ(api.postJson("/contacts/" + theirs + "/tags", R"({"tags":["x"]})").status, 403);
  EXPECT_EQ(api.postJson("/contacts/", R"({"locationId":"loc_b","email":"n@x.test"})").status, 403);
  EXPECT_EQ(api.get("/locations/loc_b").status, 403);
  EXPECT_EQ(api.get("/payments/orders?altId=loc_b&altType=location").status, 403);
  EXPECT_EQ(api.get("/opportunities/search?location_id=loc_b").status, 403);
  EXPECT_EQ(ghl.getRecord("contacts", theirs).find("\"x\""), std::string::npos);

  HttpResult made = api.postJson("/contacts/", R"({"locationId":"loc_a","email":"a@x.test"})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string mine = str(made.json()["contact"], "id");
  EXPECT_EQ(str(made.json()["contact"], "locationId"), "loc_a");
  EXPECT_EQ(api.get("/contacts/" + mine).status, 200);
  EXPECT_EQ(api.get("/locations/loc_a").status, 200);
  HttpResult list = api.get("/contacts/?locationId=loc_a");
  ASSERT_EQ(list.json()["contacts"].Size(), 1u);
  EXPECT_EQ(str(list.json()["contacts"][0], "id"), mine);
  // The static token still acts everywhere.
  EXPECT_EQ(as(kStatic).get("/contacts/?locationId=loc_b").json()["contacts"].Size(), 1u);
}

TEST_F(FakeGhlAgencyTest, ACompanyTokenIsRefusedOnASubAccountsData) {
  ghl.addLocation("loc_a");
  HttpResult r = as(companyToken()).get("/contacts/?locationId=loc_a");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(str(r.json(), "message"), "This route is not yet supported by the IAM Service.");
  EXPECT_EQ(as(companyToken()).get("/locations/loc_a").status, 200);
}

TEST_F(FakeGhlAgencyTest, ALocationCodeGivesALocationTokenBoundToThatLocation) {
  ghl.addLocation("loc_b");
  HttpResult r =
      trade(ghl.authorizationCode("Location", "contacts.readonly", "loc_c"), "&user_type=Location");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json(), "userType"), "Location");
  EXPECT_EQ(str(r.json(), "locationId"), "loc_c");
  EXPECT_FALSE(r.json()["isBulkInstallation"].GetBool());
  EXPECT_EQ(ghl.installedLocationIds(),
            (std::vector<std::string>{ghl.locationId(), "loc_b", "loc_c"}))
      << "approving the app in loc_c installed it there";
  HttpTestClient api = as(str(r.json(), "access_token"));
  EXPECT_EQ(api.get("/contacts/?locationId=loc_c").status, 200);
  EXPECT_EQ(api.get("/contacts/?locationId=loc_b").status, 403);
}

TEST_F(FakeGhlAgencyTest, RateLimitsAreKeptPerLocation) {
  for (const char* id : {"loc_a", "loc_b"}) ghl.addLocation(id);
  const std::string company = companyToken();
  const std::string a = locationToken(company, "loc_a"), b = locationToken(company, "loc_b");
  ghl.setRateLimit(3, 60000);
  for (int i = 0; i < 3; ++i) {
    HttpResult ok = as(a).get("/contacts/?locationId=loc_a");
    ASSERT_EQ(ok.status, 200);
    EXPECT_EQ(ok.header("X-RateLimit-Remaining"), std::to_string(2 - i));
  }
  EXPECT_EQ(as(a).get("/contacts/?locationId=loc_a").status, 429);
  HttpResult other = as(b).get("/contacts/?locationId=loc_b");
  EXPECT_EQ(other.status, 200) << "loc_b has a window of its own";
  EXPECT_EQ(other.header("X-RateLimit-Remaining"), "2");
  EXPECT_EQ(as(kStatic).get("/contacts/?locationId=loc_b").status, 200)
      << "the static token counts for the default location";
  EXPECT_EQ(ghl.rateLimitedCount("loc_a"), 1);
  EXPECT_EQ(ghl.rateLimitedCount("loc_b"), 0);
  EXPECT_EQ(ghl.rateLimitedCount(), 1);
  EXPECT_EQ(ghl.maxRequestsInAnyWindow("loc_a"), 3);
  EXPECT_EQ(ghl.maxRequestsInAnyWindow("loc_b"), 1);
  EXPECT_EQ(ghl.requestCount("loc_a"), 4);
  EXPECT_EQ(ghl.requestCount("loc_b"), 1);
  EXPECT_EQ(ghl.requestCount(ghl.locationId()), 1);
  EXPECT_EQ(ghl.requestCount("GET /contacts/"), 6) << "a route key still counts per route";
  HttpTestClient control(ghl.baseUrl());
  rapidjson::Document limits = control.get("/_control/rate_limit").json();
  EXPECT_EQ(limits["locations"]["loc_a"]["limited"].GetInt(), 1);
}

TEST_F(FakeGhlAgencyTest, ARevokedInstallRefusesItsTokensWhileTheOthersGoOn) {
  for (const char* id : {"loc_a", "loc_b"}) ghl.addLocation(id);
  const std::string company = companyToken();
  const std::string a = locationToken(company, "loc_a"), b = locationToken(company, "loc_b");
  ghl.revokeLocationTokens("loc_b");
  HttpResult refused = as(b).get("/contacts/?locationId=loc_b");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(as(a).get("/contacts/?locationId=loc_a").status, 200);
  HttpResult again = requestLocationToken(company, "loc_b");
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(str(again.json(), "message"), "The app's access was revoked");
  EXPECT_EQ(installed(company, "&isInstalled=true").json()["count"].GetInt(), 3)
      << "the listing still shows it";
  ghl.installLocation("loc_b");
  EXPECT_EQ(as(locationToken(company, "loc_b")).get("/contacts/?locationId=loc_b").status, 200);
  ghl.expireAccessTokens();
  EXPECT_EQ(as(a).get("/contacts/?locationId=loc_a").status, 401) << "location tokens expire too";
}

TEST_F(FakeGhlAgencyTest, HelpersPutRecordsInTheirContactsLocation) {
  ghl.addLocation("loc_b");
  const std::string contact = contactIn("loc_b", "h@x.test");
  rapidjson::Document order, deal, message;
  order.Parse(ghl.createOrder(contact, 20).c_str());
  deal.Parse(ghl.createOpportunity(contact, "Deal").c_str());
  message.Parse(ghl.receiveMessage(contact, "hi").c_str());
  EXPECT_EQ(str(order, "altId"), "loc_b");
  EXPECT_EQ(str(deal, "locationId"), "loc_b");
  EXPECT_EQ(str(message, "locationId"), "loc_b");
  HttpTestClient api = as(kStatic);
  EXPECT_EQ(api.get("/payments/orders?altId=loc_b&altType=location").json()["totalCount"].GetInt(),
            1);
  EXPECT_EQ(api.get("/payments/orders?altId=" + ghl.locationId() + "&altType=location")
                .json()["totalCount"]
                .GetInt(),
            0);
  EXPECT_EQ(api.get("/opportunities/search?location_id=loc_b").json()["opportunities"].Size(), 1u);
  EXPECT_EQ(api.get("/users/?locationId=loc_b").json()["users"].Size(), 1u);
  ghl.setAllowDuplicateContacts(true, "loc_b");
  EXPECT_NO_THROW(contactIn("loc_b", "h@x.test"));
  contactIn(ghl.locationId(), "d@x.test");
  EXPECT_THROW(contactIn(ghl.locationId(), "d@x.test"), ControlError)
      << "the default still refuses";
}

TEST_F(FakeGhlAgencyTest, TheDemoDrivesLocationsAndCodesOverHttp) {
  HttpTestClient control(ghl.baseUrl());
  HttpResult added = control.postJson("/_control/locations", R"({"id":"loc_d","name":"Demo"})");
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(added.json()["installed"].Size(), 2u);  // and the default location
  EXPECT_EQ(control.postJson("/_control/locations/loc_d/uninstall", "").json()["installed"].Size(),
            1u);
  EXPECT_EQ(control.postJson("/_control/locations/loc_d/install", "").json()["installed"].Size(),
            2u);
  EXPECT_EQ(control.postJson("/_control/locations/" + ghl.locationId() + "/uninstall", "").status,
            200);
  HttpResult code = control.postJson("/_control/oauth/code", R"({"scopes":"oauth.readonly"})");
  ASSERT_EQ(code.status, 200) << code.body;
  HttpResult traded = trade(str(code.json(), "code"));
  ASSERT_EQ(traded.status, 200) << traded.body;
  EXPECT_EQ(str(traded.json(), "scope"), "oauth.readonly");
  HttpResult list = installed(str(traded.json(), "access_token"), "&isInstalled=true");
  ASSERT_EQ(list.json()["locations"].Size(), 1u);
  EXPECT_EQ(str(list.json()["locations"][0], "name"), "Demo");
  EXPECT_EQ(control.postJson("/_control/locations/loc_zz/install", "").status, 404);
}

}  // namespace fake_ghl_agency_test
}  // namespace sluice::fakes
