// An incremental poll's start (catalog `since`): once a trigger has a watermark (the newest
// order_by value of a finished sweep), every poll asks the list only from there, less the
// filter's margin, so it reads what is new rather than what exists.
#pragma once

#include <cstdint>
#include <optional>

#include "catalog/operation.h"
#include "core/json.h"

namespace sluice {

// A watermark as an instant in ms: a number (epoch seconds below 1e11, else ms) or an ISO
// 8601 date-time; nothing for anything else (the poll then reads the whole list).
std::optional<int64_t> watermarkMs(const JsonValue& watermark);

// The poll's inputs with the since input set from the watermark where the flow left it out.
// Returns false (out untouched) without a since filter, a watermark, or a readable one.
bool sinceInputs(const Operation& op, const JsonValue& inputs, const JsonValue* watermark,
                 JsonDoc& out);

}  // namespace sluice
