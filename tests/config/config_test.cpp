// config/config.h: a valid sluice.yaml, then one rejection per test, each naming file:line:col.
#include "config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "catalog/catalog.h"
#include "core/error.h"
#include "test_support.h"

namespace sluice {
namespace config_test {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const Catalog& catalog() {
  static const Catalog c = Catalog::load(test::catalogRoot());
  return c;
}

const std::map<std::string, std::string> kEnv = {{"STRIPE_KEY", "sk_test_123"},
                                                 {"GHL_TOKEN", "pit-abc"}};

// Lines 1-4; every flow below starts on line 5.
const std::string kHead = R"(connections:
  stripe: { app: stripe, api_key: "${STRIPE_KEY}" }
  ghl: { app: ghl, token: "${GHL_TOKEN}", location_id: loc_1 }
flows:
)";

Config load(const std::string& text) {
  return loadConfigText(text, "sluice.yaml", catalog(), &kEnv);
}

// The ConfigError that loading text raises; fails the test when it loads.
ConfigError rejection(const std::string& text) {
  try {
    load(text);
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << text;
  return ConfigError({}, "");
}

// ---------------------------------------------------------------- valid

TEST(ConfigTest, ValidFileLoads) {
  const Config config = load(kHead + R"(  - name: stripe-to-ghl
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 5m }
    filter: "{{trigger.email}}"
    steps:
      - name: upsert
        op: ghl.contacts.upsert_contact
        connection: ghl
        with:
          email: "{{trigger.email}}"
          name: "{{trigger.name | default('Stripe customer')}}"
      - op: ghl.contacts.add_tags_to_contact
        connection: ghl
        if: "{{trigger.metadata.plan}} != ''"
        with: { contactId: "{{steps.upsert.contact.id}}", tags: [stripe, "{{trigger.metadata.plan}}"] }
      - op: ghl.contacts.create_contact_note
        connection: ghl
        with: { contactId: "{{steps.0.contact.id}}", body: "Stripe {{trigger.id}}" }
)");
  EXPECT_EQ(config.file, "sluice.yaml");
  EXPECT_EQ(config.state, "sqlite:sluice.db");
  EXPECT_TRUE(config.warnings.empty());
  ASSERT_EQ(config.connections.size(), 2u);
  const Connection& stripe = config.connections.at("stripe");
  EXPECT_EQ(stripe.app, "stripe");
  EXPECT_EQ(stripe.baseUrl, "https://api.stripe.com");
  EXPECT_EQ(stripe.settings.at("api_key"), "sk_test_123");
  const Connection& ghl = config.connections.at("ghl");
  EXPECT_EQ(ghl.settings.at("token"), "pit-abc");
  EXPECT_EQ(ghl.settings.at("location_id"), "loc_1");
  EXPECT_EQ(ghl.settings.at("user_type"), "Location");  // the app's default
  auto secrets = config.secrets();
  std::sort(secrets.begin(), secrets.end());
  EXPECT_EQ(secrets, (std::vector<std::string>{"pit-abc", "sk_test_123"}));

  ASSERT_EQ(config.flows.size(), 1u);
  const FlowConfig& flow = config.flows[0];
  EXPECT_EQ(flow.name, "stripe-to-ghl");
  EXPECT_TRUE(flow.enabled);
  EXPECT_EQ(flow.where.line, 5);
  EXPECT_EQ(flow.trigger.op, "stripe.customers.new_customer");
  EXPECT_EQ(flow.trigger.connection, "stripe");
  EXPECT_EQ(flow.trigger.everyMs, 5 * 60 * 1000);
  EXPECT_FALSE(flow.filter.empty());
  ASSERT_EQ(flow.steps.size(), 3u);
  EXPECT_EQ(flow.steps[0].name, "upsert");
  EXPECT_EQ(flow.steps[0].op, "ghl.contacts.upsert_contact");
  EXPECT_TRUE(flow.steps[0].when.empty());
  EXPECT_EQ(flow.steps[1].op, "ghl.contacts.add_tags_to_contact");
  EXPECT_FALSE(flow.steps[1].when.empty());
  EXPECT_EQ(flow.steps[1].where.line, 15);
  EXPECT_EQ(config.flow("stripe-to-ghl"), &flow);
  EXPECT_EQ(config.flow("nope"), nullptr);
}

TEST(ConfigTest, SettingsAndStateAreRead) {
  const Config config = load(R"(state: sqlite:/tmp/x.db
settings: { workers: 8, max_attempts: 3, max_retry_delay: 2m }
)");
  EXPECT_EQ(config.state, "sqlite:/tmp/x.db");
  EXPECT_EQ(config.settings.workers, 8);
  EXPECT_EQ(config.settings.maxAttempts, 3);
  EXPECT_EQ(config.settings.maxRetryDelayMs, 120000);
  EXPECT_FALSE(config.settings.demoMode);
  EXPECT_TRUE(config.flows.empty());
}

// ---------------------------------------------------------------- flows

// Rejected: a key a flow does not have.
TEST(ConfigTest, UnknownKeyInFlow) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    stepz: []
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:7:5: "));
  EXPECT_THAT(e.what(), HasSubstr("unknown key 'stepz'"));
  EXPECT_THAT(e.what(), HasSubstr("steps"));  // lists what is expected
}

