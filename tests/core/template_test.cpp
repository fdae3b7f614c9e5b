// core/template.h: paths, typed lone expressions, text rendering, filters, compile errors.
#include "core/template.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "core/json.h"

namespace sluice {
namespace template_test {

// Roots trigger and steps over one parsed document:
//   trigger: a Stripe-like customer; steps: the results of earlier steps.
class TemplateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(parseJson(R"({
      "trigger": {
        "id": "cus_1",
        "name": "  Ada Lovelace  ",
        "email": "ADA@Example.com",
        "amount": 4250,
        "price": "7.6",
        "created": 1706782830,
        "created_ms": 1706782830000,
        "date": "2024-02-01T10:20:30Z",
        "nickname": "",
        "nothing": null,
        "tags": ["vip", "stripe", "pro"],
        "empty": [],
        "metadata": {"plan": "pro", "seats": 3},
        "items": [{"sku": "a"}, {"sku": "b"}, {"sku": "c"}]
      },
      "steps": [{"contact": {"id": "ct_9", "tags": []}}]
    })",
                           doc_)
                     .has_value());
    scope_.set("trigger", &doc_["trigger"]);
    scope_.set("steps", &doc_["steps"]);
  }

  // Renders text as a JSON value owned by out_.
  const JsonValue& render(const std::string& text) {
    value_ = Template::compile(text).render(scope_, out_.GetAllocator());
    return value_;
  }
  std::string text(const std::string& text) { return Template::compile(text).renderText(scope_); }

  JsonDoc doc_;
  JsonDoc out_;
  JsonValue value_;
  MapScope scope_;
};

// ---------------------------------------------------------------- paths

TEST_F(TemplateTest, PathWalksArrayIndexThenObjects) {
  EXPECT_EQ(text("{{steps.0.contact.id}}"), "ct_9");
}

TEST_F(TemplateTest, NegativeIndexCountsFromTheEnd) {
  EXPECT_EQ(text("{{trigger.items.-1.sku}}"), "c");
  EXPECT_EQ(text("{{trigger.items.-3.sku}}"), "a");
}

TEST_F(TemplateTest, IndexOutOfRangeIsMissing) {
  EXPECT_TRUE(render("{{trigger.items.3}}").IsNull());
  EXPECT_TRUE(render("{{trigger.items.-4}}").IsNull());
}

TEST_F(TemplateTest, NonNumericIndexIntoArrayIsMissing) {
  EXPECT_TRUE(render("{{trigger.items.first}}").IsNull());
}

TEST_F(TemplateTest, PathThroughAScalarIsMissing) {
  EXPECT_TRUE(render("{{trigger.email.domain}}").IsNull());
}

TEST_F(TemplateTest, UnknownRootIsMissing) {
  EXPECT_TRUE(render("{{inputs.email}}").IsNull());
  EXPECT_EQ(text("[{{inputs.email}}]"), "[]");
}

// ---------------------------------------------------------------- typed lone expressions

TEST_F(TemplateTest, LoneExpressionKeepsNumberType) {
  const JsonValue& v = render("{{trigger.amount}}");
  ASSERT_TRUE(v.IsNumber());
  EXPECT_EQ(v.GetInt64(), 4250);
}

TEST_F(TemplateTest, LoneExpressionKeepsArrayType) {
  const JsonValue& v = render("{{trigger.tags}}");
  ASSERT_TRUE(v.IsArray());
  ASSERT_EQ(v.Size(), 3u);
  EXPECT_STREQ(v[1].GetString(), "stripe");
}

TEST_F(TemplateTest, LoneExpressionKeepsObjectType) {
  const JsonValue& v = render("{{trigger.metadata}}");
  ASSERT_TRUE(v.IsObject());
  EXPECT_STREQ(v["plan"].GetString(), "pro");
  EXPECT_EQ(v["seats"].GetInt(), 3);
}

TEST_F(TemplateTest, LoneExpressionOfMissingPathIsNull) {
  EXPECT_TRUE(render("{{trigger.metadata.missing}}").IsNull());
}

TEST_F(TemplateTest, LoneExpressionWithSpacesInsideBracesIsStillSingle) {
  const Template t = Template::compile("{{  trigger.amount  }}");
  EXPECT_TRUE(t.isSingleExpression());
  EXPECT_TRUE(render("{{  trigger.amount  }}").IsNumber());
}

