// deliver/dispatcher.h: the writes a delivery makes. In a flow of several steps whose calls are
// marked before they go out, a step's result is written with the next step's mark, one write
// per step instead of two, and still before the next call goes out.
#include "deliver/dispatcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service/pipeline_fixture.h"

namespace sluice::test {
namespace dispatcher_test {

using ::testing::ElementsAre;

// The real store, each write the dispatcher makes logged by name and steps, each with the
// number of GHL calls made before it.
class RecordingOutbox : public OutboxStore {
 public:
  RecordingOutbox(OutboxStore& store, const fakes::FakeGhl& ghl) : store_(store), ghl_(ghl) {}
  std::vector<std::string> writes;
  bool failCombined = false;  // finishThenStart throws, writing nothing

  std::vector<Delivery> dueDeliveries(int64_t nowMs, int limit) override {
    return store_.dueDeliveries(nowMs, limit);
  }
  std::vector<StepResult> stepResults(int64_t id) override { return store_.stepResults(id); }
  void recordStep(int64_t id, int step, const std::string& json) override {
    log("record " + std::to_string(step));
    store_.recordStep(id, step, json);
  }
  void markStepStarted(int64_t id, int step, int64_t sentMs) override {
    log("mark " + std::to_string(step));
    store_.markStepStarted(id, step, sentMs);
  }
  void recordStepThenStart(int64_t id, int step, const std::string& json, int next,
                           int64_t sentMs) override {
    log("record " + std::to_string(step) + " + mark " + std::to_string(next));
    store_.recordStepThenStart(id, step, json, next, sentMs);
  }
  void clearStepStarted(int64_t id, int step) override {
    log("clear " + std::to_string(step));
    store_.clearStepStarted(id, step);
  }
  void markDone(int64_t id) override {
    log("done");
    store_.markDone(id);
  }
  void finishDelivery(int64_t id, int step, const std::string& json) override {
    log("record " + std::to_string(step) + " + done");
    store_.finishDelivery(id, step, json);
  }
  void finishThenStart(int64_t id, int step, const std::string& json, int64_t next, int nextStep,
                       int64_t sentMs) override {
    log("record " + std::to_string(step) + " + done + mark " + std::to_string(nextStep) +
        " of the next");
    if (failCombined) throw StateError("state: finishThenStart: injected failure");
    store_.finishThenStart(id, step, json, next, nextStep, sentMs);
  }
  void scheduleRetry(int64_t id, int attempts, int64_t at, const std::string& error) override {
    log("retry");
    store_.scheduleRetry(id, attempts, at, error);
  }
  void markDead(int64_t id, int attempts, const std::string& error) override {
    log("dead");
    store_.markDead(id, attempts, error);
  }
  std::vector<Delivery> deliveries(std::optional<DeliveryStatus> status, int limit) override {
    return store_.deliveries(status, limit);
  }
  int replayDead(const std::vector<int64_t>& ids, int64_t nowMs) override {
    return store_.replayDead(ids, nowMs);
  }
  int replayAllDead(int64_t nowMs) override { return store_.replayAllDead(nowMs); }
  int replayFlowDead(const std::string& flow, int64_t nowMs) override {
    return store_.replayFlowDead(flow, nowMs);
  }
  int pruneDone(int64_t beforeMs, int limit) override { return store_.pruneDone(beforeMs, limit); }
  int64_t pendingCount() override { return store_.pendingCount(); }
  std::vector<FlowBacklog> backlogByFlow(int64_t nowMs) override {
    return store_.backlogByFlow(nowMs);
  }
  std::map<std::string, FlowCounts> flowCounts(int64_t sinceMs) override {
    return store_.flowCounts(sinceMs);
  }
  std::vector<Delivery> flowDeliveries(const std::string& flow, int limit) override {
    return store_.flowDeliveries(flow, limit);
  }
  std::vector<Delivery> flowDeadLetters(const std::string& flow, int limit) override {
    return store_.flowDeadLetters(flow, limit);
  }

