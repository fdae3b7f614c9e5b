// Every catalog operation matches the vendor's OpenAPI spec, and the catalog covers every
// operation the seeds name. Seed names are read from the seed documents themselves.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "catalog/catalog.h"
#include "catalog/spec_conformance.h"
#include "test_support.h"

namespace sluice {
namespace spec_conformance_test {

using ::testing::HasSubstr;

const Catalog& catalog() {
  static const Catalog c = Catalog::load(test::catalogRoot());
  return c;
}

std::string seed(const std::string& prefix) {
  for (const char* name :
       {"000_ee497943ee344d6e.txt", "001_9af842f4914a88ab.txt", "002_c7d966a10ff96028.txt",
        "003_959fc92feecfe94d.txt", "004_9fad88311c5896d4.txt"})
    if (std::string(name).rfind(prefix, 0) == 0)
      return test::readFile(SLUICE_SHARED_DIR "/seeds/" + std::string(name));
  return "";
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    size_t b = line.find_first_not_of(' ');
    out.push_back(b == std::string::npos ? "" : line.substr(b));
  }
  return out;
}

// The seed 000 catalog: (name, kind) pairs after "Complete Operations Catalog".
std::vector<std::pair<std::string, std::string>> ghlSeedOps() {
  const std::string text = seed("000");
  const auto all = lines(text.substr(text.find("Complete Operations Catalog")));
  std::vector<std::pair<std::string, std::string>> ops;
  for (size_t i = 0; i + 1 < all.size(); ++i)
    if (all[i] == "Trigger" || all[i] == "Action")
      ops.emplace_back(all[i + 1], all[i] == "Trigger" ? "trigger" : "action");
  return ops;
}

bool hasName(const Operation& op, const std::string& name) {
  if (op.name == name) return true;
  for (const auto& a : op.aliases)
    if (a == name) return true;
  return false;
}

const Operation* byName(const App& app, const std::string& name) {
  for (const auto& op : app.operations)
    if (hasName(op, name)) return &op;
  return nullptr;
}

TEST(SpecConformance, EveryOperationMatchesTheVendorSpec) {
  SpecConformance conformance(test::specsRoot());
  std::vector<std::string> excused;
  for (const auto& app : catalog().apps()) {
    for (const auto& f : conformance.check(app)) {
      if (f.excused) {
        excused.push_back(f.op + " (" + f.check + "): " + f.reason);
        continue;
      }
      ADD_FAILURE() << f.where.str() << ": " << f.op << ": " << f.check << ": " << f.message;
    }
  }
  // The reasoned exceptions, listed so a reviewer sees them in the test log.
  for (const auto& e : excused) std::cout << "  spec exception: " << e << "\n";
}

TEST(SpecConformance, DetectsAPathThatIsNotInTheSpec) {
  // The checker itself must be able to fail: a made-up path is reported.
  App app = *catalog().app("ghl");
  app.operations.resize(1);
  app.operations[0].request.path = "/contacts/{contactId}/horoscope";
  app.operations[0].specExceptions.clear();
  SpecConformance conformance(test::specsRoot());
  const auto findings = conformance.check(app);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].check, "path");
  EXPECT_FALSE(findings[0].excused);
}

TEST(SpecConformance, DetectsWrongScopesAndMissingRequiredParameters) {
  App app = *catalog().app("ghl");
  const Operation* get = app.find("contacts.get_contact");
  ASSERT_NE(get, nullptr);
  Operation broken = *get;
  broken.scopes = {"contacts.write"};
  broken.specExceptions.clear();
  app.operations = {broken};
  // A list endpoint whose required locationId is neither input nor fixed.
  const Operation* tasks = nullptr;
  for (const auto& op : catalog().app("ghl")->operations)
    if (op.request.method == "GET" && op.request.path == "/users/") tasks = &op;
  ASSERT_NE(tasks, nullptr);
  Operation noLocation = *tasks;
  noLocation.request.query = ValueTemplate();
  noLocation.inputs.clear();
  noLocation.specExceptions.clear();
  app.operations.push_back(noLocation);
  SpecConformance conformance(test::specsRoot());
  std::set<std::string> checks;
  for (const auto& f : conformance.check(app)) checks.insert(f.op + ":" + f.check);
  EXPECT_TRUE(checks.count("ghl.contacts.get_contact:scopes"));
  EXPECT_TRUE(checks.count(noLocation.fullId() + ":params"));
}

