#include "service/poll_timing.h"

#include <algorithm>

#include "core/keys.h"

namespace sluice {
namespace poll_timing {

int64_t firstSlotMs(const std::string& key, int64_t nowMs, int64_t everyMs) {
  const uint64_t h = std::stoull(stableHash(key).substr(0, 12), nullptr, 16);
  return nowMs + static_cast<int64_t>(h % static_cast<uint64_t>(std::max<int64_t>(everyMs, 1)));
}

int64_t nextSlotMs(int64_t slotMs, int64_t nowMs, int64_t everyMs) {
  everyMs = std::max<int64_t>(everyMs, 1);
  if (slotMs <= 0) return nowMs + everyMs;
  const int64_t next = slotMs + everyMs;
  if (next > nowMs) return next;
  return slotMs + ((nowMs - slotMs) / everyMs + 1) * everyMs;
}

}  // namespace poll_timing
}  // namespace sluice
