// A request budget per connection, shared by its polls and actions: a token bucket with the
// app's defaults from app.yaml, overridden by what the server says in its rate-limit headers
// (remaining 0 -> wait for the window to reset).
#pragma once

#include <cstdint>
#include <mutex>

#include "catalog/app.h"
#include "core/http.h"

namespace sluice {

class RateLimiter {
 public:
  // requests per windowMs; 0 requests = unlimited.
  RateLimiter(int64_t requests, int64_t windowMs);
  static RateLimiter forApp(const App& app, bool testMode);

  // Takes one request from the budget; returns how long the caller must wait first (0 = go).
  int64_t reserve(int64_t nowMs);
  // Reads the server's view from response headers (names from app.yaml).
  void observe(const RateLimitSpec& spec, const HttpResponse& response, int64_t nowMs);
  // The server said 429: nothing goes out before nowMs + waitMs.
  void pause(int64_t nowMs, int64_t waitMs);

  int64_t requests() const { return requests_; }  // per window; 0 = unlimited
  int64_t windowMs() const { return windowMs_; }

 private:
  int64_t requests_;
  int64_t windowMs_;
  std::mutex mutex_;
  double capacity_;
  double refillPerMs_;
  double tokens_;
  int64_t lastMs_ = -1;
  int64_t blockedUntilMs_ = 0;
};

}  // namespace sluice
