#include "http/client_registry.h"

namespace sluice {

ClientRegistry::ClientRegistry(const Config& config, const Catalog& catalog,
                               HttpTransport& transport, TokenStore* state, const Clock& clock,
                               Sleeper sleeper, HttpTransport* insecure, const AppRegistry& apps) {
  for (const auto& [name, connection] : config.connections) {
    const App* app = catalog.app(connection.app);
    if (!app) throw Error("connection " + name + ": unknown app " + connection.app);
    // Verification is switched off only for the connection that asked, never for the others.
    if (!connection.verifyTls && !insecure)
      throw Error("connection " + name + ": verify_tls: false, but no unverified transport given");
    HttpTransport& t = connection.verifyTls ? transport : *insecure;
    clients_[name] = std::make_unique<ApiClient>(*app, connection, t, state, clock, sleeper, apps);
  }
  for (const auto& [name, connection] : config.connections) {
    if (connection.parent.empty()) continue;
    auto agency = clients_.find(connection.parent);
    if (agency == clients_.end())
      throw Error("connection " + name + ": its agency connection " + connection.parent +
                  " is missing");
    clients_[name]->connector().linkAgency(*agency->second);
  }
}

void ClientRegistry::shareBudgets(RateBudgetStore& store) {
  for (auto& [name, client] : clients_) client->shareBudget(store);
}

ApiClient& ClientRegistry::get(const std::string& connection) {
  auto it = clients_.find(connection);
  if (it == clients_.end()) throw Error("unknown connection '" + connection + "'");
  return *it->second;
}

}  // namespace sluice
