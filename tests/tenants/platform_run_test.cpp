// One flow for every Stripe connected account, paired with a GHL sub-account: a new customer
// of a connected account becomes a contact in the sub-account its metadata names, and nowhere
// else. Every Stripe call carries that account's Stripe-Account header (the fake partitions
// its data by it); every GHL call that account's paired location token (the fake refuses one
// outside its location).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <thread>

#include "test_support.h"
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::test {
namespace platform_run_test {

using ::testing::HasSubstr;

TEST(PlatformRunTest, ACustomerOfAConnectedAccountLandsInItsPairedSubAccountOnly) {
  fakes::FakeStripe stripe;
  const std::string a = stripe.createAccount("Dental A", R"({"ghl_location_id":"loc_a"})");
  const std::string b = stripe.createAccount("Dental B", R"({"ghl_location_id":"loc_b"})");
  stripe.createAccount("Not paired");  // no metadata: its flow instance is left out
  stripe.start();
  fakes::FakeGhl ghl;
  ghl.setOAuthApp("client-1", "client-secret-1", "http://127.0.0.1:1/callback");
  ghl.addLocation("loc_a");
  ghl.addLocation("loc_b");
  ghl.start();
  TempDir dir;
  const std::string file = dir.write(
      "sluice.yaml",
      "state: sqlite:" + dir.path() +
          "/state.db\n"
          "settings: { demo_mode: true, admin: \"off\" }\n"
          "connections:\n"
          "  platform: { app: stripe, api_key: \"${SK}\", base_url: " +
          stripe.baseUrl() +
          ", accounts: all }\n"
          "  agency: { app: ghl, base_url: " +
          ghl.baseUrl() +
          ", client_id: client-1, client_secret: \"${SECRET}\", user_type: Company, company_id: " +
          ghl.companyId() +
          ", app_id: app_fake_0001, redirect_uri: http://127.0.0.1:1/callback, "
          "locations: all }\n"
          "flows:\n"
          "  - name: customer-to-contact\n"
          "    trigger: { op: stripe.customers.new_customer, connection: platform, every: 1s }\n"
          "    pair: { agency: { field: metadata.ghl_location_id } }\n"
          "    steps:\n"
          "      - op: ghl.contacts.upsert_contact\n"
          "        connection: agency\n"
          "        with: { email: \"{{trigger.email}}\", source: \"{{tenant.account_id}}\" }\n");
  const std::vector<std::string> env = {"SK=" + stripe.apiKey(), "SECRET=client-secret-1",
                                        "SLUICE_CATALOG=" + catalogRoot()};
  ASSERT_EQ(
      runSluice({"connect", "ghl", "-c", file, "agency", "--code", ghl.authorizationCode()}, env)
          .exitCode,
      0);
  SluiceProcess sluice({"run", "-c", file}, env);
  ASSERT_TRUE(sluice.waitForOutput("run.start", 15000)) << sluice.output();
  EXPECT_TRUE(sluice.waitForOutput("has no installed tenant of agency paired", 5000))
      << sluice.output();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // both instances seeded
  stripe.inAccount(a, [&] { return stripe.createCustomer("ann@a.test", "Ann"); });
  stripe.inAccount(b, [&] { return stripe.createCustomer("bob@b.test", "Bob"); });
  stripe.createCustomer("platform@p.test");  // the platform's own: no flow runs for it
  auto contactIn = [&](const std::string& location, const std::string& email) {
    const std::string all = ghl.listRecords("contacts");
    const auto at = all.find("\"" + email + "\"");
    if (at == std::string::npos) return false;
    const auto start = all.rfind("{\"id\"", at);
    const auto loc = all.find("\"locationId\":\"", start);
    return all.compare(loc + 14, location.size(), location) == 0;
  };
  bool landed = false;
  for (int i = 0; i < 150 && !landed; ++i) {
    landed = contactIn("loc_a", "ann@a.test") && contactIn("loc_b", "bob@b.test");
    if (!landed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(landed) << ghl.listRecords("contacts") << sluice.output();
  EXPECT_EQ(ghl.listRecords("contacts").find("platform@p.test"), std::string::npos);
  EXPECT_GT(stripe.accountRequestCount(a), 1);
  EXPECT_GT(stripe.accountRequestCount(b), 1);
  sluice.signal(SIGTERM);
  EXPECT_EQ(sluice.wait(10000), 0);
}

}  // namespace platform_run_test
}  // namespace sluice::test
