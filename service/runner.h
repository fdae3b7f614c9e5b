// The long-lived scheduler: schedule -> poll -> dedupe -> outbox -> dispatch.
// Due triggers are polled on a bounded worker pool (one poll per trigger at a time); the
// outbox is drained by the same pool, one delivery per flow at a time so a flow's items
// arrive in order. Next due times live in the state store, so a restart does not re-poll
// everything at once; new triggers are spread over their interval by a hash of their key.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "deliver/dispatcher.h"
#include "http/client_registry.h"
#include "poll/trigger_poller.h"
#include "service/metrics.h"
#include "service/worker_pool.h"
#include "state/state_store.h"

namespace sluice {

class WebhookReceiver;

struct ScheduledTrigger {
  TriggerSpec spec;
  int64_t everyMs = 300000;
  int64_t nextDueMs = 0;
  bool inFlight = false;
  int consecutiveErrors = 0;
  // For metrics and the late-poll warning (service/runner_metrics.cpp).
  int64_t lastPollMs = 0;
  int64_t watermarkMovedMs = 0;
  int64_t lateMs = 0;  // how late its last poll started
};

enum class StopReason { Stopped, Reload, Finished };

class Runner {
 public:
  // insecure: the transport for connections with verify_tls: false.
  Runner(const Catalog& catalog, const Config& config, StateStore& state, HttpTransport& transport,
         const Clock& clock, HttpTransport* insecure = nullptr);
  ~Runner();

  // Runs until requestStop() or requestReload(); with once=true, polls every trigger once,
  // delivers everything due, and returns Finished.
  StopReason run(bool once);
  void requestStop();
  void requestReload();
  // Something put work in the outbox from outside (a webhook): look for it now.
  void notifyWork();
  bool stopping() const { return stop_.load(); }

  // For tests and `--once`: poll every trigger now, then deliver until nothing is due.
  void pollAllNow();
  void drainOutbox();

  // Deletes finished deliveries queued more than settings.keep_done ago (run() does it every
  // hour, in bounded batches); the number deleted.
  int pruneFinished();

  const std::vector<std::unique_ptr<ScheduledTrigger>>& triggers() const { return triggers_; }
  // The lease owner id this runner claims work under ("host:pid:random").
  const std::string& owner() const { return owner_; }
  // A trigger whose polls kept failing this many times in a row is flagged in log and status.
  static constexpr int kStaleAfterErrors = 3;

  // Observability (service/runner_metrics.cpp): what /metrics renders, and /readyz: the first
  // scheduling pass ran and the state store answers.
  Metrics& metrics() { return metrics_; }
  bool ready();
  // A poll that starts this much after its due time is logged (poll.late) and counted.
  static constexpr int64_t kLateAfterMs = 1000;

 private:
  void buildTriggers();
  void initMetrics();
  void notePollStart(ScheduledTrigger& t, const std::string& flows);
  void notePollDone(ScheduledTrigger& t, const PollResult& r, int64_t startedMs);
  void noteDelivery(const Delivery& d, const DeliveryReport* report, int64_t startedMs);
  void noteRateLimitWait(int64_t ms);
  void collectMetrics(Metrics& out);
  // Claims the due triggers (claimTriggers) and polls those this process got.
  void schedulePolls(int64_t now, bool evenIfNotDue = false);
  // How soon a trigger another process holds or has just polled is asked for again.
  int64_t recheckMs(const ScheduledTrigger& t) const;
  // A thread renewing this process's leases every third of the lease while run() works.
  void startRenewing();
  void stopRenewing();
  void scheduleDeliveries(int64_t now);
  // The flows fed by these triggers, for a log line ("a,b,c and 12 more").
  static std::string flowNames(const std::vector<ScheduledTrigger*>& triggers);
  void pollTask(ScheduledTrigger* t);
  PollResult pollOnce(const ScheduledTrigger& t);
  int64_t commitPolled(ScheduledTrigger& t, PollResult& r, const std::string& flows, int64_t now,
                       bool& leaseLost);
  int64_t notePollFailure(ScheduledTrigger& t, PollResult& r, const std::string& flows,
                          int64_t now);
  void deliverTask(Delivery d);
  static std::string recordKey(const Delivery& d);
  // Interruptible wait; false when stopping.
  bool sleepFor(int64_t ms);

  const Catalog& catalog_;
  const Config& config_;
  StateStore& state_;
  const Clock& clock_;
  ClientRegistry clients_;
  Dispatcher dispatcher_;
  std::vector<std::unique_ptr<ScheduledTrigger>> triggers_;

  std::mutex mutex_;  // guards inFlight flags, flowsInFlight_, deliveriesInFlight_
  std::condition_variable wake_;
  std::map<std::string, int> flowsInFlight_;  // deliveries running per flow
  std::set<std::string> recordsInFlight_;     // flow + record id: one change at a time
  std::set<int64_t> deliveriesInFlight_;
  // A delivery that finishes between the store listing it and the check above would be sent
  // to the dispatcher again from that stale list: each finish gets a number, and a list read
  // before it skips the delivery.
  uint64_t finishCount_ = 0;
  std::map<int64_t, uint64_t> finishedAt_;  // delivery id -> finishCount_ when it finished
  // Due times, soonest first, so that a pass looks at what is due instead of at every trigger
  // (at 100,000 triggers the scans took half the CPU). An entry whose trigger's nextDueMs has
  // changed since, or that is in flight, is stale and skipped. Guarded by mutex_.
  struct DueEntry {
    int64_t dueMs;
    ScheduledTrigger* trigger;
    bool operator>(const DueEntry& o) const { return dueMs > o.dueMs; }
  };
  std::priority_queue<DueEntry, std::vector<DueEntry>, std::greater<DueEntry>> dueQueue_;
  bool kicked_ = false;  // a task finished: look for work now
  std::atomic<bool> stop_{false};
  std::atomic<bool> reload_{false};
  std::unique_ptr<WorkerPool> pool_;
  Metrics metrics_;
  LogThrottle lateLog_{10, 1000};  // poll.late lines: at most 10 a second
  std::atomic<bool> firstPass_{false};
  int64_t startedMs_ = 0;
  int64_t nextPruneMs_ = 0;                    // run(): when pruneFinished runs next
  std::unique_ptr<WebhookReceiver> webhooks_;  // settings.webhooks, while run() runs

  std::string owner_;
  std::thread renewer_;
  std::mutex renewMutex_;
  std::condition_variable renewWake_;
  bool renewStop_ = false;
};

}  // namespace sluice
