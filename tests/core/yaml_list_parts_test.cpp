// core/yaml_list_parts: where a root list may be cut so that its parts are read at once, and
// reading them gives the items, the positions and the root of reading the text whole; anything
// a cut could change makes the read fail so that the caller reads the text whole.
#include "core/yaml_list_parts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "core/yaml_reader.h"

namespace sluice::test {
namespace yaml_list_parts_test {

std::string item(int i) {
  return "  - name: f" + std::to_string(i) + "\n    with: { a: \"x\", b: [1, 2] }\n    text: |\n" +
         "      line one\n      - not an item\n";
}

std::string list(int count, const std::string& head = "state: s\n") {
  std::string text = head + "flows:  # the flows\n";
  for (int i = 0; i < count; ++i) text += item(i);
  return text;
}

// "name@line:column" of every item, in the order read; per part when read in parts.
std::vector<std::string> readWhole(const std::string& text) {
  std::vector<std::string> out;
  loadYamlText(text, "t.yaml", YamlDomain::Config,
               YamlStreamedList{"flows", [&](const YamlNode& n) {
                                  out.push_back(n["name"].Scalar() + "@" +
                                                std::to_string(n.line()) + ":" +
                                                std::to_string(n["text"].line()));
                                }});
  return out;
}

struct PartsRead {
  std::optional<YamlNode> root;
  std::vector<std::vector<std::string>> items;  // per part
};

PartsRead readInParts(const std::string& text, const std::vector<YamlTextPart>& parts) {
  PartsRead out;
  out.items.resize(parts.size());
  std::mutex seen;
  out.root = readListParts(
      text, "t.yaml", YamlDomain::Config, "flows", parts, [&](size_t part, const YamlNode& n) {
        const std::lock_guard<std::mutex> lock(seen);
        out.items[part].push_back(n["name"].Scalar() + "@" + std::to_string(n.line()) + ":" +
                                  std::to_string(n["text"].line()));
      });
  return out;
}

TEST(YamlListPartsTest, ALongListIsCutBeforeItemsAtItsOwnIndentation) {
  const std::string text = list(400);
  const auto parts = cutStreamedList(text, "flows", 3, 1000);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].begin, 0u);
  EXPECT_EQ(parts[2].end, text.size());
  for (size_t i = 1; i < parts.size(); ++i) {
    EXPECT_EQ(parts[i].begin, parts[i - 1].end);
    EXPECT_EQ(text.substr(parts[i].begin, 10), "  - name: ");
    int line = 0;
    for (size_t c = 0; c < parts[i].begin; ++c) line += text[c] == '\n';
    EXPECT_EQ(parts[i].firstLine, line);
  }
}

TEST(YamlListPartsTest, PartsReadGiveTheItemsAndLinesOfTheWholeText) {
  const std::string text = list(300);
  const auto parts = cutStreamedList(text, "flows", 4, 1000);
  ASSERT_EQ(parts.size(), 4u);
  const PartsRead read = readInParts(text, parts);
  ASSERT_TRUE(read.root);
  std::vector<std::string> joined;
  for (const auto& part : read.items) {
    EXPECT_FALSE(part.empty());
    joined.insert(joined.end(), part.begin(), part.end());
  }
  EXPECT_EQ(joined, readWhole(text));
  // The root is the file's: its other keys, and the list left empty where it was.
  EXPECT_EQ((*read.root)["state"].Scalar(), "s");
  EXPECT_TRUE((*read.root)["flows"].IsSequence());
  EXPECT_EQ((*read.root)["flows"].size(), 0u);
}

