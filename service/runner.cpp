#include "service/runner.h"

#include <algorithm>

#include "core/logger.h"
#include "state/lease_owner.h"
#include "webhooks/webhook_receiver.h"

namespace sluice {

Runner::Runner(const Catalog& catalog, const Config& config, StateStore& state,
               HttpTransport& transport, const Clock& clock, HttpTransport* insecure)
    : catalog_(catalog),
      config_(config),
      state_(state),
      clock_(clock),
      owner_(makeLeaseOwner()),
      metrics_(clock),
      backPressure_(config.settings.maxBacklog, config.settings.maxDeliveryLagMs),
      tokens_(state, config.settings.tokenKey, config.settings.tokenKeyWhere),
      clients_(
          config, catalog, transport, &tokens_, clock,
          [this](int64_t ms) {
            metrics_.rateLimitWait(ms);
            return sleepFor(ms);
          },
          insecure),
      dispatcher_(config, catalog, clients_, state, clock),
      pool_(std::make_unique<WorkerPool>(config.settings.workers, config.settings.maxWorkers)),
      polls_(catalog, config, state, clients_, clock, *pool_, metrics_, backPressure_, owner_,
             [this] { notifyWork(); }),
      deliveries_(dispatcher_, state, clock, config.settings, *pool_, metrics_, owner_,
                  [this] { notifyWork(); }),
      renewer_(state, clock, owner_, config.settings.leaseMs),
      tenants_(catalog, config, state, clients_, clock, [this] { requestTenantRebuild(); }) {
  polls_.onItemsQueued([this] { deliveries_.itemsQueued(); });
  polls_.onRefused([this](const std::string& connection, const std::string& error) {
    tenants_.refused(connection, error);
  });
  // A stored token the key cannot open stops the start, naming its connection: better than a
  // poll failing on it later.
  for (const auto& [name, connection] : config.connections) tokens_.loadTokens(name);
  clients_.shareBudgets(state);
  metrics_.metrics().addCollector([this](Metrics& out) { collectMetrics(out); });
}

Runner::~Runner() {
  requestStop();
  pool_.reset();  // joins after the queued tasks finished
  renewer_.stop();
  // Whatever this runner still holds (a delivery whose record failed) is free for the next.
  releaseLeases();
}

void Runner::releaseLeases() {
  try {
    state_.releaseLeases(owner_);  // another process may take the work over at once
  } catch (const StateError& e) {
    logWarn("lease.release.failed", kv("error", e.what()));
  }
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

void Runner::collectMetrics(Metrics& out) {
  std::optional<int64_t> pending;
  try {
    pending = state_.pendingCount();
  } catch (const StateError&) {
  }
  metrics_.collect(out, polls_.gauges(), pending, firstPass_.load());
  metrics_.collectBehind(out, backPressure_.behindFlows());
  metrics_.collectWorkers(out, pool_->threads(), config_.settings);
  if (tenants_.watching()) {
    try {
      metrics_.collectTenants(out, state_.tenants(""));
    } catch (const StateError&) {
    }
  }
}

bool Runner::sleepFor(int64_t ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop_.load(); });
  return !stop_.load();
}

void Runner::requestStop() {
  stop_ = true;
  wake_.notify_all();
}

void Runner::notifyWork() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    kicked_ = true;
  }
  wake_.notify_all();
}

void Runner::requestReload() {
  reload_ = true;
  requestStop();
}

void Runner::requestTenantRebuild() {
  rebuildTenants_ = true;
  requestStop();
}

void Runner::adoptSchedule(Runner& previous) {
  polls_.adoptSchedule(previous.polls_);
  metrics_.continueFrom(previous.metrics_);
}

void Runner::pollAllNow() {
  polls_.makeAllDue();
  polls_.schedule(clock_.nowMs(), true);
  pool_->waitIdle();
}

