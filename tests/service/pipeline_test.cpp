// Issue 4's behaviours, end to end against the fakes: seeding, backfill, exactly-once across
// restarts, same-second items on a page boundary, bursts over the page cap, updated records,
// 429 / 5xx / 4xx handling, dead letters and replay, OAuth refresh.
#include <gmock/gmock.h>

#include <thread>

#include "service/pipeline_fixture.h"

namespace sluice::test {
namespace pipeline_test {

using ::testing::HasSubstr;

TEST_F(PipelineTest, FirstPollSeedsWithoutFiring) {
  for (int i = 0; i < 3; ++i) newCustomer("old" + std::to_string(i) + "@x.test");
  configure(customerToContactFlow());
  runOnce();
  EXPECT_EQ(contactCount(), 0);
  newCustomer("new@x.test");
  runOnce();
  EXPECT_EQ(contactCount(), 1);
  EXPECT_THAT(ghl_.listRecords("contacts"), HasSubstr("new@x.test"));
}

TEST_F(PipelineTest, BackfillFiresTheNewestN) {
  for (int i = 0; i < 5; ++i) newCustomer("c" + std::to_string(i) + "@x.test");
  configure(customerToContactFlow("customers", ", backfill: 2, first_poll: backfill"));
  runOnce();
  EXPECT_EQ(contactCount(), 2);
  const std::string contacts = ghl_.listRecords("contacts");
  EXPECT_THAT(contacts, HasSubstr("c4@x.test"));
  EXPECT_THAT(contacts, HasSubstr("c3@x.test"));
}

TEST_F(PipelineTest, NewItemsFireExactlyOnceAcrossRestarts) {
  newCustomer("seed@x.test");
  configure(customerToContactFlow());
  runOnce();
  newCustomer("a@x.test");
  newCustomer("b@x.test");
  runOnce();
  reopen();  // restart between polls
  runOnce();
  runOnce();
  newCustomer("c@x.test");
  reopen();
  runOnce();
  EXPECT_EQ(contactCount(), 3);
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 3);
}

TEST_F(PipelineTest, SameSecondItemsAcrossAPageBoundaryAreAllDeliveredOnce) {
  configure(customerToContactFlow());
  runOnce();                      // seeds an empty list
  stripe_.setNow(1'800'000'000);  // every record below shares one `created` second
  for (int i = 0; i < 25; ++i) newCustomer("same" + std::to_string(i) + "@x.test");  // 10+10+5
  runOnce();
  for (int i = 25; i < 27; ++i) newCustomer("same" + std::to_string(i) + "@x.test");
  runOnce();
  EXPECT_EQ(contactCount(), 27);
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 27);
}

TEST_F(PipelineTest, ABurstBiggerThanThePageCapIsDeliveredOverSeveralPolls) {
  configure(customerToContactFlow());
  runOnce();
  for (int i = 0; i < 45; ++i) newCustomer("burst" + std::to_string(i) + "@x.test");
  runOnce();  // 3 pages of 10: the cap
  EXPECT_EQ(contactCount(), 30);
  newCustomer("during@x.test");  // arrives while the backlog is being worked off
  runOnce();
  runOnce();
  EXPECT_EQ(contactCount(), 46);
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 46);
}

TEST_F(PipelineTest, AnUpdatedRecordFiresOncePerChange) {
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
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 0);
  JsonDoc doc;
  ASSERT_FALSE(parseJson(loc, doc));
  const std::string id = doc["id"].GetString();
  stripe_.updateRecord("terminal/locations", id, R"({"display_name":"Main Street"})");
  runOnce();
  runOnce();
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 1);
  stripe_.updateRecord("terminal/locations", id, R"({"display_name":"Main Street 2"})");
  runOnce();
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 2);
  EXPECT_THAT(ghl_.listRecords("contacts"), HasSubstr("Main Street 2"));
}

