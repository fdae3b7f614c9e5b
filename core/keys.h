// The names sluice gives things, stable across processes and versions: content hashes, the
// key of a trigger's cursor, the idempotency key of one step of one item of one flow.
#pragma once

#include <string>

#include "core/json.h"

namespace sluice {

// key = op id + connection + canonical JSON of the inputs, hashed.
std::string triggerKey(const std::string& op, const std::string& connection,
                       const JsonValue& inputs);

// Stable 64-bit FNV-1a hash as 16 hex digits (content versions, trigger keys).
std::string stableHash(const std::string& text);

// sluice-<hash>-<step>: the same for every attempt of one step of one item of one flow.
std::string idempotencyKey(const std::string& flow, const std::string& itemKey, int step);

}  // namespace sluice
