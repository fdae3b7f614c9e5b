// core/condition.h: comparisons, numeric vs text, truthiness, && over ||, compile errors.
#include "core/condition.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "core/json.h"

namespace sluice {
namespace condition_test {

class ConditionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(parseJson(R"({
      "amount_due": 60000,
      "small": 9,
      "count_text": "10",
      "currency": "usd",
      "email": "ada@example.com",
      "name": "Ada Lovelace",
      "plan": "pro",
      "empty": "",
      "zero": 0,
      "no": false,
      "yes": true,
      "nothing": null,
      "tags": ["vip", "stripe"],
      "none": [],
      "metadata": {"plan": ""}
    })",
                           doc_)
                     .has_value());
    scope_.set("trigger", &doc_);
  }

  bool eval(const std::string& text) { return Condition::compile(text).evaluate(scope_); }

  JsonDoc doc_;
  MapScope scope_;
};

// ---------------------------------------------------------------- operators

TEST_F(ConditionTest, EqualsAndNotEqualsOnText) {
  EXPECT_TRUE(eval("{{trigger.currency}} == 'usd'"));
  EXPECT_FALSE(eval("{{trigger.currency}} == 'eur'"));
  EXPECT_TRUE(eval("{{trigger.currency}} != 'eur'"));
  EXPECT_FALSE(eval("{{trigger.currency}} != 'usd'"));
}

TEST_F(ConditionTest, GreaterAndLessOnNumbers) {
  EXPECT_TRUE(eval("{{trigger.amount_due}} > 50000"));
  EXPECT_FALSE(eval("{{trigger.amount_due}} > 60000"));
  EXPECT_TRUE(eval("{{trigger.amount_due}} >= 60000"));
  EXPECT_FALSE(eval("{{trigger.amount_due}} >= 60001"));
  EXPECT_TRUE(eval("{{trigger.amount_due}} < 60001"));
  EXPECT_FALSE(eval("{{trigger.amount_due}} < 60000"));
  EXPECT_TRUE(eval("{{trigger.amount_due}} <= 60000"));
  EXPECT_FALSE(eval("{{trigger.amount_due}} <= 59999"));
}

TEST_F(ConditionTest, OperatorsNeedNoSpaces) {
  EXPECT_TRUE(eval("{{trigger.amount_due}}>=60000"));
  EXPECT_TRUE(eval("{{trigger.currency}}=='usd'"));
}

TEST_F(ConditionTest, ContainsOnText) {
  EXPECT_TRUE(eval("{{trigger.email}} contains '@example.'"));
  EXPECT_FALSE(eval("{{trigger.email}} contains '@stripe.'"));
}

TEST_F(ConditionTest, ContainsOnAnArraySearchesItsJsonText) {
  EXPECT_TRUE(eval("{{trigger.tags}} contains 'vip'"));
  EXPECT_FALSE(eval("{{trigger.tags}} contains 'gold'"));
}

TEST_F(ConditionTest, NumbersCompareNumericallyNotAsText) {
  // As text "10" < "9"; as numbers 10 > 9.
  EXPECT_TRUE(eval("'10' > '9'"));
  EXPECT_TRUE(eval("{{trigger.count_text}} > {{trigger.small}}"));
  EXPECT_FALSE(eval("{{trigger.count_text}} < 9"));
  EXPECT_TRUE(eval("'1.50' == 1.5"));
}

TEST_F(ConditionTest, NonNumericSidesCompareAsText) {
  EXPECT_TRUE(eval("'b' > 'a'"));
  EXPECT_TRUE(eval("'10a' < '9a'"));  // text order: '1' < '9'
  EXPECT_FALSE(eval("'abc' == 'ABC'"));
}

TEST_F(ConditionTest, NotANumberTextIsNotNumeric) {
  // strtod reads "nan" and "inf"; as numbers NaN would equal everything.
  EXPECT_FALSE(eval("'nan' == 5"));
  EXPECT_FALSE(eval("'NaN' <= 1"));
  EXPECT_TRUE(eval("'nan' != 5"));
  // "-inf" as text sorts after "-5"; as a number it would sort before.
  EXPECT_FALSE(eval("'-inf' < -5"));
}

