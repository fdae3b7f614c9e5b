// core/form_decoding.h: Stripe's bracketed form encoding read back into a tree.
#include "core/form_decoding.h"

#include <gtest/gtest.h>

#include <string>

#include "core/form_encoding.h"
#include "core/json.h"

namespace sluice {
namespace form_decoding_test {

// The tree as text: name=value per leaf, in order, for compact expectations.
void flatten(const FormNode& node, std::string& out) {
  if (node.hasValue) out += (out.empty() ? "" : " ") + node.name + "=" + node.value;
  for (const auto& c : node.children) flatten(c, out);
}

std::string tree(const std::string& text) {
  std::string out;
  flatten(formTree(parseFormPairs(text), nullptr), out);
  return out;
}

TEST(FormDecodingTest, PairsArePercentDecodedAndPlusIsASpace) {
  const auto pairs = parseFormPairs("email=ada%40example.com&name=Ada+L&&flag&metadata%5Bk%5D=");
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[0].value, "ada@example.com");
  EXPECT_EQ(pairs[1].value, "Ada L");
  EXPECT_EQ(pairs[2].key, "flag");
  EXPECT_EQ(pairs[2].value, "");
  EXPECT_EQ(pairs[3].key, "metadata[k]");
}

TEST(FormDecodingTest, PlusIsASpaceOnlyInFormText) {
  EXPECT_EQ(percentDecode("a+b%2Bc%zz%4", true), "a b+c%zz%4");
  EXPECT_EQ(percentDecode("a+b%20c", false), "a+b c");
}

TEST(FormDecodingTest, KeysSplitAtBrackets) {
  using Path = std::vector<std::string>;
  EXPECT_EQ(*splitFormKey("email"), Path{"email"});
  EXPECT_EQ(*splitFormKey("items[0][price]"), (Path{"items", "0", "price"}));
  EXPECT_EQ(*splitFormKey("expand[]"), (Path{"expand", ""}));
  for (const char* bad : {"", "[a]", "a[b", "a[b]c", "a[b][c]d", "a]b", "a[b[c]]"})
    EXPECT_FALSE(splitFormKey(bad).has_value()) << bad;
}

TEST(FormDecodingTest, TreeMergesSubKeysAndAppendsForEmptyBrackets) {
  std::vector<std::string> malformed;
  const FormNode root = formTree(
      parseFormPairs("items[0][price]=p_1&items[0][quantity]=2&expand[]=a&expand[]=b&x[=1"),
      &malformed);
  ASSERT_EQ(root.children.size(), 2u);
  const FormNode* item = root.child("items")->child("0");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->children.size(), 2u);
  EXPECT_EQ(item->child("quantity")->name, "items[0][quantity]");
  EXPECT_EQ(root.child("expand")->children.size(), 2u);
  EXPECT_EQ(malformed, std::vector<std::string>{"x["});
}

TEST(FormDecodingTest, ReadsBackWhatFormEncodeWrites) {
  JsonDoc doc;
  ASSERT_FALSE(parseJson(R"({"email":"a+b@c.d","metadata":{"plan":"pro & co"},)"
                         R"("items":[{"price":"p_1","quantity":2}],"confirm":true})",
                         doc));
  EXPECT_EQ(tree(formEncode(doc)),
            "email=a+b@c.d metadata[plan]=pro & co items[0][price]=p_1 items[0][quantity]=2 "
            "confirm=true");
}

}  // namespace form_decoding_test
}  // namespace sluice
