#include "service/back_pressure.h"

#include <algorithm>

#include "core/error.h"
#include "core/logger.h"

namespace sluice {

void BackPressure::refresh(OutboxStore& store, int64_t nowMs) {
  if (nowMs - refreshedMs_ < kRefreshMs) return;
  refreshedMs_ = nowMs;
  try {
    update(store.backlogByFlow(nowMs), nowMs);
  } catch (const StateError& e) {
    logWarn("backlog.read.failed", kv("error", e.what()));
  }
}

bool BackPressure::over(int64_t pending, int64_t lagMs, double share) const {
  return static_cast<double>(pending) > share * static_cast<double>(maxBacklog_) ||
         static_cast<double>(lagMs) > share * static_cast<double>(maxLagMs_);
}

void BackPressure::update(const std::vector<FlowBacklog>& rows, int64_t nowMs) {
  std::map<std::string, BehindFlow> next;
  for (const FlowBacklog& row : rows) {
    const int64_t lag = row.oldestDueMs > 0 ? std::max<int64_t>(0, nowMs - row.oldestDueMs) : 0;
    const auto was = behind_.find(row.flow);
    const bool wasBehind = was != behind_.end();
    if (!over(row.pending, lag, wasBehind ? 0.9 : 1.0)) continue;
    next[row.flow] = {row.flow, row.pending, lag, wasBehind ? was->second.sinceMs : nowMs};
  }
  long long suppressed = 0;
  for (const auto& [flow, b] : next)
    if (!behind_.count(flow) && log_.allow(nowMs, suppressed))
      logWarn("flow.behind", kv("flow", flow) + " " + kv("pending", b.pending) + " " +
                                 kv("lag_s", b.lagMs / 1000) + " " +
                                 kv("max_backlog", maxBacklog_) + " " +
                                 kv("max_lag_s", maxLagMs_ / 1000) + " action=polls_wait" +
                                 (suppressed ? " " + kv("suppressed", suppressed) : ""));
  for (const auto& [flow, b] : behind_)
    if (!next.count(flow) && log_.allow(nowMs, suppressed))
      logInfo("flow.caught_up", kv("flow", flow) + " " +
                                    kv("behind_s", (nowMs - b.sinceMs) / 1000) +
                                    (suppressed ? " " + kv("suppressed", suppressed) : ""));
  std::lock_guard<std::mutex> lock(mutex_);
  behind_ = std::move(next);
}

bool BackPressure::behind(const std::string& flow) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return behind_.count(flow) > 0;
}

std::vector<BehindFlow> BackPressure::behindFlows() const {
  std::vector<BehindFlow> out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [flow, b] : behind_) out.push_back(b);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const BehindFlow& a, const BehindFlow& b) { return a.pending > b.pending; });
  return out;
}

}  // namespace sluice
