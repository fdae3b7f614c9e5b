#include "service/runner.h"

#include <algorithm>
#include <functional>

#include "core/logger.h"
#include "poll/trigger_spec.h"
#include "state/lease_owner.h"
#include "webhooks/webhook_receiver.h"

namespace sluice {

Runner::Runner(const Catalog& catalog, const Config& config, StateStore& state,
               HttpTransport& transport, const Clock& clock, HttpTransport* insecure)
    : catalog_(catalog),
      config_(config),
      state_(state),
      clock_(clock),
      clients_(
          config, catalog, transport, &state, clock,
          [this](int64_t ms) {
            noteRateLimitWait(ms);
            return sleepFor(ms);
          },
          insecure),
      dispatcher_(config, catalog, clients_, state, clock) {
  owner_ = makeLeaseOwner();
  buildTriggers();
  initMetrics();
  pool_ = std::make_unique<WorkerPool>(config.settings.workers);
}

Runner::~Runner() {
  requestStop();
  pool_.reset();  // joins after the queued tasks finished
  stopRenewing();
  // Whatever this runner still holds (a delivery whose record failed) is free for the next.
  try {
    state_.releaseLeases(owner_);
  } catch (const StateError& e) {
    logWarn("lease.release.failed", kv("error", e.what()));
  }
}

void Runner::startRenewing() {
  stopRenewing();
  renewStop_ = false;
  renewer_ = std::thread([this] {
    const int64_t every = std::max<int64_t>(config_.settings.leaseMs / 3, 50);
    std::unique_lock<std::mutex> lock(renewMutex_);
    while (!renewWake_.wait_for(lock, std::chrono::milliseconds(every),
                                [this] { return renewStop_; })) {
      lock.unlock();
      try {
        state_.renewLeases(owner_, clock_.nowMs() + config_.settings.leaseMs);
      } catch (const StateError& e) {
        logWarn("lease.renew.failed", kv("error", e.what()));
      }
      lock.lock();
    }
  });
}

void Runner::stopRenewing() {
  {
    std::lock_guard<std::mutex> lock(renewMutex_);
    renewStop_ = true;
  }
  renewWake_.notify_all();
  if (renewer_.joinable()) renewer_.join();
}

int64_t Runner::recheckMs(const ScheduledTrigger& t) const {
  // A tenth of the lease (0.5 s to 5 s), at most a quarter of the interval: a dead process's
  // triggers are taken over soon after its leases expire, and a live one's are not asked for
  // more than a few times per interval.
  const int64_t recheck = std::clamp<int64_t>(config_.settings.leaseMs / 10, 500, 5000);
  return std::max<int64_t>(1, std::min(t.everyMs / 4, recheck));
}

void Runner::buildTriggers() {
  std::map<std::string, ScheduledTrigger*> byKey;
  std::map<std::string, TriggerState> saved;
  for (auto& t : state_.triggers()) saved[t.key] = t;
  for (const auto& flow : config_.flows) {
    if (!flow.enabled) continue;
    TriggerSpec spec = makeTriggerSpec(flow, config_, catalog_);
    const std::string key = spec.key;
    ScheduledTrigger*& t = byKey[key];
    if (!t) {
      auto owned = std::make_unique<ScheduledTrigger>();
      owned->spec = spec;
      owned->spec.subscribers.clear();
      owned->everyMs = flow.trigger.everyMs;
      auto s = saved.find(key);
      if (s != saved.end()) {
        owned->nextDueMs = s->second.nextDueMs;
        owned->consecutiveErrors = s->second.consecutiveErrors;
        owned->lastPollMs = s->second.lastPollMs;
        owned->watermarkMovedMs = s->second.watermarkMovedMs;
      } else {
        // Spread new triggers over their interval so a thousand flows do not poll at once.
        const uint64_t h = std::stoull(stableHash(key).substr(0, 12), nullptr, 16);
        owned->nextDueMs = clock_.nowMs() +
                           static_cast<int64_t>(h % static_cast<uint64_t>(owned->everyMs / 10 + 1));
      }
      t = owned.get();
      triggers_.push_back(std::move(owned));
    }
    t->everyMs = std::min(t->everyMs, flow.trigger.everyMs);
    t->spec.subscribers.push_back({flow.name, flow.trigger.backfill});
  }
  for (auto& t : triggers_) dueQueue_.push({t->nextDueMs, t.get()});
}

bool Runner::sleepFor(int64_t ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop_.load(); });
  return !stop_.load();
}

