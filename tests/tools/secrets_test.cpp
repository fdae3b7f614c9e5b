// Secrets never reach a log line, an error, the history, the dead letters, `sluice check`,
// `status`, `test` or the state file, even when an API echoes them back in its errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.h"
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::test {
namespace secrets_test {

constexpr const char* kKey = "sk_test_SECRETstripe4242";
constexpr const char* kToken = "ghl-SECRET-token-777";

TEST(Secrets, NeverAppearInAnyOutputOrTheStateFile) {
  TempDir dir;
  fakes::FakeStripe stripe;
  stripe.setApiKey(kKey);
  stripe.start();
  fakes::FakeGhl ghl("loc_secret");
  ghl.setStaticToken(kToken);
  ghl.start();
  const std::string file =
      dir.write("sluice.yaml",
                "state: sqlite:state.db\n"
                "settings: { demo_mode: true, max_attempts: 1 }\n" +
                    fakeConnectionsYaml(stripe.baseUrl(), ghl.baseUrl(), "loc_secret") +
                    "flows:\n" + customerToContactFlowYaml("leaky"));
  const std::vector<std::string> env = {std::string("K=") + kKey, std::string("T=") + kToken,
                                        "SLUICE_CATALOG=" + catalogRoot()};
  std::string everything;
  auto run = [&](const std::vector<std::string>& args) {
    const CommandResult r = runSluice(args, env);
    everything += r.out + r.err;
    return r;
  };
  EXPECT_EQ(run({"check", "-c", file}).exitCode, 0);
  run({"run", "-c", file, "--once"});
  stripe.createCustomer("echo@x.test", "Echo");
  // A server that echoes the credentials in its error messages, on the poll and the action.
  ghl.addFaultJson(
      std::string(R"({"match":"/contacts/upsert","status":400,"message":"bad token )") + kToken +
      R"("})");
  run({"run", "-c", file, "--once", "--log-level", "debug"});
  stripe.addFaultJson(std::string(R"({"match":"/v1/customers","status":500,"message":"key )") +
                      kKey + R"( rejected"})");
  run({"run", "-c", file, "--once", "--log-level", "debug"});
  run({"test", "-c", file, "leaky"});
  EXPECT_THAT(run({"dlq", "list", "-c", file}).out, ::testing::HasSubstr("400"));
  run({"history", "-c", file});
  run({"status", "-c", file, "--json"});
  run({"cursor", "show", "-c", file});
  run({"ops", "call", "ghl.contacts.get_contact", "--connection", "ghl", "-c", file, "--with",
       "contactId=nope"});
  // A literal secret in the file is refused without being repeated.
  const std::string literal = dir.write(
      "literal.yaml", "connections:\n  s: { app: stripe, api_key: sk_live_LITERAL999 }\n");
  EXPECT_EQ(run({"check", "-c", literal}).exitCode, 78);

  EXPECT_THAT(everything, ::testing::HasSubstr("****"));  // it was there to mask
  for (const char* secret : {kKey, kToken, "sk_live_LITERAL999"})
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret << " leaked:\n" << everything;
  const std::string state =
      readFile(dir.path() + "/state.db") + readFile(dir.path() + "/state.db-wal");
  ASSERT_FALSE(state.empty());
  for (const char* secret : {kKey, kToken})
    EXPECT_EQ(state.find(secret), std::string::npos) << secret << " is in the state file";
}

}  // namespace secrets_test
}  // namespace sluice::test
