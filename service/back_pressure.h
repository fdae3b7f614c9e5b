// Back-pressure: a flow whose deliveries fall behind (more pending than settings.max_backlog, or
// a due delivery waiting for a worker longer than max_delivery_lag) gains nothing from more
// polls but a longer outbox, so its trigger's polls wait until it has caught up. Nothing is
// lost: a deferred poll reads from its cursor when it runs. The view comes from the state store
// (one grouped query every few seconds), so every process on one store sees the same backlog.
// A flow is behind from the moment it passes a bound until it is back under 90 % of both, so a
// backlog at the bound does not flip at every refresh.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "service/metrics.h"
#include "state/outbox_store.h"

namespace sluice {

struct BehindFlow {
  std::string flow;
  int64_t pending = 0;
  int64_t lagMs = 0;    // how long its oldest due delivery has waited for a worker
  int64_t sinceMs = 0;  // when it fell behind
};

class BackPressure {
 public:
  static constexpr int64_t kRefreshMs = 5000;

  BackPressure(int64_t maxBacklog, int64_t maxLagMs)
      : maxBacklog_(maxBacklog), maxLagMs_(maxLagMs) {}

  // Reads the backlog when kRefreshMs has passed since the last read (a store error keeps the
  // last view and is logged).
  void refresh(OutboxStore& store, int64_t nowMs);
  // The new view from the store's rows; logs the flows that fall behind or catch up.
  void update(const std::vector<FlowBacklog>& rows, int64_t nowMs);

  bool behind(const std::string& flow) const;
  // The flows behind, the longest backlog first.
  std::vector<BehindFlow> behindFlows() const;

 private:
  bool over(int64_t pending, int64_t lagMs, double share) const;

  const int64_t maxBacklog_;
  const int64_t maxLagMs_;
  int64_t refreshedMs_ = -kRefreshMs;
  mutable std::mutex mutex_;  // guards behind_ (read by poll workers and scrapes)
  std::map<std::string, BehindFlow> behind_;
  LogThrottle log_{10, 1000};  // flow.behind / flow.caught_up: at most 10 lines a second
};

}  // namespace sluice
