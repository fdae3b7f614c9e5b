// No blind second call: an upsert (or a tag add) whose answer was lost is read back before it
// is sent again, and counts as landed when the record holds what it sent; a record's changes go
// out in order, so a repeat never overwrites a newer change. Counted in calls to the fake GHL,
// not only in its final records.
#include <gmock/gmock.h>

#include "service/pipeline_fixture.h"

namespace sluice::test {
namespace interrupted_upsert_test {

using ::testing::HasSubstr;

class InterruptedUpsertTest : public PipelineTest {
 protected:
  // A new customer whose upsert meets `fault` (a fake GHL fault on /contacts/upsert).
  void upsertMeets(const std::string& fault, const std::string& email) {
    configure(customerToContactFlow());
    runOnce();
    ghl_.addFaultJson(R"({"match":"/contacts/upsert","method":"POST",)" + fault + R"(,"count":1})");
    newCustomer(email);
    runOnce();
  }
  // The next attempt, after a restart and long enough for the call to have landed.
  void restartAndRetry() {
    reopen();
    clock_.advance(60'000);
    runOnce();
  }
  int upserts() const { return ghlEffects("/contacts/upsert"); }
  size_t done() { return state_->deliveries(DeliveryStatus::Done, 10).size(); }
};

TEST_F(InterruptedUpsertTest, AnUpsertThatLandedBeforeItsAnswerWasLostIsNotSentAgain) {
  upsertMeets(R"("kind":"drop","apply":true)", "landed@x.test");
  EXPECT_EQ(upserts(), 1);
  EXPECT_EQ(done(), 0u);
  restartAndRetry();
  EXPECT_EQ(upserts(), 1);  // read back by email: it holds what was sent
  EXPECT_EQ(done(), 1u);
  EXPECT_THAT(log_.str(), HasSubstr("step.recovered"));
  // The step's result is the contact where the upsert's own answer has it.
  const auto delivery = state_->deliveries(DeliveryStatus::Done, 10)[0];
  JsonDoc result;
  ASSERT_FALSE(parseJson(state_->stepResults(delivery.id)[0].resultJson, result));
  ASSERT_NE(jsonAt(result, "/contact/id"), nullptr);
  EXPECT_EQ(jsonText(*jsonAt(result, "/contact/email")), "landed@x.test");
}

TEST_F(InterruptedUpsertTest, AnUpsertThatDidNotLandIsSentOnce) {
  upsertMeets(R"("kind":"drop","apply":false)", "notlanded@x.test");
  EXPECT_EQ(upserts(), 0);
  restartAndRetry();
  EXPECT_EQ(upserts(), 1);
  EXPECT_EQ(contactCount(), 1);
  EXPECT_EQ(done(), 1u);
  EXPECT_THAT(log_.str(), HasSubstr("step.resending"));
}

TEST_F(InterruptedUpsertTest, AnAnswerCutOffOrUnreadableAfterTheUpsertLandedIsNotSentAgain) {
  // A truncated body (the connection drops mid-answer) and a 200 whose JSON is broken: either
  // way the call landed, and only a look can tell.
  upsertMeets(R"("kind":"truncate")", "cut@x.test");
  EXPECT_EQ(upserts(), 1);
  restartAndRetry();
  EXPECT_EQ(upserts(), 1);
  ghl_.addFaultJson(R"({"match":"/contacts/upsert","method":"POST","kind":"malformed","count":1})");
  newCustomer("garbled@x.test");
  runOnce();
  EXPECT_EQ(upserts(), 2);
  clock_.advance(60'000);
  runOnce();
  EXPECT_EQ(upserts(), 2);
  EXPECT_EQ(done(), 2u);
}

TEST_F(InterruptedUpsertTest, AnUpsertWhoseRecordNoLongerHoldsWhatItSentIsSentAgain) {
  upsertMeets(R"("kind":"drop","apply":true)", "changed@x.test");
  JsonDoc contacts;
  ASSERT_FALSE(parseJson(ghl_.listRecords("contacts"), contacts));
  ASSERT_EQ(contacts.Size(), 1u);
  // Someone renames the contact before the retry: the record no longer shows the upsert.
  ghl_.updateRecord("contacts", contacts[0]["id"].GetString(), R"({"name":"Someone Else"})");
  restartAndRetry();
  EXPECT_EQ(upserts(), 2);
  EXPECT_THAT(ghl_.listRecords("contacts"), HasSubstr("Name changed@x.test"));
}

TEST_F(InterruptedUpsertTest, TagsAlreadyOnTheContactAreNotAddedAgain) {
  configure(
      "  - name: tagged\n"
      "    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 2s }\n"
      "    steps:\n"
      "      - name: contact\n"
      "        op: ghl.contacts.upsert_contact\n"
      "        connection: ghl\n"
      "        with: { email: \"{{trigger.email}}\" }\n"
      "      - op: ghl.contacts.add_tags_to_contact\n"
      "        connection: ghl\n"
      "        with: { contactId: \"{{steps.contact.contact.id}}\", tags: [stripe] }\n");
  runOnce();
  // The contact exists (with a tag of its own), so the tag call's path is known.
  JsonDoc contact;
  ASSERT_FALSE(parseJson(ghl_.createContact(R"({"email":"tags@x.test","tags":["vip"]})"), contact));
  const std::string contactId = contact.HasMember("contact") ? contact["contact"]["id"].GetString()
                                                             : contact["id"].GetString();
  ghl_.addFaultJson(R"({"match":"/contacts/)" + contactId +
                    R"(/tags","method":"POST","kind":"drop","apply":true,"count":1})");
  newCustomer("tags@x.test");
  runOnce();
  EXPECT_EQ(ghlEffects("/contacts/" + contactId + "/tags"), 1);
  restartAndRetry();
  EXPECT_EQ(ghlEffects("/contacts/" + contactId + "/tags"), 1);  // vip and stripe: landed
  EXPECT_EQ(done(), 1u);
}

TEST_F(InterruptedUpsertTest, ALaterChangeOfARecordWaitsWhileTheEarlierIsRetried) {
  const std::string loc = stripe_.createRecord(
      "terminal/locations",
      R"({"display_name":"Main St","address":{"line1":"1 Main St","city":"Springfield","country":"US"}})");
  configure(
      "  - name: locations\n"
      "    trigger: { op: stripe.terminal.location_changed, connection: stripe, every: 2s }\n"
      "    steps:\n"
      "      - op: ghl.contacts.upsert_contact\n"
      "        connection: ghl\n"
      "        with: { email: \"{{trigger.id}}@locations.test\", name: "
      "\"{{trigger.display_name}}\" }\n");
  runOnce();
  JsonDoc doc;
  ASSERT_FALSE(parseJson(loc, doc));
  const std::string id = doc["id"].GetString();
  ghl_.addFaultJson(R"({"match":"/contacts/upsert","status":503,"retry_after":60,"count":1})");
  stripe_.updateRecord("terminal/locations", id, R"({"display_name":"First"})");
  runOnce();  // "First" meets a 503 and waits 60 s for its retry
  stripe_.updateRecord("terminal/locations", id, R"({"display_name":"Second"})");
  clock_.advance(2'000);
  runOnce();  // "Second" is polled, but waits for "First"
  EXPECT_EQ(upserts(), 0);
  clock_.advance(120'000);
  runOnce();
  runOnce();
  ASSERT_EQ(upserts(), 2);
  std::vector<std::string> bodies;
  for (const auto& e : ghl_.effects()) bodies.push_back(e.body);
  EXPECT_THAT(bodies[0], HasSubstr("First"));
  EXPECT_THAT(bodies[1], HasSubstr("Second"));
  EXPECT_THAT(ghl_.listRecords("contacts"), HasSubstr("Second"));
}

}  // namespace interrupted_upsert_test
}  // namespace sluice::test
