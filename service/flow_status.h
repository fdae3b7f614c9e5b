// How each flow is doing, from what the state store knows: what `sluice status` prints and the
// console's overview shows (both read it here, so they always agree).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "state/state_store.h"

namespace sluice {

// A flow whose trigger is this far past its due time is shown as LATE: its polls fall behind
// (or no `sluice run` is polling it). The runner itself warns from 1 s (poll.late).
constexpr int64_t kFlowLateAfterMs = 60 * 1000;

// The store's side of every flow, read once for a listing.
struct StoreView {
  std::map<std::string, TriggerState> byKey;
  std::map<std::string, FlowCounts> counts;  // by flow; queuedSince = since UTC midnight
  // Which process polls which trigger right now (several `sluice run` on one PostgreSQL).
  std::map<std::string, std::string> heldBy;
  std::map<std::string, int64_t> paused;       // flow -> paused since
  std::map<std::string, FlowBacklog> backlog;  // by flow: pending, the oldest due one
};

StoreView readStoreView(StateStore& state, int64_t nowMs);

// A stopped tenant's flow instance ("flow@tenant", config.parkedFlows) whose deliveries wait
// in the outbox until the tenant is back.
struct WaitingInstance {
  std::string flow;
  FlowCounts counts;
};
// Those with deliveries waiting: `sluice status` lists them, the console sums them by tenant.
std::vector<WaitingInstance> waitingInstances(const Config& config, const StoreView& view);

// How many dead letters the flows `chosen` accepts hold, from the store's per-flow counts
// (grouped through its indexes): what a list of dead letters cut at a limit reports as its
// total.
int64_t countDeadLetters(StateStore& state, const std::function<bool(const std::string&)>& chosen);

struct FlowStatus {
  const FlowConfig* flow = nullptr;
  std::string triggerKey;
  const TriggerState* trigger = nullptr;  // none: never polled
  // disabled, paused, never polled, STALE, failing, BEHIND, LATE or ok
  std::string state;
  std::string owner;  // the process polling it now
  int errors = 0;
  int64_t watermarkAgeMs = -1;  // -1: the cursor never moved
  int64_t lateMs = 0;
  int64_t pausedMs = 0;  // when it was paused (state "paused")
  FlowCounts counts;     // backlog, dead letters, queued today
  // How long its oldest due delivery has waited for a worker (service/back_pressure.h).
  int64_t deliveryLagMs = 0;
};

FlowStatus flowStatus(const FlowConfig& flow, const Config& config, const Catalog& catalog,
                      const StoreView& view, int64_t nowMs);

}  // namespace sluice
