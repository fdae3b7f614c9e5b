#include "apps/registry.h"

#include "apps/ghl/ghl_connector.h"
#include "apps/stripe/stripe_connector.h"

namespace sluice {

std::unique_ptr<Connector> makeConnector(const App& app, const Connection& connection,
                                         StateStore* state, const Clock& clock) {
  if (app.id == "ghl") return std::make_unique<GhlConnector>(app, connection, state, clock);
  if (app.id == "stripe") return std::make_unique<StripeConnector>(app, connection);
  return std::make_unique<Connector>(app, connection);
}

}  // namespace sluice