TEST_F(ConditionTest, HexTextIsNotNumeric) {
  // strtod reads "0x10" as 16; an id like 0x10 is text.
  EXPECT_FALSE(eval("'0x10' == 16"));
  EXPECT_TRUE(eval("'0x10' != 16"));
}

TEST_F(ConditionTest, DecimalFormsAreNumeric) {
  EXPECT_TRUE(eval("'1e3' == 1000"));
  EXPECT_TRUE(eval("'-2.5' < -2"));
  EXPECT_TRUE(eval("'+3' == 3"));
  EXPECT_TRUE(eval("'.5' == 0.5"));
}

TEST_F(ConditionTest, EmptyStringComparesAsText) {
  EXPECT_TRUE(eval("{{trigger.plan}} != ''"));
  EXPECT_FALSE(eval("{{trigger.metadata.plan}} != ''"));
  EXPECT_TRUE(eval("{{trigger.missing}} == ''"));
}

// ---------------------------------------------------------------- truthiness

TEST_F(ConditionTest, LoneTemplateIsTruthyWhenPresentAndNotEmpty) {
  EXPECT_TRUE(eval("{{trigger.email}}"));
  EXPECT_TRUE(eval("{{trigger.yes}}"));
  EXPECT_TRUE(eval("{{trigger.tags}}"));
  EXPECT_TRUE(eval("{{trigger.amount_due}}"));
}

TEST_F(ConditionTest, LoneTemplateIsFalsyWhenMissingEmptyZeroOrFalse) {
  EXPECT_FALSE(eval("{{trigger.missing}}"));
  EXPECT_FALSE(eval("{{trigger.nothing}}"));
  EXPECT_FALSE(eval("{{trigger.empty}}"));
  EXPECT_FALSE(eval("{{trigger.zero}}"));
  EXPECT_FALSE(eval("{{trigger.no}}"));
  EXPECT_FALSE(eval("{{trigger.none}}"));
}

TEST_F(ConditionTest, EmptyConditionIsAlwaysTrue) {
  const Condition none;
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(none.evaluate(scope_));
}

// ---------------------------------------------------------------- && and ||

TEST_F(ConditionTest, AndNeedsBothSides) {
  EXPECT_TRUE(eval("{{trigger.amount_due}} > 50000 && {{trigger.currency}} == 'usd'"));
  EXPECT_FALSE(eval("{{trigger.amount_due}} > 50000 && {{trigger.currency}} == 'eur'"));
  EXPECT_FALSE(eval("{{trigger.amount_due}} > 70000 && {{trigger.currency}} == 'usd'"));
}

TEST_F(ConditionTest, OrNeedsOneSide) {
  EXPECT_TRUE(eval("{{trigger.currency}} == 'eur' || {{trigger.plan}} == 'pro'"));
  EXPECT_FALSE(eval("{{trigger.currency}} == 'eur' || {{trigger.plan}} == 'free'"));
}

TEST_F(ConditionTest, AndBindsTighterThanOr) {
  // true || (false && false): true with && binding tighter; (true || false) && false = false.
  EXPECT_TRUE(eval("'a' == 'a' || 'a' == 'b' && 'a' == 'c'"));
  // (false && true) || true = true; false && (true || true) would be false.
  EXPECT_TRUE(eval("'a' == 'b' && 'a' == 'a' || 'a' == 'a'"));
  // (true && false) || (false && true) = false.
  EXPECT_FALSE(eval("'a' == 'a' && 'a' == 'b' || 'a' == 'b' && 'a' == 'a'"));
}

TEST_F(ConditionTest, WordsAndOrWorkLikeSymbols) {
  EXPECT_TRUE(eval("{{trigger.plan}} == 'pro' and {{trigger.currency}} == 'usd'"));
  EXPECT_TRUE(eval("{{trigger.plan}} == 'free' or {{trigger.currency}} == 'usd'"));
  EXPECT_FALSE(eval("{{trigger.plan}} == 'free' or {{trigger.currency}} == 'eur'"));
}

