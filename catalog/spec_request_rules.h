// Rules of the conformance check about what a request puts on the wire beyond the fields the
// spec requires: a body whenever the spec requires one, and no query parameter, body field or
// header it does not declare. Each finding goes to `report` (check name, message), which excuses
// the ones the catalog lists as reasoned exceptions.
#pragma once

#include <functional>
#include <string>

#include "catalog/app.h"
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

// A top-level body field the operation sends (fixed, input or pagination) that the spec's
// request body schema does not declare. A schema open to more properties (additionalProperties,
// or none listed) declares every name.
void checkBodyDeclared(const Operation& op, const JsonDoc& doc, const JsonValue& specOp,
                       const Report& report);
// A header the operation sends (the app's, its file's or its own) that the spec does not
// declare as a header parameter. Accept, Content-Type and Authorization are HTTP's own (OpenAPI
// ignores them as parameters), and so are User-Agent and the framing headers.
void checkHeadersDeclared(const App& app, const Operation& op, const JsonDoc& doc,
                          const JsonValue& specOp, const Report& report);

}  // namespace spec_rules
}  // namespace sluice