 private:
  void log(const std::string& write) {
    writes.push_back(write + " after " + std::to_string(ghl_.effects().size()) + " calls");
  }
  OutboxStore& store_;
  const fakes::FakeGhl& ghl_;
};

class DispatcherTest : public PipelineTest {
 protected:
  // A flow whose step 0, "contact", upserts the new customer's GHL contact, then `steps`.
  void configureFlow(const std::string& steps) {
    configure(
        "  - name: flow\n"
        "    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 2s }\n"
        "    steps:\n"
        "      - name: contact\n"
        "        op: ghl.contacts.upsert_contact\n"
        "        connection: ghl\n"
        "        with: { email: \"{{trigger.email}}\" }\n" +
        steps);
  }
  // Polls once more without delivering: the deliveries queued.
  std::vector<Delivery> pollForDeliveries() {
    {
      Runner runner(*catalog_, *config_, *state_, *transport_, clock_);
      runner.pollAllNow();
    }
    return state_->dueDeliveries(clock_.nowMs(), 10);
  }
  // Polls once more, then delivers the one item queued through `outbox`.
  DeliveryReport deliverTheNewCustomer(RecordingOutbox& outbox) {
    const auto due = pollForDeliveries();
    EXPECT_EQ(due.size(), 1u);
    ClientRegistry clients(*config_, *catalog_, *transport_, state_.get(), clock_,
                           [](int64_t) { return true; });
    Dispatcher dispatcher(*config_, *catalog_, clients, outbox, clock_);
    return due.empty() ? DeliveryReport{} : dispatcher.deliver(due[0]);
  }
  // Two new customers delivered in a row, as one worker runs them, through `outbox`; what
  // `landed` was told about each finished delivery's last write.
  std::vector<std::string> deliverTwoInARow(RecordingOutbox& outbox) {
    newCustomer("first@x.test");
    newCustomer("second@x.test");
    const auto due = pollForDeliveries();
    EXPECT_EQ(due.size(), 2u);
    ClientRegistry clients(*config_, *catalog_, *transport_, state_.get(), clock_,
                           [](int64_t) { return true; });
    Dispatcher dispatcher(*config_, *catalog_, clients, outbox, clock_);
    std::vector<std::string> landed;
    std::optional<Dispatcher::HeldWrite> held;
    for (const Delivery& d : due) {
      try {
        dispatcher.deliver(d, held);
      } catch (const StateError&) {
        landed.push_back("delivery " + d.itemKey + " failed");
      }
      if (held && held->deliveryId == d.id)
        held->landed = [&landed, key = d.itemKey](bool written) {
          landed.push_back(key + (written ? " written" : " not written"));
        };
    }
    dispatcher.writeHeld(held);
    return landed;
  }
};

// Three GHL calls that are marked before they go out (GHL takes no idempotency key).
TEST_F(DispatcherTest, AStepsResultIsWrittenWithTheNextStepsMarkBeforeItsCall) {
  configureFlow(
      "      - op: ghl.contacts.create_contact_note\n"
      "        connection: ghl\n"
      "        with: { contactId: \"{{steps.contact.contact.id}}\", body: first }\n"
      "      - op: ghl.contacts.create_contact_note\n"
      "        connection: ghl\n"
      "        with: { contactId: \"{{steps.contact.contact.id}}\", body: second }\n");
  runOnce();  // seeds
  newCustomer("notes@x.test");
  RecordingOutbox outbox(*state_, ghl_);
  const DeliveryReport report = deliverTheNewCustomer(outbox);
  EXPECT_EQ(report.kind, DeliveryReport::Done);
  EXPECT_THAT(outbox.writes,
              ElementsAre("mark 0 after 0 calls", "record 0 + mark 1 after 1 calls",
                          "record 1 + mark 2 after 2 calls", "record 2 + done after 3 calls"));
  const auto steps = state_->stepResults(state_->deliveries(std::nullopt, 1).at(0).id);
  ASSERT_EQ(steps.size(), 3u);
  for (const auto& step : steps) EXPECT_FALSE(step.started) << "step " << step.step;
}

// A step skipped by its `if:` makes no call: its result waits for the next write, and a held
// result never crosses a call that is not marked.
TEST_F(DispatcherTest, AHeldResultIsWrittenAloneBeforeACallThatIsNotMarked) {
  configureFlow(
      "      - op: ghl.contacts.create_contact_note\n"
      "        connection: ghl\n"
      "        if: \"trigger.email == 'nobody@x.test'\"\n"
      "        with: { contactId: \"{{steps.contact.contact.id}}\", body: skipped }\n"
      "      - op: stripe.customers.update_customer\n"
      "        connection: stripe\n"
      "        with: { customer: \"{{trigger.id}}\", description: synced }\n");
  runOnce();
  newCustomer("mixed@x.test");
  RecordingOutbox outbox(*state_, ghl_);
  EXPECT_EQ(deliverTheNewCustomer(outbox).kind, DeliveryReport::Done);
  // Stripe dedupes its idempotency key, so its call is not marked: the held results go alone.
  EXPECT_THAT(outbox.writes,
              ElementsAre("mark 0 after 0 calls", "record 0 after 1 calls",
                          "record 1 after 1 calls", "record 2 + done after 1 calls"));
}

// One worker running two deliveries in a row: the first one's last step and done mark go out
// with the second one's started mark, after the first call and before the second.
TEST_F(DispatcherTest, ADeliverysLastWriteGoesWithTheNextDeliverysMark) {
  configureFlow("");
  runOnce();
  RecordingOutbox outbox(*state_, ghl_);
  const auto landed = deliverTwoInARow(outbox);
  EXPECT_THAT(outbox.writes, ElementsAre("mark 0 after 0 calls",
                                         "record 0 + done + mark 0 of the next after 1 calls",
                                         "record 0 + done after 2 calls"));
  ASSERT_EQ(landed.size(), 2u);  // each told once, in order
  EXPECT_THAT(landed[0], ::testing::EndsWith(" written"));
  EXPECT_THAT(landed[1], ::testing::EndsWith(" written"));
  EXPECT_NE(landed[0], landed[1]);
  EXPECT_EQ(state_->pendingCount(), 0);
  EXPECT_EQ(state_->deliveries(DeliveryStatus::Done, 10).size(), 2u);
}

// The shared write fails: neither lands, the first delivery's call stays marked as sent (the
// next attempt looks before sending again) and its worker is told.
TEST_F(DispatcherTest, AFailedSharedWriteLeavesTheFirstDeliveryMarkedAndSaysSo) {
  configureFlow("");
  runOnce();
  RecordingOutbox outbox(*state_, ghl_);
  outbox.failCombined = true;
  const auto landed = deliverTwoInARow(outbox);
  ASSERT_EQ(landed.size(), 2u);
  EXPECT_THAT(landed[0], ::testing::EndsWith(" not written"));
  EXPECT_THAT(landed[1], ::testing::EndsWith(" failed"));
  EXPECT_EQ(ghl_.effects().size(), 1u);  // the second call never went out
  const auto pending = state_->deliveries(DeliveryStatus::Pending, 10);
  ASSERT_EQ(pending.size(), 2u);
  const auto first = state_->stepResults(pending[1].id);  // newest first
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(first[0].started);
  EXPECT_TRUE(state_->stepResults(pending[0].id).empty());
}

// A stopped tenant's flow instance (config.parkedFlows) is not in the running config: its
// delivery waits, no call made and no attempt counted, and is looked at again later. A flow
// that is simply gone is dead-lettered.
TEST_F(DispatcherTest, AStoppedTenantsDeliveryWaitsAndAGoneFlowsIsDeadLettered) {
  configureFlow("");
  runOnce();
  newCustomer("parked@x.test");
  const auto due = pollForDeliveries();
  ASSERT_EQ(due.size(), 1u);
  Config stopped = *config_;
  stopped.flows.clear();
  stopped.parkedFlows.insert("flow");
  ClientRegistry clients(stopped, *catalog_, *transport_, state_.get(), clock_,
                         [](int64_t) { return true; });
  RecordingOutbox outbox(*state_, ghl_);
  const DeliveryReport parked =
      Dispatcher(stopped, *catalog_, clients, outbox, clock_).deliver(due[0]);
  EXPECT_EQ(parked.kind, DeliveryReport::Parked);
  EXPECT_EQ(parked.nextAttemptMs, clock_.nowMs() + 5 * 60 * 1000);
  EXPECT_THAT(outbox.writes, ElementsAre("retry after 0 calls"));
  const auto pending = state_->deliveries(DeliveryStatus::Pending, 10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].attempts, due[0].attempts);
  EXPECT_EQ(pending[0].nextAttemptMs, parked.nextAttemptMs);
  EXPECT_THAT(pending[0].lastError, ::testing::HasSubstr("tenant is not running"));

  stopped.parkedFlows.clear();
  const DeliveryReport gone =
      Dispatcher(stopped, *catalog_, clients, outbox, clock_).deliver(pending[0]);
  EXPECT_EQ(gone.kind, DeliveryReport::Dead);
  EXPECT_THAT(gone.error, ::testing::HasSubstr("not in the config any more"));
  EXPECT_TRUE(ghl_.effects().empty());
}

}  // namespace dispatcher_test
}  // namespace sluice::test
