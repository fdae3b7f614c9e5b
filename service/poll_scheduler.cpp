#include "service/poll_scheduler.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/logger.h"
#include "poll/trigger_spec.h"
#include "service/poll_timing.h"

namespace sluice {

PollScheduler::PollScheduler(const Catalog& catalog, const Config& config, StateStore& state,
                             ClientRegistry& clients, const Clock& clock, WorkerPool& pool,
                             RunnerMetrics& metrics, const BackPressure& backPressure,
                             const std::string& owner, std::function<void()> taskDone)
    : catalog_(catalog),
      config_(config),
      state_(state),
      clients_(clients),
      clock_(clock),
      pool_(pool),
      metrics_(metrics),
      backPressure_(backPressure),
      owner_(owner),
      taskDone_(std::move(taskDone)) {
  buildTriggers();
}

int64_t PollScheduler::recheckMs(const ScheduledTrigger& t) const {
  // A tenth of the lease (0.5 s to 5 s), at most a quarter of the interval: a dead process's
  // triggers are taken over soon after its leases expire, and a live one's are not asked for
  // more than a few times per interval.
  const int64_t recheck = std::clamp<int64_t>(config_.settings.leaseMs / 10, 500, 5000);
  return std::max<int64_t>(1, std::min(t.everyMs / 4, recheck));
}

void PollScheduler::buildTriggers() {
  // Only the schedule of each stored trigger, in a hash map: at 100,000 triggers whole states
  // (cursors included) in ordered maps were a good part of building a runner (start-up, and a
  // reload's build beside the running runner, whose memory it adds to).
  std::unordered_map<std::string, TriggerSchedule> saved;
  {
    std::vector<TriggerSchedule> stored = state_.triggerSchedules();
    saved.reserve(stored.size());
    for (auto& t : stored) {
      std::string key = std::move(t.key);
      saved.emplace(std::move(key), t);
    }
  }
  std::unordered_map<std::string, ScheduledTrigger*> byKey;
  byKey.reserve(config_.flows.size());
  for (const auto& flow : config_.flows) {
    if (!flow.enabled) continue;
    TriggerSpec spec = makeTriggerSpec(flow, config_, catalog_);
    const std::string key = spec.key;
    ScheduledTrigger*& t = byKey[key];
    if (!t) {
      auto owned = std::make_unique<ScheduledTrigger>();
      owned->spec = std::move(spec);
      owned->spec.subscribers.clear();
      owned->everyMs = flow.trigger.everyMs;
      auto s = saved.find(key);
      if (s != saved.end()) {
        owned->slotMs = owned->nextDueMs = s->second.nextDueMs;
        owned->consecutiveErrors = s->second.consecutiveErrors;
        owned->lastPollMs = s->second.lastPollMs;
        owned->watermarkMovedMs = s->second.watermarkMovedMs;
      } else {
        // Spread over the whole interval so a thousand new flows do not poll at once.
        owned->slotMs = owned->nextDueMs =
            poll_timing::firstSlotMs(key, clock_.nowMs(), owned->everyMs);
      }
      t = owned.get();
      triggers_.push_back(std::move(owned));
    }
    t->everyMs = std::min(t->everyMs, flow.trigger.everyMs);
    t->spec.subscribers.push_back({flow.name, flow.trigger.backfill});
  }
  for (auto& t : triggers_) dueQueue_.push({t->nextDueMs, t.get()});
}

std::string flowNames(const std::vector<ScheduledTrigger*>& triggers) {
  constexpr size_t kMaxNamed = 10;  // one log line, whatever the number of flows
  std::string names;
  size_t count = 0;
  for (const ScheduledTrigger* t : triggers)
    for (const auto& s : t->spec.subscribers)
      if (count++ < kMaxNamed) names += (names.empty() ? "" : ",") + s.flow;
  if (count > kMaxNamed) names += " and " + std::to_string(count - kMaxNamed) + " more";
  return names;
}

namespace {

// At info level only a poll that found something (or seeded its trigger) has a line; the
// minute's summary line counts the rest (service/activity_summary.h).
void logPolled(const PollResult& r, const std::string& flows, const std::string& op) {
  const auto& h = r.commit.history;
  const bool found = !r.commit.items.empty() || h.cursorBefore.empty();
  const LogLevel level = found ? LogLevel::Info : LogLevel::Debug;
  if (level < Logger::instance().level()) return;  // the line is not even built
  Logger::instance().log(level, "poll",
                         kv("flow", flows) + " " + kv("op", op) + " " + kv("pages", h.pages) + " " +
                             kv("fetched", h.fetched) + " " +
                             kv("new", static_cast<long long>(r.commit.items.size())) + " " +
                             kv("dup", h.duplicates) + " " + kv("ms", h.finishedMs - h.startedMs) +
                             (h.cursorBefore.empty() ? " seeded=true" : ""));
}

}  // namespace

void PollScheduler::pollTask(ScheduledTrigger* t) {
  const std::string flows = flowNames({t});
  const int64_t pollStarted = clock_.nowMs();
  notePollStart(*t, flows);
  PollResult r = pollOnce(*t);
  const int64_t now = clock_.nowMs();
  int64_t slot = t->slotMs;  // fixed while the poll is in flight
  int64_t next = 0;
  bool leaseLost = false;
  if (r.ok) next = commitPolled(*t, r, flows, now, slot, leaseLost);
  if (!r.ok && !leaseLost) slot = next = notePollFailure(*t, r, flows, now);
  if (!r.ok && r.refused && refused_) refused_(t->spec.connection, r.error);
  metrics_.pollFinished(t->spec.op->fullId(), r, pollStarted);
  finished(*t, r, slot, next);
  taskDone_();
}

void PollScheduler::finished(ScheduledTrigger& t, const PollResult& r, int64_t slot, int64_t next) {
  std::lock_guard<std::mutex> lock(mutex_);
  t.slotMs = slot;
  if (r.ok) {
    t.lastPollMs = clock_.nowMs();
    if (r.commit.cursorMoved) t.watermarkMovedMs = t.lastPollMs;
  }
  t.nextDueMs = next;
  dueQueue_.push({next, &t});
  t.inFlight = false;
}

void PollScheduler::notePollStart(ScheduledTrigger& t, const std::string& flows) {
  int64_t late = 0;
  bool became = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Forced polls (--once, tests) have no due time. A due time from before this runner
    // started (the process was down) counts from the start.
    if (t.nextDueMs <= 0) return;
    late = std::max<int64_t>(0, clock_.nowMs() - std::max(t.nextDueMs, metrics_.startedMs()));
    became = late > RunnerMetrics::kLateAfterMs && t.lateMs <= RunnerMetrics::kLateAfterMs;
    t.lateMs = late;
  }
  metrics_.pollStarted(t.spec, flows, late, became, t.everyMs);
}

