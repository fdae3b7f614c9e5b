// Keeps a runner's tenants current: re-lists each agency connection's tenants every
// `rediscover` (at once when a webhook says the app was installed or uninstalled) on the
// worker pool, and when what the store's tenants make differs from what the runner runs (a
// sub-account installed, one uninstalled, one revoked) asks the runner to rebuild, which
// starts the new tenants' triggers (seeding their cursors like any new trigger) and stops the
// gone ones. A tenant whose calls are refused is marked revoked here: it stops without
// slowing the others and is tried again when a listing shows it installed.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "core/clock.h"
#include "http/client_registry.h"
#include "service/worker_pool.h"
#include "state/state_store.h"

namespace sluice {

class TenantWatcher {
 public:
  // changed: the runner should rebuild with the store's tenants.
  TenantWatcher(const Catalog& catalog, const Config& running, StateStore& state,
                ClientRegistry& clients, const Clock& clock, std::function<void()> changed);

  // From the runner's loop: starts a due refresh on the pool (one at a time).
  void tick(int64_t now, WorkerPool& pool);
  // A webhook said the app was installed or uninstalled somewhere: list again now.
  void poke();
  // A tenant connection's credentials were refused (401/403, no token): mark it revoked.
  void refused(const std::string& tenantConnection, const std::string& reason);

  bool watching() const { return !agencies_.empty(); }

 private:
  void refresh(int64_t now);
  void compare();

  const Catalog& catalog_;
  const Config& running_;
  StateStore& state_;
  ClientRegistry& clients_;
  const Clock& clock_;
  std::function<void()> changed_;
  std::vector<std::string> agencies_;
  std::vector<std::string> runs_;  // the tenant connections the runner runs, sorted
  int64_t everyMs_ = 0;            // the shortest rediscover of the agency connections
  int64_t nextMs_ = 0;
  std::atomic<bool> inFlight_{false};
  std::atomic<bool> poked_{false};
  std::mutex mutex_;
  std::set<std::string> revoked_;  // marked by this runner (logged once)
};

}  // namespace sluice
