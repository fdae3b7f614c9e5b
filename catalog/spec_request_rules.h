// Rules of the conformance check about what a request puts on the wire beyond the fields the
// spec requires: a body whenever the spec requires one, and no query parameter it does not
// declare. Each finding goes to `report` (check name, message), which excuses the ones the
// catalog lists as reasoned exceptions.
#pragma once

#include <functional>
#include <string>

#include "catalog/operation.h"
#include "core/json.h"

namespace sluice {
namespace spec_rules {

using Report = std::function<void(const std::string& check, const std::string& message)>;

// The value a local "$ref" points to (followed up to 8 times); nullptr for another file's.
const JsonValue* resolveRef(const JsonDoc& doc, const JsonValue* value);

// The spec requires a request body, and the operation can go out without one.
void checkBodyRequired(const Operation& op, const JsonValue& specOp, const Report& report);
// A query parameter the operation sends (fixed, input or pagination) that the spec does not
// declare.
void checkQueryDeclared(const Operation& op, const JsonDoc& doc, const JsonValue& specOp,
                        const Report& report);

}  // namespace spec_rules
}  // namespace sluice