TEST_F(TemplateTest, SurroundingTextMakesItNotSingle) {
  EXPECT_FALSE(Template::compile(" {{trigger.amount}}").isSingleExpression());
  EXPECT_FALSE(Template::compile("{{trigger.amount}}{{trigger.id}}").isSingleExpression());
}

TEST_F(TemplateTest, TextWithoutBracesIsLiteral) {
  const Template t = Template::compile("just text { not } a template");
  EXPECT_TRUE(t.isLiteral());
  EXPECT_EQ(t.renderText(scope_), "just text { not } a template");
}

// ---------------------------------------------------------------- mixed text

TEST_F(TemplateTest, MixedTextRendersAsString) {
  const JsonValue& v = render("Amount {{trigger.amount}} for {{trigger.id}}");
  ASSERT_TRUE(v.IsString());
  EXPECT_STREQ(v.GetString(), "Amount 4250 for cus_1");
}

TEST_F(TemplateTest, MixedTextSerializesArraysAndObjectsAsJson) {
  EXPECT_EQ(text("tags={{trigger.tags}}"), R"(tags=["vip","stripe","pro"])");
  EXPECT_EQ(text("m={{trigger.metadata}}"), R"(m={"plan":"pro","seats":3})");
}

TEST_F(TemplateTest, MixedTextRendersMissingAndNullAsEmpty) {
  EXPECT_EQ(text("<{{trigger.nothing}}|{{trigger.missing}}>"), "<|>");
}

// ---------------------------------------------------------------- filters

TEST_F(TemplateTest, DefaultReplacesMissingNullAndEmpty) {
  EXPECT_EQ(text("Hi {{trigger.missing | default('there')}}"), "Hi there");
  EXPECT_EQ(text("Hi {{trigger.nothing | default('there')}}"), "Hi there");
  EXPECT_EQ(text("Hi {{trigger.nickname | default(\"there\")}}"), "Hi there");
  EXPECT_EQ(text("{{trigger.empty | default('none')}}"), "none");
}

TEST_F(TemplateTest, DefaultKeepsAPresentValueAndItsType) {
  const JsonValue& v = render("{{trigger.amount | default('0')}}");
  ASSERT_TRUE(v.IsNumber());
  EXPECT_EQ(v.GetInt(), 4250);
}

TEST_F(TemplateTest, DefaultArgumentMayContainPipesAndCommasInQuotes) {
  EXPECT_EQ(text("{{trigger.missing | default('a|b, c')}}"), "a|b, c");
}

TEST_F(TemplateTest, LowerUpperTrim) {
  EXPECT_EQ(text("{{trigger.email | lower}}"), "ada@example.com");
  EXPECT_EQ(text("{{trigger.email | upper}}"), "ADA@EXAMPLE.COM");
  EXPECT_EQ(text("[{{trigger.name | trim}}]"), "[Ada Lovelace]");
}

TEST_F(TemplateTest, FiltersChainLeftToRight) {
  EXPECT_EQ(text("Hello {{trigger.missing | default('there') | upper}}"), "Hello THERE");
  EXPECT_EQ(text("{{trigger.name | trim | upper}}"), "ADA LOVELACE");
}

TEST_F(TemplateTest, JoinWithSeparatorAndDefaultComma) {
  EXPECT_EQ(text("{{trigger.tags | join(', ')}}"), "vip, stripe, pro");
  EXPECT_EQ(text("{{trigger.tags | join}}"), "vip,stripe,pro");
}

TEST_F(TemplateTest, JoinLeavesNonArraysAlone) {
  EXPECT_EQ(text("{{trigger.id | join('-')}}"), "cus_1");
}

TEST_F(TemplateTest, NumberFormatsWithDecimals) {
  EXPECT_EQ(text("{{trigger.amount | number(2)}}"), "4250.00");
  EXPECT_EQ(text("{{trigger.price | number(1)}}"), "7.6");
  EXPECT_EQ(text("{{trigger.price | number}}"), "8");  // rounds to 0 decimals
}

TEST_F(TemplateTest, NumberOfMissingStaysMissing) {
  EXPECT_TRUE(render("{{trigger.missing | number(2)}}").IsNull());
}

