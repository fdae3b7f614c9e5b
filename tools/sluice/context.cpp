#include "tools/sluice/context.h"

#include "core/logger.h"
#include "http/poco_http_transport.h"

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
