#include "apps/registry.h"

#include "apps/ghl/ghl_connector.h"
#include "apps/ghl/ghl_webhooks.h"
#include "apps/stripe/stripe_connector.h"
#include "apps/stripe/stripe_webhooks.h"

namespace sluice {

namespace {

AppRegistry makeBuiltIn() {
  AppRegistry apps;
  apps.add("ghl", {[](const App& app, const Connection& connection, TokenStore* state,
                      const Clock& clock) -> std::unique_ptr<Connector> {
                     return std::make_unique<GhlConnector>(app, connection, state, clock);
                   },
                   makeGhlWebhooks});
  apps.add("stripe", {[](const App& app, const Connection& connection, TokenStore*,
                         const Clock&) -> std::unique_ptr<Connector> {
                        return std::make_unique<StripeConnector>(app, connection);
                      },
                      makeStripeWebhooks});
  return apps;
}

}  // namespace

const AppRegistry& AppRegistry::builtIn() {
  static const AppRegistry apps = makeBuiltIn();  // built once, never changed
  return apps;
}

std::unique_ptr<Connector> AppRegistry::connector(const App& app, const Connection& connection,
                                                  TokenStore* state, const Clock& clock) const {
  const auto it = apps_.find(app.id);
  if (it == apps_.end() || !it->second.connector)
    return std::make_unique<Connector>(app, connection);
  return it->second.connector(app, connection, state, clock);
}

std::unique_ptr<WebhookSource> AppRegistry::webhooks(const Connection& connection) const {
  const auto it = apps_.find(connection.app);
  if (it == apps_.end() || !it->second.webhooks) return nullptr;
  return it->second.webhooks(connection);
}

}  // namespace sluice