TEST_F(TemplateTest, DivideGivesANumber) {
  const JsonValue& v = render("{{trigger.amount | divide(100)}}");
  ASSERT_TRUE(v.IsNumber());
  EXPECT_DOUBLE_EQ(v.GetDouble(), 42.5);
}

TEST_F(TemplateTest, DivideThenNumberFormatsCents) {
  EXPECT_EQ(text("${{trigger.amount | divide(100) | number(2)}}"), "$42.50");
}

TEST_F(TemplateTest, DivideByZeroGivesZero) {
  const JsonValue& v = render("{{trigger.amount | divide(0)}}");
  ASSERT_TRUE(v.IsNumber());
  EXPECT_DOUBLE_EQ(v.GetDouble(), 0);
}

TEST_F(TemplateTest, DateFormatsUnixSeconds) {
  EXPECT_EQ(text("{{trigger.created | date('%Y-%m-%d %H:%M')}}"), "2024-02-01 10:20");
}

TEST_F(TemplateTest, DateTakesMillisecondsToo) {
  EXPECT_EQ(text("{{trigger.created_ms | date('%d/%m/%Y')}}"), "01/02/2024");
}

TEST_F(TemplateTest, DateDefaultFormatIsIso8601) {
  EXPECT_EQ(text("{{trigger.created | date}}"), "2024-02-01T10:20:30Z");
}

TEST_F(TemplateTest, DateReformatsAnIsoString) {
  EXPECT_EQ(text("{{trigger.date | date('%H:%M:%S on %b %d')}}"), "10:20:30 on Feb 01");
}

TEST_F(TemplateTest, JsonSerializesAsAString) {
  const JsonValue& v = render("{{trigger.metadata | json}}");
  ASSERT_TRUE(v.IsString());
  EXPECT_STREQ(v.GetString(), R"({"plan":"pro","seats":3})");
  EXPECT_EQ(text("{{trigger.id | json}}"), "\"cus_1\"");
}

TEST_F(TemplateTest, FirstAndLastPickArrayEnds) {
  EXPECT_EQ(text("{{trigger.tags | first}}"), "vip");
  EXPECT_EQ(text("{{trigger.tags | last}}"), "pro");
  const JsonValue& v = render("{{trigger.items | last}}");
  ASSERT_TRUE(v.IsObject());
  EXPECT_STREQ(v["sku"].GetString(), "c");
}

TEST_F(TemplateTest, FirstOfEmptyArrayIsNull) {
  EXPECT_TRUE(render("{{trigger.empty | first}}").IsNull());
  EXPECT_TRUE(render("{{trigger.id | last}}").IsNull());
}

TEST_F(TemplateTest, SizeOfArrayObjectStringAndMissing) {
  EXPECT_EQ(render("{{trigger.tags | size}}").GetUint(), 3u);
  EXPECT_EQ(render("{{trigger.metadata | size}}").GetUint(), 2u);
  EXPECT_EQ(render("{{trigger.id | size}}").GetUint(), 5u);
  EXPECT_EQ(render("{{trigger.missing | size}}").GetUint(), 0u);
}

// ---------------------------------------------------------------- compile errors

// Rejected: '{{' that is never closed; the column is that of the '{{'.
TEST(TemplateCompileTest, UnclosedBracesNameTheColumn) {
  try {
    Template::compile("Hello {{trigger.name");
    FAIL() << "expected a TemplateError";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("column 7"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'{{' without a closing '}}'"), std::string::npos)
        << e.what();
  }
}

// Rejected: a filter name nobody knows; the message lists the known ones.
TEST(TemplateCompileTest, UnknownFilterNamesTheFilterAndColumn) {
  try {
    Template::compile("Hi {{trigger.name | shout}}");
    FAIL() << "expected a TemplateError";
  } catch (const TemplateError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("unknown filter 'shout'"), std::string::npos) << m;
    EXPECT_NE(m.find("column 4"), std::string::npos) << m;
    EXPECT_NE(m.find("default"), std::string::npos) << m;
  }
}

// Rejected: a character that cannot be part of a path.
TEST(TemplateCompileTest, BadPathCharacterNamesCharacterAndColumn) {
  try {
    Template::compile("x={{trigger.na!me}}");
    FAIL() << "expected a TemplateError";
  } catch (const TemplateError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("unexpected '!'"), std::string::npos) << m;
    EXPECT_NE(m.find("column 3"), std::string::npos) << m;
  }
}

