// The one place that knows which apps exist. Adding an app is a folder under apps/ and one line
// in registry.cpp; nothing else in the runtime names an app.
#pragma once

#include <memory>

#include "apps/connector.h"

namespace sluice {

class StateStore;

// The connector for a connection's app; the generic bearer-token connector for an app that
// registers none (an app that is all YAML).
std::unique_ptr<Connector> makeConnector(const App& app, const Connection& connection,
                                         StateStore* state, const Clock& clock);

}  // namespace sluice
