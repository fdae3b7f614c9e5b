// A time window the flow did not fix, for list endpoints that want a range (calendar events,
// free slots): [now - back, now + ahead], fresh on every poll, in the operation's format.
#pragma once

#include <cstdint>

#include "catalog/operation.h"
#include "core/json.h"

namespace sluice {

// The trigger's inputs with the window's start and end added where the flow left them out.
// Returns false (out untouched) for operations without a window.
bool windowedInputs(const Operation& op, const JsonValue& inputs, int64_t nowMs, JsonDoc& out);

}  // namespace sluice
