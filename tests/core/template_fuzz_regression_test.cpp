// Regressions found by fuzz/template_fuzz: hostile values and filter arguments render to
// something harmless, never to undefined behaviour (run under UBSan in the sanitizer build).
#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "core/template.h"

namespace sluice {
namespace template_fuzz_regression_test {

std::string render(const std::string& text) {
  JsonDoc doc;
  EXPECT_FALSE(
      parseJson(R"({"big": 1e300, "neg": -1e300, "ms": 1706782830000, "nan": "nan"})", doc));
  MapScope scope;
  scope.set("trigger", &doc);
  return Template::compile(text).renderText(scope);
}

TEST(TemplateFuzzRegressionTest, DateOfAHugeNumberIsEmpty) {
  // static_cast<time_t>(1e300) was undefined behaviour (float-cast-overflow).
  EXPECT_EQ(render("{{trigger.big | date}}"), "");
  EXPECT_EQ(render("{{trigger.neg | date}}"), "");
  EXPECT_EQ(render("{{trigger.ms | divide(0.000001) | date}}"), "");
  EXPECT_EQ(render("{{trigger.nan | divide(1) | date}}"), "");
  EXPECT_EQ(render("{{trigger.ms | date('%Y-%m-%d')}}"), "2024-02-01");
}

TEST(TemplateFuzzRegressionTest, DateOfAnExtremeIsoYearDoesNotOverflow) {
  // sscanf("%d") read INT_MIN into tm_year, and tm_year - 1900 overflowed.
  EXPECT_NO_THROW(render("{{trigger.x | default('-2147483648-01-01T00:00:00Z') | date}}"));
  EXPECT_NO_THROW(render("{{trigger.x | default('2024--2147483648-01T00:00:00Z') | date}}"));
  EXPECT_EQ(render("{{trigger.x | default('2024-02-01T10:20:30Z') | date('%Y-%m-%d %H:%M')}}"),
            "2024-02-01 10:20");
}

}  // namespace template_fuzz_regression_test
}  // namespace sluice