TEST(SpecConformance, DetectsABodylessCallTheSpecForbidsAndAnUndeclaredQueryParameter) {
  // update_contact's spec requires a body and its inputs are all optional: without its fixed
  // `body: {}` a call that changes nothing would go out with no body at all.
  const Operation* update = catalog().app("ghl")->find("contacts.update_contact");
  ASSERT_NE(update, nullptr);
  Operation bodyless = *update;
  bodyless.request.body = ValueTemplate();
  bodyless.specExceptions.clear();
  // get_contact's spec declares no query parameters: a fixed one is reported.
  const Operation* get = catalog().app("ghl")->find("contacts.get_contact");
  ASSERT_NE(get, nullptr);
  Operation extraQuery = *get;
  YamlNode query = loadYamlText("{ altType: location }", "test.yaml", YamlDomain::Catalog);
  extraQuery.request.query = ValueTemplate::fromYaml(query, "test.yaml", YamlDomain::Catalog);
  extraQuery.specExceptions.clear();
  App app = *catalog().app("ghl");
  app.operations = {bodyless, extraQuery, *update};
  SpecConformance conformance(test::specsRoot());
  std::vector<std::string> found;
  for (const auto& f : conformance.check(app))
    found.push_back(f.op + ":" + f.check + ": " + f.message);
  ASSERT_EQ(found.size(), 2u) << ::testing::PrintToString(found);
  EXPECT_THAT(found[0],
              HasSubstr("ghl.contacts.update_contact:body: the spec requires a request body"));
  EXPECT_THAT(
      found[1],
      HasSubstr("ghl.contacts.get_contact:params: query parameter 'altType' is not declared"));
}

TEST(SpecConformance, DetectsAnUndeclaredBodyFieldAndHeaderAndHonoursAnAppException) {
  // update_contact's body schema lists its fields: a fixed extra one is reported, and so is a
  // header of its own that the spec does not declare (Version is declared; Accept is HTTP's).
  const Operation* update = catalog().app("ghl")->find("contacts.update_contact");
  ASSERT_NE(update, nullptr);
  Operation extra = *update;
  extra.request.body = ValueTemplate::fromYaml(
      loadYamlText("{ altType: location }", "test.yaml", YamlDomain::Catalog), "test.yaml",
      YamlDomain::Catalog);
  extra.request.headers.emplace_back("X-Trace", Template::compile("1"));
  extra.request.headers.emplace_back("Accept", Template::compile("application/json"));
  extra.specExceptions.clear();
  App app = *catalog().app("ghl");
  app.operations = {extra};
  SpecConformance conformance(test::specsRoot());
  std::vector<std::string> found;
  for (const auto& f : conformance.check(app))
    found.push_back(f.op + ":" + f.check + ": " + f.message + (f.excused ? " (excused)" : ""));
  EXPECT_THAT(found, ::testing::UnorderedElementsAre(
                         "ghl.contacts.update_contact:body: body field 'altType' is not declared "
                         "by the spec",
                         "ghl.contacts.update_contact:headers: header 'X-Trace' is not declared "
                         "by the spec"));
  // An app's exception excuses the finding for every operation of the app.
  app.specExceptions.push_back({"headers", "a trace header the vendor ignores"});
  found.clear();
  for (const auto& f : conformance.check(app))
    if (f.check == "headers") found.push_back(f.excused ? f.reason : "not excused");
  EXPECT_THAT(found, ::testing::ElementsAre("a trace header the vendor ignores"));
}

TEST(SpecConformance, EveryLookupMatchesTheVendorSpec) {
  // Every lookup in the catalog: a GET in the spec, its records in the 2xx response schema,
  // its match fields in the record schema, its result where the action's own answer holds the
  // record, and templates that read only the action's inputs.
  SpecConformance conformance(test::specsRoot());
  int lookups = 0;
  std::vector<std::string> excused;
  for (const auto& app : catalog().apps()) {
    for (const auto& op : app.operations) lookups += op.lookup.has_value();
    for (const auto& f : conformance.checkLookups(app)) {
      EXPECT_EQ(f.check, "lookup");
      if (f.excused) {
        excused.push_back(f.op + ": " + f.message + " (excused: " + f.reason + ")");
        continue;
      }
      ADD_FAILURE() << f.where.str() << ": " << f.op << ": " << f.message;
    }
  }
  EXPECT_EQ(lookups, 24);
  for (const auto& e : excused) std::cout << "  lookup exception: " << e << "\n";
}

// The note lookup, broken one way at a time, is reported each time.
std::vector<std::string> lookupFindings(const std::function<void(Operation&)>& breakIt) {
  App app = *catalog().app("ghl");
  for (auto& op : app.operations)
    if (op.id == "contacts.create_contact_note") {
      breakIt(op);
      op.specExceptions.clear();
    }
  SpecConformance conformance(test::specsRoot());
  std::vector<std::string> out;
  for (const auto& f : conformance.checkLookups(app))
    if (f.op == "ghl.contacts.create_contact_note" && !f.excused) out.push_back(f.message);
  return out;
}