TEST_F(PipelineTest, A429WithRetryAfterWaitsAsTold) {
  configure(customerToContactFlow());
  runOnce();
  ghl_.addFaultJson(R"({"match":"/contacts/upsert","status":429,"retry_after":7,"count":1})");
  newCustomer("limited@x.test");
  runOnce();
  EXPECT_EQ(contactCount(), 0);
  auto pending = state_->deliveries(DeliveryStatus::Pending, 10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_GE(pending[0].nextAttemptMs, clock_.nowMs() + 7000);
  EXPECT_THAT(pending[0].lastError, HasSubstr("429"));
  clock_.advance(6000);
  runOnce();
  EXPECT_EQ(contactCount(), 0);  // not before the server said
  clock_.advance(1500);
  runOnce();
  EXPECT_EQ(contactCount(), 1);
}

TEST_F(PipelineTest, ServerErrorsAreRetriedWithBackoff) {
  configure(customerToContactFlow());
  runOnce();
  ghl_.addFaultJson(R"({"match":"/contacts/upsert","status":503,"count":2})");
  newCustomer("flaky@x.test");
  for (int i = 0; i < 3; ++i) {
    runOnce();
    clock_.advance(60'000);
  }
  EXPECT_EQ(contactCount(), 1);
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Dead, 10).size(), 0u);
}

TEST_F(PipelineTest, APermanent4xxGoesToTheDeadLettersAndReplayDeliversIt) {
  configure(customerToContactFlow());
  runOnce();
  ghl_.addFaultJson(
      R"({"match":"/contacts/upsert","status":422,"message":"email is invalid","count":1})");
  newCustomer("bad@x.test");
  runOnce();
  auto dead = state_->deliveries(DeliveryStatus::Dead, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_THAT(dead[0].lastError, HasSubstr("422"));
  EXPECT_THAT(dead[0].lastError, HasSubstr("ghl.contacts.upsert_contact"));
  EXPECT_EQ(contactCount(), 0);
  // The fake is fixed (the fault was used up); replay.
  EXPECT_EQ(state_->replayDead({dead[0].id}, clock_.nowMs()), 1);
  runOnce();
  EXPECT_EQ(contactCount(), 1);
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Dead, 10).size(), 0u);
}

TEST_F(PipelineTest, AMultiStepFlowRecordsEachStepAndUsesEarlierResults) {
  configure(
      "  - name: tagged\n"
      "    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 2s }\n"
      "    filter: \"{{trigger.email}} contains '@keep'\"\n"
      "    steps:\n"
      "      - name: upsert\n"
      "        op: ghl.contacts.upsert_contact\n"
      "        connection: ghl\n"
      "        with: { email: \"{{trigger.email}}\" }\n"
      "      - op: ghl.contacts.add_tags_to_contact\n"
      "        connection: ghl\n"
      "        if: \"{{trigger.metadata.plan}} != ''\"\n"
      "        with: { contactId: \"{{steps.upsert.contact.id}}\", tags: [\"stripe\", "
      "\"{{trigger.metadata.plan | upper}}\"] }\n");
  runOnce();
  stripe_.createRecord("customers", R"({"email":"one@keep.test","metadata":{"plan":"pro"}})");
  stripe_.createRecord("customers", R"({"email":"two@keep.test"})");
  stripe_.createRecord("customers", R"({"email":"three@drop.test","metadata":{"plan":"pro"}})");
  // The contact exists already, so its id is known: its tag step fails once, and the retry
  // must not repeat the upsert that went before it.
  JsonDoc existing;
  ASSERT_FALSE(parseJson(ghl_.createContact(R"({"email":"one@keep.test"})"), existing));
  const std::string id = existing.HasMember("contact") ? existing["contact"]["id"].GetString()
                                                       : existing["id"].GetString();
  ghl_.addFaultJson(R"({"match":"/contacts/)" + id + R"(/tags","status":500,"count":1})");
  for (int i = 0; i < 3; ++i) {
    runOnce();
    clock_.advance(60'000);
  }
  EXPECT_EQ(contactCount(), 2);
  const std::string contacts = ghl_.listRecords("contacts");
  EXPECT_THAT(contacts, HasSubstr(R"("tags":["stripe","pro"])"));  // GHL lower-cases tags
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 2);
  int tagCalls = 0;
  for (const auto& e : ghl_.effects()) tagCalls += e.path.find("/tags") != std::string::npos;
  EXPECT_EQ(tagCalls, 1);  // only one customer has a plan
}

