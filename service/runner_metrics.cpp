// The Runner's metrics: what each poll and delivery counts, the late-poll warning, and the
// gauges computed at scrape time (outbox depth, one set per trigger). Kept apart from
// runner.cpp, which calls these hooks at the start and end of each task.
#include <algorithm>

#include "core/logger.h"
#include "service/runner.h"

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
  }
  return "error";
}

double seconds(int64_t ms) {
  return static_cast<double>(ms) / 1000.0;
}

}  // namespace

void Runner::initMetrics() {
  using T = Metrics::Type;
  startedMs_ = clock_.nowMs();
  Metrics& m = metrics_;
  m.declare("sluice_polls_total", T::Counter, "Trigger polls by operation and result (ok, error).");
  m.declare("sluice_items_new_total", T::Counter,
            "New items found by polls (before fan-out to the trigger's flows), by operation.");
  m.declare("sluice_items_duplicate_total", T::Counter,
            "Items polls found again and dropped as already seen, by operation.");
  m.declare("sluice_deliveries_total", T::Counter,
            "Delivery attempts by outcome: done, filtered, retry, dead, error (not recorded).");
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
  m.declare("sluice_rate_limit_waits_total", T::Counter,
            "Requests that waited for their connection's rate limit.");
  m.declare("sluice_rate_limit_wait_seconds_total", T::Counter,
            "Total time requests waited for their connection's rate limit.");
  for (const char* name : {"sluice_polls_late_total", "sluice_rate_limit_waits_total",
                           "sluice_rate_limit_wait_seconds_total", "sluice_retries_total",
                           "sluice_dead_letters_total"})
    m.add(name, {}, 0);  // present from the start, so rate() works from the first scrape
  m.set("sluice_poll_lateness_max_seconds", {}, 0);
  m.addCollector([this](Metrics& out) { collectMetrics(out); });
}

bool Runner::ready() {
  if (!firstPass_.load()) return false;
  try {
    state_.pendingCount();
    return true;
  } catch (const StateError&) {
    return false;
  }
}

void Runner::notePollStart(ScheduledTrigger& t, const std::string& flows) {
  const int64_t now = clock_.nowMs();
  int64_t late = 0;
  bool became = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Forced polls (--once, tests) have no due time. A due time from before this runner
    // started (the process was down) counts from the start.
    if (t.nextDueMs <= 0) return;
    late = std::max<int64_t>(0, now - std::max(t.nextDueMs, startedMs_));
    became = late > kLateAfterMs && t.lateMs <= kLateAfterMs;
    t.lateMs = late;
  }
  metrics_.observe("sluice_poll_lateness_seconds", {}, seconds(late));
  metrics_.setMax("sluice_poll_lateness_max_seconds", {}, seconds(late));
  if (late <= kLateAfterMs) return;
  metrics_.add("sluice_polls_late_total");
  // Logged when a trigger falls behind, not at every late poll of a backlog, and at most 10
  // lines a second when a whole schedule falls behind (the metric counts every one).
  long long suppressed = 0;
  if (became && lateLog_.allow(now, suppressed))
    logWarn("poll.late", kv("flow", flows) + " " + kv("op", t.spec.op->fullId()) + " " +
                             kv("late_ms", late) + " " + kv("every_s", t.everyMs / 1000) +
                             (suppressed ? " " + kv("suppressed", suppressed) : ""));
}

void Runner::notePollDone(ScheduledTrigger& t, const PollResult& r, int64_t startedMs) {
  const int64_t now = clock_.nowMs();
  const std::string op = t.spec.op->fullId();
  metrics_.add("sluice_polls_total", {{"op", op}, {"result", r.ok ? "ok" : "error"}});
  metrics_.observe("sluice_poll_duration_seconds", {{"op", op}}, seconds(now - startedMs));
  if (!r.ok) return;
  metrics_.add("sluice_items_new_total", {{"op", op}}, r.commit.history.newItems);
  metrics_.add("sluice_items_duplicate_total", {{"op", op}}, r.commit.history.duplicates);
  std::lock_guard<std::mutex> lock(mutex_);
  t.lastPollMs = now;
  if (r.commit.cursorMoved) t.watermarkMovedMs = now;
}