TEST(YamlListPartsTest, ATextThatCannotBeCutSafelyIsOnePart) {
  const std::string items = list(200, "");
  const auto onePart = [](const std::string& text) {
    return cutStreamedList(text, "flows", 2, 100).size() == 1;
  };
  EXPECT_FALSE(onePart(items));
  EXPECT_TRUE(onePart(items + "other: 1\n")) << "the list must run to the end";
  EXPECT_TRUE(onePart(items + "  - x\n\tb: 1\n")) << "a tab";
  EXPECT_TRUE(onePart("a: 1\r\n" + items)) << "a carriage return";
  EXPECT_TRUE(onePart("a: 1\n---\n" + items)) << "a second document";
  EXPECT_TRUE(onePart("%YAML 1.2\n" + items)) << "a directive";
  EXPECT_TRUE(onePart(items + "  more: 1\n")) << "a line at the list's indentation, no item";
  EXPECT_TRUE(onePart(items + " less\n")) << "a line less indented than the items";
  EXPECT_TRUE(onePart("flows: &all\n" + items.substr(items.find('\n') + 1))) << "an anchor";
  EXPECT_TRUE(onePart("flows: [a, b]\n")) << "a flow list";
  EXPECT_EQ(cutStreamedList(list(2, ""), "flows", 2, 1000).size(), 1u) << "too short";
  EXPECT_FALSE(onePart("---\n" + items)) << "a first line '---' is only the document's start";
  EXPECT_EQ(cutStreamedList(items, "flows", 1, 100).size(), 1u);
}

TEST(YamlListPartsTest, AnAliasToAnAnchorInAnotherPartFailsTheRead) {
  std::string text = "flows:\n  - name: first\n    text: &t shared\n";
  for (int i = 0; i < 100; ++i) text += "  - name: f" + std::to_string(i) + "\n    text: *t\n";
  const auto parts = cutStreamedList(text, "flows", 2, 100);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_FALSE(readInParts(text, parts).root);
  EXPECT_EQ(readWhole(text).size(), 101u);  // read whole, it is fine
}

TEST(YamlListPartsTest, ATextWithAQuotedScalarOverSeveralLinesIsNotCut) {
  // yaml-cpp reads a quoted scalar left open at the end of a part without a failure, so a
  // continuation line that looks like an item must not be cut before.
  std::string items;
  for (int i = 0; i < 100; ++i) items += "  - name: a" + std::to_string(i) + "\n";
  const auto onePart = [&](const std::string& quoted) {
    return cutStreamedList("flows:\n" + items + quoted + items, "flows", 2, 100).size() == 1;
  };
  EXPECT_TRUE(onePart("  - name: \"open\n  - name: still quoted\"\n"));
  EXPECT_TRUE(onePart("  - name: 'open\n  - name: still quoted'\n"));
  EXPECT_TRUE(onePart("  - { a: x, b: \"open\n  - still quoted\" }\n"));
  EXPECT_TRUE(onePart("  - name: \"escaped \\\" quote\n  - x\"\n"));
  EXPECT_TRUE(onePart("  - name: 'it''s\n  - x'\n"));
  EXPECT_TRUE(onePart("  - name: &a \"after an anchor\n  - x\"\n"));
  EXPECT_TRUE(onePart("  - name: !!str 'after a tag\n  - x'\n"));
  EXPECT_TRUE(onePart("  - {\"json\":\"style\n  - x\"}\n"));
  // Quotes closed on their line, or only text, leave the text to be cut.
  EXPECT_FALSE(onePart("  - name: \"closed \\\" here\" # it's\n"));
  EXPECT_FALSE(onePart("  - name: 'it''s closed'\n"));
  EXPECT_FALSE(onePart("  - name: it's plain\n"));
  EXPECT_FALSE(onePart("  - url: http://x/\"y\n"));
}

TEST(YamlListPartsTest, ASyntaxErrorInAnyPartFailsTheRead) {
  std::string text = list(100, "");
  text += "  - name: broken\n    with: { a: [1, 2 }\n";
  const auto parts = cutStreamedList(text, "flows", 2, 100);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_FALSE(readInParts(text, parts).root);
}

TEST(YamlListPartsTest, TheListsStartIsFoundWhereItCouldBeCut) {
  const std::string text = "state: s\nflows:\n\n  # the flows\n  - name: a\n    n: 1\n";
  const auto start = streamedListStart(text, "flows");
  ASSERT_TRUE(start);
  EXPECT_EQ(start->begin, text.find("  - name"));
  EXPECT_EQ(start->firstLine, 4);
  EXPECT_FALSE(streamedListStart(text + "after: 1\n", "flows"));
  EXPECT_FALSE(streamedListStart("flows: []\n", "flows"));
  EXPECT_FALSE(streamedListStart("state: s\n", "flows"));
}

}  // namespace yaml_list_parts_test
}  // namespace sluice::test
