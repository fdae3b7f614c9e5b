// The `sluice` binary: ops listing against the real catalog, usage errors (64), config errors
// (78) with file:line:col, and --help on every verb.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "test_support.h"

namespace sluice {
namespace cli_test {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

// Runs sluice against the repository's catalog, whatever the working directory.
test::CommandResult sluice(const std::vector<std::string>& args,
                           std::vector<std::string> env = {}) {
  env.push_back("SLUICE_CATALOG=" + test::catalogRoot());
  return test::runSluice(args, env);
}

size_t lineCount(const std::string& text) {
  return std::count(text.begin(), text.end(), '\n');
}

// ---------------------------------------------------------------- ops list

class CliOpsListJsonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const test::CommandResult r = sluice({"ops", "list", "--app", "ghl", "--json"});
    exitCode_ = r.exitCode;
    err_ = r.err;
    parseError_ = parseJson(r.out, doc_).value_or("");
  }
  void SetUp() override {
    ASSERT_EQ(exitCode_, 0) << err_;
    ASSERT_EQ(parseError_, "");
    ASSERT_TRUE(doc_.IsArray());
  }

  static int exitCode_;
  static std::string err_;
  static std::string parseError_;
  static JsonDoc doc_;
};
int CliOpsListJsonTest::exitCode_ = -1;
std::string CliOpsListJsonTest::err_;
std::string CliOpsListJsonTest::parseError_;
JsonDoc CliOpsListJsonTest::doc_;

TEST_F(CliOpsListJsonTest, ListsEveryGhlOperation) {
  EXPECT_EQ(doc_.Size(), 150u);  // 126 of the seed, 23 payments, 1 installed locations
}

TEST_F(CliOpsListJsonTest, EveryEntryHasTheListedFields) {
  std::set<std::string> ids;
  for (const auto& op : doc_.GetArray()) {
    ASSERT_TRUE(op.IsObject());
    for (const char* key : {"id", "app", "category", "name", "kind", "method", "path"}) {
      ASSERT_TRUE(op.HasMember(key) && op[key].IsString()) << key << " in " << toJson(op);
      EXPECT_GT(op[key].GetStringLength(), 0u) << key << " in " << toJson(op);
    }
    ASSERT_TRUE(op.HasMember("scopes") && op["scopes"].IsArray()) << toJson(op);
    const std::string id = op["id"].GetString();
    EXPECT_EQ(op["app"].GetString(), std::string("ghl"));
    EXPECT_THAT(id, StartsWith("ghl." + std::string(op["category"].GetString()) + "."));
    const std::string kind = op["kind"].GetString();
    EXPECT_TRUE(kind == "trigger" || kind == "action") << id << ": " << kind;
    EXPECT_THAT(op["method"].GetString(), MatchesRegex("GET|POST|PUT|PATCH|DELETE")) << id;
    EXPECT_THAT(op["path"].GetString(), StartsWith("/")) << id;
    EXPECT_TRUE(ids.insert(id).second) << "duplicate id " << id;
  }
}

TEST_F(CliOpsListJsonTest, NonPaymentsSubsetMatchesTheSeedCatalog) {
  size_t total = 0, triggers = 0, actions = 0;
  std::set<std::string> categories;
  for (const auto& op : doc_.GetArray()) {
    const std::string category = op["category"].GetString();
    if (category == "payments" || category == "oauth") continue;  // not in the seed
    ++total;
    const std::string kind = op["kind"].GetString();
    triggers += kind == "trigger";
    actions += kind == "action";
    categories.insert(category);
  }
  EXPECT_EQ(total, 126u);
  EXPECT_EQ(triggers, 55u);
  EXPECT_EQ(actions, 71u);
  EXPECT_EQ(categories.size(), 14u);
}

