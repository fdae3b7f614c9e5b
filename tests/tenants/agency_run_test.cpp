// One flow for every sub-account: `sluice connect` stores an agency token (sealed), `sluice run`
// lists the app's installs, runs the flow once per sub-account with that sub-account's own
// location token, starts a sub-account installed mid-run, stops one uninstalled, and pauses a
// revoked one while the others stay on schedule. The fake refuses (403) any call a token makes
// outside its own location, so an item acted on in the wrong sub-account would fail loudly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "http/poco_http_transport.h"
#include "state/state_store.h"
#include "test_support.h"
#include "tools/fakes/fake_ghl.h"

namespace sluice::test {
namespace agency_run_test {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

class AgencyRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ghl_.setOAuthApp("client-1", "client-secret-1", "http://127.0.0.1:1/callback");
    ghl_.start();
  }

  std::string writeConfig(const std::string& locations = "all", const std::string& extra = "") {
    return dir_.write(
        "sluice.yaml",
        "state: sqlite:" + dir_.path() +
            "/state.db\n"
            "settings: { demo_mode: true, admin: \"off\", token_key: { env: KEY } }\n"
            "connections:\n"
            "  agency:\n"
            "    app: ghl\n"
            "    base_url: " +
            ghl_.baseUrl() +
            "\n"
            "    client_id: client-1\n"
            "    client_secret: \"${SECRET}\"\n"
            "    user_type: Company\n"
            "    company_id: " +
            ghl_.companyId() +
            "\n"
            "    app_id: app_fake_0001\n"
            "    redirect_uri: http://127.0.0.1:1/callback\n"
            "    locations: " +
            locations +
            "\n"
            "    rediscover: 10s\n" +
            extra +
            "flows:\n"
            "  - name: tag-new\n"
            "    trigger: { op: ghl.contacts.search_contacts, connection: agency, every: 1s }\n"
            "    steps:\n"
            "      - op: ghl.contacts.add_tags_to_contact\n"
            "        connection: agency\n"
            "        with: { contactId: \"{{trigger.id}}\", tags: "
            "[\"seen-{{tenant.location_id}}\"] }\n");
  }

  std::vector<std::string> env() const {
    return {"SECRET=client-secret-1", std::string("KEY=") + kKey,
            "SLUICE_CATALOG=" + catalogRoot()};
  }

  CommandResult connect(const std::string& file) {
    return runSluice({"connect", "ghl", "-c", file, "agency", "--code", ghl_.authorizationCode()},
                     env());
  }

  std::string newContact(const std::string& location, const std::string& email) {
    JsonDoc doc;
    parseJson(
        ghl_.createContact("{\"locationId\":\"" + location + "\",\"email\":\"" + email + "\"}"),
        doc);
    return doc["id"].GetString();
  }

  bool tagged(const std::string& id, const std::string& tag) const {
    return ghl_.getRecord("contacts", id).find("\"" + tag + "\"") != std::string::npos;
  }