void Runner::drainOutbox() {
  while (!stop_) {
    deliveries_.itemsQueued();  // whoever queued them (a test, a benchmark): ask the store
    deliveries_.schedule(clock_.nowMs());
    pool_->waitIdle();
    std::vector<Delivery> due;
    try {
      // Claimed, not just due: another process's deliveries are its to finish.
      due = state_.claimDeliveries(owner_, clock_.nowMs(), 1, config_.settings.leaseMs);
    } catch (const StateError&) {
      return;
    }
    if (due.empty()) return;
  }
}

int Runner::pruneFinished() {
  constexpr int kBatch = 1000;     // one short write transaction each
  constexpr int kMaxBatches = 50;  // the rest waits for the next hour: scheduling goes on
  const int64_t before = clock_.nowMs() - config_.settings.keepDoneMs;
  int total = 0;
  try {
    for (int i = 0; i < kMaxBatches; ++i) {
      const int n = state_.pruneDone(before, kBatch);
      total += n;
      if (n < kBatch) break;
    }
  } catch (const StateError& e) {
    logWarn("state.prune.failed", kv("error", e.what()));
  }
  if (total > 0) logInfo("state.pruned", kv("deliveries", total));
  return total;
}

void Runner::logSummaryIfDue(int64_t now) {
  ActivitySummary& summary = metrics_.summary();
  if (!summary.due(now)) return;
  std::optional<int64_t> pending;
  try {
    pending = state_.pendingCount();
  } catch (const StateError&) {
  }
  if (auto line = summary.lineIfDue(now, pending)) logInfo("summary", *line);
}

void Runner::startWebhooks() {
  if (config_.settings.webhookListen.empty()) return;
  webhooks_ = std::make_unique<WebhookReceiver>(catalog_, config_, state_, clock_, [this] {
    deliveries_.itemsQueued();
    notifyWork();
  });
  webhooks_->onTenantsChanged([this] {
    tenants_.poke();
    notifyWork();
  });
  webhooks_->start(config_.settings.webhookListen);
}

void Runner::loopUntilStopped() {
  while (!stop_) {
    const int64_t now = clock_.nowMs();
    backPressure_.refresh(state_, now);
    polls_.schedule(now);
    deliveries_.schedule(now);
    firstPass_ = true;
    if (now >= nextPruneMs_) {
      nextPruneMs_ = now + 3600 * 1000;
      pruneFinished();
    }
    logSummaryIfDue(now);
    tenants_.tick(now, *pool_);
    int64_t wait = 500;
    if (const auto due = polls_.nextDueMs())
      wait = std::min(wait, std::max<int64_t>(0, *due - now));
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(wait, 20)),
                   [this] { return stop_.load() || kicked_; });
    kicked_ = false;
  }
}

StopReason Runner::run(bool once) {
  logInfo("run.start", kv("flows", static_cast<long long>(config_.flows.size())) + " " +
                           kv("triggers", static_cast<long long>(triggers().size())) + " " +
                           kv("workers", config_.settings.workers) + " " +
                           kv("max_workers", config_.settings.maxWorkers) + " " +
                           kv("owner", owner_));
  renewer_.start();
  if (once) {
    pollAllNow();
    firstPass_ = true;
    drainOutbox();
    pool_->waitIdle();
    renewer_.stop();
    logInfo("run.once.done", kv("pending", static_cast<long long>(state_.pendingCount())));
    return StopReason::Finished;
  }
  startWebhooks();
  loopUntilStopped();
  webhooks_.reset();  // stops taking events; requests in progress finish
  // Finish what is in flight: polls end within their HTTP timeout, waits are interrupted.
  pool_->waitIdle();
  renewer_.stop();
  releaseLeases();
  if (rebuildTenants_ && !reload_) {
    logInfo("run.stop", "reason=tenants");
    return StopReason::Tenants;
  }
  logInfo("run.stop", reload_ ? "reason=reload" : "reason=signal");
  return reload_ ? StopReason::Reload : StopReason::Stopped;
}

}  // namespace sluice