TEST(CliTest, OpsListKindFilter) {
  const test::CommandResult r =
      sluice({"ops", "list", "--app", "ghl", "--kind", "trigger", "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  JsonDoc doc;
  ASSERT_FALSE(parseJson(r.out, doc).has_value());
  ASSERT_TRUE(doc.IsArray());
  EXPECT_GT(doc.Size(), 55u);  // 55 outside payments, plus the payments triggers
  for (const auto& op : doc.GetArray()) EXPECT_STREQ(op["kind"].GetString(), "trigger");
}

TEST(CliTest, OpsListTextEndsWithCounts) {
  const test::CommandResult r = sluice({"ops", "list", "--app", "ghl", "--category", "contacts"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("ID"));
  EXPECT_THAT(r.out, HasSubstr("ghl.contacts.get_contact "));
  EXPECT_THAT(r.out, HasSubstr("ghl: "));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("ghl.calendars.")));
}

// Rejected: --kind that is neither trigger nor action.
TEST(CliTest, OpsListBogusKindIsAUsageError) {
  const test::CommandResult r = sluice({"ops", "list", "--kind", "bogus"});
  EXPECT_EQ(r.exitCode, 64);
  EXPECT_EQ(lineCount(r.err), 1u) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--kind must be trigger or action, found 'bogus'"));
  EXPECT_EQ(r.out, "");
}

// Rejected: an app that is not in the catalog.
TEST(CliTest, OpsListUnknownAppIsAUsageError) {
  const test::CommandResult r = sluice({"ops", "list", "--app", "shopify"});
  EXPECT_EQ(r.exitCode, 64);
  EXPECT_THAT(r.err, HasSubstr("unknown app 'shopify'"));
}

// Rejected: an option ops list does not take; the closest one is suggested.
TEST(CliTest, OpsListUnknownOptionSuggests) {
  const test::CommandResult r = sluice({"ops", "list", "--kinds", "action"});
  EXPECT_EQ(r.exitCode, 64);
  EXPECT_THAT(r.err, HasSubstr("unknown option '--kinds'"));
  EXPECT_THAT(r.err, HasSubstr("did you mean --kind?"));
}

// ---------------------------------------------------------------- ops show

TEST(CliTest, OpsShowJson) {
  const test::CommandResult r = sluice({"ops", "show", "ghl.contacts.get_contact", "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  JsonDoc doc;
  ASSERT_FALSE(parseJson(r.out, doc).has_value()) << r.out;
  EXPECT_STREQ(doc["id"].GetString(), "ghl.contacts.get_contact");
  EXPECT_STREQ(doc["method"].GetString(), "GET");
  EXPECT_STREQ(doc["path"].GetString(), "/contacts/{contactId}");
  ASSERT_TRUE(doc["inputs"].IsArray());
  ASSERT_EQ(doc["inputs"].Size(), 1u);
  EXPECT_STREQ(doc["inputs"][0]["name"].GetString(), "contactId");
  EXPECT_TRUE(doc["inputs"][0]["required"].GetBool());
  EXPECT_STREQ(doc["trigger"]["shape"].GetString(), "single");
}

// What happens to an action whose call was interrupted: one line per kind of answer.
TEST(CliTest, OpsShowSaysWhatAnInterruptedActionDoes) {
  const std::pair<const char*, const char*> cases[] = {
      {"ghl.contacts.create_contact",
       "if interrupted: looked up with ghl.contacts.get_duplicate_contact (a record with "
       "/emailLowerCase = {{inputs.email | lower}}); sent again only if none is found"},
      {"ghl.contacts.upsert_contact",
       "if interrupted: looked up with ghl.contacts.get_duplicate_contact (a record holding "
       "every field it sent); sent again only if none is found"},
      {"ghl.contacts.remove_tags_from_contact",
       "if interrupted: sent again without a look (idempotent, and no lookup"},
      {"stripe.customers.create_customer", "sent again with the same Idempotency-Key"},
      {"ghl.conversations.send_message", "not sent again: a dead letter for a human to check"},
  };
  for (const auto& [op, expected] : cases) {
    const test::CommandResult r = sluice({"ops", "show", op});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(expected)) << op;
  }
  const test::CommandResult json =
      sluice({"ops", "show", "ghl.conversations.send_message", "--json"});
  JsonDoc doc;
  ASSERT_FALSE(parseJson(json.out, doc).has_value()) << json.out;
  EXPECT_THAT(doc["after_interruption"].GetString(), HasSubstr("dead letter"));
}

// What one poll of a trigger reads: only what is new, or the whole list with the catalog's
// reason; `catalog check` counts both kinds.
TEST(CliTest, OpsShowAndCatalogCheckSayWhatAPollReads) {
  const std::pair<const char*, const char*> cases[] = {
      {"ghl.contacts.search_contacts", "a poll reads: what is new: newest first by /dateAdded"},
      {"ghl.payments.list_transactions",
       "a poll reads: what is new: startAt from the newest /createdAt seen, less 86400 s"},
      {"ghl.contacts.get_contact_notes",
       "a poll reads: the whole list on every sweep: one contact's notes"},
  };
  for (const auto& [op, expected] : cases) {
    const test::CommandResult r = sluice({"ops", "show", op});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(expected)) << op;
  }
  const test::CommandResult check = sluice({"catalog", "check", "-v"});
  EXPECT_THAT(check.out, ::testing::MatchesRegex(
                             "(.|\n)*poll cost: of [0-9]+ list triggers of new records, [0-9]+ "
                             "read only what is new(.|\n)*"));
  EXPECT_THAT(check.out, HasSubstr("  ghl.contacts.get_contact_notes: one contact's notes"));
  // An excused finding: the exception once with its reason, each finding it covers once under it
  // (the request checks meet the same one in several requests).
  const std::string excusedBody = "ghl.contacts.search_contacts: excused body: SearchBodyV2DTO";
  const size_t first = check.out.find(excusedBody);
  ASSERT_NE(first, std::string::npos) << check.out;
  EXPECT_EQ(check.out.find(excusedBody, first + 1), std::string::npos) << check.out;
  const std::string sortFinding = "\n    body field 'sort' is not declared by the spec\n";
  const size_t sort = check.out.find(sortFinding, first);
  ASSERT_NE(sort, std::string::npos) << check.out;
  EXPECT_EQ(check.out.find(sortFinding, sort + 1), std::string::npos) << check.out;
}

// Rejected: a misspelt operation id; the right one is suggested.
TEST(CliTest, OpsShowTypoSuggestsTheOperation) {
  const test::CommandResult r = sluice({"ops", "show", "ghl.contacts.get_contac"});
  EXPECT_EQ(r.exitCode, 64);
  EXPECT_THAT(r.err, HasSubstr("unknown operation 'ghl.contacts.get_contac'"));
  EXPECT_THAT(r.err, HasSubstr("did you mean ghl.contacts.get_contact"));
  EXPECT_EQ(r.out, "");
}

// Rejected: ops show without an id.
TEST(CliTest, OpsShowWithoutIdIsAUsageError) {
  EXPECT_EQ(sluice({"ops", "show"}).exitCode, 64);
}

// Rejected: an ops verb that does not exist.
TEST(CliTest, OpsUnknownVerbIsAUsageError) {
  const test::CommandResult r = sluice({"ops", "frobnicate"});
  EXPECT_EQ(r.exitCode, 64);
  EXPECT_THAT(r.err, HasSubstr("unknown ops verb 'frobnicate'"));
}

// Rejected: a top-level verb that does not exist.
TEST(CliTest, UnknownVerbIsAUsageError) {
  const test::CommandResult r = sluice({"frobnicate"});
  EXPECT_EQ(r.exitCode, 64);
  EXPECT_THAT(r.err, HasSubstr("unknown verb 'frobnicate'"));
}

TEST(CliTest, NoArgumentsPrintsUsageAndExits64) {
  const test::CommandResult r = sluice({});
  EXPECT_EQ(r.exitCode, 64);
  EXPECT_THAT(r.out, HasSubstr("usage: sluice VERB"));
}

// ---------------------------------------------------------------- catalog and check

TEST(CliTest, CatalogCheckPasses) {
  const test::CommandResult r = sluice({"catalog", "check"});
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("ghl: 150 operations in 16 categories: schema ok"));
  EXPECT_THAT(r.out, HasSubstr("stripe: "));
}

