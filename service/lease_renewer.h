// Keeps a `sluice run` process's leases alive while it works: every third of the lease it
// extends every lease its owner id holds, so another process takes over only what a stalled or
// dead one held.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "state/lease_store.h"

namespace sluice {

class LeaseRenewer {
 public:
  LeaseRenewer(LeaseStore& leases, const Clock& clock, std::string owner, int64_t leaseMs);
  ~LeaseRenewer();
  LeaseRenewer(const LeaseRenewer&) = delete;
  LeaseRenewer& operator=(const LeaseRenewer&) = delete;

  void start();  // (re)starts the renewing thread
  void stop();   // idempotent; returns once the thread has ended

 private:
  void renewUntilStopped();

  LeaseStore& leases_;
  const Clock& clock_;
  const std::string owner_;
  const int64_t leaseMs_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
};

}  // namespace sluice
