#include "service/lease_renewer.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/error.h"
#include "core/logger.h"

namespace sluice {

LeaseRenewer::LeaseRenewer(LeaseStore& leases, const Clock& clock, std::string owner,
                           int64_t leaseMs)
    : leases_(leases), clock_(clock), owner_(std::move(owner)), leaseMs_(leaseMs) {}

LeaseRenewer::~LeaseRenewer() {
  stop();
}

void LeaseRenewer::start() {
  stop();
  stop_ = false;
  thread_ = std::thread([this] { renewUntilStopped(); });
}

void LeaseRenewer::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeaseRenewer::renewUntilStopped() {
  const int64_t every = std::max<int64_t>(leaseMs_ / 3, 50);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(every), [this] { return stop_; })) {
    lock.unlock();
    try {
      leases_.renewLeases(owner_, clock_.nowMs() + leaseMs_);
    } catch (const StateError& e) {
      logWarn("lease.renew.failed", kv("error", e.what()));
    }
    lock.lock();
  }
}

}  // namespace sluice
