// config/flows_in_parts: a large file's flows read in parts on several threads give the flows,
// the duplicate names and the mistakes, with their places, of reading it one flow at a time.
#include "config/flows_in_parts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_parts.h"
#include "core/yaml_list_parts.h"
#include "test_support.h"

namespace sluice::test {
namespace flows_in_parts_test {

std::string flow(const std::string& name, const std::string& op = "stripe.customers.new_customer") {
  return "  - name: " + name + "\n    trigger: { op: " + op +
         ", connection: stripe }\n"
         "    steps: [ { op: ghl.contacts.upsert_contact, connection: ghl, with: { email: "
         "\"{{trigger.email}}\" } } ]\n";
}

// What reading one file's flows gave: the flows' names and places, then every diagnostic.
std::vector<std::string> readFlows(const std::string& path, size_t threads) {
  const Catalog catalog = Catalog::load(catalogRoot());
  Config config;
  for (const char* app : {"stripe", "ghl"}) {
    Connection c;
    c.name = app;
    c.app = app;
    config.connections[app] = c;
  }
  ConfigPart part = ConfigPart::includedFile(path);
  std::set<std::string> names{"taken-before"};  // a flow of an earlier file
  TemplateCache templates;
  Diagnostics diag;
  diag.attempt([&] { parseFlowsOf(part, catalog, config, names, templates, diag, threads); });
  if (part.root()) reportUnknownKeys(*part.root(), diag);
  std::vector<std::string> out;
  for (const auto& f : config.flows) out.push_back(f.name + " " + f.where.str());
  for (const auto& d : diag.all()) out.push_back(d.tagged());
  return out;
}

class FlowsInPartsTest : public ::testing::Test {
 protected:
  // About 1.3 MB: large enough to be read in parts.
  std::string write(const std::function<std::string(int)>& flowAt) {
    std::string text = "flows:\n";
    for (int i = 0; i < 6000; ++i) text += flowAt(i);
    const std::string path = dir_.write("flows.yaml", text);
    EXPECT_GE(cutStreamedList(text, "flows", 4, 512 * 1024).size(), 2u) << "not read in parts";
    return path;
  }
  TempDir dir_;
};

TEST_F(FlowsInPartsTest, FlowsAndMistakesAreThoseOfReadingOneFlowAtATime) {
  const std::string path = write([](int i) {
    if (i == 10) return flow("f5");                          // duplicate within the first part
    if (i == 5990) return flow("f20");                       // duplicate of the first part
    if (i == 5991) return flow("f5991") + "    extra: 1\n";  // an unknown key, last part
    if (i == 3500) return flow("taken-before");              // taken by an earlier file
    if (i == 4000) return flow("f4000", "stripe.nope");      // an unknown operation
    if (i == 4001) return flow("bad name");
    return flow("f" + std::to_string(i));
  });
  const std::vector<std::string> whole = readFlows(path, 1);
  EXPECT_TRUE(readFlows(path, 2) == whole) << "read on 2 threads";
  EXPECT_TRUE(readFlows(path, 4) == whole) << "read on 4 threads";
  std::string all;
  for (const auto& line : whole) all += line + "\n";
  // Flow i starts on line 2 + 3 i.
  EXPECT_THAT(all, ::testing::HasSubstr("flows.yaml:32:5: error: duplicate flow name 'f5'"));
  EXPECT_THAT(all, ::testing::HasSubstr("flows.yaml:17972:5: error: duplicate flow name 'f20'"));
  EXPECT_THAT(all, ::testing::HasSubstr("duplicate flow name 'taken-before'"));
  EXPECT_THAT(all, ::testing::HasSubstr("unknown key 'extra'"));
  EXPECT_THAT(all, ::testing::HasSubstr("stripe.nope"));
  EXPECT_THAT(all, ::testing::HasSubstr("flow name 'bad name' must be"));
  EXPECT_EQ(whole.front(), "f0 " + path + ":2:5");
}

TEST_F(FlowsInPartsTest, AFileAPartCannotReadIsReadWholeAndReportedAsBefore) {
  const std::string path = write([](int i) {
    // An anchor of the first part used in the last, in a key the flow does not know.
    if (i == 0) return flow("f0") + "    note: &n shared\n";
    if (i == 5000) return flow("f5000") + "    note: *n\n";
    if (i == 5500) return flow("f5500") + "    with: [\n";  // a syntax error
    return flow("f" + std::to_string(i));
  });
  const std::vector<std::string> whole = readFlows(path, 1);
  EXPECT_TRUE(readFlows(path, 2) == whole) << "read on 2 threads";
  std::string all;
  for (const auto& line : whole) all += line + "\n";
  EXPECT_THAT(all, ::testing::HasSubstr("flows.yaml:16508:3: error: invalid YAML"));
  EXPECT_THAT(all, ::testing::HasSubstr("invalid YAML"));
}

}  // namespace flows_in_parts_test
}  // namespace sluice::test