void Runner::requestStop() {
  stop_ = true;
  wake_.notify_all();
}

void Runner::notifyWork() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    kicked_ = true;
  }
  wake_.notify_all();
}

void Runner::requestReload() {
  reload_ = true;
  requestStop();
}

std::string Runner::flowNames(const std::vector<ScheduledTrigger*>& triggers) {
  constexpr size_t kMaxNamed = 10;  // one log line, whatever the number of flows
  std::string names;
  size_t count = 0;
  for (const ScheduledTrigger* t : triggers)
    for (const auto& s : t->spec.subscribers)
      if (count++ < kMaxNamed) names += (names.empty() ? "" : ",") + s.flow;
  if (count > kMaxNamed) names += " and " + std::to_string(count - kMaxNamed) + " more";
  return names;
}

void Runner::pollTask(ScheduledTrigger* t) {
  const std::string flows = flowNames({t});
  const int64_t pollStarted = clock_.nowMs();
  notePollStart(*t, flows);
  PollResult r = pollOnce(*t);
  const int64_t now = clock_.nowMs();
  int64_t next = 0;
  bool leaseLost = false;
  if (r.ok) next = commitPolled(*t, r, flows, now, leaseLost);
  if (!r.ok && !leaseLost) next = notePollFailure(*t, r, flows, now);
  notePollDone(*t, r, pollStarted);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    t->nextDueMs = next;
    dueQueue_.push({next, t});
    t->inFlight = false;
    kicked_ = true;
  }
  wake_.notify_all();
}

PollResult Runner::pollOnce(const ScheduledTrigger& t) {
  TriggerPoller poller(clients_.get(t.spec.connection), state_, clock_);
  PollResult r;
  try {
    r = poller.poll(t.spec);
  } catch (const std::exception& e) {
    r.ok = false;
    r.error = t.spec.op->fullId() + ": " + e.what();
    r.commit.history.triggerKey = t.spec.key;
    r.commit.history.error = r.error;
  }
  return r;
}

// Commits a successful poll; the time to ask for the trigger again. A failed commit turns r
// into a failure; a lost lease leaves the trigger to the process that holds it now.
int64_t Runner::commitPolled(ScheduledTrigger& t, PollResult& r, const std::string& flows,
                             int64_t now, bool& leaseLost) {
  const std::string name = t.spec.op->fullId();
  r.commit.nextDueMs = now + t.everyMs;
  r.commit.leaseOwner = owner_;
  try {
    state_.commitPoll(r.commit);
    const auto& h = r.commit.history;
    logInfo("poll", kv("flow", flows) + " " + kv("op", name) + " " + kv("pages", h.pages) + " " +
                        kv("fetched", h.fetched) + " " +
                        kv("new", static_cast<long long>(r.commit.items.size())) + " " +
                        kv("dup", h.duplicates) + " " + kv("ms", h.finishedMs - h.startedMs) +
                        (h.cursorBefore.empty() ? " seeded=true" : ""));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      t.consecutiveErrors = 0;
    }
    // This process asks for the trigger again a little after it is due (up to one recheck
    // later), so that with several processes the next poll goes to any of them, not always
    // to the one that polled last: the flows spread over the processes.
    return r.commit.nextDueMs + static_cast<int64_t>(std::hash<std::string>()(owner_ + t.spec.key +
                                                                              std::to_string(now)) %
                                                     static_cast<uint64_t>(recheckMs(t)));
  } catch (const LeaseLostError& e) {
    // This process stalled past its lease and another one has polled the trigger since:
    // that poll's cursor stands, this one's items (if any) are its items too.
    leaseLost = true;
    logWarn("poll.lease_lost",
            kv("flow", flows) + " " + kv("op", name) + " " + kv("error", e.what()));
    return now + recheckMs(t);
  } catch (const StateError& e) {
    r.ok = false;
    r.error = std::string("state: ") + e.what();
    r.commit.history.error = r.error;
    return 0;
  }
}

