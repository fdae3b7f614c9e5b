// tenants/tenant_refresh.cpp against the fake GHL: a listing records installs and uninstalls,
// a revoked tenant listed again is tried again, and one uninstalled longer than keep_uninstalled
// is forgotten; a failed listing keeps what the store knew.
#include "tenants/tenant_refresh.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/poco_http_transport.h"
#include "test_support.h"
#include "tools/fakes/fake_ghl.h"

namespace sluice {
namespace tenant_refresh_test {

class TenantRefreshTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ghl_.setOAuthApp("client-1", "secret-1", "http://127.0.0.1:1/cb");
    ghl_.addLocation("loc_a");
    ghl_.addLocation("loc_b");
    ghl_.start();
    static const Catalog catalog = Catalog::load(test::catalogRoot());
    catalog_ = &catalog;
    const std::map<std::string, std::string> env = {{"S", "secret-1"}};
    config_ = loadConfigText(
        "connections:\n  agency: { app: ghl, base_url: " + ghl_.baseUrl() +
            ", client_id: client-1, client_secret: \"${S}\", user_type: Company, company_id: " +
            ghl_.companyId() + ", app_id: app_fake_0001, locations: all, keep_uninstalled: 1h }\n",
        "sluice.yaml", catalog, &env);
    store_ = openStateStore("sqlite:" + dir_.path() + "/state.db");
    transport_ = makePocoTransport();
    clients_ = std::make_unique<ClientRegistry>(config_, catalog, *transport_, store_.get(), clock_,
                                                [](int64_t) { return true; });
    clients_->get("agency").connector().connectWithCode(*transport_, ghl_.authorizationCode(),
                                                        "http://127.0.0.1:1/cb");
  }

  std::map<std::string, TenantState> states() {
    std::map<std::string, TenantState> out;
    for (const auto& t : store_->tenants("agency")) out[t.id] = t.state;
    return out;
  }

  fakes::FakeGhl ghl_;
  test::TempDir dir_;
  const Catalog* catalog_ = nullptr;
  Config config_;
  std::unique_ptr<StateStore> store_;
  std::unique_ptr<HttpTransport> transport_;
  SystemClock clock_;
  std::unique_ptr<ClientRegistry> clients_;
};

TEST_F(TenantRefreshTest, InstallsUninstallsAndForgettingAfterKeepUninstalled) {
  const int64_t t0 = 1'000'000'000'000;
  EXPECT_TRUE(refreshTenants(config_, *catalog_, *clients_, *store_, t0).empty());
  EXPECT_EQ(states().size(), 3u);  // loc_a, loc_b and the fake's own location
  EXPECT_EQ(states().at("loc_b"), TenantState::Installed);

  ghl_.uninstallLocation("loc_b");
  store_->markRevoked("agency", "loc_a", "HTTP 401", t0);
  refreshTenants(config_, *catalog_, *clients_, *store_, t0 + 1000);
  EXPECT_EQ(states().at("loc_b"), TenantState::Uninstalled);
  EXPECT_EQ(states().at("loc_a"), TenantState::Installed) << "listed again: tried again";

  refreshTenants(config_, *catalog_, *clients_, *store_, t0 + 1000 + 3600 * 1000 + 1);
  EXPECT_EQ(states().count("loc_b"), 0u) << "kept longer than keep_uninstalled";
  EXPECT_EQ(states().count("loc_a"), 1u);
}

TEST_F(TenantRefreshTest, AFailedListingKeepsWhatTheStoreKnewAndSaysWhy) {
  const int64_t t0 = 1'000'000'000'000;
  refreshTenants(config_, *catalog_, *clients_, *store_, t0);
  ghl_.addFaultJson(R"({"match":"/oauth/installedLocations","status":500,"count":10})");
  const auto problems = refreshTenants(config_, *catalog_, *clients_, *store_, t0 + 1000);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0].message, ::testing::HasSubstr("connection agency: listing its tenants"));
  EXPECT_EQ(states().size(), 3u);
  EXPECT_EQ(states().at("loc_b"), TenantState::Installed);
}

}  // namespace tenant_refresh_test
}  // namespace sluice