// `sluice tenants` on a file without an agency or platform connection: nothing listed, and a
// connection that selects no tenants is named as such rather than listing nothing.
TEST(CliTest, TenantsWithoutAnAgencyConnectionSaySo) {
  test::TempDir dir;
  const std::string path = dir.write("sluice.yaml", "state: sqlite:" + dir.path() + R"(/s.db
connections:
  stripe: { app: stripe, api_key: "${CLI_TEST_STRIPE_KEY}" }
flows: []
)");
  const std::vector<std::string> env = {"CLI_TEST_STRIPE_KEY=sk_test_cli_secret"};
  const test::CommandResult none = sluice({"tenants", "-c", path}, env);
  EXPECT_EQ(none.exitCode, 0) << none.err;
  EXPECT_THAT(none.out, HasSubstr("no tenants listed yet"));
  EXPECT_EQ(sluice({"tenants", "-c", path, "--json"}, env).out, "[]\n");
  const test::CommandResult plain = sluice({"tenants", "-c", path, "--connection", "stripe"}, env);
  EXPECT_EQ(plain.exitCode, 64);
  EXPECT_THAT(plain.err, HasSubstr("connection 'stripe' has no tenants"));
}

TEST(CliTest, CheckAcceptsAValidFile) {
  test::TempDir dir;
  const std::string path = dir.write("sluice.yaml", R"(connections:
  stripe: { app: stripe, api_key: "${CLI_TEST_STRIPE_KEY}" }
  ghl: { app: ghl, token: "${CLI_TEST_GHL_TOKEN}", location_id: loc_1 }
flows:
  - name: stripe-to-ghl
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 5m }
    steps:
      - op: ghl.contacts.upsert_contact
        connection: ghl
        with: { email: "{{trigger.email}}" }
)");
  const test::CommandResult r =
      sluice({"check", "-c", path},
             {"CLI_TEST_STRIPE_KEY=sk_test_cli_secret", "CLI_TEST_GHL_TOKEN=pit-cli-secret"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(": ok: 2 connections, 1 flow (1 enabled)"));
  EXPECT_THAT(r.out, HasSubstr("stripe-to-ghl: stripe.customers.new_customer every 300s -> "
                               "ghl.contacts.upsert_contact"));
  EXPECT_THAT(r.out + r.err, ::testing::Not(HasSubstr("sk_test_cli_secret")));
}

