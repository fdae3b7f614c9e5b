#include "http/api_client.h"

namespace sluice {

ApiClient::ApiClient(const App& app, const Connection& connection, HttpTransport& transport,
                     TokenStore* state, const Clock& clock, Sleeper sleeper,
                     const AppRegistry& apps)
    : app_(app),
      connection_(connection),
      transport_(transport),
      clock_(clock),
      sleeper_(std::move(sleeper)),
      connector_(apps.connector(app, connection, state, clock)),
      limiter_(connection.rateRequests > 0
                   ? RateLimiter(connection.rateRequests, connection.rateWindowMs)
                   : RateLimiter::forApp(app, connector_->testMode())) {}

void ApiClient::shareBudget(RateBudgetStore& store) {
  if (limiter_.requests() <= 0 || limiter_.windowMs() <= 0) return;
  budget_ = std::make_unique<SharedRateBudget>(store, "connection:" + connection_.name,
                                               limiter_.requests(), limiter_.windowMs());
}

HttpResponse ApiClient::sendPaced(const HttpRequest& req, const std::string& what) {
  ApiResult waited;
  // A turn not had now (the limit spent for longer than a caller waits, or a stop) is no
  // answer from the server: the caller tries again later.
  if (!awaitTurn(what, waited)) throw TransientError(waited.error);
  const HttpResponse resp = transport_.send(req);
  limiter_.observe(app_.rateLimit, resp, clock_.nowMs());
  if (resp.status == 429) limiter_.pause(clock_.nowMs(), 1000);
  return resp;
}

bool ApiClient::awaitTurn(const std::string& what, ApiResult& result) {
  int64_t waited = 0;
  int64_t wait = limiter_.reserve(clock_.nowMs());
  for (;;) {
    if (waited + wait > kMaxInlineWaitMs) {
      result.outcome = Outcome::Retry;
      result.retryAfterMs = wait;
      result.error = what + ": rate limit of connection " + connection_.name +
                     " exhausted; next request in " + std::to_string(wait / 1000) + " s";
      return false;
    }
    if (wait > 0 && !sleeper_(wait)) {
      result.outcome = Outcome::Retry;
      result.error = what + ": stopped while waiting for the rate limit";
      return false;
    }
    waited += wait;
    if (!budget_) return true;
    try {
      // Taken when the request really goes, never for a slice ahead: a grant counts in the
      // slice it is sent in, so grants of several threads cannot overshoot a window together.
      wait = budget_->reserve(clock_.nowMs());
    } catch (const StateError& e) {
      result.outcome = Outcome::Retry;
      result.error =
          what + ": rate budget of connection " + connection_.name + " unavailable: " + e.what();
      return false;
    }
    if (wait == 0) return true;
  }
}

ApiResult ApiClient::call(const Operation& op, const JsonValue& inputs, const PageParams* page,
                          const std::string& idempotencyKey) {
  ApiResult result;
  HttpRequest base;
  try {
    base = buildRequest(app_, op, connection_, inputs, page);
  } catch (const Error& e) {
    result.outcome = Outcome::Fatal;
    result.error = e.what();
    return result;
  }
  // An app's idempotency header goes where the API reads it: on the methods that are not
  // idempotent by themselves (Stripe documents Idempotency-Key for POST only). An app without
  // one gets no header at all: its spec declares none.
  const bool keyed = base.method == "POST" || base.method == "PATCH";
  if (!idempotencyKey.empty() && !app_.idempotencyHeader.empty() && keyed)
    base.headers.emplace_back(app_.idempotencyHeader, idempotencyKey);
  bool refreshed = false;
  for (int attempt = 0; attempt < 2; ++attempt) {
    HttpRequest req = base;
    try {
      if (!connector_->authorize(req, transport_, refreshed)) return result;
      // The turn after the credentials: getting a token can take a round trip, and a grant
      // taken before it would be sent in a later slice of the shared budget than it counts in.
      if (!awaitTurn(op.fullId(), result)) return result;
      const HttpResponse resp = transport_.send(req);
      limiter_.observe(app_.rateLimit, resp, clock_.nowMs());
      result = connector_->classify(op, resp);
    } catch (const TransportError& e) {
      result = ApiResult{};
      result.outcome = e.retryable() ? Outcome::Retry : Outcome::Fatal;
      result.error = op.fullId() + ": " + e.what();
      return result;
    } catch (const TransientError& e) {  // no token now: the endpoint was busy
      result = ApiResult{};
      result.outcome = Outcome::Retry;
      result.error = op.fullId() + ": " + e.what();
      return result;
    } catch (const Error& e) {  // token refresh failed
      result = ApiResult{};
      result.outcome = Outcome::Fatal;
      result.unauthorized = true;
      result.error = op.fullId() + ": " + e.what();
      return result;
    }
    if (result.status == 429)
      limiter_.pause(clock_.nowMs(), result.retryAfterMs > 0 ? result.retryAfterMs : 1000);
    if (!result.unauthorized || refreshed) break;
    refreshed = true;  // one refresh, then the 401 stands
  }
  if (result.unauthorized && result.outcome == Outcome::Fatal &&
      result.error.find("401") != std::string::npos)
    result.error += " (token expired or revoked)";
  return result;
}

}  // namespace sluice
