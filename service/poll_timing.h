// When a trigger's polls are due: on a fixed grid of its interval, so that the time a poll
// takes never stretches the interval (`every: 10s` means six polls a minute), and new triggers
// spread over their whole interval so that many flows added at once do not poll together.
#pragma once

#include <cstdint>
#include <string>

namespace sluice {
namespace poll_timing {

// The first due time of a trigger never polled: now plus a share of its interval picked by a
// hash of its key (the same key lands in the same place after a restart).
int64_t firstSlotMs(const std::string& key, int64_t nowMs, int64_t everyMs);

// The slot after slotMs (the due time the finished poll was planned for) that is still ahead
// at nowMs: slotMs + everyMs, or, when the poll ran past that, the next slot on the same grid
// (a missed slot is skipped, not made up in a burst). slotMs <= 0 (a forced poll) starts a
// new grid at nowMs.
int64_t nextSlotMs(int64_t slotMs, int64_t nowMs, int64_t everyMs);

}  // namespace poll_timing
}  // namespace sluice
