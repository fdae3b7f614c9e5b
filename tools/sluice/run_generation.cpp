#include "tools/sluice/run_generation.h"

#include <chrono>
#include <thread>

#include "core/logger.h"
#include "state/sealed_token_store.h"
#include "tenants/tenant_refresh.h"

namespace sluice::cli {

namespace {

// The config that runs: the written one, or with agency connections one flow instance per
// tenant (kept in expanded).
const Config& runningConfig(const Config& written, const RunParts& parts, bool listTenants,
                            std::optional<TenantExpansion>& expanded) {
  if (!hasAgencyConnections(written)) return written;
  if (listTenants) {
    SealedTokenStore tokens(parts.state, written.settings.tokenKey, written.settings.tokenKeyWhere);
    ClientRegistry clients(
        written, parts.catalog, parts.transport, &tokens, parts.clock,
        [](int64_t ms) {
          std::this_thread::sleep_for(std::chrono::milliseconds(ms));
          return true;
        },
        parts.insecure);
    // The listing spends the agency's requests like the runner's calls will: counted in the
    // same shared budget, so the token grants that follow leave room for it.
    clients.shareBudgets(parts.state);
    for (const auto& p :
         refreshTenants(written, parts.catalog, clients, parts.state, parts.clock.nowMs()))
      logWarn("tenants.refresh.failed", kv("connection", p.connection) + " " +
                                            kv("error", Logger::instance().mask(p.message)));
  }
  expanded = expandTenants(written, parts.catalog, parts.state.tenants(""));
  for (const auto& note : expanded->notes) logWarn("tenant.unpaired", kv("why", note));
  return expanded->config;
}

}  // namespace

RunGeneration::RunGeneration(std::shared_ptr<const Config> written, const RunParts& parts,
                             bool listTenants)
    : written_(std::move(written)),
      running_(&runningConfig(*written_, parts, listTenants, expanded_)),
      runner_(parts.catalog, *running_, parts.state, parts.transport, parts.clock, parts.insecure),
      pages_(parts.catalog, *running_, parts.state, parts.clock, parts.consoleSecret) {}

void NextGeneration::put(std::unique_ptr<RunGeneration> next) {
  std::unique_ptr<RunGeneration> replaced;  // freed outside the lock
  std::lock_guard<std::mutex> lock(mutex_);
  replaced = std::move(next_);
  next_ = std::move(next);
}

std::unique_ptr<RunGeneration> NextGeneration::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::move(next_);
}

bool NextGeneration::waiting() {
  std::lock_guard<std::mutex> lock(mutex_);
  return next_ != nullptr;
}

}  // namespace sluice::cli
