// libyaml's events as yaml-cpp's: for every text libyaml reads, the events (kinds, marks, tags,
// anchors, values) must be exactly those yaml-cpp's parser sends, or a config read by one would
// differ from the same config read by the other.
#include <gtest/gtest.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/libyaml_events.h"
#include "tests/core/yaml_event_log.h"

namespace sluice {
namespace {

struct Reading {
  bool read = false;
  std::string events;
};

Reading byYamlCpp(const std::string& text) {
  testing::YamlEventLog log;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    parser.HandleNextDocument(log);
  } catch (const YAML::Exception&) {
    return {};
  }
  return {true, log.text()};
}

Reading byLibyaml(const std::string& text) {
  testing::YamlEventLog log;
  // The way core/yaml_reader.cpp reads: a pass that only reads, then the one that builds.
  if (!readLibyamlEvents(text, nullptr)) return {};
  const bool read = readLibyamlEvents(text, &log);
  EXPECT_TRUE(read) << "the second reading failed where the first did not:\n" << text;
  return {read, log.text()};
}

// What libyaml reads must be read the same by yaml-cpp; what it refuses is left to yaml-cpp.
void expectSameEvents(const std::string& text, const std::string& name) {
  const Reading fast = byLibyaml(text);
  if (!fast.read) return;
  const Reading reference = byYamlCpp(text);
  ASSERT_TRUE(reference.read) << name << ": libyaml reads what yaml-cpp refuses:\n" << text;
  EXPECT_EQ(fast.events, reference.events) << name << ":\n" << text;
}

TEST(LibyamlEventsTest, EveryYamlFileOfTheProjectGivesYamlCppsEvents) {
  int files = 0;
  for (const char* folder : {"apps", "examples", "packaging", "tests", "docs"}) {
    const std::filesystem::path root = std::filesystem::path(SLUICE_SOURCE_DIR) / folder;
    if (!std::filesystem::exists(root)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".yaml" && ext != ".yml") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      // The example configs are what users write: libyaml must read them itself.
      if (std::string(folder) == "examples") {
        EXPECT_TRUE(byLibyaml(text.str()).read) << entry.path() << " is left to yaml-cpp";
      }
      expectSameEvents(text.str(), entry.path().string());
      ++files;
    }
  }
  EXPECT_GT(files, 20);
}

// What the two readers could read differently, and what a config is made of.
const std::vector<std::string> kTexts = {
    "",
    "# only a comment\n",
    "a: 1\n",
    "a:\nb: 2\n",
    "a:\n",
    "a:\n  b:\n  c:\nd:\n",
    "- \n- a\n-\n",
    "a: ~\nb: null\nc: Null\nd: NULL\ne: nil\nf: ''\ng: \"\"\n",
    "a: !!str 100\nb: ! 100\nc: !local x\nd: !!str\ne: !!null ''\n",
    "a: &x 1\nb: *x\nc: &y {k: v}\nd: *y\ne: &z [1, 2]\nf: *z\ng: &x 3\nh: *x\n",
    "a: &e\nb: *e\n",
    "- &a:\n  k: v\n",
    "a: *missing\n",
    "{a: 1, b: [x, y], c: {d: e}}\n",
    "[a, b, {c: d}, [e]]\n",
    "[a: b, c: d]\n",
    "{a:b, \"c\":d}\n",
    "{ a: 1, b: }\n",
    "a: { email: \"{{trigger.email}}\", name: '{{trigger.name}}' }\n",
    "flows:\n  - name: f1\n    trigger: { app: stripe, op: customers.new_customer, every: 1m }\n"
    "    steps:\n      - op: ghl.contacts.upsert_contact\n        with: { email: x }\n",
    "flows:\n- name: f1\n- name: f2\n",
    "a: plain\n  continued\n  over lines\nb: 'single ''quoted''\n  folded'\n",
    "a: \"\\x41\\u00e9\\U0001F600\\n\\t\\\\\\\"\\/\\N\\_\\L\\P \\\n  next\"\n",
    "a: |\n  line 1\n  line 2\nb: >-\n  folded\n  text\n\nc: |+\n  keep\n\nd: |2\n    "
    "indented\n",
    "a: x # comment\n# between\nb: y#not a comment\n",
    "a: 'it''s'\nb: \"say \\\"hi\\\"\"\n",
    "? complex key\n: value\n? [a, b]\n: c\n",
    "---\na: 1\n...\n",
    "%YAML 1.2\n---\na: 1\n",
    "a: 1\n---\nb: 2\n",
    "a: 1\n--- [\n",
    "\xEF\xBB\xBF"
    "a: 1\nb: 2\n",
    "name: caf\xC3\xA9 \xE2\x9C\x93\nnext: {k: \"\xC3\xA9\xC3\xA9\", j: x}\n",
    "a: 1\r\nb:\r\n  c: 2\r\n",
    "a:\tb\n",
    "a: 1\n\tb: 2\n",
    "a: b: c\n",
    "a: [1, 2\n",
    "a: \"open\n",
    "- a\nb: c\n",
    "a: -1\nb: 1e3\nc: 0x1F\nd: true\ne: yes\nf: 2026-12-04\n",
    "a: ${VAR}\nb: { c: \"${VAR}\" }\n",
    "a: {b: ${VAR}}\n",
    "key with spaces: value with: colon\nurl: http://x.test/a?b=c#d\n",
    "a: [ ]\nb: { }\nc: []\nd: {}\n",
    "  - indented root list\n  - second\n",
    "a:\n- b\n- c\nd: e\n",
    "a:\n  - b: 1\n    c: 2\n  - d\n",
    "*a\n",
    "&a [*a]\n",
    "a: !!binary |\n  aGVsbG8=\n",
    "a: @reserved\n",
    "a: `reserved\n",
    "a: 'x'y\n",
    "[a, b]]\n",
};

