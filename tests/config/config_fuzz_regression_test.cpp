// Regressions found by fuzz/config_fuzz: hostile or broken sluice.yaml files fail with a located
// ConfigError, never with another exception, a crash or undefined behaviour.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "catalog/catalog.h"
#include "config/config.h"
#include "core/error.h"
#include "test_support.h"

namespace sluice {
namespace config_fuzz_regression_test {

using ::testing::HasSubstr;

const Catalog& catalog() {
  static const Catalog c = Catalog::load(test::catalogRoot());
  return c;
}

// The message of the ConfigError that loading text raises ("" when it loads or throws another
// exception, which fails the test).
std::string rejection(const std::string& text) {
  const std::map<std::string, std::string> env = {{"STRIPE_KEY", "sk_test_123"}};
  try {
    loadConfigText(text, "sluice.yaml", catalog(), &env);
  } catch (const ConfigError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected a ConfigError, got: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << text;
  return "";
}

const std::string kHead = R"(connections:
  stripe: { app: stripe, api_key: "${STRIPE_KEY}" }
flows:
)";

TEST(ConfigFuzzRegressionTest, FlowWithoutNameIsALocatedError) {
  // yaml-cpp's node["name"] on a map without that key threw YAML::InvalidNode.
  const std::string err = rejection(
      kHead + R"(  - trigger: { op: stripe.customers.new_customer, connection: stripe, every: 5m }
    steps: []
)");
  EXPECT_THAT(err, HasSubstr("sluice.yaml:4:5:"));
  EXPECT_THAT(err, HasSubstr("missing required key 'name'"));
}

TEST(ConfigFuzzRegressionTest, HugeDurationsAreMalformedNotThrownOrOverflowed) {
  // std::stoll threw std::out_of_range past 19 digits; hours * 3600000 overflowed before that.
  EXPECT_EQ(parseDurationMs("99999999999999999999m"), std::nullopt);
  EXPECT_EQ(parseDurationMs("9999999999999999h"), std::nullopt);
  EXPECT_EQ(parseDurationMs("999999999999h"), 999999999999LL * 3600000);
  EXPECT_EQ(parseDurationMs("5m"), 300000);
  const std::string err = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 99999999999999999999m }
    steps: []
)");
  EXPECT_THAT(err, HasSubstr("'every': expected a duration like 5m"));
}

}  // namespace config_fuzz_regression_test
}  // namespace sluice