ValueTemplate yamlTemplate(const std::string& yaml) {
  return ValueTemplate::fromYaml(loadYamlText(yaml, "test.yaml", YamlDomain::Catalog), "test.yaml",
                                 YamlDomain::Catalog);
}

TEST(SpecConformance, DetectsALookupThatDoesNotFitTheSpec) {
  using ::testing::ElementsAre;
  using ::testing::HasSubstr;
  EXPECT_THAT(lookupFindings([](Operation&) {}), ::testing::IsEmpty());
  EXPECT_THAT(lookupFindings([](Operation& op) { op.lookup->match[0].first = "/text"; }),
              ElementsAre(HasSubstr("match '/text' is not a property of the records of GET "
                                    "/contacts/{contactId}/notes")));
  // A sent field the record does not have could never be found as sent.
  EXPECT_THAT(lookupFindings([](Operation& op) {
                op.lookup->sentInputs = {"body", "title"};
              }),
              ::testing::IsEmpty());
  EXPECT_THAT(lookupFindings([](Operation& op) {
                op.lookup->sentInputs = {"color"};
                for (auto& in : op.inputs)
                  if (in.name == "color") in.field = "colour";
              }),
              ElementsAre(HasSubstr("sent input 'color' is not a property of the records of GET "
                                    "/contacts/{contactId}/notes")));
  EXPECT_THAT(lookupFindings([](Operation& op) { op.lookup->records = "/note"; }),
              ElementsAre(HasSubstr("records '/note' is not in the 2xx response schema")));
  EXPECT_THAT(lookupFindings([](Operation& op) { op.lookup->records = "/notes/0/body"; }),
              ElementsAre(HasSubstr("is neither an array nor an object")));
  EXPECT_THAT(lookupFindings([](Operation& op) { op.lookup->result = "/notes"; }),
              ElementsAre(HasSubstr("result '/notes' is not in the 2xx response schema of POST")));
  // A POST is not a read, whatever it answers.
  EXPECT_THAT(lookupFindings([](Operation& op) { op.lookup->op = "contacts.create_contact_task"; }),
              ElementsAre(HasSubstr("a lookup must be a GET")));
  // No response schema: nothing can be checked, which is a finding too.
  EXPECT_THAT(lookupFindings([](Operation& op) {
                op.lookup->op = "contacts.get_duplicate_contact";
                op.lookup->with = ValueTemplate();
              }),
              ElementsAre(HasSubstr("documents no 2xx JSON response schema")));
  EXPECT_THAT(lookupFindings([](Operation& op) {
                op.lookup->match[0].second = Template::compile("{{inputs.subject}}");
              }),
              ElementsAre(HasSubstr("match /body template '{{inputs.subject}}' does not name an "
                                    "input of contacts.create_contact_note")));
  EXPECT_THAT(lookupFindings([](Operation& op) {
                op.lookup->with = yamlTemplate("{contactId: '{{connection.location_id}}'}");
              }),
              ElementsAre(HasSubstr("with template '{{connection.location_id}}' does not name")));
  EXPECT_THAT(
      lookupFindings([](Operation& op) {
        op.lookup->with = yamlTemplate("{contact: '{{inputs.contactId}}'}");
      }),
      ElementsAre(HasSubstr("with 'contact' is not an input of contacts.get_contact_notes")));
}

TEST(GhlCatalog, HasTheSeedCatalogOf126Operations) {
  const App* ghl = catalog().app("ghl");
  ASSERT_NE(ghl, nullptr);
  int triggers = 0, actions = 0;
  std::set<std::string> categories;
  for (const auto& op : ghl->operations) {
    if (op.category == "payments") continue;  // seed 001, counted on its own
    if (op.category == "oauth") continue;     // agency connections' installs (issue 14)
    (op.kind == OpKind::Trigger ? triggers : actions)++;
    categories.insert(op.category);
  }
  EXPECT_EQ(triggers, 55);
  EXPECT_EQ(actions, 71);
  EXPECT_EQ(categories.size(), 14u);
}

