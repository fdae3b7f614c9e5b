// catalog/SCHEMA.md against the loader: every key the loader accepts, in every map of an
// app.yaml and a category file, is documented there, and every key the document shows is one
// the loader accepts. The loader's own list comes from its error for an unknown key ("expected
// one of: ..."), so the test follows the code, not a copy of it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "catalog/catalog.h"
#include "core/error.h"
#include "test_support.h"

namespace sluice {
namespace schema_doc_test {

const char* kApp = R"(app: demo
name: Demo
base_url: https://api.example.com
auth: { kind: bearer }
idempotency: { header: Idempotency-Key }
rate_limit: { requests: 10, per: 1s, headers: { remaining: X-Left } }
errors: { message: /message }
request_presets: { scoped: { query: { scope: all } } }
tenants: { key: things, setting: token, variable: thing_id, list: things.list_things, id: /id }
connection:
  - { name: token, type: string, required: true, secret: true }
paginations:
  pages: { style: page, page_param: page, limit_param: limit, limit: 50 }
  cursor: { style: cursor, limit_param: limit, limit: 100, next: { after: "record:/id" }, has_more: /more }
)";

const char* kThings = R"(category: things
name: Things
operations:
  - id: things.list_things
    name: List Things
    kind: trigger
    description: Lists
    request: { method: GET, path: /things }
    inputs:
      - { name: from, in: query, type: string }
      - { name: to, in: query, type: string }
    records: /things
    record_id: /id
    detect: new
    order_by: /created
    window: { start: from, end: to, back: 1d, ahead: 1d }
    since: { input: from, format: date, back: 1d }
    paginate: { style: page, page_param: page, limit_param: limit, limit: 20 }
    spec_exceptions:
      - { check: body, reason: because }
  - id: things.create_thing
    name: Create Thing
    kind: action
    description: Creates
    request: { method: POST, path: /things }
    inputs:
      - { name: title, in: body, type: string, required: true }
    lookup: { op: things.list_things, records: /things, match: { /title: "{{inputs.title}}" } }
)";

// One map of the catalog: where an unknown key goes to provoke the loader's list for it.
struct Probe {
  const char* map;
  bool inApp;  // app.yaml, or the category file
  const char* anchor;
  const char* replacement;
};

const Probe kProbes[] = {
    {"app.yaml", true, "name: Demo\n", "name: Demo\nzzz_unknown: 1\n"},
    {"auth", true, "{ kind: bearer }", "{ kind: bearer, zzz_unknown: 1 }"},
    {"idempotency", true, "{ header: Idempotency-Key }",
     "{ header: Idempotency-Key, zzz_unknown: 1 }"},
    {"rate_limit", true, "per: 1s,", "per: 1s, zzz_unknown: 1,"},
    {"rate_limit headers", true, "{ remaining: X-Left }", "{ remaining: X-Left, zzz_unknown: x }"},
    {"errors", true, "{ message: /message }", "{ message: /message, zzz_unknown: 1 }"},
    {"tenants", true, "list: things.list_things, id: /id }",
     "list: things.list_things, id: /id, zzz_unknown: 1 }"},
    {"request preset", true, "{ query: { scope: all } }",
     "{ query: { scope: all }, zzz_unknown: 1 }"},
    {"connection setting", true, "secret: true }", "secret: true, zzz_unknown: 1 }"},
    {"app pagination", true, "limit: 50 }", "limit: 50, zzz_unknown: 1 }"},
    {"cursor pagination", true, "has_more: /more }", "has_more: /more, zzz_unknown: 1 }"},
    {"category file", false, "name: Things\n", "name: Things\nzzz_unknown: 1\n"},
    {"operation", false, "    detect: new\n", "    detect: new\n    zzz_unknown: 1\n"},
    {"request", false, "{ method: GET, path: /things }",
     "{ method: GET, path: /things, zzz_unknown: 1 }"},
    {"input", false, "{ name: from, in: query, type: string }",
     "{ name: from, in: query, type: string, zzz_unknown: 1 }"},
    {"window", false, "end: to,", "end: to, zzz_unknown: 1,"},
    {"since", false, "format: date,", "format: date, zzz_unknown: 1,"},
    {"operation pagination", false, "limit: 20 }", "limit: 20, zzz_unknown: 1 }"},
    {"spec exception", false, "reason: because }", "reason: because, zzz_unknown: 1 }"},
    {"lookup", false, "lookup: { op:", "lookup: { zzz_unknown: 1, op:"},
    {"lookup sent", false, "match: { /title:", "sent: { zzz_unknown: 1 }, match: { /title:"},
};

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// The keys the loader accepts in the probed map, from its unknown-key error.
std::set<std::string> acceptedKeys(const Probe& probe) {
  test::TempDir dir;
  dir.write("demo/app.yaml", probe.inApp ? replaced(kApp, probe.anchor, probe.replacement) : kApp);
  dir.write("demo/things.yaml",
            probe.inApp ? kThings : replaced(kThings, probe.anchor, probe.replacement));
  std::string message;
  try {
    Catalog::load(dir.path());
  } catch (const CatalogError& e) {
    message = e.what();
  }
  std::smatch m;
  const std::string marker = "unknown key 'zzz_unknown' (expected one of: ";
  const size_t at = message.find(marker);
  EXPECT_NE(at, std::string::npos) << probe.map << ": " << message;
  std::set<std::string> keys;
  if (at == std::string::npos) return keys;
  std::stringstream list(
      message.substr(at + marker.size(), message.find(')', at) - at - marker.size()));
  for (std::string key; std::getline(list, key, ',');)
    keys.insert(key.substr(key.find_first_not_of(' ')));
  return keys;
}

