// The one place that knows which apps have code beyond their YAML. Adding an app is a folder
// under apps/ (its YAML and its code) and one line in registry.cpp; nothing else in the runtime
// names an app. An app without an entry is all YAML: the generic bearer-token connector, no
// webhooks. Tests add apps of their own to a copy of the built-in registry.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "apps/connector.h"
#include "apps/webhook_source.h"

namespace sluice {

class TokenStore;

struct AppCode {
  using ConnectorFactory = std::function<std::unique_ptr<Connector>(const App&, const Connection&,
                                                                    TokenStore*, const Clock&)>;
  using WebhooksFactory = std::function<std::unique_ptr<WebhookSource>(const Connection&)>;
  // Auth, app headers and error classification; unset = the generic Connector.
  ConnectorFactory connector;
  // Webhook verification and routing for one connection; unset, or returning none = no
  // webhooks for it.
  WebhooksFactory webhooks;
};

class AppRegistry {
 public:
  // The apps sluice ships (registry.cpp).
  static const AppRegistry& builtIn();

  void add(const std::string& app, AppCode code) { apps_[app] = std::move(code); }

  std::unique_ptr<Connector> connector(const App& app, const Connection& connection,
                                       TokenStore* state, const Clock& clock) const;
  // None when the app has no webhooks or the connection does not turn them on.
  std::unique_ptr<WebhookSource> webhooks(const Connection& connection) const;

 private:
  std::map<std::string, AppCode> apps_;
};

}  // namespace sluice