TEST(GhlCatalog, EverySeedOperationIsThereUnderItsOwnNameAndKind) {
  const App* ghl = catalog().app("ghl");
  const auto seedOps = ghlSeedOps();
  ASSERT_EQ(seedOps.size(), 124u) << "the seed lists 55 triggers and 69 actions";
  for (const auto& [name, kind] : seedOps) {
    const Operation* op = byName(*ghl, name);
    ASSERT_NE(op, nullptr) << "seed operation '" << name << "' is missing";
    EXPECT_EQ(toString(op->kind), kind) << name;
  }
  // The two actions the seed omits.
  for (const char* name : {"Send Message", "Create Conversation"}) {
    const Operation* op = byName(*ghl, name);
    ASSERT_NE(op, nullptr) << name;
    EXPECT_EQ(op->kind, OpKind::Action);
  }
}

TEST(GhlCatalog, PaymentsCoverEveryEndpointOfSeed001) {
  const App* ghl = catalog().app("ghl");
  const std::string text = seed("001");
  static const std::regex entry(
      R"(- \[(GET|POST|PUT|DELETE|PATCH) (/payments/[^\]]+)\]\([^)]*\) — (.+?) (?=- \[|---))");
  std::set<std::string> endpoints;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), entry);
       it != std::sregex_iterator(); ++it) {
    const std::string method = (*it)[1], path = (*it)[2], name = (*it)[3];
    endpoints.insert(method + " " + path);
    bool found = false;
    for (const auto& op : ghl->operations)
      if (op.category == "payments" && op.request.method == method && op.request.path == path) {
        found = true;
        EXPECT_TRUE(hasName(op, name))
            << method << " " << path << " is named '" << op.name << "', seed says '" << name << "'";
      }
    EXPECT_TRUE(found) << "seed 001 endpoint " << method << " " << path << " is missing";
  }
  EXPECT_EQ(endpoints.size(), 23u);
  int payments = 0;
  for (const auto& op : ghl->operations) payments += op.category == "payments";
  EXPECT_EQ(payments, 23);
}

TEST(StripeCatalog, CoversEverySeed004Template) {
  const App* stripe = catalog().app("stripe");
  ASSERT_NE(stripe, nullptr);
  const std::string text = seed("004");
  static const std::regex row(R"(^\| ([A-Z][^|]+?) \| (GET|POST|DELETE) \| (/[^ |]+) \|)");
  int templates = 0;
  for (const auto& line : lines(text)) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    ++templates;
    const Operation* op = byName(*stripe, m[1]);
    ASSERT_NE(op, nullptr) << "seed 004 template '" << m[1] << "' is missing";
    EXPECT_EQ(op->request.method, m[2].str()) << m[1];
  }
  EXPECT_EQ(templates, 37);
}

TEST(StripeCatalog, CoversEverySeed003Action) {
  const App* stripe = catalog().app("stripe");
  const std::string text = seed("003");
  const auto all =
      lines(text.substr(text.find("Available Actions"),
                        text.find("Webhook Triggers") - text.find("Available Actions")));
  static const std::regex action("^[a-z]+[A-Z][A-Za-z]+$");
  int actions = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string& line = all[i];
    // An action name stands alone and is followed by its one-sentence description.
    size_t next = i + 1;
    while (next < all.size() && all[next].empty()) ++next;
    if (!std::regex_match(line, action) || next == all.size() || all[next].back() != '.') continue;
    ++actions;
    EXPECT_NE(byName(*stripe, line), nullptr) << "seed 003 action '" << line << "' is missing";
  }
  EXPECT_EQ(actions, 24);
}

TEST(StripeCatalog, PollsTheEightSeed003EventTypes) {
  const App* stripe = catalog().app("stripe");
  for (const char* type :
       {"invoice.paid", "invoice.payment_failed", "customer.subscription.created",
        "customer.subscription.updated", "customer.subscription.deleted",
        "payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded",
        "customer.created", "customer.updated"}) {
    bool found = false;
    for (const auto& op : stripe->operations) {
      if (op.kind != OpKind::Trigger || op.request.path != "/v1/events") continue;
      for (const auto& m : op.request.query.members())
        if (m.first == "type" && m.second.text().source() == type) found = true;
    }
    EXPECT_TRUE(found) << "no trigger polls events of type " << type;
  }
}

TEST(Catalog, EveryTriggerSaysHowItIsDeduped) {
  for (const auto& app : catalog().apps())
    for (const auto& op : app.operations) {
      if (op.kind != OpKind::Trigger) continue;
      if (op.shape == RecordShape::List) {
        EXPECT_FALSE(op.recordId.empty()) << op.fullId() << ": a list trigger needs record_id";
      }
      if (op.order != SortOrder::Unknown) {
        EXPECT_FALSE(op.orderBy.empty()) << op.fullId();
      }
    }
}

}  // namespace spec_conformance_test
}  // namespace sluice
