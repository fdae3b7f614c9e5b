// service/delivery_scheduler.h: a claim is a write transaction, so one that found nothing due is
// not made again at every pass of an idle runner (about one per poll), only once items are
// queued, a delivery finishes (a change it held back may go now), or a second has passed (retries
// that fell due, other processes' items); and what is due is still delivered.
#include "service/delivery_scheduler.h"

#include <gtest/gtest.h>

#include <atomic>

#include "catalog/catalog.h"
#include "http/client_registry.h"
#include "http/poco_http_transport.h"
#include "state/state_store.h"
#include "state/state_test_data.h"
#include "test_support.h"

namespace sluice {
namespace {

// The real store's claims, counted.
class CountingLeases : public LeaseStore {
 public:
  explicit CountingLeases(StateStore& store) : store_(store) {}
  std::vector<std::string> claimTriggers(const std::vector<std::string>& keys,
                                         const std::string& owner, int64_t nowMs, int64_t leaseMs,
                                         bool evenIfNotDue) override {
    return store_.claimTriggers(keys, owner, nowMs, leaseMs, evenIfNotDue);
  }
  std::vector<Delivery> claimDeliveries(const std::string& owner, int64_t nowMs, int limit,
                                        int64_t leaseMs) override {
    ++claims;
    return store_.claimDeliveries(owner, nowMs, limit, leaseMs);
  }
  void renewLeases(const std::string& owner, int64_t untilMs) override {
    store_.renewLeases(owner, untilMs);
  }
  void releaseLeases(const std::string& owner) override { store_.releaseLeases(owner); }
  std::vector<std::pair<std::string, std::string>> triggerLeases(int64_t nowMs) override {
    return store_.triggerLeases(nowMs);
  }
  std::atomic<int> claims{0};

 private:
  StateStore& store_;
};

class DeliverySchedulerTest : public ::testing::Test {
 protected:
  DeliverySchedulerTest()
      : catalog_(Catalog::load(test::catalogRoot())),
        store_(openStateStore("sqlite::memory:")),
        transport_(makePocoTransport()),
        clients_(config_, catalog_, *transport_, nullptr, clock_, [](int64_t) { return true; }),
        dispatcher_(config_, catalog_, clients_, *store_, clock_),
        leases_(*store_),
        pool_(2),
        metrics_(clock_),
        scheduler_(dispatcher_, leases_, clock_, config_.settings, pool_, metrics_, owner_, [] {}) {
  }

  // A pass of the runner at now + ms; the claims made so far.
  int passAt(int64_t ms) {
    scheduler_.schedule(start_ + ms);
    pool_.waitIdle();
    return leases_.claims.load();
  }

  Config config_;  // no flows: a queued item's delivery is a dead letter, which finishes it
  ManualClock clock_;
  const int64_t start_ = clock_.nowMs();
  Catalog catalog_;
  std::unique_ptr<StateStore> store_;
  std::unique_ptr<HttpTransport> transport_;
  ClientRegistry clients_;
  Dispatcher dispatcher_;
  CountingLeases leases_;
  WorkerPool pool_;
  RunnerMetrics metrics_;
  const std::string owner_ = "test-owner";
  DeliveryScheduler scheduler_;
};

TEST_F(DeliverySchedulerTest, AnEmptyClaimWaitsForItemsAFinishOrASecond) {
  EXPECT_EQ(passAt(0), 1);   // the first pass asks the store
  EXPECT_EQ(passAt(10), 1);  // nothing due then, nothing changed since: not asked again
  EXPECT_EQ(passAt(500), 1);
  EXPECT_EQ(passAt(1000), 2);  // a second on: retries may have fallen due
  EXPECT_EQ(passAt(1010), 2);

  // An item queued behind the scheduler's back waits for the second, or for the word.
  store_->commitPoll(state_test_data::poll("c1", start_, {state_test_data::item("gone", "a")}));
  EXPECT_EQ(passAt(1020), 2);
  scheduler_.itemsQueued();
  EXPECT_EQ(passAt(1030), 3);  // claimed and delivered (a dead letter: the flow is gone)
  EXPECT_EQ(store_->deliveries(DeliveryStatus::Dead, 10).size(), 1u);
  EXPECT_EQ(passAt(1040), 4);  // the last claim found one (and it finished): asked again
  EXPECT_EQ(passAt(1050), 4);
}

}  // namespace
}  // namespace sluice