void Runner::noteDelivery(const Delivery& d, const DeliveryReport* report, int64_t startedMs) {
  const int64_t now = clock_.nowMs();
  const std::string outcome = outcomeName(report);
  metrics_.add("sluice_deliveries_total", {{"outcome", outcome}});
  metrics_.observe("sluice_delivery_duration_seconds", {}, seconds(now - startedMs));
  if (outcome == "retry") metrics_.add("sluice_retries_total");
  if (outcome == "dead") metrics_.add("sluice_dead_letters_total");
  if (outcome == "done" && d.createdMs > 0)
    metrics_.observe("sluice_delivery_lag_seconds", {},
                     seconds(std::max<int64_t>(0, now - d.createdMs)));
}

void Runner::noteRateLimitWait(int64_t ms) {
  metrics_.add("sluice_rate_limit_waits_total");
  metrics_.add("sluice_rate_limit_wait_seconds_total", {}, seconds(ms));
}

void Runner::collectMetrics(Metrics& out) {
  using T = Metrics::Type;
  struct Row {
    const ScheduledTrigger* t;
    int64_t watermarkMovedMs, lateMs;
    int errors;
  };
  std::vector<Row> rows;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    rows.reserve(triggers_.size());
    for (const auto& t : triggers_)
      rows.push_back({t.get(), t->watermarkMovedMs, t->lateMs, t->consecutiveErrors});
  }
  const int64_t now = clock_.nowMs();
  out.declare("sluice_outbox_depth", T::Gauge, "Deliveries waiting in the outbox (pending).");
  try {
    out.set("sluice_outbox_depth", {}, static_cast<double>(state_.pendingCount()));
  } catch (const StateError&) {
  }
  out.declare("sluice_ready", T::Gauge, "1 once the first scheduling pass ran.");
  out.set("sluice_ready", {}, firstPass_.load() ? 1 : 0);
  out.declare("sluice_start_time_seconds", T::Gauge, "When this runner started (unix time).");
  out.set("sluice_start_time_seconds", {}, seconds(startedMs_));
  out.declare("sluice_triggers", T::Gauge, "Triggers scheduled (enabled flows share them).");
  out.declare("sluice_triggers_stale", T::Gauge,
              "Triggers whose last 3 or more polls failed (watermark not moving).");
  out.declare("sluice_triggers_late", T::Gauge,
              "Triggers whose last poll started more than 1 s after its due time.");
  // Per trigger. Stale, late and error gauges appear only for triggers in that condition,
  // so a large installation's scrape stays one line per trigger.
  out.declare("sluice_trigger_watermark_age_seconds", T::Gauge,
              "Seconds since the trigger's cursor last moved (new items or a new sweep).");
  out.declare("sluice_trigger_consecutive_errors", T::Gauge,
              "Failed polls in a row (only triggers that are failing).");
  out.declare("sluice_trigger_stale", T::Gauge,
              "1 for a trigger whose watermark has not moved while it keeps failing.");
  out.declare("sluice_trigger_poll_lateness_seconds", T::Gauge,
              "How late the trigger's last poll started (only triggers behind schedule).");
  int stale = 0, late = 0;
  for (const Row& row : rows) {
    std::string flows;
    for (const auto& s : row.t->spec.subscribers) flows += (flows.empty() ? "" : ",") + s.flow;
    const MetricLabels labels = {{"flow", flows}, {"op", row.t->spec.op->fullId()}};
    if (row.watermarkMovedMs > 0)
      out.set("sluice_trigger_watermark_age_seconds", labels,
              seconds(std::max<int64_t>(0, now - row.watermarkMovedMs)));
    if (row.errors > 0) out.set("sluice_trigger_consecutive_errors", labels, row.errors);
    if (row.errors >= kStaleAfterErrors) {
      out.set("sluice_trigger_stale", labels, 1);
      ++stale;
    }
    if (row.lateMs > kLateAfterMs) {
      out.set("sluice_trigger_poll_lateness_seconds", labels, seconds(row.lateMs));
      ++late;
    }
  }
  out.set("sluice_triggers", {}, static_cast<double>(rows.size()));
  out.set("sluice_triggers_stale", {}, stale);
  out.set("sluice_triggers_late", {}, late);
}

}  // namespace sluice
