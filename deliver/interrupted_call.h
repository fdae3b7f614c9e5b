// A step marked as sent without a result: the process stopped (or the call timed out) while
// the call was out, so it may have taken effect. An action that is not safe to repeat is first
// given time to land (a slow server may still carry it out), then its catalog lookup looks for
// what it made; only when nothing is found is it sent again. Without a lookup it goes to the
// dead letters: a human checks and replays.
#pragma once

#include <cstdint>
#include <string>

#include "config/config.h"
#include "state/outbox_store.h"

namespace sluice {

// How long an interrupted call (sent, no answer) is given to land before a lookup looks for what
// it made: twice the connection's timeout, at least 5 s.
int64_t settleMs(const Connection& connection);
// When a started step's call was sent (0 when the mark predates keeping the time).
int64_t sentAtMs(const StepResult& started);

}  // namespace sluice