PollResult PollScheduler::pollOnce(const ScheduledTrigger& t) {
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
int64_t PollScheduler::commitPolled(ScheduledTrigger& t, PollResult& r, const std::string& flows,
                                    int64_t now, int64_t& slotMs, bool& leaseLost) {
  const std::string name = t.spec.op->fullId();
  r.commit.nextDueMs = poll_timing::nextSlotMs(slotMs, now, t.everyMs);
  r.commit.leaseOwner = owner_;
  try {
    state_.commitPoll(r.commit);
    if (!r.commit.items.empty() && itemsQueued_) itemsQueued_();
    logPolled(r, flows, name);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      t.consecutiveErrors = 0;
    }
    slotMs = r.commit.nextDueMs;
    if (!state_.sharedByProcesses()) return slotMs;
    // With several processes, this one asks for the trigger a little after its slot (up to
    // one recheck later), so the next poll goes to any of them, not always to the one that
    // polled last. The slot stays on the grid: the spread never stretches the interval.
    return slotMs + static_cast<int64_t>(
                        std::hash<std::string>()(owner_ + t.spec.key + std::to_string(now)) %
                        static_cast<uint64_t>(recheckMs(t)));
  } catch (const LeaseLostError& e) {
    // This process stalled past its lease and another one has polled the trigger since:
    // that poll's cursor stands, this one's items (if any) are its items too.
    leaseLost = true;
    logWarn("poll.lease_lost",
            kv("flow", flows) + " " + kv("op", name) + " " + kv("error", e.what()));
    slotMs = now + recheckMs(t);
    return slotMs;
  } catch (const StateError& e) {
    r.ok = false;
    r.error = std::string("state: ") + e.what();
    r.commit.history.error = r.error;
    return 0;
  }
}

// Records a failed poll and backs off: every, 2x, 4x ... up to an hour, and never sooner than
// the server asked. The time to poll again.
int64_t PollScheduler::notePollFailure(ScheduledTrigger& t, PollResult& r, const std::string& flows,
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
  if (errors == RunnerMetrics::kStaleAfterErrors)
    logWarn("trigger.stale", kv("flow", flows) + " " + kv("op", name) +
                                 " reason=\"watermark not moving: " + std::to_string(errors) +
                                 " failed polls in a row\"");
  return next;
}

// A paused flow's backlog waits for its resume, not for its polls: it holds no other flow up.
bool PollScheduler::deferred(const ScheduledTrigger& t) const {
  for (const auto& s : t.spec.subscribers)
    if (!paused_.count(s.flow) && backPressure_.behind(s.flow)) return true;
  return false;
}