// Records a failed poll and backs off: every, 2x, 4x ... up to an hour, and never sooner than
// the server asked. The time to poll again.
int64_t Runner::notePollFailure(ScheduledTrigger& t, PollResult& r, const std::string& flows,
                                int64_t now) {
  const std::string name = t.spec.op->fullId();
  int errors;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    errors = ++t.consecutiveErrors;
  }
  int64_t delay = std::min<int64_t>(t.everyMs << std::min(errors - 1, 6),
                                    std::max<int64_t>(t.everyMs, 3600000));
  if (r.retryAfterMs > delay) delay = r.retryAfterMs;
  const int64_t next = now + delay;
  const std::string error = Logger::instance().mask(r.error);
  r.commit.history.error = error;
  r.commit.history.finishedMs = now;
  try {
    state_.recordPollFailure(t.spec.key, name, t.spec.connection, r.commit.history, next, owner_);
  } catch (const StateError& e) {
    logError("state", kv("error", e.what()));
  }
  logWarn("poll.failed", kv("flow", flows) + " " + kv("op", name) + " " + kv("errors", errors) +
                             " " + kv("retry_in_s", (next - now) / 1000) + " " +
                             kv("error", error));
  if (errors == kStaleAfterErrors)
    logWarn("trigger.stale", kv("flow", flows) + " " + kv("op", name) +
                                 " reason=\"watermark not moving: " + std::to_string(errors) +
                                 " failed polls in a row\"");
  return next;
}

std::string Runner::recordKey(const Delivery& d) {
  // The item key is the record id, plus "@version" for updated/changed triggers.
  return d.flow + "\n" + d.itemKey.substr(0, d.itemKey.rfind('@'));
}

void Runner::deliverTask(Delivery d) {
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
  noteDelivery(d, recorded ? &report : nullptr, started);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--flowsInFlight_[d.flow] <= 0) flowsInFlight_.erase(d.flow);
    recordsInFlight_.erase(recordKey(d));
    deliveriesInFlight_.erase(d.id);
    finishedAt_[d.id] = ++finishCount_;
    kicked_ = true;
  }
  wake_.notify_all();
}

void Runner::schedulePolls(int64_t now, bool evenIfNotDue) {
  std::vector<ScheduledTrigger*> due;
  std::vector<std::string> keys;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!dueQueue_.empty() && dueQueue_.top().dueMs <= now) {
      const DueEntry e = dueQueue_.top();
      dueQueue_.pop();
      ScheduledTrigger* t = e.trigger;
      if (t->inFlight || t->nextDueMs != e.dueMs) continue;  // stale
      t->inFlight = true;                                    // reserved while the store is asked
      due.push_back(t);
      keys.push_back(t->spec.key);
    }
  }
  if (due.empty()) return;
  // Only the triggers this process holds a lease on are polled: with several processes on
  // one store, each due trigger goes to exactly one of them.
  std::set<std::string> held;
  try {
    for (auto& key :
         state_.claimTriggers(keys, owner_, now, config_.settings.leaseMs, evenIfNotDue))
      held.insert(std::move(key));
  } catch (const StateError& e) {
    // Nothing was polled (a full disk or a lost database): say which flows wait, so the
    // operator sees what the fault holds up. They are asked again at the next recheck.
    logError("poll.failed", kv("flow", flowNames(due)) + " " + kv("error", e.what()));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (ScheduledTrigger* t : due) {
    if (held.count(t->spec.key)) {
      pool_->submit([this, t] { pollTask(t); });
      continue;
    }
    // Another process holds it or has polled it: ask again soon (the store knows when).
    t->inFlight = false;
    t->nextDueMs = now + recheckMs(*t);
    dueQueue_.push({t->nextDueMs, t});
  }
}

