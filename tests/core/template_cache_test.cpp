// TemplateCache: equal template texts share one compiled template while a file is read.
#include "core/template_cache.h"

#include <gtest/gtest.h>

#include "config/config.h"
#include "test_support.h"

namespace sluice::test {
namespace template_cache_test {

TEST(TemplateCacheTest, EqualTextsShareOneCompiledTemplate) {
  TemplateCache cache;
  const auto a = cache.compile("Hi {{trigger.name}}");
  const auto b = cache.compile("Hi {{trigger.name}}");
  const auto c = cache.compile("Hi {{trigger.email}}");
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  EXPECT_EQ(a->source(), "Hi {{trigger.name}}");
}

TEST(TemplateCacheTest, PlainTextIsNotKeptAndABrokenTemplateIsAnError) {
  TemplateCache cache;
  EXPECT_NE(cache.compile("u1@example.com").get(), cache.compile("u1@example.com").get());
  EXPECT_THROW(cache.compile("{{trigger.name"), TemplateError);
  EXPECT_THROW(cache.compile("{{trigger.name"), TemplateError);  // not kept as compiled
}

TEST(TemplateCacheTest, TheFlowsOfAConfigShareTheirStepsTemplates) {
  TempDir dir;
  const Catalog catalog = Catalog::load(catalogRoot());
  const std::map<std::string, std::string> env{{"K", "sk_test_x1234"}, {"T", "t-1234"}};
  std::string text =
      "connections:\n"
      "  stripe: { app: stripe, api_key: \"${K}\" }\n"
      "  ghl: { app: ghl, token: \"${T}\", location_id: l1 }\n"
      "flows:\n";
  for (const char* name : {"a", "b"})
    text += std::string("  - name: ") + name +
            "\n    trigger: { op: stripe.customers.new_customer, connection: stripe }\n"
            "    steps: [ { op: ghl.contacts.upsert_contact, connection: ghl, with: { email: "
            "\"{{trigger.email}}\" } } ]\n";
  const Config config = loadConfig(dir.write("sluice.yaml", text), catalog, &env);
  ASSERT_EQ(config.flows.size(), 2u);
  const Template& first = config.flows[0].steps[0].with.members()[0].second.text();
  const Template& second = config.flows[1].steps[0].with.members()[0].second.text();
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(config.flows[1].steps[0].with.members()[0].second.where().line, 10);  // its own place
}

}  // namespace template_cache_test
}  // namespace sluice::test
