// tenants/tenant_expansion.cpp: a written config and the store's tenants make one tenant
// connection and one flow instance per selected, installed tenant, paired where asked.
#include "tenants/tenant_expansion.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "test_support.h"

namespace sluice {
namespace tenant_expansion_test {

const Catalog& catalog() {
  static const Catalog c = Catalog::load(test::catalogRoot());
  return c;
}

Config load(const std::string& locations) {
  static const std::map<std::string, std::string> env = {{"S", "secret"}};
  return loadConfigText(
      "connections:\n"
      "  agency: { app: ghl, client_id: c, client_secret: \"${S}\", user_type: Company, "
      "company_id: co, app_id: ap, locations: " +
          locations +
          " }\n"
          "  platform: { app: stripe, api_key: \"${S}\", accounts: all }\n"
          "flows:\n"
          "  - name: tag\n"
          "    trigger: { op: ghl.contacts.search_contacts, connection: agency }\n"
          "    steps: [ { op: ghl.contacts.add_tags_to_contact, connection: agency, with: "
          "{ contactId: \"{{trigger.id}}\", tags: [x] } } ]\n"
          "  - name: pair\n"
          "    trigger: { op: stripe.customers.new_customer, connection: platform }\n"
          "    pair: { agency: { table: { acct_1: loc_b } } }\n"
          "    steps: [ { op: ghl.contacts.upsert_contact, connection: agency, with: "
          "{ email: \"{{trigger.email}}\" } } ]\n",
      "sluice.yaml", catalog(), &env);
}

TenantRecord tenant(const std::string& connection, const std::string& id,
                    TenantState state = TenantState::Installed, const std::string& name = "") {
  TenantRecord t;
  t.connection = connection;
  t.id = id;
  t.name = name.empty() ? id : name;
  t.recordJson = "{}";
  t.state = state;
  return t;
}

std::vector<std::string> flowNames(const Config& c) {
  std::vector<std::string> names;
  for (const auto& f : c.flows) names.push_back(f.name);
  return names;
}

TEST(TenantExpansionTest, EachInstalledTenantGetsItsConnectionAndFlowInstance) {
  const auto e = expandTenants(load("all"), catalog(),
                               {tenant("agency", "loc_a"), tenant("agency", "loc_b"),
                                tenant("agency", "loc_gone", TenantState::Uninstalled),
                                tenant("agency", "loc_rev", TenantState::Revoked),
                                tenant("platform", "acct_1"), tenant("platform", "acct_2")});
  EXPECT_THAT(flowNames(e.config), ::testing::ElementsAre("tag@loc_a", "tag@loc_b", "pair@acct_1"));
  const Connection& a = e.config.connections.at("agency@loc_a");
  EXPECT_EQ(a.settings.at("location_id"), "loc_a");
  EXPECT_EQ(a.parent, "agency");
  EXPECT_EQ(e.config.connections.at("platform@acct_1").settings.at("account"), "acct_1");
  const FlowConfig& tagA = e.config.flows[0];
  EXPECT_EQ(tagA.trigger.connection, "agency@loc_a");
  EXPECT_EQ(tagA.steps[0].connection, "agency@loc_a");
  EXPECT_EQ(tagA.tenantValues.at("location_id"), "loc_a");
  EXPECT_EQ(tagA.base, "tag");
  const FlowConfig& paired = e.config.flows[2];
  EXPECT_EQ(paired.steps[0].connection, "agency@loc_b");
  EXPECT_EQ(paired.tenantValues.at("account_id"), "acct_1");
  EXPECT_EQ(paired.tenantValues.at("location_id"), "loc_b");
  ASSERT_EQ(e.notes.size(), 1u);  // acct_2 has no pair
  EXPECT_THAT(e.notes[0], ::testing::HasSubstr("tenant acct_2 of platform has no installed"));
}

TEST(TenantExpansionTest, AListOrAWhereSelectsTenants) {
  const std::vector<TenantRecord> tenants = {
      tenant("agency", "loc_a", TenantState::Installed, "Dental North"),
      tenant("agency", "loc_b", TenantState::Installed, "Gym")};
  EXPECT_THAT(flowNames(expandTenants(load("[loc_b]"), catalog(), tenants).config),
              ::testing::ElementsAre("tag@loc_b"));
  EXPECT_THAT(flowNames(expandTenants(load("{ where: \"{{tenant.name}} contains Dental\" }"),
                                      catalog(), tenants)
                            .config),
              ::testing::ElementsAre("tag@loc_a"));
}

// Two agencies of one app: the paired sub-account's location_id must not take the place of the
// trigger's own (which the trigger's inputs are rendered with); its steps still act in it.
TEST(TenantExpansionTest, APairedTenantOfTheSameAppLeavesTheTriggersNamesAlone) {
  static const std::map<std::string, std::string> env = {{"S", "secret"}};
  const std::string agency =
      "{ app: ghl, client_id: c, client_secret: \"${S}\", user_type: Company, company_id: co, "
      "app_id: ap, locations: all }\n";
  const Config config = loadConfigText(
      "connections:\n"
      "  north: " +
          agency + "  south: " + agency +
          "flows:\n"
          "  - name: mirror\n"
          "    trigger: { op: ghl.contacts.search_contacts, connection: north }\n"
          "    pair: { south: { table: { loc_n: loc_s } } }\n"
          "    steps: [ { op: ghl.contacts.upsert_contact, connection: south, with: "
          "{ email: \"{{trigger.email}}\" } } ]\n",
      "sluice.yaml", catalog(), &env);
  const auto e =
      expandTenants(config, catalog(), {tenant("north", "loc_n"), tenant("south", "loc_s")});
  ASSERT_THAT(flowNames(e.config), ::testing::ElementsAre("mirror@loc_n"));
  const FlowConfig& f = e.config.flows[0];
  EXPECT_EQ(f.tenantValues.at("location_id"), "loc_n");
  EXPECT_EQ(f.trigger.connection, "north@loc_n");
  EXPECT_EQ(f.steps[0].connection, "south@loc_s");
}

// A pair no step uses still decides which accounts the flow runs for, and fills its variable.
TEST(TenantExpansionTest, APairNoStepUsesStillSelectsAndFillsItsVariable) {
  static const std::map<std::string, std::string> env = {{"S", "secret"}};
  const Config config = loadConfigText(
      "connections:\n"
      "  agency: { app: ghl, client_id: c, client_secret: \"${S}\", user_type: Company, "
      "company_id: co, app_id: ap, locations: all }\n"
      "  platform: { app: stripe, api_key: \"${S}\", accounts: all }\n"
      "  one: { app: ghl, token: \"${S}\", location_id: loc_1 }\n"
      "flows:\n"
      "  - name: note\n"
      "    trigger: { op: stripe.customers.new_customer, connection: platform }\n"
      "    pair: { agency: { table: { acct_1: loc_b } } }\n"
      "    steps: [ { op: ghl.contacts.upsert_contact, connection: one, with: "
      "{ email: \"{{trigger.email}}\", source: \"{{tenant.location_id}}\" } } ]\n",
      "sluice.yaml", catalog(), &env);
  const auto e = expandTenants(
      config, catalog(),
      {tenant("agency", "loc_b"), tenant("platform", "acct_1"), tenant("platform", "acct_2")});
  ASSERT_THAT(flowNames(e.config), ::testing::ElementsAre("note@acct_1"));
  EXPECT_EQ(e.config.flows[0].tenantValues.at("location_id"), "loc_b");
  EXPECT_EQ(e.config.flows[0].steps[0].connection, "one");
  ASSERT_EQ(e.notes.size(), 1u);
  EXPECT_THAT(e.notes[0], ::testing::HasSubstr("tenant acct_2 of platform has no installed"));
}

// Deliveries of a tenant that stopped wait for it (tenant, or its paired tenant, uninstalled
// or revoked and still remembered); an installed tenant left out by the selector does not.
TEST(TenantExpansionTest, AStoppedTenantsInstancesAreParked) {
  const auto e = expandTenants(
      load("[loc_a]"), catalog(),
      {tenant("agency", "loc_a"), tenant("agency", "loc_other"),
       tenant("agency", "loc_b", TenantState::Uninstalled),
       tenant("agency", "loc_rev", TenantState::Revoked), tenant("platform", "acct_1")});
  EXPECT_THAT(flowNames(e.config), ::testing::ElementsAre("tag@loc_a"));
  EXPECT_THAT(e.config.parkedFlows,
              ::testing::ElementsAre("pair@acct_1", "tag@loc_b", "tag@loc_rev"));
}

// A name made by tenantName splits back into its halves; a written name is its own base.
TEST(TenantExpansionTest, AnInstancesNameSplitsIntoItsFlowAndTenant) {
  const std::string name = tenantName("tag-new", "loc_b");
  EXPECT_EQ(name, "tag-new@loc_b");
  EXPECT_EQ(baseNameOf(name), "tag-new");
  EXPECT_EQ(tenantIdOf(name), "loc_b");
  EXPECT_EQ(baseNameOf("customers"), "customers");
  EXPECT_EQ(tenantIdOf("customers"), "");
}

}  // namespace tenant_expansion_test
}  // namespace sluice
