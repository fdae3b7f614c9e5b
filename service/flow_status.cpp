#include "service/flow_status.h"

#include <algorithm>

#include "poll/trigger_spec.h"
#include "service/runner_metrics.h"

namespace sluice {

std::vector<WaitingInstance> waitingInstances(const Config& config, const StoreView& view) {
  std::vector<WaitingInstance> out;
  for (const std::string& flow : config.parkedFlows) {
    const auto counts = view.counts.find(flow);
    if (counts != view.counts.end() && counts->second.pending > 0)
      out.push_back({flow, counts->second});
  }
  return out;
}

int64_t countDeadLetters(StateStore& state, const std::function<bool(const std::string&)>& chosen) {
  int64_t total = 0;
  // Counted "since" the end of time: the rows queued since then are none, so no row is read
  // for them.
  for (const auto& [flow, counts] : state.flowCounts(INT64_MAX))
    if (chosen(flow)) total += counts.dead;
  return total;
}

StoreView readStoreView(StateStore& state, int64_t nowMs) {
  constexpr int64_t kDayMs = 24 * 3600 * 1000;
  StoreView v;
  for (auto& t : state.triggers()) v.byKey[t.key] = t;
  v.counts = state.flowCounts(nowMs - nowMs % kDayMs);
  for (auto& [key, owner] : state.triggerLeases(nowMs)) v.heldBy[key] = owner;
  v.paused = state.pausedFlows();
  for (auto& b : state.backlogByFlow(nowMs)) v.backlog[b.flow] = b;
  return v;
}

namespace {

// Past a back-pressure bound its polls wait (service/back_pressure.h): behind, not late.
bool behind(const FlowStatus& s, const RunSettings& limits) {
  return s.counts.pending > limits.maxBacklog || s.deliveryLagMs > limits.maxDeliveryLagMs;
}

std::string stateOf(const FlowStatus& s, bool polled, const RunSettings& limits) {
  if (!s.flow->enabled) return "disabled";
  if (s.pausedMs > 0) return "paused";
  if (!polled) return "never polled";
  if (s.errors >= RunnerMetrics::kStaleAfterErrors) return "STALE";
  if (behind(s, limits)) return "BEHIND";
  if (s.errors) return "failing";
  if (s.lateMs > kFlowLateAfterMs) return "LATE";
  return "ok";
}

}  // namespace

FlowStatus flowStatus(const FlowConfig& f, const Config& config, const Catalog& catalog,
                      const StoreView& v, int64_t nowMs) {
  FlowStatus s;
  s.flow = &f;
  s.triggerKey = makeTriggerSpec(f, config, catalog).key;
  const auto it = v.byKey.find(s.triggerKey);
  const TriggerState* t = s.trigger = it == v.byKey.end() ? nullptr : &it->second;
  s.errors = t ? t->consecutiveErrors : 0;
  const bool polled = t && (t->lastPollMs > 0 || s.errors > 0 || !t->cursorJson.empty());
  const auto holder = v.heldBy.find(s.triggerKey);
  s.owner = holder == v.heldBy.end() ? "" : holder->second;
  const auto paused = v.paused.find(f.name);
  s.pausedMs = paused == v.paused.end() ? 0 : std::max<int64_t>(1, paused->second);
  const auto counts = v.counts.find(f.name);
  if (counts != v.counts.end()) s.counts = counts->second;
  s.watermarkAgeMs = t && t->watermarkMovedMs > 0 ? nowMs - t->watermarkMovedMs : -1;
  s.lateMs = f.enabled && t && t->nextDueMs > 0 ? nowMs - t->nextDueMs : 0;
  const auto backlog = v.backlog.find(f.name);
  if (backlog != v.backlog.end() && backlog->second.oldestDueMs > 0)
    s.deliveryLagMs = std::max<int64_t>(0, nowMs - backlog->second.oldestDueMs);
  s.state = stateOf(s, polled, config.settings);
  return s;
}

}  // namespace sluice
