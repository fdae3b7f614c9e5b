#include "service/delivery_scheduler.h"

#include <iterator>
#include <memory>
#include <optional>
#include <string>
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

namespace {

// A finished delivery's last write, left for the next delivery on the worker's thread.
class HeldFinish : public WorkerPool::Leftover {
 public:
  HeldFinish(Dispatcher& dispatcher, std::optional<Dispatcher::HeldWrite> write)
      : held(std::move(write)), dispatcher_(dispatcher) {}
  void flush() noexcept override {
    const std::string fields = held ? held->doneFields : std::string();
    try {
      dispatcher_.writeHeld(held);
    } catch (const std::exception& e) {  // told to the delivery's `landed`: it stays pending
      logError("delivery.error", fields + " " + kv("error", Logger::instance().mask(e.what())));
    }
  }

  std::optional<Dispatcher::HeldWrite> held;

 private:
  Dispatcher& dispatcher_;
};

// What the task before left: a finished delivery's write to go with this one's first mark.
std::optional<Dispatcher::HeldWrite> takeHeld(std::unique_ptr<WorkerPool::Leftover>& leftover) {
  std::optional<Dispatcher::HeldWrite> held;
  if (auto* finish = dynamic_cast<HeldFinish*>(leftover.get())) held = std::move(finish->held);
  if (leftover && !held) leftover->flush();  // not one of ours (none is made so far)
  leftover.reset();
  return held;
}

}  // namespace

void DeliveryScheduler::deliverTask(const Delivery& d,
                                    std::unique_ptr<WorkerPool::Leftover>& leftover) {
  const int64_t started = clock_.nowMs();
  std::optional<Dispatcher::HeldWrite> held = takeHeld(leftover);
  DeliveryReport report;
  bool recorded = false;
  try {
    report = dispatcher_.deliver(d, held);
    recorded = true;
  } catch (const std::exception& e) {
    // A state error while recording: the delivery stays pending and is tried again.
    logError("delivery.error", kv("flow", d.flow) + " " + kv("item", d.itemKey) + " " +
                                   kv("error", Logger::instance().mask(e.what())));
  }
  const bool waitsForItsWrite = recorded && held && held->finishes && held->deliveryId == d.id;
  if (waitsForItsWrite)
    held->landed = [this, d, report, started](bool written) {
      finished(d, written ? &report : nullptr, started);
    };
  if (held) leftover = std::make_unique<HeldFinish>(dispatcher_, std::move(held));
  if (!waitsForItsWrite) finished(d, recorded ? &report : nullptr, started);
}

void DeliveryScheduler::finished(const Delivery& d, const DeliveryReport* report,
                                 int64_t startedMs) {
  metrics_.delivered(d, report, startedMs);
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
    pool_.submitCarrying(
        [this, d](std::unique_ptr<WorkerPool::Leftover>& left) { deliverTask(d, left); });
  }
  ready_ = std::move(waiting);
}

}  // namespace sluice
