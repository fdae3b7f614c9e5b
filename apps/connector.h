// What an app needs beyond its YAML: authentication, app-specific headers and how its
// responses are classified. A connector is created per connection and is thread-safe.
//   authorize(): called by ApiClient before every request.
//   classify():  called by ApiClient on every response: Ok, Retry{after} or Fatal{reason}.
#pragma once

#include <memory>
#include <string>

#include "catalog/app.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/json.h"
#include "core/outcome.h"

namespace sluice {

class AgencyLink;
class TokenStore;

class Connector {
 public:
  Connector(const App& app, const Connection& connection) : app_(app), connection_(connection) {}
  virtual ~Connector() = default;

  // Adds Authorization and app-specific headers. forceRefresh: the last call got a 401.
  // Returns false when there is nothing new to try (no refreshable credentials).
  virtual bool authorize(HttpRequest& request, HttpTransport& transport, bool forceRefresh);
  // Classifies a response. The default reads the app's error shape from app.yaml.
  virtual ApiResult classify(const Operation& op, const HttpResponse& response) const;

  // Whether the connection runs against the vendor's test mode, where the app's test rate
  // limit applies (rate_limit.test_requests in app.yaml).
  virtual bool testMode() const { return false; }

  // OAuth 2.0 authorization code (`sluice connect`): trades the code for tokens, checks them
  // against the connection (account, user type, scopes), stores them; a summary for the user
  // without any secret. Throws Error naming the connection and what to do.
  virtual std::string connectWithCode(HttpTransport& transport, const std::string& code,
                                      const std::string& redirectUri);

  // A tenant connection (Connection::parent set) is given its agency connection's client once
  // both exist: apps whose tenants need their own tokens get them through it, under the
  // agency's rate limit.
  virtual void linkAgency(AgencyLink& /*agency*/) {}

  const App& app() const { return app_; }
  const Connection& connection() const { return connection_; }

 protected:
  std::string setting(const std::string& name) const;
  const App& app_;
  const Connection& connection_;
};

// What a tenant connection's connector may use of its agency connection: the agency's
// connector (its tokens), and requests sent under the agency's rate limit and shared budget.
// ApiClient (http/api_client.h) is one.
class AgencyLink {
 public:
  virtual ~AgencyLink() = default;
  virtual Connector& connector() = 0;
  // Throws TransportError, or TransientError when the limit would make it wait too long.
  virtual HttpResponse sendPaced(const HttpRequest& req, const std::string& what) = 0;
};

}  // namespace sluice
