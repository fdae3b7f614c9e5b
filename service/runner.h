// `sluice run`'s engine: schedule -> poll -> dedupe -> outbox -> dispatch. It composes the poll
// scheduler (service/poll_scheduler.h), the delivery scheduler (service/delivery_scheduler.h)
// on one bounded worker pool, the lease renewer, the webhook intake and the metrics, and runs
// the loop that wakes them: when a trigger is due, when a task finished, when a webhook
// brought work, at least every half second.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "deliver/dispatcher.h"
#include "http/client_registry.h"
#include "service/delivery_scheduler.h"
#include "service/lease_renewer.h"
#include "service/poll_scheduler.h"
#include "service/runner_metrics.h"
#include "service/tenant_watcher.h"
#include "service/worker_pool.h"
#include "state/sealed_token_store.h"
#include "state/state_store.h"

namespace sluice {

class WebhookReceiver;

// Reload: read the file again (SIGHUP); Tenants: rebuild with the store's tenants.
enum class StopReason { Stopped, Reload, Tenants, Finished };

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
  // The tenants changed (service/tenant_watcher.h): stop and be rebuilt without reading the file.
  void requestTenantRebuild();
  // A webhook said an app was installed or uninstalled: list the tenants again now.
  void tenantsMayHaveChanged() { tenants_.poke(); }
  // Something put work in the outbox from outside (a webhook), or a task finished: look for
  // work now.
  void notifyWork();
  bool stopping() const { return stop_.load(); }

  // Before run(): takes over the schedule of the runner this one replaces, built on the same
  // store and stopped (service/poll_scheduler.h).
  void adoptSchedule(Runner& previous);

  // For tests and `--once`: poll every trigger now, then deliver until nothing is due.
  void pollAllNow();
  void drainOutbox();

  // Deletes finished deliveries queued more than settings.keep_done ago (run() does it every
  // hour, in bounded batches); the number deleted.
  int pruneFinished();
  // The minute's activity line (service/activity_summary.h), once a minute.
  void logSummaryIfDue(int64_t now);

  const std::vector<std::unique_ptr<ScheduledTrigger>>& triggers() const {
    return polls_.triggers();
  }
  // The lease owner id this runner claims work under ("host:pid:random").
  const std::string& owner() const { return owner_; }
  static constexpr int kStaleAfterErrors = RunnerMetrics::kStaleAfterErrors;

  // What /metrics renders, and /readyz: the first scheduling pass ran and the state store
  // answers.
  Metrics& metrics() { return metrics_.metrics(); }
  bool ready();
  // The flows whose polls wait for their deliveries (back-pressure), the worst first.
  std::vector<BehindFlow> behindFlows() const { return backPressure_.behindFlows(); }

 private:
  void collectMetrics(Metrics& out);
  void startWebhooks();
  void loopUntilStopped();
  void releaseLeases();
  // Interruptible wait (rate limits); false when stopping.
  bool sleepFor(int64_t ms);

  const Catalog& catalog_;
  const Config& config_;
  StateStore& state_;
  const Clock& clock_;
  const std::string owner_;
  RunnerMetrics metrics_;
  BackPressure backPressure_;
  SealedTokenStore tokens_;  // settings.token_key seals the stored OAuth tokens
  ClientRegistry clients_;
  Dispatcher dispatcher_;
  std::unique_ptr<WorkerPool> pool_;
  PollScheduler polls_;
  DeliveryScheduler deliveries_;
  LeaseRenewer renewer_;
  TenantWatcher tenants_;

  std::mutex mutex_;  // guards kicked_; the loop and rate-limit waits sleep on wake_
  std::condition_variable wake_;
  bool kicked_ = false;  // a task finished or work arrived: look for work now
  std::atomic<bool> stop_{false};
  std::atomic<bool> reload_{false};
  std::atomic<bool> rebuildTenants_{false};
  std::atomic<bool> firstPass_{false};
  int64_t nextPruneMs_ = 0;                    // run(): when pruneFinished runs next
  std::unique_ptr<WebhookReceiver> webhooks_;  // settings.webhooks, while run() runs
};

}  // namespace sluice
