// config/config_parts: every file's root before any flow, then the flows one at a time; the
// result is the same whatever order the keys and files come in.
#include "config/config_parts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "config_files_fixture.h"
#include "test_support.h"

namespace sluice::test {
namespace config_parts_test {

using ::testing::HasSubstr;

std::string flow(const std::string& name, const std::string& stepConnection = "ghl") {
  return "  - name: " + name +
         "\n"
         "    trigger: { op: stripe.customers.new_customer, connection: stripe }\n"
         "    steps: [ { op: ghl.contacts.upsert_contact, connection: " +
         stepConnection + ", with: { email: \"{{trigger.email}}\" } } ]\n";
}

class ConfigPartsTest : public ConfigFilesTest {};

TEST_F(ConfigPartsTest, FlowsWrittenBeforeTheConnectionsAndIncludesStillSeeThem) {
  dir_.write("ghl.yaml", "connections:\n  ghl: { app: ghl, token: \"${T}\", location_id: l1 }\n");
  const Config config = load("flows:\n" + flow("f1") +
                             "connections:\n  stripe: { app: stripe, api_key: \"${K}\" }\n"
                             "include: ghl.yaml\n");
  ASSERT_EQ(config.flows.size(), 1u);
  EXPECT_EQ(config.flows[0].steps[0].connection, "ghl");
  EXPECT_EQ(config.flows[0].where.str(), dir_.path() + "/sluice.yaml:2:5");
}

TEST_F(ConfigPartsTest, AFileOfFlowsMayUseAConnectionFromAFileIncludedAfterIt) {
  dir_.write("a-flows.yaml", "flows:\n" + flow("a1", "later"));
  dir_.write("b-conn.yaml",
             "connections:\n  later: { app: ghl, token: \"${T}\", location_id: l2 }\n");
  const Config config = load(
      "connections:\n  stripe: { app: stripe, api_key: \"${K}\" }\n"
      "include: [a-flows.yaml, b-conn.yaml]\n");
  ASSERT_EQ(config.flows.size(), 1u);
  EXPECT_EQ(config.flows[0].steps[0].connection, "later");
}

TEST_F(ConfigPartsTest, MistakesInAFileReadOnceAreStillEachReportedWithTheirPlace) {
  dir_.write("ghl.yaml", "connections:\n  ghl: { app: ghl, token: \"${T}\", location_id: l1 }\n");
  dir_.write("flows.yaml", "flows:\n" + flow("a1") + flow("a1") + "extra: 1\n");
  dir_.write("bad.yaml", "flows: 3\n");
  const std::string e = error(
      "connections:\n  stripe: { app: stripe, api_key: \"${K}\" }\n"
      "include: [ghl.yaml, flows.yaml, bad.yaml]\n");
  EXPECT_THAT(e, HasSubstr("flows.yaml:5:5: duplicate flow name 'a1'"));
  EXPECT_THAT(e, HasSubstr("flows.yaml:8:1: unknown key 'extra'"));
  EXPECT_THAT(e, HasSubstr("bad.yaml:1:8: 'flows': expected a list of flows"));
  EXPECT_THAT(e, HasSubstr("3 errors"));
}

TEST_F(ConfigPartsTest, AnAnchorOutsideTheFlowsServesEveryFlow) {
  const Config config = load(
      "connections:\n"
      "  stripe: { app: stripe, api_key: \"${K}\" }\n"
      "  ghl: &g { app: ghl, token: \"${T}\", location_id: l1 }\n"
      "  ghl2: *g\n"
      "flows:\n" +
      flow("f1", "ghl2") + flow("f2"));
  EXPECT_EQ(config.flows.size(), 2u);
}

TEST_F(ConfigPartsTest, BrokenFlowsDoNotHideTheMistakesBeforeThem) {
  // The file's root is read from the text before its flows, so a syntax error among the flows
  // is one mistake among the others, each at its place.
  const std::string e = error(
      "connections:\n  stripe: { app: stripe, api_key: \"${K}\", extra: 1 }\n"
      "flows:\n" +
      flow("f1") + "  - name: f2\n    with: [1, 2\n" + flow("f3"));
  EXPECT_THAT(e, HasSubstr("sluice.yaml:2:43: connection stripe: unknown key 'extra'"));
  EXPECT_THAT(e, HasSubstr("sluice.yaml:6:61: flow f1 step 0: unknown connection 'ghl'"));
  EXPECT_THAT(e, HasSubstr("sluice.yaml:9:9: invalid YAML"));
  EXPECT_THAT(e, HasSubstr("3 errors"));
}

// Reading itself is core/file_text's (tests/core/file_text_test.cpp); a missing file is a
// ConfigError that names it.
TEST(ReadConfigFileTest, AMissingFileIsAConfigErrorNamingIt) {
  TempDir dir;
  const std::string text = "state: s\n";
  EXPECT_EQ(readConfigFile(dir.write("a.yaml", text)), text);
  try {
    readConfigFile(dir.path() + "/missing.yaml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("missing.yaml"));
    EXPECT_THAT(e.what(), HasSubstr("cannot open config file"));
  }
}

}  // namespace config_parts_test
}  // namespace sluice::test
