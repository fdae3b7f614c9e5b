// core/json.h parseJson: nesting deeper than kMaxJsonDepth is a parse error, not a stack
// overflow (a server controls the bodies sluice parses). Found by fuzz/records_fuzz.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/json.h"

namespace sluice {
namespace json_depth_test {

using ::testing::HasSubstr;

TEST(JsonDepthTest, AcceptsNestingUpToTheLimit) {
  const std::string text =
      std::string(kMaxJsonDepth - 1, '[') + "{\"a\":1}" + std::string(kMaxJsonDepth - 1, ']');
  JsonDoc doc;
  EXPECT_FALSE(parseJson(text, doc));
  EXPECT_TRUE(doc.IsArray());
}

TEST(JsonDepthTest, RejectsDeeperNestingWithItsOffset) {
  JsonDoc doc;
  const auto err = parseJson(std::string(kMaxJsonDepth + 1, '['), doc);
  ASSERT_TRUE(err);
  EXPECT_THAT(*err, HasSubstr("offset " + std::to_string(kMaxJsonDepth)));
  EXPECT_THAT(*err, HasSubstr("nested deeper than"));
}

TEST(JsonDepthTest, AMillionOpeningBracketsIsAnErrorNotACrash) {
  for (const char* open : {"[", "{\"a\":"}) {
    std::string text;
    for (int i = 0; i < 1000000; ++i) text += open;
    JsonDoc doc;
    EXPECT_TRUE(parseJson(text, doc)) << open;
  }
}

TEST(JsonDepthTest, BracketsInsideStringsDoNotCount) {
  const std::string brackets(10000, '[');
  JsonDoc doc;
  EXPECT_FALSE(parseJson("{\"text\":\"" + brackets + "\\\"" + brackets + "\"}", doc));
  EXPECT_EQ(std::string(doc["text"].GetString()).size(), 2 * brackets.size() + 1);
}

}  // namespace json_depth_test
}  // namespace sluice
