// The catalog loader rejects every mistake with file:line:col and what was expected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "core/error.h"
#include "test_support.h"

namespace sluice {
namespace catalog_loader_test {

using ::testing::HasSubstr;

const char* kAppYaml = R"(app: demo
name: Demo
base_url: https://api.example.com
auth: { kind: bearer }
connection:
  - { name: token, type: string, required: true, secret: true }
  - { name: location_id, type: string }
paginations:
  pages: { style: page, page_param: page, limit_param: limit, limit: 50 }
)";

// A valid operation; tests break one line of it.
const char* kGoodOp = R"(category: contacts
name: Contacts
operations:
  - id: contacts.list_contacts
    name: List Contacts
    kind: trigger
    description: Lists contacts
    scopes: [contacts.readonly]
    request:
      method: GET
      path: /contacts/{contactId}/notes
      query: { locationId: "{{connection.location_id}}" }
    inputs:
      - { name: contactId, in: path, type: string, required: true }
    records: /notes
    record_id: /id
    detect: new
    paginate: pages
    full_sweep: one contact's notes, a short list
)";

class CatalogLoaderTest : public ::testing::Test {
 protected:
  // Loads the demo app with the given category file; returns the error message or "".
  std::string loadWith(const std::string& contacts) {
    dir_.write("demo/app.yaml", kAppYaml);
    dir_.write("demo/contacts.yaml", contacts);
    try {
      Catalog::load(dir_.path());
    } catch (const CatalogError& e) {
      return e.what();
    }
    return "";
  }
  std::string replace(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  }
  test::TempDir dir_;
};

TEST_F(CatalogLoaderTest, AcceptsAValidOperation) {
  EXPECT_EQ(loadWith(kGoodOp), "");
  const Catalog catalog = Catalog::load(dir_.path());
  const Operation* op = catalog.find("demo.contacts.list_contacts");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->paginate.style, PaginationStyle::Page);
  EXPECT_EQ(op->paginate.limit, 50);
  EXPECT_EQ(op->inputs.at(0).in, InputLocation::Path);
}

TEST_F(CatalogLoaderTest, RejectsUnknownKeyWithLineAndColumn) {
  // 'pagesize' is not a key of an operation.
  const std::string err =
      loadWith(replace(kGoodOp, "    detect: new\n", "    detect: new\n    pagesize: 10\n"));
  EXPECT_THAT(err,
              HasSubstr("contacts.yaml:18:5: op contacts.list_contacts: unknown key 'pagesize'"));
  EXPECT_THAT(err, HasSubstr("expected one of"));
}