// Rejected: an operation the catalog does not have; a near miss is suggested.
TEST(ConfigTest, UnknownOpSuggestsTheClosest) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.upsert_contac
        connection: ghl
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:8:13: "));
  EXPECT_THAT(e.what(), HasSubstr("unknown operation 'ghl.contacts.upsert_contac'"));
  EXPECT_THAT(e.what(), HasSubstr("did you mean ghl.contacts.upsert_contact"));
}

// Rejected: a trigger operation used as a step.
TEST(ConfigTest, TriggerOpUsedAsStep) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.get_contact
        connection: ghl
        with: { contactId: "{{trigger.id}}" }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:8:13: "));
  EXPECT_THAT(e.what(), HasSubstr("ghl.contacts.get_contact is a trigger; expected an action"));
}

// Rejected: an action operation used as the trigger.
TEST(ConfigTest, ActionOpUsedAsTrigger) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.create_customer, connection: stripe }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:6:20: "));
  EXPECT_THAT(e.what(), HasSubstr("is an action; expected a trigger"));
}

// Rejected: a step whose connection is for another app.
TEST(ConfigTest, ConnectionOfTheWrongApp) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.upsert_contact
        connection: stripe
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:9:21: "));
  EXPECT_THAT(e.what(), HasSubstr("connection 'stripe' is for app stripe but "
                                  "ghl.contacts.upsert_contact needs ghl"));
}

// Rejected: a connection name that is not declared.
TEST(ConfigTest, UnknownConnection) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.upsert_contact
        connection: ghl2
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:9:21: "));
  EXPECT_THAT(e.what(), HasSubstr("unknown connection 'ghl2'"));
}

// Rejected: a required input left out of `with`.
TEST(ConfigTest, MissingRequiredInput) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.add_tags_to_contact
        connection: ghl
        with: { contactId: "{{trigger.id}}" }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:10:15: "));
  EXPECT_THAT(e.what(), HasSubstr("ghl.contacts.add_tags_to_contact needs input 'tags'"));
}

// Rejected: an input name the operation does not have.
TEST(ConfigTest, UnknownInputName) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.upsert_contact
        connection: ghl
        with:
          emial: "{{trigger.email}}"
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:11:18: "));
  EXPECT_THAT(e.what(), HasSubstr("ghl.contacts.upsert_contact has no input 'emial'"));
  EXPECT_THAT(e.what(), HasSubstr("email"));  // the inputs it does have
}

// Rejected: a literal of the wrong type (integer input given "abc").
TEST(ConfigTest, WrongLiteralType) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.find_contact
        connection: ghl
        with: { query: "{{trigger.email}}", pageLimit: abc }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:10:56: "));
  EXPECT_THAT(e.what(), HasSubstr("input 'pageLimit' expects integer"));
}

// Rejected: a literal outside the input's enum.
TEST(ConfigTest, EnumViolation) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.bulk_update_contact_tags
        connection: ghl
        with: { type: both, contacts: ["{{trigger.id}}"], tags: [vip] }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:10:23: "));
  EXPECT_THAT(e.what(), HasSubstr("input 'type' must be one of add, remove, found 'both'"));
}

