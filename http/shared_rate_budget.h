// The part of a connection's rate limit that must hold across restarts and across the
// processes on one store (state/rate_budget_store.h): a restarted process does not start with a
// full bucket, and three processes on one PostgreSQL spend one budget together.
//
// The window (e.g. GHL's 100 requests per 10 s) is cut into kSlices slices, and the store counts
// what each slice sent. A request may go when the current slice and the kSlices before it hold
// fewer than the limit: any span of one window touches at most kSlices + 1 slices, so no span
// of one window ever holds more than the limit, whichever processes sent them, and a burst of
// the whole limit is still allowed. A process takes requests from the store a few at a time
// and drops what it holds when the slice ends, so the store sees a few writes per slice, not
// one per request. The in-memory token bucket (http/rate_limiter.h) still smooths the requests
// and follows the server's headers.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "state/rate_budget_store.h"

namespace sluice {

class SharedRateBudget {
 public:
  static constexpr int kSlices = 10;

  // requests per windowMs, counted under key (the connection, or connection and tenant).
  SharedRateBudget(RateBudgetStore& store, std::string key, int64_t requests, int64_t windowMs);

  // Takes one request; returns how long the caller must wait first (0 = go, the request is
  // counted). Throws StateError when the store cannot be reached.
  int64_t reserve(int64_t nowMs);

  int64_t sliceMs() const { return sliceMs_; }

 private:
  RateBudgetStore& store_;
  const std::string key_;
  const int64_t limit_;
  const int64_t sliceMs_;
  const int64_t batch_;  // how many a process takes from the store at a time
  std::mutex mutex_;
  int64_t sliceStart_ = -1;
  int64_t held_ = 0;    // taken from the store for sliceStart_, not yet used
  bool spent_ = false;  // the store said the slice's budget is gone
};

}  // namespace sluice