void Runner::scheduleDeliveries(int64_t now) {
  std::vector<Delivery> due;
  uint64_t listedAfter;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    listedAfter = finishCount_;
  }
  try {
    due = state_.claimDeliveries(owner_, now, 200, config_.settings.leaseMs);
  } catch (const StateError& e) {
    // The pending deliveries stay in the outbox and are claimed once the store answers again.
    logError("delivery.claim_failed", kv("error", e.what()));
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& d : due) {
    // Several items of a flow run side by side, but two changes of one record never do, so
    // an "updated" record's versions arrive in order.
    if (deliveriesInFlight_.count(d.id) || recordsInFlight_.count(recordKey(d))) continue;
    auto finished = finishedAt_.find(d.id);
    if (finished != finishedAt_.end() && finished->second > listedAfter) continue;  // stale
    auto running = flowsInFlight_.find(d.flow);
    if (running != flowsInFlight_.end() && running->second >= config_.settings.flowConcurrency)
      continue;
    ++flowsInFlight_[d.flow];
    recordsInFlight_.insert(recordKey(d));
    deliveriesInFlight_.insert(d.id);
    pool_->submit([this, d] { deliverTask(d); });
  }
  // Finishes up to listedAfter cannot make a later list stale (one thread lists).
  for (auto it = finishedAt_.begin(); it != finishedAt_.end();)
    it = it->second <= listedAfter ? finishedAt_.erase(it) : std::next(it);
}

void Runner::pollAllNow() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& t : triggers_)
      if (!t->inFlight) {
        t->nextDueMs = 0;
        dueQueue_.push({0, t.get()});
      }
  }
  schedulePolls(clock_.nowMs(), true);
  pool_->waitIdle();
}

void Runner::drainOutbox() {
  while (!stop_) {
    scheduleDeliveries(clock_.nowMs());
    pool_->waitIdle();
    std::vector<Delivery> due;
    try {
      // Claimed, not just due: another process's deliveries are its to finish.
      due = state_.claimDeliveries(owner_, clock_.nowMs(), 1, config_.settings.leaseMs);
    } catch (const StateError&) {
      return;
    }
    if (due.empty()) return;
  }
}

int Runner::pruneFinished() {
  constexpr int kBatch = 1000;     // one short write transaction each
  constexpr int kMaxBatches = 50;  // the rest waits for the next hour: scheduling goes on
  const int64_t before = clock_.nowMs() - config_.settings.keepDoneMs;
  int total = 0;
  try {
    for (int i = 0; i < kMaxBatches; ++i) {
      const int n = state_.pruneDone(before, kBatch);
      total += n;
      if (n < kBatch) break;
    }
  } catch (const StateError& e) {
    logWarn("state.prune.failed", kv("error", e.what()));
  }
  if (total > 0) logInfo("state.pruned", kv("deliveries", total));
  return total;
}

StopReason Runner::run(bool once) {
  logInfo("run.start", kv("flows", static_cast<long long>(config_.flows.size())) + " " +
                           kv("triggers", static_cast<long long>(triggers_.size())) + " " +
                           kv("workers", config_.settings.workers) + " " + kv("owner", owner_));
  startRenewing();
  if (once) {
    pollAllNow();
    firstPass_ = true;
    drainOutbox();
    pool_->waitIdle();
    stopRenewing();
    logInfo("run.once.done", kv("pending", static_cast<long long>(state_.pendingCount())));
    return StopReason::Finished;
  }
  if (!config_.settings.webhookListen.empty()) {
    webhooks_ = std::make_unique<WebhookReceiver>(catalog_, config_, state_, clock_,
                                                  [this] { notifyWork(); });
    webhooks_->start(config_.settings.webhookListen);
  }
  while (!stop_) {
    const int64_t now = clock_.nowMs();
    schedulePolls(now);
    scheduleDeliveries(now);
    firstPass_ = true;
    if (now >= nextPruneMs_) {
      nextPruneMs_ = now + 3600 * 1000;
      pruneFinished();
    }
    int64_t wait = 500;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!dueQueue_.empty())
        wait = std::min(wait, std::max<int64_t>(0, dueQueue_.top().dueMs - now));
    }
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(wait, 20)),
                   [this] { return stop_.load() || kicked_; });
    kicked_ = false;
  }
  webhooks_.reset();  // stops taking events; requests in progress finish
  // Finish what is in flight: polls end within their HTTP timeout, waits are interrupted.
  pool_->waitIdle();
  stopRenewing();
  try {
    state_.releaseLeases(owner_);  // another process may take the triggers over at once
  } catch (const StateError& e) {
    logWarn("lease.release.failed", kv("error", e.what()));
  }
  logInfo("run.stop", reload_ ? "reason=reload" : "reason=signal");
  return reload_ ? StopReason::Reload : StopReason::Stopped;
}

}  // namespace sluice
