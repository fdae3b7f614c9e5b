// YamlNode and YamlTreeBuilder: the tree sluice reads YAML into, with positions, anchors, and a
// root list handed out one item at a time.
#include "core/yaml_node.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "core/libyaml_events.h"
#include "core/yaml_reader.h"
#include "core/yaml_tree_builder.h"

namespace sluice::test {
namespace yaml_node_test {

YamlNode read(const std::string& text, std::optional<YamlStreamedList> streamed = std::nullopt) {
  return loadYamlText(text, "t.yaml", YamlDomain::Config, std::move(streamed));
}

TEST(YamlNodeTest, KindsPositionsAndLookups) {
  const YamlNode root = read("a: 1\nb: \"2\"\nc:\nd: [x, y]\ne: { f: g }\n");
  ASSERT_TRUE(root.IsMap());
  EXPECT_EQ(root.size(), 5u);
  EXPECT_TRUE(root["a"].IsScalar());
  EXPECT_TRUE(root["a"].IsPlain());
  EXPECT_FALSE(root["b"].IsPlain());  // quoted: a string, never a number
  EXPECT_TRUE(root["c"].IsNull());
  EXPECT_FALSE(root["missing"].IsDefined());
  EXPECT_EQ(root["d"][1].Scalar(), "y");
  EXPECT_FALSE(root["d"][2].IsDefined());
  EXPECT_EQ(root["e"]["f"].Scalar(), "g");
  EXPECT_EQ(root["b"].line(), 1);  // 0-based, as the parser's marks
  EXPECT_EQ(root["b"].column(), 3);
  EXPECT_EQ(yamlLocation("t.yaml", root["e"]["f"]).str(), "t.yaml:5:9");
}

TEST(YamlNodeTest, IteratingGivesListItemsAndMapEntriesInFileOrder) {
  const YamlNode root = read("z: 1\na: 2\nl: [p, q]\n");
  std::vector<std::string> keys, items;
  for (const auto& kv : root) keys.push_back(kv.first.Scalar() + "=" + kv.second.Scalar());
  for (const auto& item : root["l"]) items.push_back(item.Scalar());
  EXPECT_THAT(keys, ::testing::ElementsAre("z=1", "a=2", "l="));
  EXPECT_THAT(items, ::testing::ElementsAre("p", "q"));
}

TEST(YamlNodeTest, SetAndRemoveChangeEveryHandleOfTheNode) {
  YamlNode map = read("a: 1\nb: 2\n");
  YamlNode same = map;
  map.set("a", YamlNode::scalar("x", true, 0, 0));
  map.set("c", YamlNode::scalar("y", true, 0, 0));
  map.remove("b");
  EXPECT_EQ(same["a"].Scalar(), "x");
  EXPECT_EQ(same["c"].Scalar(), "y");
  EXPECT_FALSE(same["b"].IsDefined());
  EXPECT_EQ(same.size(), 2u);
}

TEST(YamlNodeTest, AnAliasReadsTheAnchoredNode) {
  const YamlNode root = read("base: &b { k: v }\nuse: *b\n");
  EXPECT_EQ(root["use"]["k"].Scalar(), "v");
}

TEST(YamlNodeTest, AnEmptyFileIsNothingAndBrokenSyntaxIsLocated) {
  EXPECT_TRUE(read("").IsNull());
  try {
    read("a: [1, 2\nb: 3\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("t.yaml:"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("invalid YAML"));
  }
}

TEST(YamlTreeBuilderTest, AStreamedListsItemsGoOutOneAtATimeAndAreNotKept) {
  std::vector<std::string> seen;
  const YamlNode root = read(
      "before: 1\nflows:\n  - name: a\n  - name: b\n    with: &w { x: 1 }\n  - name: c\n"
      "    with: *w\nafter: 2\n",
      YamlStreamedList{"flows", [&](const YamlNode& item) {
                         seen.push_back(item["name"].Scalar() +
                                        (item["with"].IsMap() ? item["with"]["x"].Scalar() : ""));
                       }});
  EXPECT_THAT(seen, ::testing::ElementsAre("a", "b1", "c1"));  // an alias across items works
  ASSERT_TRUE(root["flows"].IsSequence());
  EXPECT_EQ(root["flows"].size(), 0u);  // in its place, at its position, but empty
  EXPECT_EQ(root["flows"].line(), 2);
  EXPECT_EQ(root["after"].Scalar(), "2");
}

TEST(YamlTreeBuilderTest, OnlyTheRootsListIsStreamedAndAValueThatIsNoListIsKept) {
  int calls = 0;
  const YamlStreamedList streamed{"flows", [&](const YamlNode&) { ++calls; }};
  const YamlNode nested = read("x:\n  flows: [1, 2]\n", streamed);
  EXPECT_EQ(nested["x"]["flows"].size(), 2u);
  const YamlNode scalar = read("flows: 3\n", streamed);
  EXPECT_EQ(scalar["flows"].Scalar(), "3");
  EXPECT_EQ(calls, 0);
  const YamlNode dropped = read("flows: [1, 2]\n", YamlStreamedList{"flows", nullptr});
  EXPECT_EQ(dropped["flows"].size(), 0u);
}

// libyaml refuses a tab after a list's dash, yaml-cpp reads it. Refused after two items, the
// text is read again by yaml-cpp from its start: each item must still go out once.
TEST(YamlTreeBuilderTest, ATextLibyamlRefusesHalfwayHandsEachItemOverOnce) {
  const std::string text = "flows:\n  - a\n  - b\n  -\tc\n";
  ASSERT_FALSE(readLibyamlEvents(text, nullptr));
  std::vector<std::string> seen;
  read(text,
       YamlStreamedList{"flows", [&](const YamlNode& item) { seen.push_back(item.Scalar()); }});
  EXPECT_THAT(seen, ::testing::ElementsAre("a", "b", "c"));
}

}  // namespace yaml_node_test
}  // namespace sluice::test