// GHL documents no idempotency header, so its calls carry none (Stripe's carry the key:
// InterruptedCallTest.StripeDedupesARepeatedCallByItsIdempotencyKey).
TEST_F(PipelineTest, GhlCallsCarryNoIdempotencyHeaderTheSpecDoesNotDeclare) {
  configure(customerToContactFlow());
  runOnce();
  newCustomer("key@x.test");
  runOnce();
  const auto effects = ghl_.effects();
  ASSERT_EQ(effects.size(), 1u);
  EXPECT_EQ(effects[0].idempotencyKey, "");
}

TEST_F(PipelineTest, TwoFlowsOnTheSameTriggerShareOnePollAndBothDeliver) {
  configure(customerToContactFlow("first") + customerToContactFlow("second"));
  runOnce();
  newCustomer("both@x.test");
  runOnce();
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 2);
  EXPECT_EQ(stripe_.requestCount("GET /v1/customers"), 2);  // one poll per pass, not two
}

TEST_F(PipelineTest, AnExpiredOAuthTokenIsRefreshedAndTheCallRetried) {
  ghl_.setOAuthClient("client-1", "client-secret-xyz", "refresh-token-0001");
  env_["GHL_SECRET"] = "client-secret-xyz";
  env_["GHL_REFRESH"] = "refresh-token-0001";
  const std::string conns =
      "connections:\n"
      "  stripe: { app: stripe, api_key: \"${STRIPE_KEY}\", base_url: " +
      stripe_.baseUrl() +
      " }\n"
      "  ghl: { app: ghl, client_id: client-1, client_secret: \"${GHL_SECRET}\", refresh_token: "
      "\"${GHL_REFRESH}\", "
      "location_id: " +
      ghl_.locationId() + ", base_url: " + ghl_.baseUrl() + " }\n";
  configure(customerToContactFlow(), conns);
  Logger::instance().setSecrets({kStripeKey, kGhlToken, "client-secret-xyz", "refresh-token-0001"});
  runOnce();
  newCustomer("oauth1@x.test");
  runOnce();
  EXPECT_EQ(contactCount(), 1);
  EXPECT_EQ(ghl_.refreshCount(), 1);
  ghl_.expireAccessTokens();  // the server revokes the token before its stated expiry
  newCustomer("oauth2@x.test");
  reopen();  // the rotated refresh token must have been persisted
  runOnce();
  EXPECT_EQ(contactCount(), 2);
  EXPECT_EQ(ghl_.refreshCount(), 2);
  const auto tokens = state_->loadTokens("ghl");
  ASSERT_TRUE(tokens.has_value());
  EXPECT_EQ(tokens->refreshToken, ghl_.currentRefreshToken());
  EXPECT_EQ(log_.str().find("client-secret-xyz"), std::string::npos);
}

TEST_F(PipelineTest, APollFailureKeepsTheCursorAndIsReportedWithTheOperation) {
  configure(customerToContactFlow());
  runOnce();
  const std::string before = state_->triggers().at(0).cursorJson;
  stripe_.addFaultJson(R"({"match":"/v1/customers","kind":"missing_records","count":1})");
  newCustomer("drift@x.test");
  runOnce();
  const auto t = state_->triggers().at(0);
  EXPECT_EQ(t.cursorJson, before);
  EXPECT_EQ(t.consecutiveErrors, 1);
  EXPECT_THAT(t.lastError, HasSubstr("stripe.customers.new_customer"));
  EXPECT_THAT(t.lastError, HasSubstr("/data"));
  EXPECT_THAT(log_.str(), HasSubstr("poll.failed"));
  clock_.advance(10 * 60'000);
  runOnce();
  EXPECT_EQ(contactCount(), 1);
}

}  // namespace pipeline_test
}  // namespace sluice::test

