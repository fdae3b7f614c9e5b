// Leases: several processes sharing one store divide triggers and deliveries between them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "state/outbox_store.h"

namespace sluice {

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;

  // Whether several processes may share this store (and its work): the scheduler then lets
  // any of them take a trigger's next poll. False for SQLite, one process per file.
  virtual bool sharedByProcesses() const { return false; }

  // A lease is (owner, until): owner is a process id ("host:pid:random"), until a time in ms.
  // A lease is free when it has no owner or its time has passed. commitPoll and
  // recordPollFailure release the trigger's lease; markDone, scheduleRetry and markDead
  // release the delivery's.
  //
  // PollScheduler::schedule, before polling: of the trigger keys it believes are due, returns
  // those owner now holds until nowMs + leaseMs (creating trigger rows that do not exist). A
  // key is granted when its lease is free or owner's and, unless evenIfNotDue, its stored next
  // due time has come (another process may have polled it meanwhile). `--once` passes
  // evenIfNotDue. Two owners never hold one trigger at once.
  virtual std::vector<std::string> claimTriggers(const std::vector<std::string>& dueKeys,
                                                 const std::string& owner, int64_t nowMs,
                                                 int64_t leaseMs, bool evenIfNotDue = false) = 0;
  // DeliveryScheduler::schedule: pending deliveries due at nowMs whose lease is free or
  // owner's, oldest first, at most limit, now leased to owner until nowMs + leaseMs.
  virtual std::vector<Delivery> claimDeliveries(const std::string& owner, int64_t nowMs, int limit,
                                                int64_t leaseMs) = 0;
  // The runner, every lease/3 while it runs: extends every lease owner holds to untilMs.
  virtual void renewLeases(const std::string& owner, int64_t untilMs) = 0;
  // The runner at a clean stop: frees every lease owner holds.
  virtual void releaseLeases(const std::string& owner) = 0;
  // `sluice status`: trigger key -> owner, for the leases unexpired at nowMs.
  virtual std::vector<std::pair<std::string, std::string>> triggerLeases(int64_t nowMs) = 0;
};

}  // namespace sluice