std::vector<ScheduledTrigger*> PollScheduler::takeDue(int64_t now, bool evenIfNotDue) {
  std::vector<ScheduledTrigger*> due, waiting;
  std::lock_guard<std::mutex> lock(mutex_);
  while (!dueQueue_.empty() && dueQueue_.top().dueMs <= now) {
    const DueEntry e = dueQueue_.top();
    dueQueue_.pop();
    ScheduledTrigger* t = e.trigger;
    if (t->inFlight || t->nextDueMs != e.dueMs) continue;  // stale
    if (!evenIfNotDue && deferred(*t)) {
      // Its slot stays on the grid: the poll after the wait plans the next one from it.
      t->nextDueMs = now + BackPressure::kRefreshMs;
      waiting.push_back(t);
      continue;
    }
    t->inFlight = true;  // reserved while the store is asked
    due.push_back(t);
  }
  for (ScheduledTrigger* t : waiting) dueQueue_.push({t->nextDueMs, t});
  if (!waiting.empty()) metrics_.pollsDeferred(static_cast<int64_t>(waiting.size()));
  return due;
}

void PollScheduler::schedule(int64_t now, bool evenIfNotDue) {
  const std::vector<ScheduledTrigger*> due = takeDue(now, evenIfNotDue);
  if (due.empty()) return;
  const std::set<std::string> paused = readPaused();
  std::vector<std::string> keys;
  for (const ScheduledTrigger* t : due)
    if (!allPaused(*t, paused)) keys.push_back(t->spec.key);
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
      pool_.submit([this, t] { pollTask(t); });
      continue;
    }
    if (allPaused(*t, paused)) {
      // Its slot stays: once resumed it is polled at the next recheck, on its grid.
      t->inFlight = false;
      t->nextDueMs = now + recheckMs(*t);
      dueQueue_.push({t->nextDueMs, t});
      continue;
    }
    // Another process holds it or has polled it: ask again soon (the store knows when).
    t->inFlight = false;
    t->slotMs = t->nextDueMs = now + recheckMs(*t);
    dueQueue_.push({t->nextDueMs, t});
  }
}

std::set<std::string> PollScheduler::readPaused() {
  std::set<std::string> now;
  try {
    for (const auto& [flow, at] : state_.pausedFlows()) now.insert(flow);
  } catch (const StateError& e) {
    // Polling a paused flow loses nothing (its items wait in the outbox, which the store
    // keeps from its deliveries); the claim that follows says what the fault holds up.
    logWarn("flow.pause.unknown", kv("error", e.what()));
    std::lock_guard<std::mutex> lock(mutex_);
    return paused_;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& flow : now)
    if (!paused_.count(flow) && config_.flow(flow)) logInfo("flow.paused", kv("flow", flow));
  for (const auto& flow : paused_)
    if (!now.count(flow) && config_.flow(flow)) logInfo("flow.resumed", kv("flow", flow));
  paused_ = now;
  return now;
}

bool PollScheduler::allPaused(const ScheduledTrigger& t, const std::set<std::string>& paused) {
  if (paused.empty()) return false;
  for (const auto& s : t.spec.subscribers)
    if (!paused.count(s.flow)) return false;
  return true;
}

void PollScheduler::makeAllDue() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& t : triggers_)
    if (!t->inFlight) {
      t->slotMs = t->nextDueMs = 0;  // a forced poll: its next slot counts from its end
      dueQueue_.push({0, t.get()});
    }
}

void PollScheduler::adoptSchedule(PollScheduler& previous) {
  std::scoped_lock lock(mutex_, previous.mutex_);
  std::unordered_map<std::string_view, const ScheduledTrigger*> before;
  before.reserve(previous.triggers_.size());
  for (const auto& t : previous.triggers_) before.emplace(t->spec.key, t.get());
  decltype(dueQueue_) queue;
  for (auto& t : triggers_) {
    const auto old = before.find(t->spec.key);
    if (old != before.end()) {
      const ScheduledTrigger& o = *old->second;
      t->slotMs = o.slotMs;
      t->nextDueMs = o.nextDueMs;
      t->consecutiveErrors = o.consecutiveErrors;
      t->lastPollMs = o.lastPollMs;
      t->watermarkMovedMs = o.watermarkMovedMs;
      t->lateMs = o.lateMs;
    }
    queue.push({t->nextDueMs, t.get()});
  }
  dueQueue_ = std::move(queue);
  paused_ = previous.paused_;  // flow.paused is not logged again for what was paused already
}

std::optional<int64_t> PollScheduler::nextDueMs() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (dueQueue_.empty()) return std::nullopt;
  return dueQueue_.top().dueMs;
}

std::vector<TriggerGauges> PollScheduler::gauges() {
  std::vector<TriggerGauges> rows;
  std::lock_guard<std::mutex> lock(mutex_);
  rows.reserve(triggers_.size());
  for (const auto& t : triggers_)
    rows.push_back({&t->spec, t->watermarkMovedMs, t->lateMs, t->consecutiveErrors});
  return rows;
}

}  // namespace sluice