namespace sluice::test {
namespace pipeline_test {

class InterruptedCallTest : public PipelineTest {
 protected:
  // The contact exists before, so the note call's path is known and can be faulted alone.
  std::string existingContact(const std::string& email) {
    JsonDoc doc;
    EXPECT_FALSE(parseJson(ghl_.createContact("{\"email\":\"" + email + "\"}"), doc));
    return doc.HasMember("contact") ? doc["contact"]["id"].GetString() : doc["id"].GetString();
  }
  int notes() const { return static_cast<int>(ghl_.recordCount("notes")); }
  // Replaces text in this test's copy of the catalog and loads it again; false if not found.
  bool editCatalog(const std::string& file, const std::string& from, const std::string& to) {
    const std::string path = dir_.path() + "/catalog/" + file;
    std::string yaml = readFile(path);
    const size_t at = yaml.find(from);
    if (at == std::string::npos) return false;
    std::ofstream(path) << yaml.replace(at, from.size(), to);
    catalog_ = std::make_unique<Catalog>(Catalog::load(dir_.path() + "/catalog"));
    return true;
  }
  // A new customer whose note GHL creates, but the connection drops before the answer: the
  // dispatcher cannot know whether the call took effect.
  void loseTheNoteAnswerFor(const std::string& email) {
    const std::string id = existingContact(email);
    ghl_.addFaultJson(R"({"match":"/contacts/)" + id +
                      R"(/notes","method":"POST","kind":"drop","apply":true,"count":1})");
    newCustomer(email);
    runOnce();
  }
};

TEST_F(InterruptedCallTest, ALostResponseToANoteIsFoundByLookupNotSentTwice) {
  configure(noteFlow());
  runOnce();
  loseTheNoteAnswerFor("lost@x.test");
  EXPECT_EQ(notes(), 1);
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Pending, 10).size(), 1u);
  clock_.advance(60'000);
  runOnce();
  EXPECT_EQ(notes(), 1);  // found, not created again
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Pending, 10).size(), 0u);
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Dead, 10).size(), 0u);
  EXPECT_THAT(log_.str(), HasSubstr("step.recovered"));
}

TEST_F(InterruptedCallTest, ACallThatTimedOutIsGivenTimeToLandBeforeTheLookup) {
  // GHL is slower than the 400 ms timeout: it creates the note 1.5 s after the call, when
  // sluice has long given up. A lookup at the next attempt would find nothing and send the
  // note again; the dispatcher waits for the call to land (2 x timeout, at least 5 s) first.
  configure(noteFlow(), connections(", timeout: 400ms"));
  runOnce();
  const std::string id = existingContact("late@x.test");
  ghl_.addFaultJson(R"({"match":"/contacts/)" + id +
                    R"(/notes","method":"POST","kind":"slow","delay_ms":1500})");
  newCustomer("late@x.test");
  runOnce();  // the note call times out
  clock_.advance(1000);
  runOnce();  // too soon to look
  EXPECT_THAT(log_.str(), HasSubstr("step.settling"));
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Pending, 10).size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // GHL lands the note
  EXPECT_EQ(notes(), 1);
  clock_.advance(10'000);
  runOnce();
  EXPECT_EQ(notes(), 1);  // found, not sent again
  EXPECT_THAT(log_.str(), HasSubstr("step.recovered"));
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Done, 10).size(), 1u);
}

TEST_F(InterruptedCallTest, AnAnswerThatSaysItFailedIsSentAgain) {
  configure(noteFlow());
  runOnce();
  const std::string id = existingContact("busy@x.test");
  ghl_.addFaultJson(R"({"match":"/contacts/)" + id +
                    R"(/notes","method":"POST","status":503,"count":1})");
  newCustomer("busy@x.test");
  runOnce();
  EXPECT_EQ(notes(), 0);
  clock_.advance(60'000);
  runOnce();
  EXPECT_EQ(notes(), 1);
}

