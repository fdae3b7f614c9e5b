// The tenants of agency and platform connections (GHL sub-accounts, Stripe connected
// accounts) as last discovered, shared by every process on the store: which are installed,
// which were uninstalled (and since when: their cursors are kept for keep_uninstalled in case
// they come back) and which were revoked (their calls are refused; they are not polled until
// a discovery lists them again).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

enum class TenantState { Installed, Uninstalled, Revoked };

const char* tenantStateName(TenantState state);

struct TenantRecord {
  std::string connection;  // the agency connection
  std::string id;
  std::string name;
  std::string recordJson;  // the listed record, for `where:` and pairing by field
  TenantState state = TenantState::Installed;
  int64_t sinceMs = 0;  // when it entered this state
  std::string reason;   // why it was revoked (no secret)
};

class TenantStore {
 public:
  virtual ~TenantStore() = default;

  // A discovery's answer for connection: the listed tenants are installed (a revoked one
  // listed again is tried again), the installed ones not listed are uninstalled from nowMs.
  virtual void recordDiscovery(const std::string& connection,
                               const std::vector<TenantRecord>& listed, int64_t nowMs) = 0;
  // A tenant whose calls are refused (revoked install, 401/403 after a new token).
  virtual void markRevoked(const std::string& connection, const std::string& id,
                           const std::string& reason, int64_t nowMs) = 0;
  // Every tenant of connection ("" = of every connection), by connection then id.
  virtual std::vector<TenantRecord> tenants(const std::string& connection) = 0;
  // Forgets a tenant (after keep_uninstalled).
  virtual void forgetTenant(const std::string& connection, const std::string& id) = 0;
};

}  // namespace sluice