// The YAML blocks of SCHEMA.md.
std::vector<std::string> schemaYamlLines() {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/catalog/SCHEMA.md");
  std::vector<std::string> lines;
  bool inYaml = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("```", 0) == 0) {
      inYaml = line == "```yaml";
      continue;
    }
    if (inYaml) lines.push_back(line);
  }
  return lines;
}

TEST(SchemaDoc, EveryKeyTheLoaderAcceptsIsDocumented) {
  std::set<std::string> documented;  // any `key:` in the YAML blocks, comments included
  static const std::regex keyRe("([A-Za-z_][A-Za-z0-9_]*):");
  for (const auto& line : schemaYamlLines())
    for (std::sregex_iterator it(line.begin(), line.end(), keyRe), end; it != end; ++it)
      documented.insert((*it)[1]);
  ASSERT_GT(documented.size(), 40u);
  for (const auto& probe : kProbes)
    for (const auto& key : acceptedKeys(probe))
      EXPECT_TRUE(documented.count(key)) << probe.map << " key '" << key << "' is not in SCHEMA.md";
}

TEST(SchemaDoc, EveryKeyTheDocumentShowsIsAccepted) {
  std::set<std::string> accepted = {"presets", "defaults", "preset"};  // read before the maps
  for (const auto& probe : kProbes)
    for (const auto& key : acceptedKeys(probe)) accepted.insert(key);
  // Keys the examples use as values: header names, preset names, inputs, record pointers.
  const std::set<std::string> exampleValues = {
      "Accept", "User",   "Version",        "stripe_list", "contactId",     "email",
      "number", "search", "starting_after", "locationId",  "location_query"};
  static const std::regex keyRe("(?:^\\s*(?:- )?|[{,]\\s*)([A-Za-z_][A-Za-z0-9_]*):");
  for (const auto& line : schemaYamlLines()) {
    const std::string code = line.substr(0, line.find(" #"));
    if (code.find_first_not_of(' ') != std::string::npos &&
        code[code.find_first_not_of(' ')] == '#')
      continue;
    for (std::sregex_iterator it(code.begin(), code.end(), keyRe), end; it != end; ++it) {
      const std::string key = (*it)[1];
      EXPECT_TRUE(accepted.count(key) || exampleValues.count(key))
          << "SCHEMA.md shows '" << key << "', which no catalog map accepts: " << line;
    }
  }
}

}  // namespace schema_doc_test
}  // namespace sluice