// Rejected: a template that reads a step which runs later.
TEST(ConfigTest, TemplateReferringToALaterStep) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.upsert_contact
        connection: ghl
        with: { email: "{{steps.later.x}}" }
      - name: later
        op: ghl.contacts.upsert_contact
        connection: ghl
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:10:24: "));
  EXPECT_THAT(e.what(), HasSubstr("refers to step 'later', which does not run before this one"));
}

// Rejected: a step that reads its own result.
TEST(ConfigTest, TemplateReferringToItsOwnStepIndex) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.upsert_contact
        connection: ghl
        with: { email: "{{steps.0.email}}" }
)");
  EXPECT_THAT(e.what(), HasSubstr("refers to step '0'"));
}

// Rejected: a template whose root is not trigger, steps, connection or flow.
TEST(ConfigTest, TemplateWithUnknownRoot) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.upsert_contact
        connection: ghl
        with:
          name: "Hi {{foo.bar}}"
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:11:17: "));
  EXPECT_THAT(e.what(), HasSubstr("'{{foo.bar}}' starts with unknown name 'foo'"));
}

// Rejected: the trigger's own inputs cannot read the trigger's records.
TEST(ConfigTest, TriggerInputsCannotReadTrigger) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger:
      op: stripe.customers.new_customer
      connection: stripe
      with: { email: "{{trigger.email}}" }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:9:22: "));
  EXPECT_THAT(e.what(), HasSubstr("unknown name 'trigger'"));
}

// Rejected: a filter condition that does not compile.
TEST(ConfigTest, FilterThatDoesNotCompile) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    filter: "{{trigger.amount}} >"
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:7:13: "));
  EXPECT_THAT(e.what(), HasSubstr("needs a value on its right"));
}

// ---------------------------------------------------------------- polling interval

// Rejected: every 30s without demo mode.
TEST(ConfigTest, EveryUnderOneMinute) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 30s }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:6:78: "));
  EXPECT_THAT(e.what(), HasSubstr("'every': must be between 1m and 15m, found '30s'"));
}

// Rejected: every 20m, over the 15 minute maximum.
TEST(ConfigTest, EveryOverFifteenMinutes) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 20m }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:6:78: "));
  EXPECT_THAT(e.what(), HasSubstr("found '20m'"));
}

// Rejected: every that is not a duration.
TEST(ConfigTest, EveryNotADuration) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: often }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
)");
  EXPECT_THAT(e.what(), HasSubstr("expected a duration like 5m, found 'often'"));
}

TEST(ConfigTest, EveryBoundsAreInclusive) {
  const Config one = load(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 1m }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
  - name: g
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 15m }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
)");
  EXPECT_EQ(one.flows[0].trigger.everyMs, 60000);
  EXPECT_EQ(one.flows[1].trigger.everyMs, 900000);
}

TEST(ConfigTest, DemoModeAllowsTwoSecondsAndWarns) {
  const Config config = load("settings:\n  demo_mode: true\n" + kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 2s }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
)");
  EXPECT_TRUE(config.settings.demoMode);
  EXPECT_EQ(config.flows[0].trigger.everyMs, 2000);
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_THAT(config.warnings[0].str(), StartsWith("sluice.yaml:2:14: "));
  EXPECT_THAT(config.warnings[0].str(), HasSubstr("demo_mode"));
}

// Rejected: even demo mode does not poll more than once a second.
TEST(ConfigTest, DemoModeStillRejectsUnderOneSecond) {
  const ConfigError e = rejection("settings:\n  demo_mode: true\n" + kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 500ms }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
)");
  EXPECT_THAT(e.what(), HasSubstr("between 1s (demo mode) and 15m, found '500ms'"));
}

// ---------------------------------------------------------------- connections and secrets

