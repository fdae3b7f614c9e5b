#include "http/rate_limiter.h"

#include <algorithm>
#include <cstdlib>

namespace sluice {

RateLimiter::RateLimiter(int64_t requests, int64_t windowMs)
    : requests_(requests),
      windowMs_(windowMs),
      capacity_(static_cast<double>(requests)),
      refillPerMs_(requests > 0 && windowMs > 0 ? static_cast<double>(requests) / windowMs : 0),
      tokens_(static_cast<double>(requests)) {}

RateLimiter RateLimiter::forApp(const App& app, bool testMode) {
  const int64_t requests = testMode && app.rateLimit.testRequests > 0 ? app.rateLimit.testRequests
                                                                      : app.rateLimit.requests;
  return RateLimiter(requests, static_cast<int64_t>(app.rateLimit.perSeconds * 1000));
}

int64_t RateLimiter::reserve(int64_t nowMs) {
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t wait = std::max<int64_t>(0, blockedUntilMs_ - nowMs);
  if (capacity_ <= 0) return wait;
  if (lastMs_ >= 0) tokens_ = std::min(capacity_, tokens_ + (nowMs - lastMs_) * refillPerMs_);
  lastMs_ = nowMs;
  tokens_ -= 1;  // may go negative: later callers queue behind this one
  if (tokens_ < 0)
    wait = std::max<int64_t>(wait, static_cast<int64_t>(-tokens_ / refillPerMs_) + 1);
  return wait;
}

void RateLimiter::pause(int64_t nowMs, int64_t waitMs) {
  std::lock_guard<std::mutex> lock(mutex_);
  blockedUntilMs_ = std::max(blockedUntilMs_, nowMs + waitMs);
}

void RateLimiter::observe(const RateLimitSpec& spec, const HttpResponse& response, int64_t nowMs) {
  auto header = [&](const char* role) -> std::string {
    auto it = spec.headers.find(role);
    return it == spec.headers.end() ? "" : response.header(it->second);
  };
  const std::string remaining = header("remaining");
  if (remaining.empty()) return;
  const long left = std::strtol(remaining.c_str(), nullptr, 10);
  std::lock_guard<std::mutex> lock(mutex_);
  // The server knows about other clients of the same account; believe it over our bucket.
  if (capacity_ > 0) tokens_ = std::min(tokens_, static_cast<double>(left));
  if (left <= 0) {
    int64_t windowMs = std::strtoll(header("window_ms").c_str(), nullptr, 10);
    if (windowMs <= 0) windowMs = std::strtoll(header("reset").c_str(), nullptr, 10) * 1000;
    if (windowMs <= 0) windowMs = 1000;
    blockedUntilMs_ = std::max(blockedUntilMs_, nowMs + windowMs);
  }
}

}  // namespace sluice
