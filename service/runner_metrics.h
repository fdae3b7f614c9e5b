// What `sluice run` counts and shows on /metrics: each poll and delivery as it ends, the
// late-poll warning, rate-limit waits, and the gauges computed at scrape time (outbox depth,
// the triggers that are stale or late).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "deliver/dispatcher.h"
#include "poll/trigger_poller.h"
#include "poll/trigger_spec.h"
#include "service/activity_summary.h"
#include "service/back_pressure.h"
#include "service/metrics.h"
#include "state/tenant_store.h"

namespace sluice {

// One trigger as a scrape shows it: a copy of its counters, taken under the scheduler's lock.
struct TriggerGauges {
  const TriggerSpec* spec;  // fixed while its runner lives
  int64_t watermarkMovedMs = 0;
  int64_t lateMs = 0;
  int consecutiveErrors = 0;
};

class RunnerMetrics {
 public:
  // A poll that starts this much after its due time is logged (poll.late) and counted.
  static constexpr int64_t kLateAfterMs = 1000;
  // A trigger whose polls kept failing this many times in a row is flagged in log and status.
  static constexpr int kStaleAfterErrors = 3;
  // Triggers in trouble (failing or late) with series of their own at most, the worst first.
  static constexpr size_t kMaxTriggerSeries = 100;

  explicit RunnerMetrics(const Clock& clock);

  Metrics& metrics() { return metrics_; }
  ActivitySummary& summary() { return summary_; }
  // When the runner started: lateness counts from here for triggers due while it was down.
  int64_t startedMs() const { return startedMs_; }
  // A runner that replaces another (a reload) goes on from its totals, and counts lateness from
  // when the first one started: a poll the switch delays is late.
  void continueFrom(const RunnerMetrics& previous) {
    startedMs_ = previous.startedMs_;
    metrics_.continueFrom(previous.metrics_);
  }

  // becameLate: this poll put the trigger behind schedule (logged once, not at every poll).
  void pollStarted(const TriggerSpec& spec, const std::string& flows, int64_t lateMs,
                   bool becameLate, int64_t everyMs);
  void pollFinished(const std::string& op, const PollResult& result, int64_t startedMs);
  // report is null when the outcome could not be recorded (it stays pending).
  void delivered(const Delivery& delivery, const DeliveryReport* report, int64_t startedMs);
  void rateLimitWait(int64_t ms);
  // Due polls that waited because a flow they feed is behind on its deliveries.
  void pollsDeferred(int64_t count);

  // The scrape-time gauges; pending is the outbox depth when the store answered.
  void collect(Metrics& out, const std::vector<TriggerGauges>& triggers,
               std::optional<int64_t> pending, bool ready) const;
  // The flows behind (back-pressure): a count always, series for the kMaxTriggerSeries worst.
  // Tenants of agency connections by connection and state (a few series per connection:
  // bounded whatever the number of tenants).
  void collectTenants(Metrics& out, const std::vector<TenantRecord>& tenants) const;
  void collectBehind(Metrics& out, const std::vector<BehindFlow>& behind) const;
  // The worker pool's threads now, with its settings (service/worker_pool.h).
  void collectWorkers(Metrics& out, size_t threads, const RunSettings& settings) const;

 private:
  void declare();
  void collectTriggers(Metrics& out, const std::vector<TriggerGauges>& triggers) const;

  const Clock& clock_;
  Metrics metrics_;
  int64_t startedMs_ = 0;
  ActivitySummary summary_;
  LogThrottle lateLog_{10, 1000};  // poll.late lines: at most 10 a second
};

}  // namespace sluice
