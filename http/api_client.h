// One connection's door to its API: builds the request from the catalog, waits for the rate
// limiter, authorizes (refreshing OAuth tokens on 401 once), sends, and classifies. Used by
// the poller for every page and by the dispatcher for every action call.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "apps/connector.h"
#include "apps/registry.h"
#include "http/rate_limiter.h"
#include "http/request_builder.h"
#include "http/shared_rate_budget.h"

namespace sluice {

// Waits ms milliseconds; returns false when the process is stopping (give up the call).
using Sleeper = std::function<bool(int64_t ms)>;

class ApiClient : public AgencyLink {
 public:
  ApiClient(const App& app, const Connection& connection, HttpTransport& transport,
            TokenStore* state, const Clock& clock, Sleeper sleeper,
            const AppRegistry& apps = AppRegistry::builtIn());

  // Never throws for API or network trouble: the result says Ok, Retry or Fatal with an
  // error naming the operation. idempotencyKey: sent in the app's idempotency header, if it
  // has one.
  ApiResult call(const Operation& op, const JsonValue& inputs, const PageParams* page = nullptr,
                 const std::string& idempotencyKey = "");

  const Connection& connection() const { return connection_; }
  RateLimiter& limiter() { return limiter_; }
  Connector& connector() override { return *connector_; }
  // A request the app's own code builds (a tenant's token, asked for with the agency's),
  // sent under this connection's rate limit and shared budget. what names it in errors.
  HttpResponse sendPaced(const HttpRequest& req, const std::string& what) override;
  // From now on the connection's limit also holds across restarts and across the processes
  // on this store (http/shared_rate_budget.h). A connection without a limit is left alone.
  void shareBudget(RateBudgetStore& store);
  // Longest wait the client accepts for its rate limiter before it reports Retry instead.
  static constexpr int64_t kMaxInlineWaitMs = 60 * 1000;

 private:
  const App& app_;
  const Connection& connection_;
  HttpTransport& transport_;
  const Clock& clock_;
  Sleeper sleeper_;
  std::unique_ptr<Connector> connector_;
  RateLimiter limiter_;
  std::unique_ptr<SharedRateBudget> budget_;

  // Waits for the local bucket, then for the shared budget (slice by slice), as long as that
  // is at most kMaxInlineWaitMs; false, with result a Retry, when the call cannot go now.
  bool awaitTurn(const std::string& what, ApiResult& result);
};

}  // namespace sluice
