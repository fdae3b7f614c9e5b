// Templates typed against the records and answers the vendors' specs describe: a typo is a
// warning with a suggestion, a path the spec leaves open never is, and the examples have none.
#include "config/template_typing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

namespace sluice::test {
namespace template_typing_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class TemplateTypingTest : public ::testing::Test {
 protected:
  std::vector<std::string> warningsOf(const std::string& steps) {
    const std::string text =
        "connections:\n"
        "  stripe: { app: stripe, api_key: \"${STRIPE_KEY}\" }\n"
        "  ghl: { app: ghl, token: \"${GHL_TOKEN}\", location_id: loc1 }\n"
        "flows:\n"
        "  - name: f\n"
        "    trigger: { op: stripe.customers.new_customer, connection: stripe }\n"
        "    steps:\n" +
        steps;
    const Config config = loadConfigText(text, "typing.yaml", catalog_, &env_);
    return lines(typeTemplates(config, catalog_));
  }
  static std::vector<std::string> lines(const std::vector<Diagnostic>& warnings) {
    std::vector<std::string> out;
    for (const auto& w : warnings) {
      EXPECT_EQ(w.severity, Severity::Warning);
      out.push_back(w.str());
    }
    return out;
  }
  Catalog catalog_ = Catalog::load(catalogRoot());
  std::map<std::string, std::string> env_{{"STRIPE_KEY", "sk_test_x1234"}, {"GHL_TOKEN", "t-1234"}};
};

TEST_F(TemplateTypingTest, ATriggerFieldTypoIsAWarningWithASuggestion) {
  const auto warnings = warningsOf(
      "      - op: ghl.contacts.upsert_contact\n"
      "        connection: ghl\n"
      "        with: { email: \"{{trigger.emial}}\", name: \"{{trigger.name}}\" }\n");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("typing.yaml:10:24: flow f step 0: '{{trigger.emial}}': "
                                     "stripe.customers.new_customer records have no field "
                                     "'emial' (did you mean email?)"));
}

TEST_F(TemplateTypingTest, AStepAnswerTypoIsAWarningToo) {
  const auto warnings = warningsOf(
      "      - name: contact\n"
      "        op: ghl.contacts.upsert_contact\n"
      "        connection: ghl\n"
      "        with: { email: \"{{trigger.email}}\" }\n"
      "      - op: ghl.contacts.add_tags_to_contact\n"
      "        connection: ghl\n"
      "        with: { contactId: \"{{steps.contact.contact.idd}}\", tags: [x] }\n");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("'{{steps.contact.contact.idd}}': the answer of "
                                     "ghl.contacts.upsert_contact has no field 'idd' (did you "
                                     "mean id?)"));
}

TEST_F(TemplateTypingTest, PathsTheSpecLeavesOpenAreNeverFlagged) {
  EXPECT_THAT(warningsOf("      - op: ghl.contacts.upsert_contact\n"
                         "        connection: ghl\n"
                         "        with:\n"
                         "          email: \"{{trigger.email}}\"\n"
                         "          name: \"{{trigger.metadata.plan_name}}\"\n"
                         "          source: \"{{trigger.address.city}} "
                         "{{trigger.invoice_settings.custom_fields.0.name}}\"\n"
                         "          companyName: \"{{trigger.default_source.bank_name}}\"\n"),
              IsEmpty());
}

TEST_F(TemplateTypingTest, EveryExampleChecksWithoutAWarning) {
  const std::map<std::string, std::string> env = {{"STRIPE_SECRET_KEY", "sk_test_x1234"},
                                                  {"STRIPE_KEY", "sk_test_x1234"},
                                                  {"GHL_TOKEN", "t-1234"},
                                                  {"GHL_LOCATION_ID", "loc1"},
                                                  {"GHL_COMPANY_ID", "comp1"},
                                                  {"GHL_BASE_URL", "http://127.0.0.1:1"},
                                                  {"STRIPE_BASE_URL", "http://127.0.0.1:1"},
                                                  {"SLUICE_STATE", "sqlite::memory:"}};
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SLUICE_SOURCE_DIR) + "/examples")) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    const Config config = loadConfig(entry.path().string(), catalog_, &env);
    EXPECT_THAT(lines(typeTemplates(config, catalog_)), IsEmpty()) << entry.path();
  }
  EXPECT_GT(files, 5);
}

}  // namespace template_typing_test
}  // namespace sluice::test
