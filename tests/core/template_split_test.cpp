// core/template.h: the split(sep) filter, used by the example flows to turn Stripe's
// comma-separated metadata tags into the tag arrays GHL takes.
#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "core/json.h"
#include "core/template.h"

namespace sluice {
namespace template_split_test {

class TemplateSplitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(parseJson(R"({
      "tags": "vip, pro,,  beta ",
      "piped": "a|b",
      "one": "solo",
      "empty": "",
      "nothing": null,
      "list": ["x", "y"],
      "count": 3
    })",
                           doc_)
                     .has_value());
    scope_.set("trigger", &doc_);
  }
  // The lone expression rendered as JSON text.
  std::string render(const std::string& text) {
    JsonDoc out;
    return toJson(Template::compile(text).render(scope_, out.GetAllocator()));
  }

  JsonDoc doc_;
  MapScope scope_;
};

TEST_F(TemplateSplitTest, SplitsOnCommasTrimmingAndDroppingEmptyParts) {
  EXPECT_EQ(render("{{trigger.tags | split(',')}}"), R"(["vip","pro","beta"])");
  EXPECT_EQ(render("{{trigger.tags | split}}"), R"(["vip","pro","beta"])");  // ',' by default
  EXPECT_EQ(render("{{trigger.one | split(',')}}"), R"(["solo"])");
  EXPECT_EQ(render("{{trigger.empty | split(',')}}"), "[]");
}

TEST_F(TemplateSplitTest, TakesAnySeparator) {
  EXPECT_EQ(render("{{trigger.piped | split('|')}}"), R"(["a","b"])");
  EXPECT_EQ(render("{{trigger.tags | split(', ')}}"), R"(["vip","pro,","beta"])");
}

TEST_F(TemplateSplitTest, LeavesNonStringsAlone) {
  EXPECT_EQ(render("{{trigger.nothing | split(',')}}"), "null");
  EXPECT_EQ(render("{{trigger.missing | split(',')}}"), "null");
  EXPECT_EQ(render("{{trigger.list | split(',')}}"), R"(["x","y"])");
  EXPECT_EQ(render("{{trigger.count | split(',')}}"), "3");
}

TEST_F(TemplateSplitTest, ComposesWithOtherFilters) {
  EXPECT_EQ(render("{{trigger.tags | lower | split(',') | size}}"), "3");
  EXPECT_EQ(render("{{trigger.tags | split(',') | first}}"), R"("vip")");
  EXPECT_EQ(render("{{trigger.tags | split(',') | join('+')}}"), R"("vip+pro+beta")");
  EXPECT_EQ(Template::compile("tags: {{trigger.tags | split(',') | join(';')}}").renderText(scope_),
            "tags: vip;pro;beta");
}

}  // namespace template_split_test
}  // namespace sluice