TEST_F(CatalogLoaderTest, RejectsWrongKind) {
  // kind must be trigger or action.
  const std::string err = loadWith(replace(kGoodOp, "kind: trigger", "kind: poll"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:6:11:"));
  EXPECT_THAT(err, HasSubstr("'kind': expected one of trigger, action, found 'poll'"));
}

TEST_F(CatalogLoaderTest, RejectsMissingName) {
  // Every operation has the seed's name.
  const std::string err = loadWith(replace(kGoodOp, "    name: List Contacts\n", ""));
  EXPECT_THAT(err, HasSubstr("missing required key 'name'"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:4:5:"));
}

TEST_F(CatalogLoaderTest, RejectsDuplicateIds) {
  // Two operations with one id.
  std::string twice = kGoodOp;
  twice += std::string(kGoodOp).substr(std::string(kGoodOp).find("  - id:"));
  EXPECT_THAT(loadWith(twice), HasSubstr("duplicate operation id 'contacts.list_contacts'"));
}

TEST_F(CatalogLoaderTest, RejectsTemplateNamingUnknownInput) {
  // {{inputs.contact}} names no input.
  const std::string err =
      loadWith(replace(kGoodOp, "{{connection.location_id}}", "{{inputs.contact}}"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:12:28:"));
  EXPECT_THAT(err, HasSubstr("names unknown input 'contact'"));
}

TEST_F(CatalogLoaderTest, RejectsTemplateNamingUnknownSetting) {
  // The app has no connection setting 'company'.
  const std::string err =
      loadWith(replace(kGoodOp, "connection.location_id", "connection.company"));
  EXPECT_THAT(err, HasSubstr("unknown connection setting 'company'"));
}

TEST_F(CatalogLoaderTest, RejectsBadJsonPointer) {
  // A records pointer must start with '/'.
  const std::string err = loadWith(replace(kGoodOp, "records: /notes", "records: notes"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:15:14:"));
  EXPECT_THAT(err, HasSubstr("'records': 'notes' is not a JSON pointer"));
}

TEST_F(CatalogLoaderTest, RejectsPathParameterWithoutInput) {
  // {contactId} in the path needs an input with in: path.
  const std::string err = loadWith(replace(kGoodOp, "in: path", "in: query"));
  EXPECT_THAT(err, HasSubstr("path parameter {contactId} needs an input with in: path"));
}

TEST_F(CatalogLoaderTest, RejectsTriggerKeysOnActions) {
  // records is only for triggers.
  const std::string err = loadWith(replace(kGoodOp, "kind: trigger", "kind: action"));
  EXPECT_THAT(err, HasSubstr("'records' is only for triggers"));
}

TEST_F(CatalogLoaderTest, RejectsUnknownPaginationPreset) {
  // The app defines no preset 'cursor_list'.
  const std::string err = loadWith(replace(kGoodOp, "paginate: pages", "paginate: cursor_list"));
  EXPECT_THAT(err, HasSubstr("unknown preset 'cursor_list' (expected none, pages)"));
}

TEST_F(CatalogLoaderTest, RejectsWrongTypeForInputs) {
  // inputs is a list, not a map.
  const std::string err = loadWith(replace(
      kGoodOp, "    inputs:\n      - { name: contactId, in: path, type: string, required: true }\n",
      "    inputs: { contactId: string }\n"));
  EXPECT_THAT(err, HasSubstr("'inputs': expected a list, found a map"));
}

TEST_F(CatalogLoaderTest, RejectsCategoryNotMatchingFileName) {
  // category must equal the file name.
  EXPECT_THAT(loadWith(replace(kGoodOp, "category: contacts", "category: people")),
              HasSubstr("category 'people' must be the file name 'contacts'"));
}

TEST_F(CatalogLoaderTest, RejectsIdOutsideItsCategory) {
  // An id starts with its category.
  EXPECT_THAT(loadWith(replace(kGoodOp, "id: contacts.list_contacts", "id: notes.list")),
              HasSubstr("must be contacts.<snake_case_name>"));
}

TEST_F(CatalogLoaderTest, RejectsInvalidYamlWithPosition) {
  // An unclosed flow map.
  const std::string err =
      loadWith(replace(kGoodOp, "query: { locationId", "query: [ { locationId"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:"));
  EXPECT_THAT(err, HasSubstr("invalid YAML"));
}

TEST_F(CatalogLoaderTest, RejectsDuplicateYamlKeys) {
  // yaml-cpp would keep one of two 'detect' keys silently.
  EXPECT_THAT(
      loadWith(replace(kGoodOp, "    detect: new\n", "    detect: new\n    detect: updated\n")),
      HasSubstr("duplicate key 'detect'"));
}

TEST_F(CatalogLoaderTest, RejectsUnknownFilterInTemplate) {
  // 'capitalize' is not a template filter.
  EXPECT_THAT(loadWith(replace(kGoodOp, "{{connection.location_id}}",
                               "{{connection.location_id | capitalize}}")),
              HasSubstr("unknown filter 'capitalize'"));
}

// kGoodOp plus an action whose lookup reads the list above (lines 19-32).
std::string withLookup() {
  return std::string(kGoodOp) + R"(  - id: contacts.create_note
    name: Create Note
    kind: action
    description: Adds a note
    request: { method: POST, path: "/contacts/{contactId}/notes" }
    inputs:
      - { name: contactId, in: path, type: string, required: true }
      - { name: body, in: body, type: string, required: true }
    lookup:
      op: contacts.list_contacts
      with: { contactId: "{{inputs.contactId}}" }
      records: /notes
      result: /note
      match: { /body: "{{inputs.body}}" }
)";
}

TEST_F(CatalogLoaderTest, AcceptsALookup) {
  ASSERT_EQ(loadWith(withLookup()), "");
  const Catalog catalog = Catalog::load(dir_.path());
  const Operation* op = catalog.find("demo.contacts.create_note");
  ASSERT_NE(op, nullptr);
  ASSERT_TRUE(op->lookup.has_value());
  EXPECT_EQ(op->lookup->op, "contacts.list_contacts");
  EXPECT_EQ(op->lookup->records, "/notes");
  EXPECT_EQ(op->lookup->result, "/note");
  ASSERT_EQ(op->lookup->match.size(), 1u);
  EXPECT_EQ(op->lookup->match[0].first, "/body");
}

TEST_F(CatalogLoaderTest, RejectsALookupOfAnUnknownOperation) {
  const std::string err =
      loadWith(replace(withLookup(), "op: contacts.list_contacts", "op: contacts.list_notes"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:29:7: op contacts.create_note: lookup names unknown "
                             "operation 'contacts.list_notes'"));
}

TEST_F(CatalogLoaderTest, RejectsALookupInputTheLookupOperationDoesNotTake) {
  // list_contacts has no input 'contact': the value would be dropped silently.
  const std::string err = loadWith(replace(withLookup(), "with: { contactId:", "with: { contact:"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:30:15: op contacts.create_note: lookup input "
                             "'contact' is not an input of contacts.list_contacts"));
}

TEST_F(CatalogLoaderTest, RejectsALookupWithoutARequiredInputOfTheLookupOperation) {
  const std::string err =
      loadWith(replace(withLookup(), "      with: { contactId: \"{{inputs.contactId}}\" }\n", ""));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:29:7: op contacts.create_note: lookup must give "
                             "contacts.list_contacts's required input 'contactId'"));
}

TEST_F(CatalogLoaderTest, RejectsALookupTemplateThatIsNotAnInput) {
  // match and with read only what the action was sent.
  std::string err = loadWith(replace(withLookup(), "{{inputs.body}}", "{{inputs.text}}"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:33:"));
  EXPECT_THAT(err,
              HasSubstr("template '{{inputs.text}}' must name an input of contacts.create_note"));
  err = loadWith(
      replace(withLookup(), "\"{{inputs.contactId}}\" }", "\"{{connection.location_id}}\" }"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:30:26:"));
  EXPECT_THAT(err, HasSubstr("template '{{connection.location_id}}' must name an input of "
                             "contacts.create_note"));
}

TEST_F(CatalogLoaderTest, RejectsALookupMatchThatIsNotAPointer) {
  const std::string err = loadWith(replace(withLookup(), "{ /body:", "{ body:"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:33:"));
  EXPECT_THAT(err, HasSubstr("'body' is not a JSON pointer into the record"));
}

TEST_F(CatalogLoaderTest, RejectsALookupWithABadRecordsPointer) {
  const std::string err = loadWith(
      replace(withLookup(), "records: /notes\n      result", "records: notes\n      result"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:31:16:"));
  EXPECT_THAT(err, HasSubstr("'records': 'notes' is not a JSON pointer"));
}

TEST_F(CatalogLoaderTest, RejectsALookupOfAnIdempotentActionThatComparesNothingSent) {
  // An upsert's record may exist before the call: only what it sent, found there, shows that
  // the call landed.
  const std::string idempotent =
      replace(withLookup(), "    lookup:\n", "    idempotent: true\n    lookup:\n");
  const std::string err = loadWith(idempotent);
  EXPECT_THAT(err, HasSubstr("contacts.yaml:30:"));
  EXPECT_THAT(err, HasSubstr("is idempotent: its lookup must compare what the call sent"));
  ASSERT_EQ(loadWith(replace(idempotent,
                             "      match:", "      sent: { arrays: contain }\n      match:")),
            "");
  const Catalog catalog = Catalog::load(dir_.path());
  const Operation* op = catalog.find("demo.contacts.create_note");
  ASSERT_NE(op, nullptr);
  EXPECT_THAT(op->lookup->sentInputs, ::testing::ElementsAre("body"));  // every body input
  EXPECT_TRUE(op->lookup->sentArraysContain);
}

TEST_F(CatalogLoaderTest, ALookupWithSentNeedsNoMatchButOnlyBodyInputs) {
  const std::string sentOnly =
      replace(withLookup(), "      match: { /body: \"{{inputs.body}}\" }\n", "      sent: {}\n");
  ASSERT_EQ(loadWith(sentOnly), "");
  std::string err = loadWith(replace(sentOnly, "sent: {}", "sent: { except: [contactId] }"));
  EXPECT_THAT(err, HasSubstr("contacts.yaml:33:"));
  EXPECT_THAT(err, HasSubstr("'contactId' is not a body input of contacts.create_note"));
  err = loadWith(replace(sentOnly, "sent: {}", "sent: { except: [body] }"));
  EXPECT_THAT(err, HasSubstr("no body input of contacts.create_note to compare"));
  err = loadWith(replace(sentOnly, "sent: {}", "sent: { arrays: some }"));
  EXPECT_THAT(err, HasSubstr("equal, contain"));
}

TEST_F(CatalogLoaderTest, ASinceFilterNeedsAnInputAndAnOrderField) {
  const std::string withSince =
      replace(std::string(kGoodOp),
              "      - { name: contactId, in: path, type: string, required: true }\n",
              "      - { name: contactId, in: path, type: string, required: true }\n"
              "      - { name: since, in: query, type: string }\n") +
      "    order_by: /dateAdded\n    since: { input: since, format: iso8601, back: 10m }\n";
  const std::string noReason = "    full_sweep: one contact's notes, a short list\n";
  // It reads only what is new: a full_sweep reason is then a mistake.
  EXPECT_THAT(loadWith(withSince), HasSubstr("reads only what is new; full_sweep is for"));
  const std::string since = replace(withSince, noReason, "");
  ASSERT_EQ(loadWith(since), "");
  const Catalog catalog = Catalog::load(dir_.path());
  const Operation* op = catalog.find("demo.contacts.list_contacts");
  ASSERT_TRUE(op && op->since);
  EXPECT_EQ(op->since->format, "iso8601");
  EXPECT_EQ(op->since->backMs, 600'000);
  EXPECT_THAT(loadWith(replace(since, "input: since,", "input: after,")),
              HasSubstr("since names unknown input 'after'"));
  EXPECT_THAT(loadWith(replace(since, "    order_by: /dateAdded\n", "")),
              HasSubstr("since needs order_by"));
  EXPECT_THAT(loadWith(replace(since, "detect: new", "detect: updated")),
              HasSubstr("needs order_by to be its version"));
  EXPECT_THAT(loadWith(replace(since, "format: iso8601", "format: week")),
              HasSubstr("epoch_ms, epoch_s, iso8601, date"));
}

TEST_F(CatalogLoaderTest, AListTriggerOfNewRecordsSaysWhyItReadsItsWholeList) {
  const std::string noReason =
      replace(kGoodOp, "    full_sweep: one contact's notes, a short list\n", "");
  const std::string err = loadWith(noReason);
  EXPECT_THAT(err, HasSubstr("contacts.yaml:17:13: op contacts.list_contacts: op "
                             "contacts.list_contacts reads its whole list on every poll"));
  EXPECT_THAT(err, HasSubstr("full_sweep: <reason>"));
  // Newest first by a creation field: it stops at what it saw, no reason needed.
  EXPECT_EQ(loadWith(noReason + "    order_by: /dateAdded\n    order: desc\n"), "");
}

TEST_F(CatalogLoaderTest, RejectsAppWithoutBaseUrl) {
  // base_url is required in app.yaml.
  dir_.write("demo/app.yaml", "app: demo\nname: Demo\nauth: { kind: bearer }\n");
  dir_.write("demo/contacts.yaml", kGoodOp);
  try {
    Catalog::load(dir_.path());
    FAIL() << "expected a CatalogError";
  } catch (const CatalogError& e) {
    EXPECT_THAT(e.what(), HasSubstr("app.yaml:1:1: app: missing required key 'base_url'"));
  }
}

}  // namespace catalog_loader_test
}  // namespace sluice
