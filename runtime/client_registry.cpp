#include "runtime/client_registry.h"

namespace sluice {

ClientRegistry::ClientRegistry(const Config& config, const Catalog& catalog,
                               HttpTransport& transport, StateStore* state, const Clock& clock,
                               Sleeper sleeper) {
  for (const auto& [name, connection] : config.connections) {
    const App* app = catalog.app(connection.app);
    if (!app) throw Error("connection " + name + ": unknown app " + connection.app);
    clients_[name] = std::make_unique<ApiClient>(*app, connection, transport, state, clock, sleeper);
  }
}

ApiClient& ClientRegistry::get(const std::string& connection) {
  auto it = clients_.find(connection);
  if (it == clients_.end()) throw Error("unknown connection '" + connection + "'");
  return *it->second;
}

}  // namespace sluice
