// `sluice check` reports every mistake of a file in one run: in file order, each once, located,
// with a suggestion where one is close, then the count (config/diagnostics.h).
#include "config/diagnostics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "catalog/catalog.h"
#include "config/config.h"
#include "test_support.h"

namespace sluice::test {
namespace diagnostics_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Ten different mistakes, none of them hiding another.
constexpr char kTenMistakes[] = R"(state: sqlite:state.db
connections:
  stripe: { app: stripe, api_key: "${STRIPE_KEY}" }
  ghl: { app: ghl, token: "${GHL_TOKEN}", location_id: loc1 }
flows:
  - name: one
    trigger: { op: stripe.customers.new_customer, connection: ghl, every: 20m }
    filtr: "{{trigger.email}}"
    steps:
      - op: ghl.contacts.upsert_contact
        connection: ghl
        with: { emial: "{{trigger.email}}" }
      - op: ghl.contacts.create_contact_note
        connection: [ghl]
        with: { body: "{{steps.contatc.id}}" }
  - name: one
    trigger: { op: stripe.customers.new_customr, connection: stripe }
    steps:
      - op: ghl.contacts.upsert_contact
        connection: ghl
        with: { email: "{{trigger.email" }
)";

class DiagnosticsTest : public ::testing::Test {
 protected:
  // Every mistake as "line:col: message", or none when the file loads.
  std::vector<std::string> mistakes(const std::string& text) {
    try {
      loadConfigText(text, "ten.yaml", catalog_, &env_);
    } catch (const ConfigErrors& e) {
      std::vector<std::string> out;
      for (const auto& one : e.errors())
        out.push_back(std::to_string(one.where().line) + ":" + std::to_string(one.where().column) +
                      ": " + one.message());
      whole_ = e.what();
      return out;
    } catch (const ConfigError& e) {
      whole_ = e.what();
      return {std::to_string(e.where().line) + ":" + std::to_string(e.where().column) + ": " +
              e.message()};
    }
    return {};
  }
  Catalog catalog_ = Catalog::load(catalogRoot());
  std::map<std::string, std::string> env_{{"STRIPE_KEY", "sk_test_x1234"}, {"GHL_TOKEN", "t-1234"}};
  std::string whole_;
};

TEST_F(DiagnosticsTest, TenMistakesAreTenLocatedMessagesInFileOrder) {
  const auto found = mistakes(kTenMistakes);
  ASSERT_EQ(found.size(), 10u) << whole_;
  const std::vector<std::string> where = [&] {
    std::vector<std::string> w;
    for (const auto& f : found) w.push_back(f.substr(0, f.find(": ")));
    return w;
  }();
  EXPECT_THAT(where, ElementsAre("7:63", "7:75", "8:5", "12:24", "14:21", "15:15", "15:23", "16:5",
                                 "17:20", "21:24"));
  EXPECT_THAT(found[0], HasSubstr("connection 'ghl' is for app ghl but"));
  EXPECT_THAT(found[1], HasSubstr("'every': must be between 1m and 15m"));
  EXPECT_THAT(found[2], HasSubstr("unknown key 'filtr' (did you mean 'filter'?"));
  EXPECT_THAT(found[3], HasSubstr("no input 'emial' (did you mean 'email'?)"));
  EXPECT_THAT(found[4], HasSubstr("'connection': expected a string"));
  EXPECT_THAT(found[5], HasSubstr("needs input 'contactId'"));
  EXPECT_THAT(found[6], HasSubstr("refers to step 'contatc'"));
  EXPECT_THAT(found[7], HasSubstr("duplicate flow name 'one'"));
  EXPECT_THAT(found[8], HasSubstr("did you mean stripe.customers.new_customer"));
  EXPECT_THAT(found[9], HasSubstr("without a closing '}}'"));
  // The printed form: each on a line with file:line:col, then the count.
  EXPECT_THAT(whole_, HasSubstr("\nten.yaml:21:24: "));
  EXPECT_THAT(whole_, ::testing::EndsWith("\n10 errors"));
}

TEST_F(DiagnosticsTest, EachMessageNamesItsPlaceOnce) {
  for (const auto& m : mistakes(kTenMistakes)) {
    EXPECT_EQ(m.find("step 1: step 1"), std::string::npos) << m;
    EXPECT_EQ(m.find("trigger: trigger"), std::string::npos) << m;
  }
}

