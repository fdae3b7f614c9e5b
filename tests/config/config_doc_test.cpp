// README.md "The file format" against the config loader: every key the loader accepts in every
// map of a sluice.yaml is in the README's example, and every key the example shows is accepted.
// The loader's own list comes from its error for an unknown key ("expected one of: ...").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "catalog/catalog.h"
#include "config/config.h"
#include "core/error.h"
#include "test_support.h"

namespace sluice {
namespace config_doc_test {

const char* kConfig = R"(state: sqlite:sluice.db
settings:
  workers: 2
  webhooks: { listen: "127.0.0.1:8787" }
  console_token: { env: CONSOLE_TOKEN }
connections:
  stripe: { app: stripe, api_key: "${STRIPE_KEY}", rate_limit: { requests: 5, per: 1s } }
  ghl: { app: ghl, token: "${GHL_TOKEN}", location_id: loc_1 }
flows:
  - name: paid
    trigger: { op: stripe.events.invoice_paid, connection: stripe, every: 5m }
    steps:
      - { op: ghl.contacts.upsert_contact, connection: ghl, with: { email: x@y.z } }
)";

struct Probe {
  const char* map;
  const char* anchor;
  const char* replacement;
};

const Probe kProbes[] = {
    {"top level", "state: sqlite:sluice.db\n", "state: sqlite:sluice.db\nzzz_unknown: 1\n"},
    {"settings", "  workers: 2\n", "  workers: 2\n  zzz_unknown: 1\n"},
    {"settings webhooks", "{ listen: \"127.0.0.1:8787\" }",
     "{ listen: \"127.0.0.1:8787\", zzz_unknown: 1 }"},
    {"settings console_token", "{ env: CONSOLE_TOKEN }", "{ env: CONSOLE_TOKEN, zzz_unknown: 1 }"},
    {"connection", "location_id: loc_1 }", "location_id: loc_1, zzz_unknown: 1 }"},
    {"connection rate_limit", "per: 1s }", "per: 1s, zzz_unknown: 1 }"},
    {"flow", "  - name: paid\n", "  - name: paid\n    zzz_unknown: 1\n"},
    {"trigger", "every: 5m }", "every: 5m, zzz_unknown: 1 }"},
    {"step", "with: { email: x@y.z } }", "with: { email: x@y.z }, zzz_unknown: 1 }"},
};

const Catalog& catalog() {
  static const Catalog c = Catalog::load(test::catalogRoot());
  return c;
}

std::set<std::string> acceptedKeys(const Probe& probe) {
  std::string text = kConfig;
  const size_t at = text.find(probe.anchor);
  EXPECT_NE(at, std::string::npos) << probe.anchor;
  if (at != std::string::npos) text.replace(at, std::strlen(probe.anchor), probe.replacement);
  const std::map<std::string, std::string> env = {{"STRIPE_KEY", "sk_test_1"},
                                                  {"GHL_TOKEN", "t"},
                                                  {"CONSOLE_TOKEN", "console-token-0123456789"}};
  std::string message;
  try {
    loadConfigText(text, "sluice.yaml", catalog(), &env);
  } catch (const ConfigError& e) {
    message = e.what();
  }
  const std::string marker = "unknown key 'zzz_unknown' (expected one of: ";
  const size_t from = message.find(marker);
  EXPECT_NE(from, std::string::npos) << probe.map << ": " << message;
  std::set<std::string> keys;
  if (from == std::string::npos) return keys;
  const size_t start = from + marker.size();
  std::stringstream list(message.substr(start, message.find(')', start) - start));
  for (std::string key; std::getline(list, key, ',');)
    keys.insert(key.substr(key.find_first_not_of(' ')));
  return keys;
}

// The app settings a connection takes come from the catalog (documented in SCHEMA.md and
// `sluice ops`), each also as NAME_file.
bool isAppSetting(const std::string& key) {
  for (const auto& app : catalog().apps())
    for (const auto& s : app.connection)
      if (key == s.name || key == s.name + "_file") return true;
  return false;
}

// The YAML block of README.md's "The file format".
std::vector<std::string> fileFormatLines() {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/README.md");
  std::vector<std::string> lines;
  bool inSection = false, inYaml = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) inSection = line == "## The file format";
    if (!inSection) continue;
    if (line.rfind("```", 0) == 0) {
      if (inYaml) break;
      inYaml = line == "```yaml";
      continue;
    }
    if (inYaml) lines.push_back(line);
  }
  return lines;
}

TEST(ConfigDoc, EveryKeyTheLoaderAcceptsIsInTheReadme) {
  std::set<std::string> documented;
  static const std::regex keyRe("([A-Za-z_][A-Za-z0-9_]*):");
  for (const auto& line : fileFormatLines())
    for (std::sregex_iterator it(line.begin(), line.end(), keyRe), end; it != end; ++it)
      documented.insert((*it)[1]);
  ASSERT_GT(documented.size(), 20u);
  for (const auto& probe : kProbes) {
    for (const auto& key : acceptedKeys(probe)) {
      if (isAppSetting(key)) continue;
      EXPECT_TRUE(documented.count(key)) << probe.map << " key '" << key << "' is not in README.md";
    }
  }
}

TEST(ConfigDoc, EveryKeyTheReadmeShowsIsAccepted) {
  std::set<std::string> accepted;
  for (const auto& probe : kProbes)
    for (const auto& key : acceptedKeys(probe)) accepted.insert(key);
  // A connection's name and the inputs an example passes with `with`.
  const std::set<std::string> exampleValues = {"NAME", "email"};
  static const std::regex keyRe("(?:^\\s*(?:- )?|[{,]\\s*)([A-Za-z_][A-Za-z0-9_]*):");
  for (const auto& line : fileFormatLines()) {
    const std::string code = line.substr(0, line.find(" #"));
    const size_t first = code.find_first_not_of(' ');
    if (first == std::string::npos || code[first] == '#') continue;
    for (std::sregex_iterator it(code.begin(), code.end(), keyRe), end; it != end; ++it) {
      const std::string key = (*it)[1];
      EXPECT_TRUE(accepted.count(key) || exampleValues.count(key))
          << "README.md shows '" << key << "', which no config map accepts: " << line;
    }
  }
}

}  // namespace config_doc_test
}  // namespace sluice
