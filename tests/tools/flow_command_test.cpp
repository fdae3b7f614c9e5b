// `sluice flow pause|resume`: the flag goes to the state store, `sluice status` shows it
// (table and --json), repeating either says so, and an unknown flow is a usage error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/exit_codes.h"
#include "core/json.h"
#include "state/state_store.h"
#include "test_support.h"

namespace sluice {
namespace flow_command_test {

using ::testing::HasSubstr;

class FlowCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = dir_.write("sluice.yaml",
                       "state: sqlite:state.db\n"
                       "connections:\n"
                       "  stripe: { app: stripe, api_key: \"${K}\" }\n"
                       "  ghl: { app: ghl, token: \"${T}\", location_id: loc_1 }\n"
                       "flows:\n"
                       "  - name: customers\n"
                       "    trigger: { op: stripe.customers.new_customer, connection: stripe }\n"
                       "    steps:\n"
                       "      - op: ghl.contacts.upsert_contact\n"
                       "        connection: ghl\n"
                       "        with: { email: \"{{trigger.email}}\" }\n");
  }
  test::CommandResult sluice(std::vector<std::string> args) {
    args.push_back("-c");
    args.push_back(file_);
    return test::runSluice(
        args, {"K=sk_test_flowcmd", "T=pit-flowcmd", "SLUICE_CATALOG=" + test::catalogRoot()});
  }
  std::string statusState() {
    const auto r = sluice({"status", "--json"});
    JsonDoc doc;
    EXPECT_FALSE(parseJson(r.out, doc)) << r.out << r.err;
    return doc.IsArray() && doc.Size() == 1 ? doc[0]["state"].GetString() : "";
  }
  test::TempDir dir_;
  std::string file_;
};

TEST_F(FlowCommandTest, PauseAndResumeGoToTheStoreAndStatusShowsThem) {
  auto r = sluice({"flow", "pause", "customers"});
  ASSERT_EQ(r.exitCode, EXIT_OK) << r.err;
  EXPECT_THAT(r.out, HasSubstr("customers paused"));
  EXPECT_EQ(statusState(), "paused");
  EXPECT_THAT(sluice({"status"}).out, HasSubstr("paused"));
  auto store = openStateStore("sqlite:" + dir_.path() + "/state.db");
  EXPECT_EQ(store->pausedFlows().count("customers"), 1u);

  EXPECT_THAT(sluice({"flow", "pause", "customers"}).out, HasSubstr("was paused already"));
  r = sluice({"flow", "resume", "customers"});
  ASSERT_EQ(r.exitCode, EXIT_OK) << r.err;
  EXPECT_THAT(r.out, HasSubstr("customers resumed"));
  EXPECT_EQ(statusState(), "never polled");
  EXPECT_TRUE(store->pausedFlows().empty());
  EXPECT_THAT(sluice({"flow", "resume", "customers"}).out, HasSubstr("was not paused"));
}

TEST_F(FlowCommandTest, AnUnknownFlowOrNoFlowIsAUsageError) {
  auto r = sluice({"flow", "pause", "nope"});
  EXPECT_EQ(r.exitCode, EXIT_USAGE);
  EXPECT_THAT(r.err, HasSubstr("unknown flow 'nope' (flows: customers)"));
  EXPECT_EQ(sluice({"flow", "resume"}).exitCode, EXIT_USAGE);
  EXPECT_EQ(test::runSluice({"flow", "stop"}).exitCode, EXIT_USAGE);
}

}  // namespace flow_command_test
}  // namespace sluice