// Rejected: a broken file; exit 78 and the message names file:line:col.
TEST(CliTest, CheckBrokenFileExits78WithLocation) {
  test::TempDir dir;
  const std::string path = dir.write("sluice.yaml", R"(connections:
  ghl: { app: ghl, token: "${CLI_TEST_GHL_TOKEN}", location_id: loc_1 }
flows:
  - name: f
    trigger: { op: ghl.contacts.search_contacts, connection: ghl }
    steps:
      - op: ghl.contacts.upsert_contac
        connection: ghl
)");
  const test::CommandResult r = sluice({"check", "-c", path}, {"CLI_TEST_GHL_TOKEN=pit-x"});
  EXPECT_EQ(r.exitCode, 78);
  EXPECT_THAT(r.err, HasSubstr(path + ":7:13: "));
  EXPECT_THAT(r.err, HasSubstr("did you mean ghl.contacts.upsert_contact"));
  EXPECT_THAT(r.err, ::testing::EndsWith("\n1 error\n"));
  EXPECT_EQ(lineCount(r.err), 2u) << r.err;
}

// Every mistake in one run: errors and warnings in file order, each once, then the count; the
// warnings do not decide the exit status.
TEST(CliTest, CheckReportsErrorsAndWarningsInFileOrderThenTheCount) {
  test::TempDir dir;
  const std::string head = R"(connections:
  stripe: { app: stripe, api_key: "${CLI_TEST_STRIPE_KEY}" }
  ghl: { app: ghl, token: "${CLI_TEST_GHL_TOKEN}", location_id: loc_1 }
flows:
  - name: typo
    trigger: { op: stripe.customers.new_customer, connection: stripe }
    steps:
      - op: ghl.contacts.upsert_contact
        connection: ghl
        with: { email: "{{trigger.emial}}" }
)";
  const std::vector<std::string> env = {"CLI_TEST_STRIPE_KEY=sk_test_x1234",
                                        "CLI_TEST_GHL_TOKEN=pit-x"};
  const std::string bad = dir.write("bad.yaml", head + R"(  - name: broken
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 30s }
    steps:
      - op: ghl.contacts.upsert_contact
        connection: stripe
)");
  const test::CommandResult r = sluice({"check", "-c", bad}, env);
  EXPECT_EQ(r.exitCode, 78);
  EXPECT_EQ(r.err, bad +
                       ":10:24: warning: flow typo step 0: '{{trigger.emial}}': "
                       "stripe.customers.new_customer records have no field 'emial' (did "
                       "you mean email?)\n" +
                       bad +
                       ":12:78: error: flow broken trigger: 'every': must be between 1m "
                       "and 15m, found '30s'\n" +
                       bad +
                       ":15:21: error: flow broken step 0: connection 'stripe' is for app "
                       "stripe but ghl.contacts.upsert_contact needs ghl\n"
                       "2 errors, 1 warning\n");
  EXPECT_EQ(r.out, "");
  // sluice run loads the file the same way: it refuses to start, naming both errors.
  const test::CommandResult run = sluice({"run", "-c", bad}, env);
  EXPECT_EQ(run.exitCode, 78);
  EXPECT_THAT(run.err, HasSubstr(":12:78: flow broken trigger: 'every'"));
  EXPECT_THAT(run.err, HasSubstr(":15:21: flow broken step 0: connection 'stripe'"));
  EXPECT_THAT(run.err, HasSubstr("\n2 errors"));
  const std::string typo = dir.write("typo.yaml", head);
  const test::CommandResult warned = sluice({"check", "-c", typo}, env);
  EXPECT_EQ(warned.exitCode, 0) << warned.err;
  EXPECT_THAT(warned.err, ::testing::EndsWith("(did you mean email?)\n1 warning\n"));
  EXPECT_THAT(warned.out, HasSubstr(": ok: 2 connections, 1 flow"));
}

