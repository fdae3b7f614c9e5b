// core/form_encoding.h: Stripe's bracketed form encoding and percent-encoding.
#include "core/form_encoding.h"

#include <gtest/gtest.h>

#include <string>

#include "core/json.h"

namespace sluice {
namespace form_encoding_test {

// Form-encodes the object written as JSON text.
std::string form(const std::string& json) {
  JsonDoc doc;
  const auto error = parseJson(json, doc);
  EXPECT_FALSE(error.has_value()) << *error;
  return formEncode(doc);
}

// The same, with %5B and %5D shown as brackets, so expectations read like Stripe's docs.
std::string readable(const std::string& json) {
  std::string out = form(json);
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"%5B", "["}, {"%5D", "]"}}) {
    for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at))
      out.replace(at, from.size(), to);
  }
  return out;
}

// ---------------------------------------------------------------- nesting

TEST(FormEncodingTest, FlatObjectInMemberOrder) {
  EXPECT_EQ(form(R"({"email":"ada@example.com","name":"Ada"})"),
            "email=ada%40example.com&name=Ada");
}

TEST(FormEncodingTest, NestedObjectUsesBrackets) {
  EXPECT_EQ(readable(R"({"metadata":{"plan":"pro"}})"), "metadata[plan]=pro");
}

TEST(FormEncodingTest, BracketsInKeysArePercentEncoded) {
  EXPECT_EQ(form(R"({"metadata":{"plan":"pro"}})"), "metadata%5Bplan%5D=pro");
}

TEST(FormEncodingTest, ArrayOfObjectsUsesIndexes) {
  EXPECT_EQ(readable(R"({"items":[{"price":"p_1"},{"price":"p_2","quantity":2}]})"),
            "items[0][price]=p_1&items[1][price]=p_2&items[1][quantity]=2");
}

TEST(FormEncodingTest, ArrayOfScalarsUsesIndexes) {
  EXPECT_EQ(readable(R"({"expand":["data.customer","data.invoice"]})"),
            "expand[0]=data.customer&expand[1]=data.invoice");
}

TEST(FormEncodingTest, DeepNestingOfArraysAndObjects) {
  EXPECT_EQ(readable(R"({"a":{"b":[{"c":{"d":[1,[2,3]]}}]}})"),
            "a[b][0][c][d][0]=1&a[b][0][c][d][1][0]=2&a[b][0][c][d][1][1]=3");
}

TEST(FormEncodingTest, StripeCustomerExample) {
  EXPECT_EQ(readable(R"({"email":"a@b.co","metadata":{"plan":"pro","ghl_id":"c1"},)"
                     R"("address":{"line1":"1 Main St","city":"Paris"}})"),
            "email=a%40b.co&metadata[plan]=pro&metadata[ghl_id]=c1"
            "&address[line1]=1%20Main%20St&address[city]=Paris");
}

// ---------------------------------------------------------------- scalars

TEST(FormEncodingTest, NullIsOmitted) {
  EXPECT_EQ(form(R"({"a":"1","b":null,"c":"3"})"), "a=1&c=3");
}

TEST(FormEncodingTest, NullFirstLeavesNoLeadingAmpersand) {
  EXPECT_EQ(form(R"({"b":null,"c":"3"})"), "c=3");
}

TEST(FormEncodingTest, NullInsideNestingIsOmitted) {
  EXPECT_EQ(readable(R"({"metadata":{"plan":null,"seats":"3"}})"), "metadata[seats]=3");
}

TEST(FormEncodingTest, BooleansAndNumbersAsText) {
  EXPECT_EQ(form(R"({"livemode":false,"paid":true,"amount":4250,"rate":0.5,"delta":-3})"),
            "livemode=false&paid=true&amount=4250&rate=0.5&delta=-3");
}

TEST(FormEncodingTest, EmptyStringIsSentEmpty) {
  EXPECT_EQ(form(R"({"description":""})"), "description=");
}

TEST(FormEncodingTest, EmptyObjectIsSentAsKeyWithNoValue) {
  // Stripe clears a hash with metadata="".
  EXPECT_EQ(form(R"({"metadata":{}})"), "metadata=");
  EXPECT_EQ(form(R"({"name":"x","metadata":{}})"), "name=x&metadata=");
}

TEST(FormEncodingTest, EmptyNestedObjectKeepsItsBracketedKey) {
  EXPECT_EQ(readable(R"({"a":{"metadata":{}}})"), "a[metadata]=");
}

TEST(FormEncodingTest, EmptyArrayIsOmitted) {
  EXPECT_EQ(form(R"({"a":[],"b":"1"})"), "b=1");
}

TEST(FormEncodingTest, TopLevelEmptyOrNonObjectIsEmpty) {
  EXPECT_EQ(form("{}"), "");
  EXPECT_EQ(form(R"(["a"])"), "");
  EXPECT_EQ(form(R"("text")"), "");
}

// ---------------------------------------------------------------- percent-encoding

TEST(FormEncodingTest, ReservedCharactersInValuesArePercentEncoded) {
  EXPECT_EQ(form(R"({"q":"a&b=c?d/e#f+g h%i"})"), "q=a%26b%3Dc%3Fd%2Fe%23f%2Bg%20h%25i");
}

TEST(FormEncodingTest, ReservedCharactersInKeysArePercentEncoded) {
  EXPECT_EQ(form(R"({"metadata":{"a&b":"1","c=d":"2"}})"),
            "metadata%5Ba%26b%5D=1&metadata%5Bc%3Dd%5D=2");
}

TEST(FormEncodingTest, Utf8IsEncodedBytewise) {
  EXPECT_EQ(form(R"({"name":"Zoë 東"})"), "name=Zo%C3%AB%20%E6%9D%B1");
}

TEST(UrlEncodeTest, UnreservedCharactersStay) {
  EXPECT_EQ(urlEncode("AZaz09-_.~"), "AZaz09-_.~");
}

TEST(UrlEncodeTest, EverythingElseIsUppercaseHex) {
  EXPECT_EQ(urlEncode(" !\"'()*,:;@[]{}"), "%20%21%22%27%28%29%2A%2C%3A%3B%40%5B%5D%7B%7D");
  EXPECT_EQ(urlEncode(std::string("\x01\x7f\xff", 3)), "%01%7F%FF");
}

TEST(UrlEncodeTest, EmptyStaysEmpty) {
  EXPECT_EQ(urlEncode(""), "");
}

}  // namespace form_encoding_test
}  // namespace sluice
