// What an app needs beyond its YAML: authentication, app-specific headers and how its
// responses are classified. A connector is created per connection and is thread-safe.
//   authorize(): called by ApiClient before every request.
//   classify():  called by ApiClient on every response: Ok, Retry{after} or Fatal{reason}.
#pragma once

#include <memory>
#include <string>

#include "catalog/app.h"
#include "core/clock.h"
#include "core/json.h"
#include "runtime/config.h"
#include "runtime/http_transport.h"

namespace sluice {

class StateStore;

enum class Outcome { Ok, Retry, Fatal };
const char* toString(Outcome outcome);

struct ApiResult {
  Outcome outcome = Outcome::Fatal;
  int status = 0;                 // HTTP status; 0 when no response arrived
  std::shared_ptr<JsonDoc> json;  // parsed body (Ok, and errors that had a JSON body)
  int64_t retryAfterMs = -1;      // the server's wish (Retry-After, rate-limit reset); -1 = none
  std::string error;              // what went wrong, naming the operation; never a secret
  HttpHeaders headers;
  bool unauthorized = false;  // 401: the connector may refresh and try once more
};

class Connector {
 public:
  Connector(const App& app, const Connection& connection) : app_(app), connection_(connection) {}
  virtual ~Connector() = default;

  // Adds Authorization and app-specific headers. forceRefresh: the last call got a 401.
  // Returns false when there is nothing new to try (no refreshable credentials).
  virtual bool authorize(HttpRequest& request, HttpTransport& transport, bool forceRefresh);
  // Classifies a response. The default reads the app's error shape from app.yaml.
  virtual ApiResult classify(const Operation& op, const HttpResponse& response) const;

  const App& app() const { return app_; }
  const Connection& connection() const { return connection_; }

 protected:
  std::string setting(const std::string& name) const;
  const App& app_;
  const Connection& connection_;
};

// The connector for a connection's app: GhlConnector (OAuth2 refresh) for ghl,
// StripeConnector for stripe, the generic bearer connector otherwise.
std::unique_ptr<Connector> makeConnector(const App& app, const Connection& connection,
                                         StateStore* state, const Clock& clock);

// Retry-After as milliseconds: delta-seconds or an HTTP date; -1 when absent or unreadable.
int64_t parseRetryAfterMs(const std::string& value, int64_t nowMs);

}  // namespace sluice
