// The delivery half of `sluice run`: a pass claims the due deliveries of the outbox (several
// processes: each goes to one of them) and runs them on the worker pool, several of one flow
// side by side (settings.flow_concurrency) but never two changes of one record at once: the
// store holds a change back while an earlier one of its record is pending, so an updated
// record's versions arrive in order, retries included.
//
// A claim is a write that holds the store's single writer (and leases up to a batch of rows),
// so it is not made at every pass: the claimed deliveries wait here until a worker can take
// them, and the store is asked again only when fewer are left than keep the workers busy, or a
// second after the last claim (to see paused flows, retries that fell due, other processes).
//
// A worker that goes on from one delivery to the next writes the first one's last step and
// done mark with the next one's first started mark (WorkerPool::Leftover): one commit instead
// of two. The first delivery counts as in flight until that write has landed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "deliver/dispatcher.h"
#include "service/runner_metrics.h"
#include "service/worker_pool.h"
#include "state/lease_store.h"

namespace sluice {

class DeliveryScheduler {
 public:
  // taskDone: a delivery finished (the runner looks for work at once).
  DeliveryScheduler(Dispatcher& dispatcher, LeaseStore& leases, const Clock& clock,
                    const RunSettings& settings, WorkerPool& pool, RunnerMetrics& metrics,
                    const std::string& owner, std::function<void()> taskDone);

  static constexpr int kClaimBatch = 200;
  static constexpr int64_t kReclaimAfterMs = 1000;

  // Claims a batch of due deliveries when the ones claimed before run low, and starts those
  // that may run now.
  void schedule(int64_t now);
  // New items are in the outbox (a poll's or a webhook's): the next pass asks the store.
  void itemsQueued();

 private:
  void deliverTask(const Delivery& d, std::unique_ptr<WorkerPool::Leftover>& leftover);
  // The delivery's outcome is recorded (or failed to be: no report).
  void finished(const Delivery& d, const DeliveryReport* report, int64_t startedMs);
  bool needsClaim(int64_t now);  // mutex_ held
  void claim(int64_t now);
  void startReady();                       // mutex_ held
  bool mayStart(const Delivery& d) const;  // mutex_ held

  Dispatcher& dispatcher_;
  LeaseStore& leases_;
  const Clock& clock_;
  const RunSettings& settings_;
  WorkerPool& pool_;
  RunnerMetrics& metrics_;
  const std::string& owner_;
  std::function<void()> taskDone_;

  std::mutex mutex_;                          // guards everything below
  std::map<std::string, int> flowsInFlight_;  // deliveries running per flow
  std::set<int64_t> deliveriesInFlight_;
  // A delivery that finishes between the store listing it and the check above would be sent
  // to the dispatcher again from that stale list: each finish gets a number, and a list read
  // before it skips the delivery.
  uint64_t finishCount_ = 0;
  std::map<int64_t, uint64_t> finishedAt_;  // delivery id -> finishCount_ when it finished
  // Claimed (leased to this process, renewed with its leases) and not started yet: held back
  // by flow_concurrency, or waiting for the next pass.
  std::vector<Delivery> ready_;
  int64_t lastClaimMs_ = INT64_MIN / 2;
  // A claim that found nothing due is not made again (a write transaction, at every pass of
  // an idle runner: about one per poll) until items are queued, a delivery finishes (a
  // change it held back may now go), or kReclaimAfterMs passes (retries that fell due, other
  // processes' items). The counts as they were when the empty claim read the store.
  uint64_t queuedCount_ = 0;
  bool lastClaimEmpty_ = false;
  uint64_t emptyAtQueued_ = 0, emptyAtFinished_ = 0;
};

}  // namespace sluice