// Rejected: a secret written into the file; the message must not repeat it.
TEST(ConfigTest, LiteralSecretIsRejectedWithoutEchoingIt) {
  const ConfigError e = rejection(R"(connections:
  stripe: { app: stripe, api_key: sk_live_x }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:2:35: "));
  EXPECT_THAT(e.what(), HasSubstr("'api_key' is a secret"));
  EXPECT_THAT(e.what(), HasSubstr("api_key_file"));
  EXPECT_THAT(e.what(), Not(HasSubstr("sk_live_x")));
}

// Rejected: ${VAR} that the environment does not have.
TEST(ConfigTest, UnsetEnvironmentVariable) {
  const ConfigError e = rejection(R"(connections:
  stripe: { app: stripe, api_key: "${NOT_SET_ANYWHERE}" }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:2:35: "));
  EXPECT_THAT(e.what(), HasSubstr("environment variable NOT_SET_ANYWHERE is not set"));
}

// Rejected: a secret written into the file as the default of an unset ${VAR:-...}.
TEST(ConfigTest, SecretAsVariableDefaultIsRejectedWithoutEchoingIt) {
  const ConfigError e = rejection(R"(connections:
  stripe: { app: stripe, api_key: "${NOT_SET_ANYWHERE:-sk_live_default}" }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:2:35: "));
  EXPECT_THAT(e.what(), HasSubstr("'api_key' is a secret"));
  EXPECT_THAT(e.what(), Not(HasSubstr("sk_live_default")));
}

TEST(ConfigTest, SecretFromSetVariableIgnoresItsDefault) {
  const Config config = load(R"(connections:
  stripe: { app: stripe, api_key: "${STRIPE_KEY:-unused}" }
)");
  EXPECT_EQ(config.connections.at("stripe").settings.at("api_key"), "sk_test_123");
}

TEST(ConfigTest, OptionalSecretMayDefaultToEmpty) {
  const Config config = load(R"(connections:
  ghl: { app: ghl, token: "${GHL_TOKEN}", client_secret: "${NOT_SET_ANYWHERE:-}" }
)");
  const Connection& ghl = config.connections.at("ghl");
  EXPECT_EQ(ghl.settings.at("client_secret"), "");
  EXPECT_EQ(config.secrets(), std::vector<std::string>{"pit-abc"});
}

TEST(ConfigTest, EnvironmentVariableDefaultIsUsedWhenUnset) {
  const Config config = load(R"(connections:
  ghl: { app: ghl, token: "${GHL_TOKEN}", location_id: "${LOC:-loc_default}" }
)");
  EXPECT_EQ(config.connections.at("ghl").settings.at("location_id"), "loc_default");
}

TEST(ConfigTest, SecretReadFromFile) {
  test::TempDir dir;
  const std::string path = dir.write("stripe.key", "sk_test_from_file\n");
  const Config config =
      load("connections:\n  stripe: { app: stripe, api_key_file: \"" + path + "\" }\n");
  const Connection& c = config.connections.at("stripe");
  EXPECT_EQ(c.settings.at("api_key"), "sk_test_from_file");  // trailing newline dropped
  EXPECT_EQ(config.secrets(), std::vector<std::string>{"sk_test_from_file"});
}

// Rejected: a secret file that cannot be read.
TEST(ConfigTest, SecretFileMissing) {
  test::TempDir dir;
  const ConfigError e = rejection("connections:\n  stripe: { app: stripe, api_key_file: \"" +
                                  dir.path() + "/nope\" }\n");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:2:"));
  EXPECT_THAT(e.what(), HasSubstr("cannot read file"));
}

// Rejected: both the value and the file for one setting.
TEST(ConfigTest, SecretGivenTwice) {
  test::TempDir dir;
  const std::string path = dir.write("k", "sk_test_a");
  const ConfigError e = rejection(
      "connections:\n  stripe: { app: stripe, api_key: \"${STRIPE_KEY}\", "
      "api_key_file: \"" +
      path + "\" }\n");
  EXPECT_THAT(e.what(), HasSubstr("give either 'api_key' or 'api_key_file', not both"));
  EXPECT_THAT(e.what(), Not(HasSubstr("sk_test_123")));
}

// Rejected: a connection without the app's required setting.
TEST(ConfigTest, MissingRequiredSetting) {
  const ConfigError e = rejection(R"(connections:
  stripe: { app: stripe }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:2:11: "));
  EXPECT_THAT(e.what(), HasSubstr("missing required setting 'api_key'"));
}

// Rejected: an app the catalog does not have.
TEST(ConfigTest, UnknownApp) {
  const ConfigError e = rejection(R"(connections:
  shop: { app: shopify, api_key: "${STRIPE_KEY}" }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:2:16: "));
  EXPECT_THAT(e.what(), HasSubstr("unknown app 'shopify' (known: ghl, stripe)"));
}

// Rejected: a setting the app does not declare.
TEST(ConfigTest, UnknownConnectionSetting) {
  const ConfigError e = rejection(R"(connections:
  stripe: { app: stripe, api_key: "${STRIPE_KEY}", apikey2: x }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:2:52: "));
  EXPECT_THAT(e.what(), HasSubstr("unknown key 'apikey2'"));
}

// Rejected: a base_url that is not http(s).
TEST(ConfigTest, BaseUrlMustBeHttp) {
  const ConfigError e = rejection(R"(connections:
  stripe: { app: stripe, api_key: "${STRIPE_KEY}", base_url: "ftp://x" }
)");
  EXPECT_THAT(e.what(), HasSubstr("'base_url' must start with http:// or https://"));
}

TEST(ConfigTest, BaseUrlOverrideLosesTrailingSlash) {
  const Config config = load(R"(connections:
  stripe: { app: stripe, api_key: "${STRIPE_KEY}", base_url: "http://127.0.0.1:8080/" }
)");
  EXPECT_EQ(config.connections.at("stripe").baseUrl, "http://127.0.0.1:8080");
}

// Rejected: a GHL connection with neither a token nor a refresh token.
TEST(ConfigTest, GhlConnectionNeedsAToken) {
  const ConfigError e = rejection(R"(connections:
  ghl: { app: ghl, location_id: loc_1 }
)");
  EXPECT_THAT(e.what(), HasSubstr("connection needs 'token'"));
}

// ---------------------------------------------------------------- file level

// Rejected: two flows with one name.
TEST(ConfigTest, DuplicateFlowName) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl }
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:9:5: "));
  EXPECT_THAT(e.what(), HasSubstr("duplicate flow name 'f'"));
}

// Rejected: a flow with no steps.
TEST(ConfigTest, FlowWithoutSteps) {
  const ConfigError e = rejection(kHead + R"(  - name: f
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps: []
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:7:12: "));
  EXPECT_THAT(e.what(), HasSubstr("expected a non-empty list of actions"));
}

// Rejected: a top-level key sluice does not know.
TEST(ConfigTest, UnknownTopLevelKey) {
  const ConfigError e = rejection("state: sqlite:x.db\nflow: []\n");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:2:1: "));
  EXPECT_THAT(e.what(), HasSubstr("unknown key 'flow'"));
}

// Rejected: text that is not YAML; the position of the problem is named.
TEST(ConfigTest, InvalidYamlNamesThePosition) {
  const ConfigError e = rejection(R"(connections:
  stripe: { app: stripe, api_key: "${STRIPE_KEY}"
flows: []
)");
  EXPECT_THAT(e.what(), StartsWith("sluice.yaml:3:"));
  EXPECT_THAT(e.what(), HasSubstr("invalid YAML"));
  EXPECT_EQ(e.where().file, "sluice.yaml");
  EXPECT_EQ(e.where().line, 3);
}

// Rejected: ${VAR} unquoted inside a flow map is a YAML error; the message says to quote it.
TEST(ConfigTest, UnquotedVariableInFlowMapGetsAHint) {
  const ConfigError e = rejection(R"(connections:
  stripe: { app: stripe, api_key: ${STRIPE_KEY} }
)");
  EXPECT_THAT(e.what(), HasSubstr("invalid YAML"));
  EXPECT_THAT(e.what(), HasSubstr("quote values that use ${VAR}"));
}

TEST(ParseDurationTest, Units) {
  EXPECT_EQ(parseDurationMs("500ms"), 500);
  EXPECT_EQ(parseDurationMs("90s"), 90000);
  EXPECT_EQ(parseDurationMs("5m"), 300000);
  EXPECT_EQ(parseDurationMs("1h"), 3600000);
  EXPECT_EQ(parseDurationMs(" 2m "), 120000);
  EXPECT_EQ(parseDurationMs("30d"), 30LL * 86400000);
  EXPECT_FALSE(parseDurationMs("999999999999d").has_value());  // would overflow
  EXPECT_FALSE(parseDurationMs("5").has_value());
  EXPECT_FALSE(parseDurationMs("m").has_value());
  EXPECT_FALSE(parseDurationMs("1.5m").has_value());
  EXPECT_FALSE(parseDurationMs("-1m").has_value());
}

}  // namespace config_test
}  // namespace sluice