TEST_F(InterruptedCallTest, AnUncertainCallWithoutLookupGoesToTheDeadLettersNotTwice) {
  // create_contact_note's lookup is dropped from this copy of the catalog: nothing can tell
  // whether an interrupted call took effect, so it must not be sent again on its own.
  const std::string file = dir_.path() + "/catalog/ghl/contacts.yaml";
  std::string yaml = readFile(file);
  const size_t at = yaml.find("    lookup:\n      op: contacts.get_contact_notes");
  ASSERT_NE(at, std::string::npos);
  yaml.erase(at, yaml.find("match:", at) - at);
  yaml.erase(at, yaml.find('\n', at) - at + 1);
  std::ofstream(file) << yaml;
  catalog_ = std::make_unique<Catalog>(Catalog::load(dir_.path() + "/catalog"));
  configure(noteFlow());
  runOnce();
  loseTheNoteAnswerFor("unsure@x.test");
  clock_.advance(60'000);
  runOnce();
  EXPECT_EQ(notes(), 1);
  const auto dead = state_->deliveries(DeliveryStatus::Dead, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_THAT(dead[0].lastError, HasSubstr("may have taken effect"));
  // The user checked and decides to send it: replay clears the mark and sends it once more.
  EXPECT_EQ(state_->replayDead({dead[0].id}, clock_.nowMs()), 1);
  runOnce();
  EXPECT_EQ(notes(), 2);
}

TEST_F(InterruptedCallTest, ALookupWithNothingToMatchOnGoesToTheDeadLetters) {
  // This copy of the catalog matches notes on their author, an input the flow leaves out: the
  // lookup's only match value is empty, so any note of the contact would "match". It must not
  // be taken as the one the interrupted call made.
  ASSERT_TRUE(editCatalog("ghl/contacts.yaml", R"(match: { /body: "{{inputs.body}}" })",
                          R"(match: { /userId: "{{inputs.userId}}" })"));
  configure(noteFlow());
  runOnce();
  loseTheNoteAnswerFor("empty@x.test");
  EXPECT_EQ(notes(), 1);
  clock_.advance(60'000);
  runOnce();
  EXPECT_EQ(notes(), 1);
  const auto dead = state_->deliveries(DeliveryStatus::Dead, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_THAT(dead[0].lastError, HasSubstr("nothing to match on"));
  EXPECT_EQ(log_.str().find("step.recovered"), std::string::npos);
}

TEST_F(InterruptedCallTest, StripeDedupesARepeatedCallByItsIdempotencyKey) {
  configure(
      "  - name: to-stripe\n"
      "    trigger: { op: ghl.contacts.search_contacts, connection: ghl, every: 2s }\n"
      "    steps:\n"
      "      - op: stripe.customers.create_customer\n"
      "        connection: stripe\n"
      "        with: { email: \"{{trigger.email}}\" }\n");
  runOnce();
  ghl_.createContact(R"({"email":"tostripe@x.test"})");
  stripe_.addFaultJson(
      R"({"match":"/v1/customers","method":"POST","kind":"drop","apply":true,"count":1})");
  runOnce();
  clock_.advance(60'000);
  runOnce();
  int creates = 0;
  for (const auto& e : stripe_.effects())
    if (e.method == "POST" && e.path == "/v1/customers") {
      ++creates;  // one key per flow, item and step, the same on every attempt
      EXPECT_THAT(e.idempotencyKey, ::testing::MatchesRegex("sluice-[0-9a-f]{16}-0"));
    }
  EXPECT_EQ(creates, 1);
  EXPECT_EQ(stripe_.recordCount("customers"), 1u);
}

// Creates that GHL cannot dedupe, found by their catalog lookup after an interruption: the
// step's result is the found record in the shape of the action's own answer, and the next
// step reads it as usual.
class InterruptedCreateTest : public InterruptedCallTest {
 protected:
  void SetUp() override {
    InterruptedCallTest::SetUp();
    // Duplicates allowed: a second create would make a second contact, not a 400.
    ghl_.setAllowDuplicateContacts(true);
  }
  // Step 0 creates the contact, step 1 notes on it by the id read from step 0's result.
  static std::string contactFlow() {
    return "  - name: new-contacts\n"
           "    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 2s }\n"
           "    steps:\n"
           "      - name: contact\n"
           "        op: ghl.contacts.create_contact\n"
           "        connection: ghl\n"
           "        with: { email: \"{{trigger.email}}\", firstName: \"{{trigger.name}}\" }\n"
           "      - op: ghl.contacts.create_contact_note\n"
           "        connection: ghl\n"
           "        with: { contactId: \"{{steps.contact.contact.id}}\", body: \"From Stripe\" }\n";
  }
  // Step 0 upserts the contact, step 1 creates an opportunity, step 2 notes its id.
  static std::string opportunityFlow() {
    return "  - name: deals\n"
           "    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 2s }\n"
           "    steps:\n"
           "      - name: contact\n"
           "        op: ghl.contacts.upsert_contact\n"
           "        connection: ghl\n"
           "        with: { email: \"{{trigger.email}}\" }\n"
           "      - name: deal\n"
           "        op: ghl.opportunities.create_opportunity\n"
           "        connection: ghl\n"
           "        with:\n"
           "          pipelineId: pipe_sales\n"
           "          name: \"Stripe {{trigger.id}}\"\n"
           "          status: open\n"
           "          contactId: \"{{steps.contact.contact.id}}\"\n"
           "      - op: ghl.contacts.create_contact_note\n"
           "        connection: ghl\n"
           "        with: { contactId: \"{{steps.contact.contact.id}}\", body: \"deal "
           "{{steps.deal.opportunity.id}}\" }\n";
  }
  int creates(const std::string& path) const {
    int n = 0;
    for (const auto& e : ghl_.effects()) n += e.method == "POST" && e.path == path;
    return n;
  }
  JsonDoc records(const std::string& kind) const {
    JsonDoc doc;
    EXPECT_FALSE(parseJson(ghl_.listRecords(kind), doc));
    return doc;
  }
  // The recorded result of a step of the flow's only delivery.
  std::string stepResult(int step) {
    const auto all = state_->deliveries(std::nullopt, 10);
    EXPECT_EQ(all.size(), 1u);
    if (all.empty()) return "";
    for (const auto& r : state_->stepResults(all[0].id))
      if (r.step == step) return r.resultJson;
    return "";
  }
};

TEST_F(InterruptedCreateTest, AContactCreatedBeforeACrashIsFoundByLookupAndUsedByTheNextStep) {
  configure(contactFlow());
  runOnce();
  // GHL creates the contact, then the connection drops before the answer.
  ghl_.addFaultJson(
      R"({"match":"/contacts/","method":"POST","kind":"drop","apply":true,"count":1})");
  newCustomer("Crash@X.test");
  runOnce();
  EXPECT_EQ(contactCount(), 1);
  EXPECT_EQ(notes(), 0);
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Pending, 10).size(), 1u);
  reopen();  // the process restarts
  clock_.advance(60'000);
  runOnce();
  EXPECT_EQ(creates("/contacts/"), 1);  // found by the duplicate search, not created again
  EXPECT_EQ(contactCount(), 1);
  EXPECT_THAT(log_.str(), HasSubstr("step.recovered"));
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Done, 10).size(), 1u);
  // The result is the found contact where Create Contact's own answer has it...
  JsonDoc result;
  ASSERT_FALSE(parseJson(stepResult(0), result));
  const JsonValue* email = jsonAt(result, "/contact/email");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(jsonText(*email), "crash@x.test");
  const JsonDoc contacts = records("contacts");
  const std::string id = contacts[0]["id"].GetString();
  EXPECT_EQ(jsonText(*jsonAt(result, "/contact/id")), id);
  // ...so the note step's {{steps.contact.contact.id}} names it.
  const JsonDoc noteList = records("notes");
  ASSERT_EQ(noteList.Size(), 1u);
  EXPECT_EQ(std::string(noteList[0]["contactId"].GetString()), id);
}

TEST_F(InterruptedCreateTest, AContactThatWasNotCreatedIsSentOnce) {
  configure(contactFlow());
  runOnce();
  // The connection drops before GHL acts: nothing was created.
  ghl_.addFaultJson(
      R"({"match":"/contacts/","method":"POST","kind":"drop","apply":false,"count":1})");
  newCustomer("lost-before@x.test");
  runOnce();
  EXPECT_EQ(contactCount(), 0);
  reopen();
  clock_.advance(60'000);
  runOnce();
  EXPECT_EQ(creates("/contacts/"), 1);
  EXPECT_EQ(contactCount(), 1);
  EXPECT_EQ(notes(), 1);
  EXPECT_EQ(log_.str().find("step.recovered"), std::string::npos);
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Done, 10).size(), 1u);
  JsonDoc result;
  ASSERT_FALSE(parseJson(stepResult(0), result));
  EXPECT_NE(jsonAt(result, "/contact/id"), nullptr);  // the answer of the one real call
}

TEST_F(InterruptedCreateTest, AnOpportunityCreatedBeforeACrashIsFoundByLookupAndUsedByTheNextStep) {
  configure(opportunityFlow());
  runOnce();
  // Another opportunity of the same contact in another pipeline must not be taken for it.
  const std::string contact = existingContact("deal@x.test");
  ghl_.createOpportunity(contact, "Older deal");
  ghl_.addFaultJson(
      R"({"match":"/opportunities/","method":"POST","kind":"drop","apply":true,"count":1})");
  const std::string customer = newCustomer("deal@x.test");
  runOnce();
  EXPECT_EQ(ghl_.recordCount("opportunities"), 2u);
  reopen();
  clock_.advance(60'000);
  runOnce();
  EXPECT_EQ(creates("/opportunities/"), 1);
  EXPECT_EQ(ghl_.recordCount("opportunities"), 2u);
  EXPECT_THAT(log_.str(), HasSubstr("step.recovered"));
  JsonDoc result;
  ASSERT_FALSE(parseJson(stepResult(1), result));
  const JsonValue* id = jsonAt(result, "/opportunity/id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(jsonText(*jsonAt(result, "/opportunity/pipelineId")), "pipe_sales");
  JsonDoc customerDoc;
  ASSERT_FALSE(parseJson(customer, customerDoc));
  EXPECT_EQ(jsonText(*jsonAt(result, "/opportunity/name")),
            "Stripe " + jsonText(customerDoc["id"]));
  // The note step read {{steps.deal.opportunity.id}} from the found record.
  const JsonDoc noteList = records("notes");
  ASSERT_EQ(noteList.Size(), 1u);
  EXPECT_EQ(std::string(noteList[0]["body"].GetString()), "deal " + jsonText(*id));
}

TEST_F(InterruptedCreateTest, ALookupAnswerWithoutItsRecordsIsRetriedNotSentAgain) {
  configure(opportunityFlow());
  runOnce();
  ghl_.addFaultJson(
      R"({"match":"/opportunities/","method":"POST","kind":"drop","apply":true,"count":1})");
  ghl_.addFaultJson(
      R"({"match":"/opportunities/search","method":"GET","kind":"missing_records","count":1})");
  newCustomer("drift@x.test");
  runOnce();
  clock_.advance(60'000);
  runOnce();  // the lookup's answer has no /opportunities: an error naming op and field
  const auto pending = state_->deliveries(DeliveryStatus::Pending, 10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_THAT(pending[0].lastError,
              HasSubstr("ghl.opportunities.search_opportunities: response field "
                        "'/opportunities': missing (expected the records)"));
  EXPECT_EQ(creates("/opportunities/"), 1);
  clock_.advance(10 * 60'000);
  runOnce();
  EXPECT_EQ(creates("/opportunities/"), 1);
  EXPECT_EQ(ghl_.recordCount("opportunities"), 1u);
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Done, 10).size(), 1u);
}

TEST_F(InterruptedCreateTest, AnOpportunityThatWasNotCreatedIsSentOnce) {
  configure(opportunityFlow());
  runOnce();
  ghl_.addFaultJson(
      R"({"match":"/opportunities/","method":"POST","kind":"drop","apply":false,"count":1})");
  newCustomer("nodeal@x.test");
  runOnce();
  EXPECT_EQ(ghl_.recordCount("opportunities"), 0u);
  reopen();
  clock_.advance(60'000);
  runOnce();
  EXPECT_EQ(creates("/opportunities/"), 1);
  EXPECT_EQ(ghl_.recordCount("opportunities"), 1u);
  EXPECT_EQ(notes(), 1);
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Done, 10).size(), 1u);
}

}  // namespace pipeline_test
}  // namespace sluice::test
