// service/lease_renewer.cpp: while it runs, every lease of its owner is extended every third of
// the lease; a failing store is logged and retried; after stop() nothing more is renewed.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "service/lease_renewer.h"

namespace sluice {
namespace lease_renewer_test {

class CountingLeases : public LeaseStore {
 public:
  std::vector<std::string> claimTriggers(const std::vector<std::string>&, const std::string&,
                                         int64_t, int64_t, bool) override {
    return {};
  }
  std::vector<Delivery> claimDeliveries(const std::string&, int64_t, int, int64_t) override {
    return {};
  }
  void renewLeases(const std::string& owner, int64_t untilMs) override {
    std::lock_guard<std::mutex> lock(mutex);
    lastOwner = owner;
    lastUntil = untilMs;
    ++renewals;
    if (failing) throw StateError("state: renewLeases: database is locked");
  }
  void releaseLeases(const std::string&) override {}
  std::vector<std::pair<std::string, std::string>> triggerLeases(int64_t) override { return {}; }

  std::mutex mutex;
  int renewals = 0;
  std::string lastOwner;
  int64_t lastUntil = 0;
  bool failing = false;
};

int renewalsAfter(CountingLeases& leases, int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  std::lock_guard<std::mutex> lock(leases.mutex);
  return leases.renewals;
}

TEST(LeaseRenewer, ExtendsItsOwnersLeasesEveryThirdOfTheLeaseUntilStopped) {
  CountingLeases leases;
  ManualClock clock(1000);
  LeaseRenewer renewer(leases, clock, "host:1:abc", 300);  // every 100 ms
  EXPECT_EQ(renewalsAfter(leases, 150), 0);                // not before start()
  renewer.start();
  const int renewed = renewalsAfter(leases, 550);
  EXPECT_GE(renewed, 2);
  EXPECT_LE(renewed, 20);  // a turn per third of the lease, not a busy loop
  {
    std::lock_guard<std::mutex> lock(leases.mutex);
    EXPECT_EQ(leases.lastOwner, "host:1:abc");
    EXPECT_EQ(leases.lastUntil, 1300);  // now + lease
  }
  renewer.stop();
  const int atStop = renewalsAfter(leases, 0);
  EXPECT_EQ(renewalsAfter(leases, 250), atStop);
  renewer.stop();  // idempotent
}

TEST(LeaseRenewer, AFailingStoreIsRetriedAtTheNextTurn) {
  CountingLeases leases;
  leases.failing = true;
  ManualClock clock(0);
  LeaseRenewer renewer(leases, clock, "owner", 150);  // every 50 ms
  renewer.start();
  EXPECT_GE(renewalsAfter(leases, 400), 3);  // each failure logged, none ends the thread
}

}  // namespace lease_renewer_test
}  // namespace sluice
