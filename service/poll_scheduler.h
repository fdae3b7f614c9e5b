// The poll half of `sluice run`: every enabled flow's trigger (flows with the same trigger share
// it) with its next due time, soonest first. A pass claims the due triggers in the state store
// (several processes: each goes to one of them) and polls those this process got on the worker
// pool, one poll per trigger at a time; the commit schedules the next poll, a failure backs
// off. A trigger whose flows are all paused is not claimed; it is looked at again soon. Next
// due times live in the state store, so a restart does not re-poll everything at once; new
// triggers are spread over their interval by a hash of their key.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "http/client_registry.h"
#include "poll/trigger_poller.h"
#include "service/back_pressure.h"
#include "service/runner_metrics.h"
#include "service/worker_pool.h"
#include "state/state_store.h"

namespace sluice {

struct ScheduledTrigger {
  TriggerSpec spec;
  int64_t everyMs = 300000;
  int64_t slotMs = 0;     // the due time the schedule planned (service/poll_timing.h)
  int64_t nextDueMs = 0;  // when this process asks for it: the slot, spread when shared
  bool inFlight = false;
  int consecutiveErrors = 0;
  // For metrics and the late-poll warning.
  int64_t lastPollMs = 0;
  int64_t watermarkMovedMs = 0;
  int64_t lateMs = 0;  // how late its last poll started
};

class PollScheduler {
 public:
  // taskDone: a poll finished (the runner looks for work at once).
  PollScheduler(const Catalog& catalog, const Config& config, StateStore& state,
                ClientRegistry& clients, const Clock& clock, WorkerPool& pool,
                RunnerMetrics& metrics, const BackPressure& backPressure, const std::string& owner,
                std::function<void()> taskDone);

  // Claims the due triggers (with evenIfNotDue, whatever their stored due time) and polls
  // those this process got.
  void schedule(int64_t now, bool evenIfNotDue = false);
  // Makes every trigger not being polled due now (`--once`, tests).
  void makeAllDue();
  // The soonest due time, if any trigger waits.
  std::optional<int64_t> nextDueMs();
  // Takes over the schedule of the scheduler this one replaces (a reload), once that one has
  // stopped: due times, errors and lateness of the triggers both have. This one was built
  // from the store while the other went on polling, so the store's due times it read are
  // older than the other's.
  void adoptSchedule(PollScheduler& previous);

  const std::vector<std::unique_ptr<ScheduledTrigger>>& triggers() const { return triggers_; }
  // Told when a poll's credentials were refused (the connection and the error), from a worker.
  void onRefused(std::function<void(const std::string&, const std::string&)> refused) {
    refused_ = std::move(refused);
  }
  // Told when a poll's commit put new items in the outbox, from a worker.
  void onItemsQueued(std::function<void()> queued) { itemsQueued_ = std::move(queued); }
  std::vector<TriggerGauges> gauges();

 private:
  void buildTriggers();
  // Whether a flow the trigger feeds is behind on its deliveries (its poll waits).
  bool deferred(const ScheduledTrigger& t) const;  // mutex_ held
  // Takes the due triggers off the queue, reserved (in flight); those of flows behind wait.
  std::vector<ScheduledTrigger*> takeDue(int64_t now, bool evenIfNotDue);
  // The paused flows (state/flow_pause_store.h), read on each pass with due triggers; logs
  // flow.paused and flow.resumed when they change. The last known ones when the store fails.
  std::set<std::string> readPaused();
  // A trigger is polled while one of its flows runs; its paused flows' items wait unsent.
  static bool allPaused(const ScheduledTrigger& t, const std::set<std::string>& paused);
  // How soon a trigger another process holds or has just polled is asked for again.
  int64_t recheckMs(const ScheduledTrigger& t) const;
  void pollTask(ScheduledTrigger* t);
  PollResult pollOnce(const ScheduledTrigger& t);
  void notePollStart(ScheduledTrigger& t, const std::string& flows);
  // Commits a successful poll planned for slot; the time to ask again, and in slotMs the next
  // slot (the recheck time when the lease was lost or the commit failed).
  int64_t commitPolled(ScheduledTrigger& t, PollResult& r, const std::string& flows, int64_t now,
                       int64_t& slotMs, bool& leaseLost);
  int64_t notePollFailure(ScheduledTrigger& t, PollResult& r, const std::string& flows,
                          int64_t now);
  void finished(ScheduledTrigger& t, const PollResult& r, int64_t slot, int64_t next);

  const Catalog& catalog_;
  const Config& config_;
  StateStore& state_;
  ClientRegistry& clients_;
  const Clock& clock_;
  WorkerPool& pool_;
  RunnerMetrics& metrics_;
  const BackPressure& backPressure_;
  const std::string& owner_;
  std::function<void()> taskDone_;
  std::function<void(const std::string&, const std::string&)> refused_;
  std::function<void()> itemsQueued_;
  std::vector<std::unique_ptr<ScheduledTrigger>> triggers_;

  std::mutex mutex_;  // guards the triggers' mutable fields and dueQueue_
  // Due times, soonest first, so that a pass looks at what is due instead of at every trigger
  // (at 100,000 triggers the scans took half the CPU). An entry whose trigger's nextDueMs has
  // changed since, or that is in flight, is stale and skipped.
  struct DueEntry {
    int64_t dueMs;
    ScheduledTrigger* trigger;
    bool operator>(const DueEntry& o) const { return dueMs > o.dueMs; }
  };
  std::priority_queue<DueEntry, std::vector<DueEntry>, std::greater<DueEntry>> dueQueue_;
  std::set<std::string> paused_;  // the paused flows last read, for the log of changes
};

// The flows fed by these triggers, for a log line ("a,b,c and 12 more").
std::string flowNames(const std::vector<ScheduledTrigger*>& triggers);

}  // namespace sluice
