// Issue 6's fault matrix: each fault on a poll leaves the cursor where it was, is reported
// naming the flow's operation (and the field, for bad data), and the trigger recovers by itself
// once the fault is gone. The same faults on an action are retried and delivered once.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>

#include <iterator>
#include <map>
#include <random>
#include <thread>

#include "service/pipeline_fixture.h"

namespace sluice::test {
namespace fault_matrix_test {

using ::testing::HasSubstr;

struct FaultCase {
  const char* name;
  const char* fault;     // JSON for the fake's fault queue (match/method added by the test)
  const char* expected;  // text the reported error contains
};

std::ostream& operator<<(std::ostream& out, const FaultCase& c) {
  return out << c.name;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class PollFaultTest : public PipelineTest, public ::testing::WithParamInterface<FaultCase> {
 protected:
  std::string fastConnections() const {
    return "connections:\n"
           "  stripe: { app: stripe, api_key: \"${STRIPE_KEY}\", base_url: " +
           stripe_.baseUrl() +
           ", timeout: 400ms }\n"
           "  ghl: { app: ghl, token: \"${GHL_TOKEN}\", location_id: " +
           ghl_.locationId() + ", base_url: " + ghl_.baseUrl() + ", timeout: 400ms }\n";
  }
};

TEST_P(PollFaultTest, LeavesTheCursorReportsAndRecovers) {
  const FaultCase& c = GetParam();
  configure(customerToContactFlow(), fastConnections());
  newCustomer("before@x.test");
  runOnce();  // seeds
  const std::string cursor = state_->triggers().at(0).cursorJson;
  newCustomer("during@x.test");
  std::string fault = c.fault;
  fault.insert(1, R"("match":"/v1/customers","method":"GET",)");
  stripe_.addFaultJson(fault);
  runOnce();
  const TriggerState failed = state_->triggers().at(0);
  EXPECT_EQ(failed.cursorJson, cursor) << "the cursor moved on a failed poll";
  EXPECT_EQ(failed.consecutiveErrors, 1);
  EXPECT_THAT(failed.lastError, HasSubstr("stripe.customers.new_customer"));
  EXPECT_THAT(failed.lastError, HasSubstr(c.expected));
  const auto history = state_->history(failed.key, 1);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_THAT(history[0].error, HasSubstr("stripe.customers.new_customer"));
  EXPECT_THAT(log_.str(), HasSubstr("poll.failed flow=customers op=stripe.customers.new_customer"));
  EXPECT_EQ(contactCount(), 0);
  // The fault is gone (count 1); the next due poll recovers and delivers what it missed.
  clock_.advance(60 * 60'000);
  runOnce();
  EXPECT_EQ(state_->triggers().at(0).consecutiveErrors, 0);
  EXPECT_EQ(contactCount(), 1);
  EXPECT_THAT(ghl_.listRecords("contacts"), HasSubstr("during@x.test"));
}

INSTANTIATE_TEST_SUITE_P(
    Faults, PollFaultTest,
    ::testing::Values(
        FaultCase{"TooManyRequestsWithRetryAfter", R"({"status":429,"retry_after":30})", "429"},
        FaultCase{"TooManyRequestsWithoutRetryAfter", R"({"status":429})", "429"},
        FaultCase{"InternalError", R"({"status":500})", "500"},
        FaultCase{"BadGateway", R"({"status":502})", "502"},
        FaultCase{"Unavailable", R"({"status":503})", "503"},
        FaultCase{"SlowerThanTheTimeout", R"({"kind":"slow","delay_ms":1500})", "timed out"},
        // A GET on a reused connection is retried once on a fresh one, so the drop comes twice.
        FaultCase{"DroppedConnection", R"({"kind":"drop","count":2})",
                  "stripe.customers.new_customer"},
        FaultCase{"TruncatedBody", R"({"kind":"truncate"})", "stripe.customers.new_customer"},
        FaultCase{"MalformedJson", R"({"kind":"malformed"})", "not valid JSON"},
        FaultCase{"MissingRecordsArray", R"({"kind":"missing_records"})", "'/data'"},
        FaultCase{"RecordsWithoutIds", R"({"kind":"missing_id"})", "'/id'"},
        FaultCase{"RevokedKey", R"({"status":401,"message":"Invalid API Key provided"})", "401"}),
    [](const auto& info) { return std::string(info.param.name); });

// The same faults mixed at random, on polls and on both steps of a flow whose second step GHL
// cannot dedupe (a note): whatever lands where, once the faults stop every customer has one
// contact and one note, nothing is left pending or dead, and GHL saw one upsert and one note
// per customer: a call repeated after it had landed counts as a double too.
TEST_F(PollFaultTest, RandomlyMixedFaultsLoseNothingAndDoubleNothing) {
  // Enough attempts that an item which draws several faults in a row is not given up on.
  config_ = std::make_unique<Config>(
      loadConfigText("settings: { demo_mode: true, workers: 2, max_attempts: 20 }\n" +
                         fastConnections() + "flows:\n" + noteFlow(),
                     "test.yaml", *catalog_, &env_));
  runOnce();  // seeds
  const char* const pollFaults[] = {R"("status":429,"retry_after":30)",
                                    R"("status":429)",
                                    R"("status":500)",
                                    R"("status":502)",
                                    R"("status":503)",
                                    R"("kind":"slow","delay_ms":1500)",
                                    R"("kind":"drop","count":2)",
                                    R"("kind":"truncate")",
                                    R"("kind":"malformed")",
                                    R"("kind":"missing_records")",
                                    R"("kind":"missing_id")",
                                    R"("status":401)"};
  // On an action: answers that say it failed, and connections lost before or after GHL acted.
  const char* const actionFaults[] = {R"("status":429)",
                                      R"("status":500)",
                                      R"("status":503)",
                                      R"("kind":"slow","delay_ms":1500)",
                                      R"("kind":"drop","apply":false)",
                                      R"("kind":"drop","apply":true)",
                                      R"("kind":"truncate")",
                                      R"("kind":"malformed")"};
  std::mt19937 rng(20261123);
  auto pick = [&rng](const auto& list) { return std::string(list[rng() % std::size(list)]); };
  int customers = 0;
  for (int round = 0; round < 30; ++round) {
    // The contact exists in GHL before its customer appears, so a fault can aim at its note.
    std::vector<std::string> notePaths;
    for (int n = static_cast<int>(rng() % 3); n > 0; --n) {
      const std::string email = "mixed" + std::to_string(customers++) + "@x.test";
      JsonDoc contact;
      ASSERT_FALSE(parseJson(ghl_.createContact(R"({"email":")" + email + R"("})"), contact));
      notePaths.push_back(std::string("/contacts/") + contact["id"].GetString() + "/notes");
      newCustomer(email);
    }
    if (rng() % 2)
      stripe_.addFaultJson(R"({"match":"/v1/customers","method":"GET",)" + pick(pollFaults) + "}");
    if (rng() % 2) {
      const std::string path =
          notePaths.empty() || rng() % 2 ? "/contacts/upsert" : notePaths[rng() % notePaths.size()];
      ghl_.addFaultJson(R"({"match":")" + path + R"(","method":"POST",)" + pick(actionFaults) +
                        "}");
    }
    const size_t timeoutsBefore = count(log_.str(), "timed out after");
    runOnce();
    // A call that timed out lands late (the fake holds it 1.5 s, then acts). The dispatcher
    // gives it time to land before looking, by its clock; this test's clock is manual, so
    // GHL gets that time for real here.
    if (count(log_.str(), "timed out after") > timeoutsBefore)
      std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    clock_.advance(60 * 60'000);  // past any backoff
  }
  stripe_.clearFaults();
  ghl_.clearFaults();
  for (int i = 0; i < 3; ++i) {
    runOnce();
    clock_.advance(60 * 60'000);
  }
  ASSERT_GT(customers, 10);
  // The mix hit both sides: failed polls, retried steps, and a call lost after GHL acted.
  EXPECT_THAT(log_.str(), HasSubstr("poll.failed"));
  EXPECT_THAT(log_.str(), HasSubstr("step.retry"));
  EXPECT_THAT(log_.str(), HasSubstr("step.recovered"));
  EXPECT_EQ(contactCount(), customers) << ghl_.listRecords("contacts");
  EXPECT_EQ(static_cast<int>(ghl_.recordCount("notes")), customers);
  EXPECT_EQ(state_->pendingCount(), 0);
  for (const auto& dead : state_->deliveries(DeliveryStatus::Dead, 10))
    ADD_FAILURE() << "dead letter " << dead.itemKey << ": " << dead.lastError;
  EXPECT_EQ(state_->triggers().at(0).consecutiveErrors, 0);
  std::map<std::string, int> writes;  // per upserted email and per note's contact
  for (const auto& e : ghl_.effects()) {
    JsonDoc body;
    const bool parsed = !parseJson(e.body, body) && body.IsObject();
    if (e.path == "/contacts/upsert" && parsed && body.HasMember("email"))
      writes["upsert " + jsonText(body["email"])]++;
    else if (e.path.find("/notes") != std::string::npos)
      writes["note " + e.path]++;
  }
  // Every contact existed before with the email the upsert sends, so an upsert whose call was
  // lost before it landed may be found as landed (the record holds all it sent) and not sent:
  // at most one upsert each, and exactly one note.
  int notes = 0;
  for (const auto& [target, n] : writes) {
    EXPECT_EQ(n, 1) << target << " was written " << n << " times";
    notes += target.rfind("note ", 0) == 0;
  }
  EXPECT_EQ(notes, customers);
}

TEST_F(PipelineTest, ARetryAfterOnAPollIsHonouredBeforeTheNextPoll) {
  configure(customerToContactFlow());
  runOnce();
  stripe_.addFaultJson(
      R"({"match":"/v1/customers","method":"GET","status":429,"retry_after":600})");
  runOnce();
  const TriggerState t = state_->triggers().at(0);
  EXPECT_GE(t.nextDueMs, clock_.nowMs() + 600'000);
}

TEST_F(PipelineTest, AFailingTriggerBacksOffAndIsFlaggedStale) {
  configure(customerToContactFlow());
  runOnce();
  stripe_.addFaultJson(R"({"match":"/v1/customers","method":"GET","status":500,"count":-1})");
  int64_t previousGap = 0;
  for (int i = 0; i < Runner::kStaleAfterErrors; ++i) {
    runOnce();
    const TriggerState t = state_->triggers().at(0);
    const int64_t gap = t.nextDueMs - clock_.nowMs();
    EXPECT_GT(gap, previousGap) << "the interval must grow while the trigger keeps failing";
    previousGap = gap;
    clock_.advance(gap);
  }
  EXPECT_THAT(log_.str(), HasSubstr("trigger.stale flow=customers"));
  stripe_.clearFaults();
}

TEST_F(PipelineTest, ALockedStateDatabaseFailsThePollWithoutMovingAnything) {
  configure(customerToContactFlow());
  runOnce();
  const std::string cursor = state_->triggers().at(0).cursorJson;
  newCustomer("locked@x.test");
  {
    // Another process holds the write lock for longer than the store's busy timeout.
    SQLite::Database other(dir_.path() + "/state.db", SQLite::OPEN_READWRITE);
    other.exec("BEGIN EXCLUSIVE");
    Runner runner(*catalog_, *config_, *state_, *transport_, clock_);
    runner.pollAllNow();
    other.exec("ROLLBACK");
  }
  EXPECT_EQ(state_->triggers().at(0).cursorJson, cursor);
  EXPECT_EQ(state_->pendingCount(), 0);
  EXPECT_THAT(log_.str(), HasSubstr("locked"));
  clock_.advance(60 * 60'000);
  runOnce();
  EXPECT_EQ(contactCount(), 1);
}

}  // namespace fault_matrix_test
}  // namespace sluice::test