  bool waitTagged(const std::string& id, const std::string& tag, int timeoutMs) const {
    for (int waited = 0; waited < timeoutMs; waited += 100) {
      if (tagged(id, tag)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  fakes::FakeGhl ghl_;
  TempDir dir_;
};

TEST_F(AgencyRunTest, ConnectStoresTheAgencyTokenSealedAndARedirectCodeIsGoodOnce) {
  const std::string file = writeConfig();
  const std::string code = ghl_.authorizationCode();
  const auto first = runSluice({"connect", "ghl", "-c", file, "agency", "--code", code}, env());
  EXPECT_EQ(first.exitCode, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("user_type=Company"));
  EXPECT_THAT(first.out, HasSubstr("sealed with settings.token_key"));
  const std::string db = readFile(dir_.path() + "/state.db");
  EXPECT_EQ(db.find("eyJ"), std::string::npos) << "a token is stored in the clear";
  const auto again = runSluice({"connect", "ghl", "-c", file, "agency", "--code", code}, env());
  EXPECT_EQ(again.exitCode, 65);
  EXPECT_THAT(again.err, HasSubstr("refused the code"));
  EXPECT_EQ(again.err.find(code), std::string::npos) << "the code is not repeated";
}

// The redirect as HighLevel sends it to the 127.0.0.1 redirect_uri: a wrong state is refused and
// stores nothing; the right one is traded for tokens.
TEST_F(AgencyRunTest, ConnectTakesTheRedirectOnLoopbackAndChecksItsState) {
  const std::string file = writeConfig();
  // A port of its own, as a marketplace app's redirect URL names one.
  const int port = 20000 + getpid() % 20000;
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  auto run = [&](bool rightState, std::string& output) {
    SluiceProcess connect(
        {"connect", "ghl", "-c", file, "agency", "--listen", listen, "--timeout", "20s"}, env());
    if (!connect.waitForOutput("Waiting for the redirect", 10000)) return -1;
    const std::string out = connect.output();
    const auto at = out.find("&state=");
    const std::string state = out.substr(at + 7, 32);
    auto http = makePocoTransport();
    HttpRequest req;
    req.method = "GET";
    req.url = "http://" + listen + "/callback?code=" + ghl_.authorizationCode() +
              "&state=" + (rightState ? state : std::string(32, '0'));
    req.timeoutMs = 5000;
    const HttpResponse resp = http->send(req);
    EXPECT_EQ(resp.status, rightState ? 200 : 400) << resp.body;
    const int code = connect.wait(15000);
    output = connect.output();
    return code;
  };
  std::string output;
  EXPECT_EQ(run(false, output), 65) << output;
  EXPECT_THAT(output, HasSubstr("state parameter does not match"));
  EXPECT_EQ(ghl_.authorizationCodeGrants(), 0);
  EXPECT_EQ(run(true, output), 0) << output;
  EXPECT_THAT(output, HasSubstr("connected agency"));
  EXPECT_EQ(ghl_.authorizationCodeGrants(), 1);
}

TEST_F(AgencyRunTest, ASubAccountNamedButNotInstalledIsNamedWithWhatToDo) {
  ghl_.addLocation("loc_a");
  const std::string file = writeConfig("[loc_a, loc_missing]");
  ASSERT_EQ(connect(file).exitCode, 0);
  const auto r = runSluice({"run", "-c", file, "--once"}, env());
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("tenant loc_missing is named in its list, but the app is not "
                               "installed there"));
  EXPECT_THAT(r.err, HasSubstr("flows=1"));  // loc_a runs all the same
}

TEST_F(AgencyRunTest, AnAgencyTokenWithoutTheOAuthScopesIsRefusedNamingThem) {
  const std::string file = writeConfig();
  const auto r = runSluice({"connect", "ghl", "-c", file, "agency", "--code",
                            ghl_.authorizationCode("Company", "contacts.readonly")},
                           env());
  EXPECT_EQ(r.exitCode, 65) << r.err;
  EXPECT_THAT(r.err, HasSubstr("lacks the scopes oauth.readonly, oauth.write"));
}

TEST_F(AgencyRunTest, AWrongKeyCannotOpenTheStoredTokensAndSaysWhatToDo) {
  const std::string file = writeConfig();
  ASSERT_EQ(connect(file).exitCode, 0);
  auto wrong = env();
  wrong[1] = "KEY=" + std::string(64, 'f');
  const auto r = runSluice({"run", "-c", file, "--once"}, wrong);
  EXPECT_EQ(r.exitCode, 78) << r.err;
  EXPECT_THAT(r.err, HasSubstr("connection agency: settings.token_key cannot decrypt"));
}

TEST_F(AgencyRunTest, EachSubAccountRunsWithItsOwnTokenAndInstallsAndUninstallsAreFollowed) {
  for (const char* id : {"loc_a", "loc_b", "loc_c"}) ghl_.addLocation(id);
  const std::string file = writeConfig();
  ASSERT_EQ(connect(file).exitCode, 0);
  SluiceProcess sluice({"run", "-c", file}, env());
  ASSERT_TRUE(sluice.waitForOutput("seeded=true", 15000)) << sluice.output();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // every tenant seeded
  const std::string a = newContact("loc_a", "a@x.test"), b = newContact("loc_b", "b@x.test");
  EXPECT_TRUE(waitTagged(a, "seen-loc_a", 15000)) << sluice.output();
  EXPECT_TRUE(waitTagged(b, "seen-loc_b", 15000)) << sluice.output();
  EXPECT_GE(ghl_.locationTokenGrants("loc_a"), 1);

  ghl_.addLocation("loc_new");  // installed mid-run: found by the next listing
  ghl_.uninstallLocation("loc_b");
  ASSERT_TRUE(sluice.waitForOutput("tenant.started connection=agency@loc_new", 25000))
      << sluice.output();
  EXPECT_TRUE(sluice.waitForOutput("tenant.stopped connection=agency@loc_b", 1000));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // loc_new seeded
  const std::string n = newContact("loc_new", "n@x.test");
  const std::string b2 = newContact("loc_b", "b2@x.test");
  EXPECT_TRUE(waitTagged(n, "seen-loc_new", 15000)) << sluice.output();
  EXPECT_FALSE(tagged(b2, "seen-loc_b")) << "an uninstalled sub-account still runs";
  EXPECT_TRUE(tagged(a, "seen-loc_a"));
  EXPECT_EQ(ghl_.getRecord("contacts", a).find("seen-loc_b"), std::string::npos);
  sluice.signal(SIGTERM);
  EXPECT_EQ(sluice.wait(10000), 0);

  const auto status = runSluice({"status", "-c", file}, env());
  EXPECT_THAT(status.out, HasSubstr("tag-new@loc_a"));
  // loc_a, loc_c, loc_new and the fake's own loc_fake_0001; loc_b is uninstalled.
  EXPECT_THAT(status.out, HasSubstr("tag-new: 4 tenants"));
  EXPECT_THAT(status.out, HasSubstr("uninstalled"));
  const auto paused =
      runSluice({"flow", "pause", "-c", file, "tag-new", "--tenant", "loc_c"}, env());
  EXPECT_THAT(paused.out, HasSubstr("tag-new@loc_c paused"));
  EXPECT_EQ(paused.out.find("loc_a"), std::string::npos);
  const auto one = runSluice({"status", "-c", file, "--tenant", "loc_new", "--json"}, env());
  EXPECT_THAT(one.out, HasSubstr("\"tenant\": \"loc_new\""));
  EXPECT_EQ(one.out.find("loc_a"), std::string::npos);
}

// `sluice test` and `ops call` act in the tenant they are given, with that sub-account's own
// token (the fake refuses it anywhere else), and say how to name one when they are not.
TEST_F(AgencyRunTest, TheOneOffVerbsActInTheTenantTheyAreGiven) {
  for (const char* id : {"loc_a", "loc_b"}) ghl_.addLocation(id);
  const std::string file = writeConfig();
  ASSERT_EQ(connect(file).exitCode, 0);
  const auto once = runSluice({"run", "-c", file, "--once"}, env());  // lists the tenants
  ASSERT_EQ(once.exitCode, 0) << once.err;
  const std::string a = newContact("loc_a", "a@x.test"), b = newContact("loc_b", "b@x.test");

  const auto ambiguous = runSluice({"test", "-c", file, "tag-new"}, env());
  EXPECT_EQ(ambiguous.exitCode, 64);
  EXPECT_THAT(ambiguous.err, HasSubstr("name one with --tenant ID (or tag-new@ID)"));
  const auto tested = runSluice({"test", "-c", file, "tag-new", "--tenant", "loc_a"}, env());
  ASSERT_EQ(tested.exitCode, 0) << tested.err;
  EXPECT_THAT(tested.out, HasSubstr("tag-new@loc_a"));
  EXPECT_THAT(tested.out, HasSubstr(a));
  EXPECT_THAT(tested.out, HasSubstr("seen-loc_a"));  // {{tenant.location_id}} filled
  EXPECT_EQ(tested.out.find(b), std::string::npos);
  const auto byName = runSluice({"test", "-c", file, "tag-new@loc_b"}, env());
  ASSERT_EQ(byName.exitCode, 0) << byName.err;
  EXPECT_THAT(byName.out, HasSubstr(b));

  const auto call = [&](const std::string& tenant) {
    return runSluice({"ops", "call", "ghl.contacts.get_contact", "--connection", "agency",
                      "--tenant", tenant, "-c", file, "--with", "contactId=" + a},
                     env());
  };
  const auto own = call("loc_a");
  ASSERT_EQ(own.exitCode, 0) << own.err;
  EXPECT_THAT(own.out, HasSubstr("a@x.test"));
  EXPECT_EQ(call("loc_b").exitCode, 69);  // loc_b's token is refused on loc_a's contact
  const auto unknown = call("loc_zzz");
  EXPECT_EQ(unknown.exitCode, 64);
  EXPECT_THAT(unknown.err, HasSubstr("no installed, selected tenant 'loc_zzz'"));
}

// A delivery queued for a sub-account that is uninstalled before it goes waits, neither sent
// nor dead-lettered, and `status` lists it under that sub-account's instance with its backlog.
TEST_F(AgencyRunTest, AnUninstalledSubAccountsQueuedDeliveryWaitsAndStatusListsIt) {
  for (const char* id : {"loc_a", "loc_b"}) ghl_.addLocation(id);
  const std::string file = writeConfig();
  ASSERT_EQ(connect(file).exitCode, 0);
  ASSERT_EQ(runSluice({"run", "-c", file, "--once"}, env()).exitCode, 0);  // lists the tenants
  const std::string store = "sqlite:" + dir_.path() + "/state.db";
  {
    PollCommit queued;
    queued.triggerKey = "tag-new@loc_b:queued-before-the-uninstall";
    queued.op = "ghl.contacts.search_contacts";
    queued.connection = "agency@loc_b";
    queued.items = {{"tag-new@loc_b", "c_1", R"({"id":"c_1"})", ""}};
    queued.nextDueMs = SystemClock().nowMs() + 600000;
    openStateStore(store)->commitPoll(queued);
  }
  ghl_.uninstallLocation("loc_b");
  const auto once = runSluice({"run", "-c", file, "--once"}, env());
  ASSERT_EQ(once.exitCode, 0) << once.err;

  const auto status = runSluice({"status", "-c", file}, env());
  EXPECT_THAT(status.out, HasSubstr("WAITING FOR A STOPPED TENANT"));
  EXPECT_THAT(status.out, ContainsRegex("tag-new@loc_b +1\n"));
  const auto other = runSluice({"status", "-c", file, "--tenant", "loc_a"}, env());
  EXPECT_EQ(other.out.find("WAITING"), std::string::npos) << other.out;
  const auto json = runSluice({"status", "-c", file, "--json"}, env());
  ASSERT_EQ(json.exitCode, 0) << json.err;
  JsonDoc rows;
  ASSERT_FALSE(parseJson(json.out, rows).has_value()) << json.out;
  const auto waiting = std::find_if(rows.Begin(), rows.End(), [](const JsonValue& row) {
    return std::string(row["flow"].GetString()) == "tag-new@loc_b";
  });
  ASSERT_NE(waiting, rows.End()) << json.out;
  EXPECT_EQ(std::string((*waiting)["state"].GetString()), "waiting for tenant");
  EXPECT_EQ(std::string((*waiting)["tenant"].GetString()), "loc_b");
  EXPECT_EQ((*waiting)["backlog"].GetInt64(), 1);
  const auto otherJson = runSluice({"status", "-c", file, "--tenant", "loc_a", "--json"}, env());
  EXPECT_EQ(otherJson.out.find("waiting for tenant"), std::string::npos) << otherJson.out;

  // `sluice tenants`: each sub-account's state, as a table and as JSON.
  const auto tenants = runSluice({"tenants", "-c", file}, env());
  ASSERT_EQ(tenants.exitCode, 0) << tenants.err;
  EXPECT_THAT(tenants.out, ContainsRegex("agency +loc_a .* installed "));
  EXPECT_THAT(tenants.out, ContainsRegex("agency +loc_b .* uninstalled "));
  const auto tenantsJson = runSluice({"tenants", "-c", file, "--tenant", "loc_b", "--json"}, env());
  ASSERT_EQ(tenantsJson.exitCode, 0) << tenantsJson.err;
  JsonDoc listed;
  ASSERT_FALSE(parseJson(tenantsJson.out, listed).has_value()) << tenantsJson.out;
  ASSERT_TRUE(listed.IsArray() && listed.Size() == 1) << tenantsJson.out;
  EXPECT_EQ(std::string(listed[0]["connection"].GetString()), "agency");
  EXPECT_EQ(std::string(listed[0]["tenant"].GetString()), "loc_b");
  EXPECT_EQ(std::string(listed[0]["state"].GetString()), "uninstalled");
  EXPECT_GT(listed[0]["since_ms"].GetInt64(), 0);
  const auto typo = runSluice({"tenants", "-c", file, "--connection", "agnecy"}, env());
  EXPECT_EQ(typo.exitCode, 64);
  EXPECT_THAT(typo.err, HasSubstr("no connection 'agnecy'"));
  EXPECT_THAT(typo.err, HasSubstr("did you mean 'agency'?"));
  auto state = openStateStore(store);
  EXPECT_EQ(state->deliveries(DeliveryStatus::Pending, 10).size(), 1u);
  EXPECT_TRUE(state->deliveries(DeliveryStatus::Dead, 10).empty());

  // A tenant's dead letters are replayed by tenant, the others stay.
  {
    PollCommit failed;
    failed.triggerKey = "tag-new@loc_a:failed";
    failed.op = "ghl.contacts.search_contacts";
    failed.connection = "agency@loc_a";
    failed.items = {{"tag-new@loc_a", "c_dead", R"({"id":"c_dead"})", ""},
                    {"other", "x_dead", R"({"id":"x_dead"})", ""}};
    failed.nextDueMs = SystemClock().nowMs() + 600000;
    state->commitPoll(failed);
    for (const auto& d : state->deliveries(DeliveryStatus::Pending, 10))
      if (d.itemKey != "c_1") state->markDead(d.id, 8, "HTTP 400");
  }
  const auto replayed = runSluice({"dlq", "replay", "-c", file, "--tenant", "loc_a"}, env());
  ASSERT_EQ(replayed.exitCode, 0) << replayed.err;
  EXPECT_THAT(replayed.out, HasSubstr("1 dead letter queued again"));
  const auto stillDead = state->deliveries(DeliveryStatus::Dead, 10);
  ASSERT_EQ(stillDead.size(), 1u);
  EXPECT_EQ(stillDead[0].itemKey, "x_dead");
}

TEST_F(AgencyRunTest, ARevokedSubAccountIsPausedAndFlaggedWhileTheOthersGoOn) {
  for (const char* id : {"loc_a", "loc_b"}) ghl_.addLocation(id);
  const std::string file = writeConfig("[loc_a, loc_b]");
  ASSERT_EQ(connect(file).exitCode, 0);
  SluiceProcess sluice({"run", "-c", file}, env());
  ASSERT_TRUE(sluice.waitForOutput("seeded=true", 15000)) << sluice.output();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ghl_.revokeLocation("loc_b");
  ASSERT_TRUE(sluice.waitForOutput("tenant.revoked connection=agency@loc_b", 15000))
      << sluice.output();
  EXPECT_THAT(sluice.output(), HasSubstr("access was revoked"));
  const std::string a = newContact("loc_a", "a@x.test");
  EXPECT_TRUE(waitTagged(a, "seen-loc_a", 15000)) << sluice.output();
  sluice.signal(SIGTERM);
  EXPECT_EQ(sluice.wait(10000), 0);
  const auto status = runSluice({"status", "-c", file}, env());
  EXPECT_THAT(status.out, HasSubstr("revoked"));
}

// Each sub-account has GHL's limit of its own, held across restarts: 12 triggers a second per
// sub-account against 10 requests per 2 s, and sluice killed twice, yet no 429 and no window
// over 10 in either sub-account, both polled all along.
TEST_F(AgencyRunTest, EachSubAccountKeepsItsOwnLimitAcrossRestarts) {
  ghl_.setRateLimit(10, 2000);
  for (const char* id : {"loc_a", "loc_b"}) ghl_.addLocation(id);
  std::string flows;
  for (int i = 0; i < 12; ++i)
    flows += "  - name: s" + std::to_string(i) +
             "\n    trigger: { op: ghl.contacts.search_contacts, connection: agency, every: 1s, "
             "with: { query: q" +
             std::to_string(i) +
             " } }\n    steps: [ { op: ghl.contacts.add_tags_to_contact, connection: agency, "
             "with: { contactId: \"{{trigger.id}}\", tags: [x] } } ]\n";
  std::string text =
      readFile(writeConfig("[loc_a, loc_b]", "    rate_limit: { requests: 10, per: 2s }\n"));
  text = text.substr(0, text.find("flows:\n") + 7) + flows;
  const std::string file = dir_.write("sluice.yaml", text);
  ASSERT_EQ(connect(file).exitCode, 0);
  for (int run = 0; run < 3; ++run) {
    SluiceProcess sluice({"run", "-c", file}, env());
    ASSERT_TRUE(sluice.waitForOutput("run.start", 10000)) << sluice.output();
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    sluice.signal(SIGKILL);
    sluice.wait(5000);
  }
  EXPECT_EQ(ghl_.rateLimitedCount(), 0);
  for (const char* id : {"loc_a", "loc_b"}) {
    EXPECT_LE(ghl_.maxRequestsInAnyWindow(id), 10) << id;
    EXPECT_GT(ghl_.locationRequestCount(id), 10) << id;
  }
}

// The listing at start-up spends the agency's requests like the token grants that follow:
// counted in the one shared budget, they leave room for it. Six sub-accounts and the fake's own
// take seven grants and a listing against 4 requests per 2 s for the agency: none answered 429.
// The grants are slow, so several are in flight before an answer's rate-limit headers return:
// the budget alone keeps them within the limit.
TEST_F(AgencyRunTest, TheStartUpListingAndTheTokenGrantsShareTheAgencysLimit) {
  ghl_.setRateLimit(4, 2000);
  fakes::Fault slow;
  slow.kind = fakes::FaultKind::kSlow;
  slow.match = "/oauth/locationToken";
  slow.delayMs = 600;
  slow.count = -1;
  ghl_.addFault(slow);
  std::vector<std::string> ids{ghl_.locationId()};
  for (int i = 0; i < 6; ++i) {
    ids.push_back("loc_" + std::to_string(i));
    ghl_.addLocation(ids.back());
  }
  const std::string file = writeConfig("all", "    rate_limit: { requests: 4, per: 2s }\n");
  ASSERT_EQ(connect(file).exitCode, 0);
  SluiceProcess sluice({"run", "-c", file}, env());
  const auto everyOneGranted = [&] {
    return std::all_of(ids.begin(), ids.end(),
                       [&](const std::string& id) { return ghl_.locationTokenGrants(id) >= 1; });
  };
  for (int waited = 0; waited < 30000 && !everyOneGranted(); waited += 100)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(everyOneGranted()) << sluice.output();
  sluice.signal(SIGTERM);
  EXPECT_EQ(sluice.wait(10000), 0);
  EXPECT_EQ(ghl_.rateLimitedCount(ghl_.companyId()), 0) << sluice.output();
  EXPECT_EQ(sluice.output().find("tenant.revoked"), std::string::npos) << sluice.output();
}

// A busy answer to a sub-account's token (429 here, 5xx alike) is tried again at the next
// poll and the sub-account runs on; only a refusal (401, 403) stops it as revoked.
TEST_F(AgencyRunTest, ABusyTokenEndpointIsTriedAgainNotTakenForARevocation) {
  ghl_.addLocation("loc_a");
  const std::string file = writeConfig("[loc_a]");
  ASSERT_EQ(connect(file).exitCode, 0);
  fakes::Fault busy;
  busy.match = "/oauth/locationToken";
  busy.status = 429;
  busy.count = 2;
  ghl_.addFault(busy);
  SluiceProcess sluice({"run", "-c", file}, env());
  ASSERT_TRUE(sluice.waitForOutput("seeded=true", 20000)) << sluice.output();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const std::string a = newContact("loc_a", "a@x.test");
  EXPECT_TRUE(waitTagged(a, "seen-loc_a", 15000)) << sluice.output();
  sluice.signal(SIGTERM);
  EXPECT_EQ(sluice.wait(10000), 0);
  EXPECT_THAT(sluice.output(), HasSubstr("POST /oauth/locationToken: HTTP 429"));
  EXPECT_EQ(sluice.output().find("tenant.revoked"), std::string::npos) << sluice.output();
}

int occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(AgencyRunTest, FiveHundredSubAccountsEachItemLandsInItsOwnAndNowhereElse) {
  constexpr int kLocations = 500;
  auto id = [](int i) { return "loc_" + std::to_string(1000 + i); };
  for (int i = 0; i < kLocations; ++i) ghl_.addLocation(id(i));
  // The agency's own limit (GHL: 100 per 10 s per company) would spread the 500 location
  // tokens over 50 s; this test is about where items land, so both sides allow more.
  ghl_.setRateLimit(1000, 10000);
  const std::string file = writeConfig("all", "    rate_limit: { requests: 1000, per: 10s }\n");
  ASSERT_EQ(connect(file).exitCode, 0);
  SluiceProcess sluice({"run", "-c", file}, env());
  // Every sub-account (and the fake's own location) seeds its trigger once.
  for (int waited = 0; waited < 60000; waited += 200) {
    if (occurrences(sluice.output(), "seeded=true") >= kLocations + 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_GE(occurrences(sluice.output(), "seeded=true"), kLocations + 1);
  std::vector<std::string> contacts;
  for (int i = 0; i < kLocations; ++i)
    contacts.push_back(newContact(id(i), "c" + std::to_string(i) + "@x.test"));
  int landed = 0;
  for (int i = 0; i < kLocations; ++i) landed += waitTagged(contacts[i], "seen-" + id(i), 60000);
  EXPECT_EQ(landed, kLocations) << sluice.output().substr(0, 4000);
  int elsewhere = 0;
  for (int i = 0; i < kLocations; ++i)
    elsewhere += occurrences(ghl_.getRecord("contacts", contacts[i]), "seen-") != 1;
  EXPECT_EQ(elsewhere, 0);
  EXPECT_EQ(ghl_.locationTokenGrants(id(0)), 1);
  EXPECT_EQ(ghl_.locationTokenGrants(id(kLocations - 1)), 1);
  EXPECT_EQ(ghl_.rateLimitedCount(), 0);
  sluice.signal(SIGTERM);
  EXPECT_EQ(sluice.wait(15000), 0);
}

}  // namespace agency_run_test
}  // namespace sluice::test
