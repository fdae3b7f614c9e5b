// config/tenant_selector.cpp and the flow checks around it: an agency connection's
// `locations:`/`accounts:`, what it needs, {{tenant.*}} and `pair:`, each mistake located.
#include "config/tenant_selector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "core/error.h"
#include "test_support.h"

namespace sluice {
namespace tenant_selector_test {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const char* kAgency =
    "  agency: { app: ghl, client_id: c, client_secret: \"${S}\", user_type: Company, "
    "company_id: co, app_id: ap, LOCATIONS }\n"
    "  platform: { app: stripe, api_key: \"${S}\", accounts: all }\n"
    "  one: { app: ghl, token: \"${S}\", location_id: loc_1 }\n";

ConfigCheck check(const std::string& locations, const std::string& flows) {
  static const Catalog catalog = Catalog::load(test::catalogRoot());
  static const std::map<std::string, std::string> env = {{"S", "secret"}};
  std::string connections = kAgency;
  connections.replace(connections.find("LOCATIONS"), 9, locations);
  test::TempDir dir;
  const std::string file =
      dir.write("sluice.yaml", "connections:\n" + connections + "flows:\n" + flows);
  return checkConfig(file, catalog, &env);
}

std::string errors(const ConfigCheck& c) {
  std::string out;
  for (const auto& d : c.diagnostics) out += d.where.str() + ": " + d.message + "\n";
  return out;
}

const char* kFlow =
    "  - name: f\n"
    "    trigger: { op: ghl.contacts.search_contacts, connection: agency }\n"
    "    steps: [ { op: ghl.contacts.add_tags_to_contact, connection: agency, with: "
    "{ contactId: \"{{trigger.id}}\", tags: [\"{{tenant.location_id}}\"] } } ]\n";

TEST(TenantSelectorTest, AllAListAndAWhereAreRead) {
  const auto all = check("locations: all, rediscover: 1m, keep_uninstalled: 7d", kFlow);
  ASSERT_TRUE(all.ok()) << errors(all);
  const auto& c = all.config.connections.at("agency").tenants;
  EXPECT_EQ(c.kind, TenantSelector::Kind::All);
  EXPECT_EQ(c.rediscoverMs, 60000);
  EXPECT_EQ(c.keepUninstalledMs, 7LL * 24 * 3600 * 1000);
  const auto listed = check("locations: [loc_1, loc_2]", kFlow);
  ASSERT_TRUE(listed.ok()) << errors(listed);
  EXPECT_EQ(listed.config.connections.at("agency").tenants.ids.size(), 2u);
  const auto where = check("locations: { where: \"{{tenant.name}} contains Dental\" }", kFlow);
  ASSERT_TRUE(where.ok()) << errors(where);
  EXPECT_EQ(where.config.connections.at("agency").tenants.kind, TenantSelector::Kind::Where);
}

TEST(TenantSelectorTest, ABadSelectorOrAMissingSettingIsNamedWhereItIs) {
  EXPECT_THAT(errors(check("locations: some", kFlow)),
              AllOf(HasSubstr("sluice.yaml:2:"), HasSubstr("expected all, a list of ids")));
  EXPECT_THAT(errors(check("locations: { where: \"{{trigger.x}}\" }", kFlow)),
              HasSubstr("must read the tenant"));
  EXPECT_THAT(errors(check("rediscover: 1m", kFlow)), HasSubstr("'rediscover' goes with"));
  EXPECT_THAT(errors(check("locations: all, rediscover: 1s", kFlow)), HasSubstr("at least 10s"));
}

TEST(TenantSelectorTest, TenantTemplatesAndAgencyStepsNeedAPerTenantTrigger) {
  const std::string notPerTenant =
      "  - name: g\n"
      "    trigger: { op: ghl.contacts.search_contacts, connection: one }\n"
      "    steps: [ { op: ghl.contacts.add_tags_to_contact, connection: agency, with: "
      "{ contactId: x, tags: [\"{{tenant.location_id}}\"] } } ]\n";
  const std::string e = errors(check("locations: all", notPerTenant));
  EXPECT_THAT(e, HasSubstr("only a flow whose trigger uses an agency connection"));
  EXPECT_THAT(e, HasSubstr("step uses agency connection 'agency', but the trigger's connection"));
  const std::string typo =
      "  - name: h\n"
      "    trigger: { op: ghl.contacts.search_contacts, connection: agency }\n"
      "    steps: [ { op: ghl.contacts.add_tags_to_contact, connection: agency, with: "
      "{ contactId: x, tags: [\"{{tenant.locaton_id}}\"] } } ]\n";
  EXPECT_THAT(errors(check("locations: all", typo)), HasSubstr("did you mean 'location_id'"));
}

TEST(TenantSelectorTest, AStepOnAnotherAgencyConnectionNeedsAPair) {
  const std::string unpaired =
      "  - name: p\n"
      "    trigger: { op: stripe.customers.new_customer, connection: platform }\n"
      "    steps: [ { op: ghl.contacts.upsert_contact, connection: agency, with: "
      "{ email: \"{{trigger.email}}\" } } ]\n";
  EXPECT_THAT(errors(check("locations: all", unpaired)), HasSubstr("pair: { agency: ... }"));
  const std::string paired =
      "  - name: p\n"
      "    trigger: { op: stripe.customers.new_customer, connection: platform }\n"
      "    pair: { agency: { field: metadata.ghl_location_id } }\n"
      "    steps: [ { op: ghl.contacts.upsert_contact, connection: agency, with: "
      "{ email: \"{{trigger.email}}\", source: \"{{tenant.account_id}}\" } } ]\n";
  const auto ok = check("locations: all", paired);
  EXPECT_TRUE(ok.ok()) << errors(ok);
  const std::string bad =
      "  - name: p\n"
      "    trigger: { op: stripe.customers.new_customer, connection: platform }\n"
      "    pair: { one: { table: { a: b } } }\n"
      "    steps: [ { op: ghl.contacts.upsert_contact, connection: one, with: { email: x } } ]\n";
  EXPECT_THAT(errors(check("locations: all", bad)), HasSubstr("'one' is not an agency connection"));
}

TEST(TenantSelectorTest, APairedFlowReadsThePairedTenantsVariable) {
  const std::string paired =
      "  - name: p\n"
      "    trigger: { op: stripe.customers.new_customer, connection: platform }\n"
      "    pair: { agency: { table: { acct_1: loc_1 } } }\n"
      "    filter: \"{{tenant.location_id}} != ''\"\n"
      "    steps: [ { op: ghl.contacts.upsert_contact, connection: agency, with: "
      "{ email: \"{{trigger.email}}\", source: \"{{tenant.location_id}}\" } } ]\n";
  const auto ok = check("locations: all", paired);
  EXPECT_TRUE(ok.ok()) << errors(ok);
  const std::string ownConnection =
      "  - name: q\n"
      "    trigger: { op: ghl.contacts.search_contacts, connection: agency }\n"
      "    pair: { agency: { table: { a: b } } }\n"
      "    steps: [ { op: ghl.contacts.add_tags_to_contact, connection: agency, with: "
      "{ contactId: x, tags: [y] } } ]\n";
  EXPECT_THAT(errors(check("locations: all", ownConnection)),
              AllOf(HasSubstr("sluice.yaml:8:"), HasSubstr("is the trigger's own connection")));
  const std::string notPerTenant =
      "  - name: r\n"
      "    trigger: { op: ghl.contacts.search_contacts, connection: one }\n"
      "    pair: { agency: { table: { a: b } } }\n"
      "    steps: [ { op: ghl.contacts.add_tags_to_contact, connection: one, with: "
      "{ contactId: x, tags: [y] } } ]\n";
  EXPECT_THAT(
      errors(check("locations: all", notPerTenant)),
      AllOf(HasSubstr("sluice.yaml:8:"), HasSubstr("'pair' goes with a trigger on an agency")));
}

}  // namespace tenant_selector_test
}  // namespace sluice