TEST_F(ConditionTest, QuotedLiteralKeepsSpaces) {
  EXPECT_TRUE(eval("{{trigger.name}} == 'Ada Lovelace'"));
  EXPECT_TRUE(eval("{{trigger.name}} == \"Ada Lovelace\""));
  EXPECT_FALSE(eval("{{trigger.name}} == 'Ada  Lovelace'"));
}

TEST_F(ConditionTest, QuotedLiteralMayContainOperatorCharacters) {
  EXPECT_FALSE(eval("{{trigger.name}} == 'a && b || c'"));
  EXPECT_TRUE(eval("'a && b || c' contains '&& b'"));
}

TEST_F(ConditionTest, TemplateWithFilterAsOperand) {
  EXPECT_TRUE(eval("{{trigger.currency | upper}} == 'USD'"));
  EXPECT_TRUE(eval("{{trigger.tags | size}} == 2"));
}

TEST_F(ConditionTest, ExpressionsListsEveryTemplate) {
  const Condition c =
      Condition::compile("{{trigger.a}} == {{trigger.b}} || {{steps.0.id}} && 'x' == 'x'");
  const auto exprs = c.expressions();
  ASSERT_EQ(exprs.size(), 3u);
  EXPECT_EQ(exprs[0]->path, (std::vector<std::string>{"trigger", "a"}));
  EXPECT_EQ(exprs[1]->path, (std::vector<std::string>{"trigger", "b"}));
  EXPECT_EQ(exprs[2]->path, (std::vector<std::string>{"steps", "0", "id"}));
}

// ---------------------------------------------------------------- compile errors

// Rejected: && with nothing after it.
TEST(ConditionCompileTest, DanglingAnd) {
  try {
    Condition::compile("{{trigger.email}} &&");
    FAIL() << "expected a TemplateError";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("dangling"), std::string::npos) << e.what();
  }
}

// Rejected: || with nothing after it.
TEST(ConditionCompileTest, DanglingOr) {
  EXPECT_THROW(Condition::compile("'a' == 'a' ||  "), TemplateError);
}

// Rejected: a comparison operator without a right-hand side.
TEST(ConditionCompileTest, OperatorWithoutRightSide) {
  try {
    Condition::compile("{{trigger.amount}} >=");
    FAIL() << "expected a TemplateError";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("operator '>=' needs a value on its right"),
              std::string::npos)
        << e.what();
  }
}

// Rejected: an operator followed by && instead of a value.
TEST(ConditionCompileTest, OperatorFollowedByAnd) {
  EXPECT_THROW(Condition::compile("{{trigger.amount}} > && 'a'"), TemplateError);
}

// Rejected: a quote that never closes.
TEST(ConditionCompileTest, UnterminatedQuote) {
  try {
    Condition::compile("{{trigger.name}} == 'Ada");
    FAIL() << "expected a TemplateError";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("unterminated quote"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("{{trigger.name}} == 'Ada"), std::string::npos)
        << e.what();
  }
}

// Rejected: '{{' without '}}'.
TEST(ConditionCompileTest, UnclosedTemplate) {
  EXPECT_THROW(Condition::compile("{{trigger.name == 'x'"), TemplateError);
}

// Rejected: two values with no operator or && between them.
TEST(ConditionCompileTest, TwoValuesWithoutJoiner) {
  EXPECT_THROW(Condition::compile("{{trigger.a}} {{trigger.b}}"), TemplateError);
}

// Rejected: a condition that starts with an operator.
TEST(ConditionCompileTest, LeadingOperator) {
  EXPECT_THROW(Condition::compile("== 'x'"), TemplateError);
}

// Rejected: a blank condition.
TEST(ConditionCompileTest, Blank) {
  EXPECT_THROW(Condition::compile("   "), TemplateError);
}

// Rejected: an unknown filter inside an operand's template.
TEST(ConditionCompileTest, BadTemplateInsideOperand) {
  EXPECT_THROW(Condition::compile("{{trigger.name | shout}} == 'x'"), TemplateError);
}

}  // namespace condition_test
}  // namespace sluice
