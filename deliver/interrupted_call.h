// A step marked as sent without a result: the process stopped (or the call timed out, or its
// answer was dropped or cut) while the call was out, so it may have taken effect. Before it is
// sent again, sluice looks where it can (interruptionRule): the call is given time to land (a
// slow server may still carry it out), then its catalog lookup looks for what it made, and
// only when that is not there is it sent again. An upsert counts as landed when the record
// holds what it sent. Without a lookup, a call the API dedupes or that is idempotent is sent
// again; any other goes to the dead letters: a human checks and replays.
#pragma once

#include <cstdint>
#include <string>

#include "catalog/app.h"
#include "config/config.h"
#include "state/outbox_store.h"

namespace sluice {

enum class Interruption {
  Deduped,     // the API dedupes our idempotency key (Stripe): sent again, no second effect
  LookedUp,    // its lookup looks for the effect first; sent again only when it is not there
  Repeated,    // idempotent, no way to look: sent again (the API sees a second write)
  DeadLetter,  // none of these: a dead letter for a human to check
};

// What an interrupted call of `op` gets before it is sent again.
Interruption interruptionRule(const Operation& op, const App& app);
// Whether the step is marked as started before its call: only then can an interruption be
// told apart from a call that never went out.
inline bool marksStart(Interruption rule) {
  return rule == Interruption::LookedUp || rule == Interruption::DeadLetter;
}

// How long an interrupted call (sent, no answer) is given to land before a lookup looks for what
// it made: twice the connection's timeout, at least 5 s.
int64_t settleMs(const Connection& connection);
// When a started step's call was sent (0 when the mark predates keeping the time).
int64_t sentAtMs(const StepResult& started);

}  // namespace sluice