TEST(LibyamlEventsTest, TextsTheReadersCouldReadDifferentlyGiveYamlCppsEvents) {
  for (size_t i = 0; i < kTexts.size(); ++i)
    expectSameEvents(kTexts[i], "text " + std::to_string(i));
}

TEST(LibyamlEventsTest, WhatLibyamlRefusesOrReadsDifferentlyIsLeftToYamlCpp) {
  for (const char* text : {
           "a: [1, 2\n",              // a syntax error
           "a: *missing\n",           // an alias to no anchor
           "a: 1\n\tb: 2\n",          // a tab as indentation
           "[a]]\n",                  // a stray bracket after the document
           "- &a:\n  k: v\n",         // an anchor name running into a colon
           "a: &b?c d\n",             // or with another character outside [A-Za-z0-9_-]
           "a: !!str 1\n",            // a tag
           "a: { b: 1,\n  c: 2 }\n",  // a flow collection over lines
           "{ a: &x :b }\n",          // an anchor in a flow collection
           "{ a?b: c }\n",            // a '?' in a flow collection's plain scalar
           "? a\n: b\n",              // an explicit key
           "{ a: b, ?}\n",            // an explicit key in a flow collection
           "{ a: b,?c: d }\n",        // and one right after a comma
           "a: \"\\N\"\n",            // the escapes \N and \_
           "a: 1\rb: 2\n",            // a lone carriage return
           "a: x\xE2\x80\xA8y\n",     // U+2028
           "a: 1\n\xEF\xBB\xBF"
           "b: 2\n",           // a byte order mark after the start
           "a: 1",             // a last line without a line feed
           "just a scalar\n",  // a document that is one scalar
           "a: b\n  &c d\n",   // a plain scalar over lines
           "a: \"b\n  c\"\n",  // a quoted one
           "-\n|#x\n",         // a block scalar's header running into a comment
           "-\n|\n",           // or starting a line
       })
    EXPECT_FALSE(readLibyamlEvents(text, nullptr)) << text;
  EXPECT_TRUE(readLibyamlEvents("a: &x 1\nb: *x\nc: [d, e]\nf: x?y # why?z\n", nullptr));
  EXPECT_TRUE(
      readLibyamlEvents("\xEF\xBB\xBF"
                        "a: 1\r\nb:\r\n",
                        nullptr));
}

}  // namespace
}  // namespace sluice
