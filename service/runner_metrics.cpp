#include "service/runner_metrics.h"

#include <map>

#include <algorithm>

#include "core/logger.h"

namespace sluice {

namespace {

const char* outcomeName(const DeliveryReport* report) {
  if (!report) return "error";  // the outcome could not be recorded; it stays pending
  switch (report->kind) {
    case DeliveryReport::Done:
      return "done";
    case DeliveryReport::Filtered:
      return "filtered";
    case DeliveryReport::Retrying:
      return "retry";
    case DeliveryReport::Dead:
      return "dead";
    case DeliveryReport::Parked:
      return "parked";
  }
  return "error";
}

double seconds(int64_t ms) {
  return static_cast<double>(ms) / 1000.0;
}

}  // namespace

RunnerMetrics::RunnerMetrics(const Clock& clock)
    : clock_(clock), startedMs_(clock.nowMs()), summary_(startedMs_) {
  declare();
}

void RunnerMetrics::declare() {
  using T = Metrics::Type;
  Metrics& m = metrics_;
  m.declare("sluice_polls_total", T::Counter, "Trigger polls by operation and result (ok, error).");
  m.declare("sluice_items_new_total", T::Counter,
            "New items found by polls (before fan-out to the trigger's flows), by operation.");
  m.declare("sluice_items_duplicate_total", T::Counter,
            "Items polls found again and dropped as already seen, by operation.");
  m.declare(
      "sluice_deliveries_total", T::Counter,
      "Delivery attempts by outcome: done, filtered, retry, dead, parked (a stopped tenant's), "
      "error (not recorded).");
  m.declare("sluice_retries_total", T::Counter, "Deliveries scheduled for another attempt.");
  m.declare("sluice_dead_letters_total", T::Counter, "Deliveries that became dead letters.");
  m.declare("sluice_poll_duration_seconds", T::Histogram,
            "Time from a poll's start to its commit, by operation.", Metrics::durationBuckets());
  m.declare("sluice_delivery_duration_seconds", T::Histogram,
            "Time one delivery attempt took (all its steps).", Metrics::durationBuckets());
  m.declare("sluice_delivery_lag_seconds", T::Histogram,
            "Time from an item entering the outbox to its delivery being done.",
            Metrics::lagBuckets());
  m.declare("sluice_poll_lateness_seconds", T::Histogram,
            "How long after its due time a poll started.", Metrics::durationBuckets());
  m.declare("sluice_poll_lateness_max_seconds", T::Gauge,
            "The latest start of a poll after its due time since this runner started.");
  m.declare("sluice_polls_late_total", T::Counter,
            "Polls that started more than 1 s after their due time.");
  m.declare("sluice_polls_deferred_total", T::Counter,
            "Due polls that waited because a flow they feed is behind on its deliveries.");
  m.declare("sluice_rate_limit_waits_total", T::Counter,
            "Requests that waited for their connection's rate limit.");
  m.declare("sluice_rate_limit_wait_seconds_total", T::Counter,
            "Total time requests waited for their connection's rate limit.");
  for (const char* name : {"sluice_polls_late_total", "sluice_polls_deferred_total",
                           "sluice_rate_limit_waits_total", "sluice_rate_limit_wait_seconds_total",
                           "sluice_retries_total", "sluice_dead_letters_total"})
    m.add(name, {}, 0);  // present from the start, so rate() works from the first scrape
  m.set("sluice_poll_lateness_max_seconds", {}, 0);
}

void RunnerMetrics::pollStarted(const TriggerSpec& spec, const std::string& flows, int64_t lateMs,
                                bool becameLate, int64_t everyMs) {
  metrics_.observe("sluice_poll_lateness_seconds", {}, seconds(lateMs));
  metrics_.setMax("sluice_poll_lateness_max_seconds", {}, seconds(lateMs));
  if (lateMs <= kLateAfterMs) return;
  metrics_.add("sluice_polls_late_total");
  summary_.pollLate();
  // Logged when a trigger falls behind, not at every late poll of a backlog, and at most 10
  // lines a second when a whole schedule falls behind (the metric counts every one).
  long long suppressed = 0;
  if (becameLate && lateLog_.allow(clock_.nowMs(), suppressed))
    logWarn("poll.late", kv("flow", flows) + " " + kv("op", spec.op->fullId()) + " " +
                             kv("late_ms", lateMs) + " " + kv("every_s", everyMs / 1000) +
                             (suppressed ? " " + kv("suppressed", suppressed) : ""));
}

void RunnerMetrics::pollFinished(const std::string& op, const PollResult& r, int64_t startedMs) {
  const int64_t now = clock_.nowMs();
  metrics_.add("sluice_polls_total", {{"op", op}, {"result", r.ok ? "ok" : "error"}});
  metrics_.observe("sluice_poll_duration_seconds", {{"op", op}}, seconds(now - startedMs));
  summary_.pollFinished(r.ok, r.ok ? static_cast<int64_t>(r.commit.items.size()) : 0);
  if (!r.ok) return;
  metrics_.add("sluice_items_new_total", {{"op", op}}, r.commit.history.newItems);
  metrics_.add("sluice_items_duplicate_total", {{"op", op}}, r.commit.history.duplicates);
}

void RunnerMetrics::delivered(const Delivery& d, const DeliveryReport* report, int64_t startedMs) {
  const int64_t now = clock_.nowMs();
  const std::string outcome = outcomeName(report);
  metrics_.add("sluice_deliveries_total", {{"outcome", outcome}});
  summary_.delivered(outcome);
  metrics_.observe("sluice_delivery_duration_seconds", {}, seconds(now - startedMs));
  if (outcome == "retry") metrics_.add("sluice_retries_total");
  if (outcome == "dead") metrics_.add("sluice_dead_letters_total");
  if (outcome == "done" && d.createdMs > 0)
    metrics_.observe("sluice_delivery_lag_seconds", {},
                     seconds(std::max<int64_t>(0, now - d.createdMs)));
}

void RunnerMetrics::rateLimitWait(int64_t ms) {
  metrics_.add("sluice_rate_limit_waits_total");
  metrics_.add("sluice_rate_limit_wait_seconds_total", {}, seconds(ms));
}

void RunnerMetrics::pollsDeferred(int64_t count) {
  metrics_.add("sluice_polls_deferred_total", {}, static_cast<double>(count));
}

void RunnerMetrics::collectWorkers(Metrics& out, size_t threads,
                                   const RunSettings& settings) const {
  using T = Metrics::Type;
  out.declare("sluice_workers", T::Gauge,
              "Threads of the worker pool now: from settings.workers, grown while work waits for "
              "a thread, up to settings.max_workers.");
  out.set("sluice_workers", {}, static_cast<double>(threads));
  out.declare("sluice_workers_max", T::Gauge, "settings.max_workers: what the pool may grow to.");
  out.set("sluice_workers_max", {}, static_cast<double>(settings.maxWorkers));
}

void RunnerMetrics::collectBehind(Metrics& out, const std::vector<BehindFlow>& behind) const {
  using T = Metrics::Type;
  out.declare("sluice_flows_behind", T::Gauge,
              "Flows past max_backlog or max_delivery_lag: their polls wait for their deliveries.");
  out.set("sluice_flows_behind", {}, static_cast<double>(behind.size()));
  out.declare("sluice_flow_backlog", T::Gauge,
              "Pending deliveries of a flow that is behind (the worst ones).");
  out.declare("sluice_flow_delivery_lag_seconds", T::Gauge,
              "How long the oldest due delivery of a flow that is behind has waited.");
  for (size_t i = 0; i < behind.size() && i < kMaxTriggerSeries; ++i) {
    const MetricLabels labels = {{"flow", behind[i].flow}};
    out.set("sluice_flow_backlog", labels, static_cast<double>(behind[i].pending));
    out.set("sluice_flow_delivery_lag_seconds", labels, seconds(behind[i].lagMs));
  }
}

void RunnerMetrics::collectTenants(Metrics& out, const std::vector<TenantRecord>& tenants) const {
  out.declare("sluice_tenants", Metrics::Type::Gauge,
              "Tenants (sub-accounts, connected accounts) of agency connections, by state.");
  std::map<std::pair<std::string, std::string>, int> counts;
  for (const auto& t : tenants) counts[{t.connection, tenantStateName(t.state)}]++;
  for (const auto& [key, n] : counts)
    out.set("sluice_tenants", {{"connection", key.first}, {"state", key.second}}, n);
}

namespace {

// Watermark ages, from a minute to a month: how long triggers have gone without a new item.
const std::vector<double>& watermarkAgeBuckets() {
  static const std::vector<double> b = {60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400};
  return b;
}

// One trigger in trouble (failing or late), as a labelled series.
struct TroubledTrigger {
  const TriggerGauges* row;
  double severity;  // failing streak first, then lateness: the worst are kept
};

MetricLabels triggerLabels(const TriggerSpec& spec) {
  std::string flows;
  for (const auto& s : spec.subscribers) flows += (flows.empty() ? "" : ",") + s.flow;
  return {{"flow", flows}, {"op", spec.op->fullId()}};
}

}  // namespace

void RunnerMetrics::collect(Metrics& out, const std::vector<TriggerGauges>& rows,
                            std::optional<int64_t> pending, bool ready) const {
  using T = Metrics::Type;
  out.declare("sluice_outbox_depth", T::Gauge, "Deliveries waiting in the outbox (pending).");
  if (pending) out.set("sluice_outbox_depth", {}, static_cast<double>(*pending));
  out.declare("sluice_ready", T::Gauge, "1 once the first scheduling pass ran.");
  out.set("sluice_ready", {}, ready ? 1 : 0);
  out.declare("sluice_start_time_seconds", T::Gauge, "When this runner started (unix time).");
  out.set("sluice_start_time_seconds", {}, seconds(startedMs_));
  collectTriggers(out, rows);
}

// A scrape stays the same size however many triggers there are: the healthy ones are counted
// into a histogram of watermark ages, and only triggers in trouble get series of their own,
// the kMaxTriggerSeries worst (Prometheus' guidance: bounded label cardinality).
void RunnerMetrics::collectTriggers(Metrics& out, const std::vector<TriggerGauges>& rows) const {
  using T = Metrics::Type;
  const int64_t now = clock_.nowMs();
  out.declare("sluice_triggers", T::Gauge, "Triggers scheduled (enabled flows share them).");
  out.declare("sluice_triggers_stale", T::Gauge,
              "Triggers whose last 3 or more polls failed (watermark not moving).");
  out.declare("sluice_triggers_late", T::Gauge,
              "Triggers whose last poll started more than 1 s after its due time.");
  out.declare("sluice_trigger_watermark_age_seconds", T::Histogram,
              "Triggers by seconds since their cursor last moved (new items or a new sweep).",
              watermarkAgeBuckets());
  out.declare("sluice_trigger_watermark_age_max_seconds", T::Gauge,
              "The longest any trigger has gone without its cursor moving.");
  out.declare("sluice_trigger_consecutive_errors", T::Gauge,
              "Failed polls in a row, per failing trigger (the worst ones).");
  out.declare("sluice_trigger_stale", T::Gauge,
              "1 for a trigger whose watermark has not moved while it keeps failing.");
  out.declare("sluice_trigger_poll_lateness_seconds", T::Gauge,
              "How late the trigger's last poll started, per trigger behind schedule.");
  out.declare("sluice_trigger_series_omitted", T::Gauge,
              "Triggers in trouble left without series of their own beyond the cap.");
  int stale = 0, late = 0;
  double oldest = 0;
  std::vector<TroubledTrigger> troubled;
  for (const TriggerGauges& row : rows) {
    if (row.watermarkMovedMs > 0) {
      const double age = seconds(std::max<int64_t>(0, now - row.watermarkMovedMs));
      out.observe("sluice_trigger_watermark_age_seconds", {}, age);
      oldest = std::max(oldest, age);
    }
    stale += row.consecutiveErrors >= kStaleAfterErrors;
    late += row.lateMs > kLateAfterMs;
    if (row.consecutiveErrors > 0 || row.lateMs > kLateAfterMs)
      troubled.push_back({&row, row.consecutiveErrors * 1e9 + seconds(row.lateMs)});
  }
  const size_t kept = std::min(troubled.size(), kMaxTriggerSeries);
  std::partial_sort(troubled.begin(), troubled.begin() + static_cast<std::ptrdiff_t>(kept),
                    troubled.end(),
                    [](const auto& a, const auto& b) { return a.severity > b.severity; });
  for (size_t i = 0; i < kept; ++i) {
    const TriggerGauges& row = *troubled[i].row;
    const MetricLabels labels = triggerLabels(*row.spec);
    if (row.consecutiveErrors > 0)
      out.set("sluice_trigger_consecutive_errors", labels, row.consecutiveErrors);
    if (row.consecutiveErrors >= kStaleAfterErrors) out.set("sluice_trigger_stale", labels, 1);
    if (row.lateMs > kLateAfterMs)
      out.set("sluice_trigger_poll_lateness_seconds", labels, seconds(row.lateMs));
  }
  out.set("sluice_trigger_watermark_age_max_seconds", {}, oldest);
  out.set("sluice_trigger_series_omitted", {}, static_cast<double>(troubled.size() - kept));
  out.set("sluice_triggers", {}, static_cast<double>(rows.size()));
  out.set("sluice_triggers_stale", {}, stale);
  out.set("sluice_triggers_late", {}, late);
}

}  // namespace sluice