TEST_F(DiagnosticsTest, ABrokenConnectionIsReportedOnceNotAgainByEachFlowUsingIt) {
  const auto found = mistakes(R"(connections:
  ghl: { app: ghl, token: "plain-token-value", location_id: loc1 }
flows:
  - name: a
    trigger: { op: ghl.contacts.search_contacts, connection: ghl }
    steps: [ { op: ghl.contacts.add_tags_to_contact, connection: ghl, with: { contactId: "{{trigger.id}}", tags: [x] } } ]
)");
  ASSERT_EQ(found.size(), 1u) << whole_;
  EXPECT_THAT(found[0], HasSubstr("'token' is a secret"));
}

TEST_F(DiagnosticsTest, OneMistakeReadsAsBefore) {
  const auto found = mistakes(R"(flows:
  - name: a
    trigger: { op: stripe.customers.new_customer, connection: nope }
    steps: [ { op: ghl.contacts.upsert_contact, connection: nope } ]
)");
  ASSERT_EQ(found.size(), 2u) << whole_;  // the trigger's and the step's
  EXPECT_THAT(found[0], HasSubstr("unknown connection 'nope'"));
}

// An unknown operation hides no other mistake of its block: the connection's name is still
// checked (its app cannot be, without the operation).
TEST_F(DiagnosticsTest, AnUnknownOperationStillHasItsConnectionChecked) {
  const auto found = mistakes(R"(connections:
  stripe: { app: stripe, api_key: "${STRIPE_KEY}" }
  ghl: { app: ghl, token: "${GHL_TOKEN}", location_id: loc1 }
flows:
  - name: a
    trigger: { op: stripe.customers.new_customr, connection: strip }
    steps: [ { op: ghl.contacts.upsert_contat, connection: gh } ]
  - name: b
    trigger: { op: stripe.customers.new_customr, connection: ghl }
    steps: [ { op: ghl.contacts.upsert_contat, connection: ghl } ]
)");
  ASSERT_EQ(found.size(), 6u) << whole_;
  EXPECT_THAT(found[0], HasSubstr("unknown operation 'stripe.customers.new_customr'"));
  EXPECT_THAT(found[1], HasSubstr("unknown connection 'strip' (did you mean 'stripe'?)"));
  EXPECT_THAT(found[2], HasSubstr("unknown operation 'ghl.contacts.upsert_contat'"));
  EXPECT_THAT(found[3], HasSubstr("unknown connection 'gh' (did you mean 'ghl'?)"));
  // Flow b: a known connection of another app is no mistake while the operation is unknown.
  EXPECT_THAT(found[4], HasSubstr("unknown operation"));
  EXPECT_THAT(found[5], HasSubstr("unknown operation"));
}

TEST(DiagnosticCountTest, CountsErrorsAndWarningsInWords) {
  const Diagnostic error{Severity::Error, {"f.yaml", 3, 1}, "bad"};
  const Diagnostic warning{Severity::Warning, {"f.yaml", 1, 1}, "odd"};
  EXPECT_EQ(countLine({error, error, error, error, warning}), "4 errors, 1 warning");
  EXPECT_EQ(countLine({error}), "1 error");
  EXPECT_EQ(countLine({warning, warning}), "2 warnings");
  EXPECT_EQ(countLine({}), "");
}

TEST(DiagnosticCountTest, FileOrderKeepsEachOnceAndTagsTheSeverity) {
  const Diagnostic late{Severity::Error, {"f.yaml", 9, 2}, "late"};
  const Diagnostic early{Severity::Warning, {"f.yaml", 2, 5}, "early"};
  const auto sorted = inFileOrder({late, early, late});
  ASSERT_EQ(sorted.size(), 2u);
  EXPECT_EQ(sorted[0].tagged(), "f.yaml:2:5: warning: early");
  EXPECT_EQ(sorted[1].tagged(), "f.yaml:9:2: error: late");
  EXPECT_EQ(sorted[1].str(), "f.yaml:9:2: late");
}

}  // namespace diagnostics_test
}  // namespace sluice::test
