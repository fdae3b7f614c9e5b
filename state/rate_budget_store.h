// Request budgets kept in the store, so that a rate limit holds across restarts and across
// the processes that share one store: a restarted process does not start with a full bucket,
// and N processes together spend one budget, not N.
#pragma once

#include <cstdint>
#include <string>

namespace sluice {

class RateBudgetStore {
 public:
  virtual ~RateBudgetStore() = default;

  // Takes up to `want` requests for `key` in the slice that starts at sliceStartMs, out of
  // `limit` per `slices` + 1 slices of sliceMs: what the last slices + 1 slices (and any later
  // one, counted by a process whose clock is ahead) have used is subtracted. Returns how many
  // it got, 0 when they are spent. Atomic across processes on the store.
  virtual int64_t takeBudget(const std::string& key, int64_t sliceStartMs, int64_t sliceMs,
                             int slices, int64_t limit, int64_t want) = 0;
};

}  // namespace sluice