// Rejected: a config file that does not exist.
TEST(CliTest, CheckMissingFileExits78) {
  test::TempDir dir;
  const test::CommandResult r = sluice({"check", "-c", dir.path() + "/absent.yaml"});
  EXPECT_EQ(r.exitCode, 78);
  EXPECT_THAT(r.err, HasSubstr("absent.yaml"));
}

// ---------------------------------------------------------------- --help

class CliHelpTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CliHelpTest, HelpExitsZeroAndPrintsUsage) {
  const test::CommandResult r = sluice({GetParam(), "--help"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("usage: sluice " + GetParam())) << r.out;
  EXPECT_EQ(r.err, "");
}

INSTANTIATE_TEST_SUITE_P(EveryVerb, CliHelpTest,
                         ::testing::Values("run", "check", "test", "status", "history", "dlq",
                                           "cursor", "flow", "ops", "catalog", "tenants"));

TEST(CliTest, TopLevelHelpAndVersion) {
  const test::CommandResult help = sluice({"--help"});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_THAT(help.out, HasSubstr("catalog check"));
  const test::CommandResult version = sluice({"--version"});
  EXPECT_EQ(version.exitCode, 0);
  EXPECT_THAT(version.out, MatchesRegex("sluice [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

}  // namespace cli_test
}  // namespace sluice
