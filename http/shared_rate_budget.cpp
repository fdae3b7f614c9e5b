#include "http/shared_rate_budget.h"

#include <algorithm>

namespace sluice {

SharedRateBudget::SharedRateBudget(RateBudgetStore& store, std::string key, int64_t requests,
                                   int64_t windowMs)
    : store_(store),
      key_(std::move(key)),
      limit_(requests),
      sliceMs_(std::max<int64_t>(1, windowMs / kSlices)),
      // A fortieth of the limit at a time: a few store writes per slice, and what a process
      // holds back unused (dropped when the slice ends) stays small.
      batch_(std::max<int64_t>(1, requests / 40)) {}

int64_t SharedRateBudget::reserve(int64_t nowMs) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t slice = nowMs - nowMs % sliceMs_;
  if (slice != sliceStart_) {
    sliceStart_ = slice;
    held_ = 0;
    spent_ = false;
  }
  if (held_ == 0 && !spent_) {
    held_ = store_.takeBudget(key_, sliceStart_, sliceMs_, kSlices, limit_, batch_);
    spent_ = held_ == 0;
  }
  if (held_ == 0) return sliceStart_ + sliceMs_ - nowMs;  // the next slice
  --held_;
  return 0;
}

}  // namespace sluice
