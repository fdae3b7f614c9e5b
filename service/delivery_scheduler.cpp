#include "service/delivery_scheduler.h"

#include <iterator>
#include <utility>
#include <vector>

#include "core/logger.h"

namespace sluice {

DeliveryScheduler::DeliveryScheduler(Dispatcher& dispatcher, LeaseStore& leases, const Clock& clock,
                                     const RunSettings& settings, WorkerPool& pool,
                                     RunnerMetrics& metrics, const std::string& owner,
                                     std::function<void()> taskDone)
    : dispatcher_(dispatcher),
      leases_(leases),
      clock_(clock),
      settings_(settings),
      pool_(pool),
      metrics_(metrics),
      owner_(owner),
      taskDone_(std::move(taskDone)) {}

void DeliveryScheduler::deliverTask(Delivery d) {
  const int64_t started = clock_.nowMs();
  DeliveryReport report;
  bool recorded = false;
  try {
    report = dispatcher_.deliver(d);
    recorded = true;
  } catch (const std::exception& e) {
    // A state error while recording: the delivery stays pending and is tried again.
    logError("delivery.error", kv("flow", d.flow) + " " + kv("item", d.itemKey) + " " +
                                   kv("error", Logger::instance().mask(e.what())));
  }
  metrics_.delivered(d, recorded ? &report : nullptr, started);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--flowsInFlight_[d.flow] <= 0) flowsInFlight_.erase(d.flow);
    deliveriesInFlight_.erase(d.id);
    finishedAt_[d.id] = ++finishCount_;
  }
  taskDone_();
}

void DeliveryScheduler::schedule(int64_t now) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!needsClaim(now)) return startReady();
  }
  claim(now);
  std::lock_guard<std::mutex> lock(mutex_);
  startReady();
}

void DeliveryScheduler::itemsQueued() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++queuedCount_;
}

bool DeliveryScheduler::needsClaim(int64_t now) {
  if (now - lastClaimMs_ >= kReclaimAfterMs || now < lastClaimMs_) return true;
  if (lastClaimEmpty_ && queuedCount_ == emptyAtQueued_ && finishCount_ == emptyAtFinished_)
    return false;  // nothing has changed since the store had nothing due
  // Enough claimed work to keep the workers busy twice over, as many as the pool may grow to:
  // no need to ask the store.
  size_t startable = deliveriesInFlight_.size();
  for (const Delivery& d : ready_) startable += mayStart(d);
  return startable < 2 * static_cast<size_t>(settings_.maxWorkers);
}

void DeliveryScheduler::claim(int64_t now) {
  uint64_t listedAfter, queuedBefore;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    listedAfter = finishCount_;
    queuedBefore = queuedCount_;
  }
  std::vector<Delivery> due;
  try {
    due = leases_.claimDeliveries(owner_, now, kClaimBatch, settings_.leaseMs);
  } catch (const StateError& e) {
    // The pending deliveries stay in the outbox and are claimed once the store answers again.
    logError("delivery.claim_failed", kv("error", e.what()));
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  lastClaimMs_ = now;
  lastClaimEmpty_ = due.empty();
  emptyAtQueued_ = queuedBefore;
  emptyAtFinished_ = listedAfter;
  // The store's list replaces the one held: it has what is still pending and due, in order.
  ready_.clear();
  for (auto& d : due) {
    if (deliveriesInFlight_.count(d.id)) continue;
    const auto finished = finishedAt_.find(d.id);
    if (finished != finishedAt_.end() && finished->second > listedAfter) continue;  // stale
    ready_.push_back(std::move(d));
  }
  // Finishes up to listedAfter cannot make a later list stale (one thread lists).
  for (auto it = finishedAt_.begin(); it != finishedAt_.end();)
    it = it->second <= listedAfter ? finishedAt_.erase(it) : std::next(it);
}

bool DeliveryScheduler::mayStart(const Delivery& d) const {
  const auto running = flowsInFlight_.find(d.flow);
  return running == flowsInFlight_.end() || running->second < settings_.flowConcurrency;
}

void DeliveryScheduler::startReady() {
  // Several items of a flow run side by side; two changes of one record never do, since the
  // store holds a change back while an earlier one of its record is pending.
  std::vector<Delivery> waiting;
  for (auto& d : ready_) {
    if (!mayStart(d)) {
      waiting.push_back(std::move(d));
      continue;
    }
    ++flowsInFlight_[d.flow];
    deliveriesInFlight_.insert(d.id);
    pool_.submit([this, d] { deliverTask(d); });
  }
  ready_ = std::move(waiting);
}

}  // namespace sluice
