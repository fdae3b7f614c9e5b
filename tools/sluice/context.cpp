#include "tools/sluice/context.h"

#include "core/logger.h"
#include "core/text.h"
#include "http/poco_http_transport.h"
#include "tenants/tenant_expansion.h"

#include <chrono>
#include <thread>

namespace sluice::cli {

Context loadContext(const Args& args) {
  Context ctx{Catalog::load(args.get("catalog", Catalog::defaultRoot())), {}};
  ctx.config = loadConfig(args.get("config", "sluice.yaml"), ctx.catalog);
  Logger::instance().setSecrets(ctx.config.secrets());
  return ctx;
}

OneShotClients::OneShotClients(const Context& ctx, StateStore* state)
    : transport(makePocoTransport()), insecure([] {
        TransportOptions unverified;
        unverified.verifyTls = false;
        return makePocoTransport(unverified);
      }()) {
  if (state)
    tokens = std::make_unique<SealedTokenStore>(*state, ctx.config.settings.tokenKey,
                                                ctx.config.settings.tokenKeyWhere);
  registry = std::make_unique<ClientRegistry>(
      ctx.config, ctx.catalog, *transport, tokens.get(), clock,
      [](int64_t ms) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        return true;
      },
      insecure.get());
}

void useStoredTenants(Context& ctx, StateStore& state, const Args& args) {
  const std::string only = args.get("tenant", "");
  if (!hasAgencyConnections(ctx.config) && only.empty()) return;
  ctx.config = expandTenants(ctx.config, ctx.catalog, state.tenants("")).config;
  if (only.empty()) return;
  std::vector<FlowConfig> kept;
  for (auto& f : ctx.config.flows)
    if (f.tenant == only) kept.push_back(std::move(f));
  if (kept.empty())
    throw UsageError("no flow runs for tenant '" + only +
                     "' (is it installed? `sluice status` lists the tenants)");
  ctx.config.flows = std::move(kept);
}

std::vector<const FlowConfig*> flowsNamed(const Context& ctx, const std::string& name) {
  std::vector<const FlowConfig*> found;
  for (const auto& f : ctx.config.flows)
    if (f.name == name || (!f.tenant.empty() && f.base == name)) found.push_back(&f);
  if (!found.empty()) return found;
  std::vector<std::string> known;
  for (const auto& f : ctx.config.flows) known.push_back(f.name);
  throw UsageError("unknown flow '" + name + "' (flows: " + joined(known) + ")");
}

const FlowConfig& requireFlow(const Context& ctx, const std::string& name) {
  const auto found = flowsNamed(ctx, name);
  if (found.size() > 1)
    throw UsageError("flow '" + name + "' runs for " + std::to_string(found.size()) +
                     " tenants: name one with --tenant ID (or " + name + "@ID)");
  return *found[0];
}

std::unique_ptr<StateStore> openState(const Config& config) {
  try {
    // A shared (PostgreSQL) schema is changed only by `sluice migrate`; SQLite migrates itself.
    return openStateStore(config.state, SchemaPolicy::RequireLatest);
  } catch (const StateError& e) {
    std::string message = e.what();
    const std::string placeholder = "sluice migrate -c FILE";
    if (auto at = message.find(placeholder); at != std::string::npos)
      message.replace(at, placeholder.size(), "sluice migrate -c " + config.file);
    throw StateError(message);
  }
}

}  // namespace sluice::cli
