// `include:`: connections and flows from more files and folders, each mistake named in the file
// it is in, and flow names unique across all of them.
#include "config/config_includes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "config/config.h"
#include "config_files_fixture.h"
#include "test_support.h"

namespace sluice::test {
namespace config_includes_test {

using ::testing::HasSubstr;

std::string flow(const std::string& name) {
  return "  - name: " + name +
         "\n"
         "    trigger: { op: stripe.customers.new_customer, connection: stripe }\n"
         "    steps: [ { op: ghl.contacts.upsert_contact, connection: ghl, with: { email: "
         "\"{{trigger.email}}\" } } ]\n";
}

class ConfigIncludesTest : public ConfigFilesTest {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_.path() + "/flows"); }
};

constexpr char kConnections[] =
    "connections:\n"
    "  stripe: { app: stripe, api_key: \"${K}\" }\n";

TEST_F(ConfigIncludesTest, FlowsAndConnectionsComeFromFilesAndFolders) {
  dir_.write("ghl.yaml", "connections:\n  ghl: { app: ghl, token: \"${T}\", location_id: l1 }\n");
  dir_.write("flows/b.yaml", "flows:\n" + flow("b1") + flow("b2"));
  dir_.write("flows/a.yaml", "flows:\n" + flow("a1"));
  dir_.write("flows/notes.txt", "not yaml, not read");
  const Config config =
      load(std::string(kConnections) + "include: [ghl.yaml, flows]\nflows:\n" + flow("main"));
  std::vector<std::string> names;
  for (const auto& f : config.flows) names.push_back(f.name);
  EXPECT_THAT(names, ::testing::ElementsAre("main", "a1", "b1", "b2"));  // folder in name order
  EXPECT_EQ(config.connections.count("ghl"), 1u);
  EXPECT_THAT(config.flow("b2")->where.file, HasSubstr("flows/b.yaml"));
}

TEST_F(ConfigIncludesTest, AMistakeInAnIncludedFileNamesThatFile) {
  dir_.write("ghl.yaml", "connections:\n  ghl: { app: ghl, token: \"${T}\", location_id: l1 }\n");
  dir_.write("flows/a.yaml", "flows:\n" + flow("a1") +
                                 "  - name: a2\n    trigger: { op: nope }\n    steps: "
                                 "[ { op: ghl.contacts.upsert_contact, connection: ghl } ]\n");
  const std::string e = error(std::string(kConnections) + "include: [ghl.yaml, flows]\n");
  EXPECT_THAT(e, HasSubstr("flows/a.yaml:6:20: flow a2 trigger: unknown operation 'nope'"));
  EXPECT_THAT(e, ::testing::Not(HasSubstr("sluice.yaml:")));
}

TEST_F(ConfigIncludesTest, AMissingPathAndADuplicateFlowAcrossFilesAreMistakes) {
  dir_.write("ghl.yaml",
             "connections:\n  ghl: { app: ghl, token: \"${T}\", location_id: l1 }\n"
             "flows:\n" +
                 flow("same"));
  const std::string e = error(std::string(kConnections) +
                              "include: [ghl.yaml, missing.yaml]\nflows:\n" + flow("same"));
  EXPECT_THAT(e, HasSubstr("include: 'missing.yaml' is neither a file nor a folder"));
  EXPECT_THAT(e, HasSubstr("ghl.yaml:4:5: duplicate flow name 'same'"));
  EXPECT_THAT(e, HasSubstr("2 errors"));
}

}  // namespace config_includes_test
}  // namespace sluice::test