// Rejected: a second template's error names its own column, not the first one's.
TEST(TemplateCompileTest, ErrorInSecondExpressionNamesItsColumn) {
  try {
    Template::compile("{{trigger.id}} and {{trigger..id}}");
    FAIL() << "expected a TemplateError";
  } catch (const TemplateError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("column 20"), std::string::npos) << m;
    EXPECT_NE(m.find("empty path segment"), std::string::npos) << m;
  }
}

// Rejected: braces with nothing inside.
TEST(TemplateCompileTest, EmptyExpression) {
  EXPECT_THROW(Template::compile("a {{   }} b"), TemplateError);
}

// Rejected: a filter with '(' but no ')'.
TEST(TemplateCompileTest, FilterMissingClosingParen) {
  EXPECT_THROW(Template::compile("{{trigger.id | default('x'}}"), TemplateError);
}

// Rejected: a filter argument with an unterminated quote.
TEST(TemplateCompileTest, FilterArgumentUnterminatedQuote) {
  EXPECT_THROW(Template::compile("{{trigger.id | default('x)}}"), TemplateError);
}

TEST(TemplateCompileTest, ExpressionsExposeParsedPathAndFilters) {
  const Template t = Template::compile("{{ trigger.metadata.plan | default('free') | upper }}");
  ASSERT_EQ(t.expressions().size(), 1u);
  const TemplateExpr& e = t.expressions()[0];
  EXPECT_EQ(e.path, (std::vector<std::string>{"trigger", "metadata", "plan"}));
  ASSERT_EQ(e.filters.size(), 2u);
  EXPECT_EQ(e.filters[0].name, "default");
  EXPECT_EQ(e.filters[0].args, (std::vector<std::string>{"free"}));
  EXPECT_EQ(e.filters[1].name, "upper");
  EXPECT_TRUE(e.filters[1].args.empty());
}

// ---------------------------------------------------------------- output guard

TEST(TemplateGuardTest, OutputUpToTheLimitRenders) {
  JsonDoc doc;
  doc.SetObject();
  const std::string half(kMaxTemplateOutput / 2, 'x');
  doc.AddMember("big", jsonString(half, doc.GetAllocator()), doc.GetAllocator());
  MapScope scope;
  scope.set("trigger", &doc);
  EXPECT_EQ(Template::compile("{{trigger.big}}{{trigger.big}}").renderText(scope).size(),
            kMaxTemplateOutput);
}

// Rejected: hostile record data that would render more than kMaxTemplateOutput bytes.
TEST(TemplateGuardTest, OutputOverTheLimitThrows) {
  JsonDoc doc;
  doc.SetObject();
  const std::string half(kMaxTemplateOutput / 2 + 1, 'x');
  doc.AddMember("big", jsonString(half, doc.GetAllocator()), doc.GetAllocator());
  MapScope scope;
  scope.set("trigger", &doc);
  const Template t = Template::compile("{{trigger.big}}{{trigger.big}}");
  EXPECT_THROW(t.renderText(scope), TemplateError);
  JsonDoc out;
  EXPECT_THROW(t.render(scope, out.GetAllocator()), TemplateError);
}

// ---------------------------------------------------------------- truthiness

TEST(JsonTruthyTest, FalsyAndTruthyValues) {
  JsonDoc doc;
  ASSERT_FALSE(parseJson(R"([null, false, 0, "", [], true, 1, "0", [0], {}])", doc).has_value());
  EXPECT_FALSE(jsonTruthy(doc[0]));
  EXPECT_FALSE(jsonTruthy(doc[1]));
  EXPECT_FALSE(jsonTruthy(doc[2]));
  EXPECT_FALSE(jsonTruthy(doc[3]));
  EXPECT_FALSE(jsonTruthy(doc[4]));
  EXPECT_TRUE(jsonTruthy(doc[5]));
  EXPECT_TRUE(jsonTruthy(doc[6]));
  EXPECT_TRUE(jsonTruthy(doc[7]));
  EXPECT_TRUE(jsonTruthy(doc[8]));
  EXPECT_TRUE(jsonTruthy(doc[9]));
}

}  // namespace template_test
}  // namespace sluice
