// The record fields: read from a schema (through $ref and anyOf, arrays standing for their
// items, open where the spec leaves names open), written and read back, and a path's first
// field they do not have.
#include "catalog/record_fields.h"

#include <gtest/gtest.h>

namespace sluice {
namespace record_fields_test {

JsonDoc spec(const std::string& text) {
  JsonDoc doc;
  EXPECT_FALSE(parseJson(text, doc));
  return doc;
}

constexpr char kSpec[] = R"({"components": {"schemas": {
  "Customer": {"type": "object", "properties": {
    "id": {"type": "string"}, "email": {"type": "string"},
    "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
    "address": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Address"}]},
    "tags": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
    "custom": {"type": "object"},
    "shipping": {"$ref": "#/components/schemas/Address"}}},
  "Address": {"type": "object", "properties": {"line1": {"type": "string"}, "city": {"type": "string"}}}}},
  "root": {"$ref": "#/components/schemas/Customer"}})";

TEST(RecordFieldsTest, ReadsASchemaThroughRefsAndCombinators) {
  const JsonDoc doc = spec(kSpec);
  const RecordFields f = recordFieldsOf(doc, jsonAt(doc, "/root"));
  EXPECT_FALSE(f.open);
  EXPECT_TRUE(f.fields.at("email").leaf());
  EXPECT_TRUE(f.fields.at("metadata").open);
  EXPECT_TRUE(f.fields.at("custom").open);   // an object without properties: any name
  EXPECT_TRUE(f.fields.at("address").open);  // an id or an object: depends on the request
  EXPECT_TRUE(f.fields.at("shipping").fields.count("line1"));
  EXPECT_TRUE(f.fields.at("tags").fields.count("name"));  // the items' fields
}

TEST(RecordFieldsTest, FindsTheFirstFieldAPathDoesNotHave) {
  const JsonDoc doc = spec(kSpec);
  const RecordFields f = recordFieldsOf(doc, jsonAt(doc, "/root"));
  auto miss = missingField(f, {"trigger", "emial"}, 1);
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->index, 1u);
  EXPECT_EQ(miss->suggestion, "email");
  miss = missingField(f, {"trigger", "shipping", "lin1"}, 1);
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->suggestion, "line1");
  EXPECT_FALSE(missingField(f, {"trigger", "metadata", "anything", "at", "all"}, 1));
  EXPECT_FALSE(missingField(f, {"trigger", "custom", "field_7"}, 1));
  EXPECT_FALSE(missingField(f, {"trigger", "tags", "0", "name"}, 1));
  EXPECT_FALSE(missingField(f, {"trigger", "email"}, 1));
  EXPECT_FALSE(missingField(f, {"trigger", "address", "line9"}, 1));
}

TEST(RecordFieldsTest, WritesAndReadsBackTheSameFields) {
  const JsonDoc doc = spec(kSpec);
  const std::map<std::string, RecordFields> byOp = {
      {"x.y", recordFieldsOf(doc, jsonAt(doc, "/root"))}};
  const std::string text = recordFieldsJson(byOp);
  EXPECT_EQ(recordFieldsJson(parseRecordFieldsJson(text)), text);
}

}  // namespace record_fields_test
}  // namespace sluice
