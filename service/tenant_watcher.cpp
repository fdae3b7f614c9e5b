#include "service/tenant_watcher.h"

#include <algorithm>

#include "core/logger.h"
#include "tenants/tenant_refresh.h"

namespace sluice {

TenantWatcher::TenantWatcher(const Catalog& catalog, const Config& running, StateStore& state,
                             ClientRegistry& clients, const Clock& clock,
                             std::function<void()> changed)
    : catalog_(catalog),
      running_(running),
      state_(state),
      clients_(clients),
      clock_(clock),
      changed_(std::move(changed)) {
  for (const auto& [name, c] : running.connections) {
    if (!c.parent.empty()) runs_.push_back(name);
    if (!c.tenants.any()) continue;
    agencies_.push_back(name);
    everyMs_ = everyMs_ ? std::min(everyMs_, c.tenants.rediscoverMs) : c.tenants.rediscoverMs;
  }
  std::sort(runs_.begin(), runs_.end());
  // `sluice run` listed them just before this runner was built.
  nextMs_ = clock_.nowMs() + everyMs_;
}

void TenantWatcher::tick(int64_t now, WorkerPool& pool) {
  if (agencies_.empty() || inFlight_.load()) return;
  if (now < nextMs_ && !poked_.exchange(false)) return;
  nextMs_ = now + everyMs_;
  inFlight_ = true;
  pool.submit([this, now] {
    refresh(now);
    inFlight_ = false;
  });
}

void TenantWatcher::poke() {
  poked_ = true;
}

void TenantWatcher::refresh(int64_t now) {
  for (const auto& p : refreshTenants(running_, catalog_, clients_, state_, now))
    logWarn("tenants.refresh.failed",
            kv("connection", p.connection) + " " + kv("error", Logger::instance().mask(p.message)));
  compare();
}

void TenantWatcher::compare() {
  std::vector<std::string> next;
  try {
    next = tenantConnections(running_, state_.tenants(""));
  } catch (const StateError& e) {
    logWarn("tenants.read.failed", kv("error", e.what()));
    return;
  }
  if (next == runs_) return;
  std::vector<std::string> added, gone;
  std::set_difference(next.begin(), next.end(), runs_.begin(), runs_.end(),
                      std::back_inserter(added));
  std::set_difference(runs_.begin(), runs_.end(), next.begin(), next.end(),
                      std::back_inserter(gone));
  for (const auto& name : added) logInfo("tenant.started", kv("connection", name));
  for (const auto& name : gone) logInfo("tenant.stopped", kv("connection", name));
  changed_();
}

void TenantWatcher::refused(const std::string& tenantConnection, const std::string& reason) {
  const auto it = running_.connections.find(tenantConnection);
  if (it == running_.connections.end() || it->second.parent.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!revoked_.insert(tenantConnection).second) return;
  }
  const Connection& c = it->second;
  try {
    state_.markRevoked(c.parent, c.tenantId, reason, clock_.nowMs());
  } catch (const StateError& e) {
    logWarn("tenant.revoke.failed",
            kv("connection", tenantConnection) + " " + kv("error", e.what()));
    return;
  }
  logWarn("tenant.revoked", kv("connection", tenantConnection) + " " +
                                kv("error", Logger::instance().mask(reason)) +
                                " action=paused_until_listed_again");
  compare();
}

}  // namespace sluice
