// Sample inputs for an operation, built from the vendor spec so that a request sluice makes
// with them is one the spec takes: the conformance tests (Stripe against spec3.json, GHL
// through Prism) then find what the catalog gets wrong, not what the sampler does.
#pragma once

#include "catalog/operation.h"
#include "catalog/spec_index.h"
#include "core/json.h"

namespace sluice::test {

// A value of the catalog's type that the schema (or an anyOf/oneOf branch of that type) takes:
// its first non-empty enum value, a date-time, email or decimal where the format asks, objects
// and arrays built from their properties and items. $refs resolve in `doc`.
JsonValue sampleValue(const JsonDoc& doc, const JsonValue* schema, ValueType type,
                      JsonAlloc& alloc);

// The spec's schema for an input: its path or query parameter's, or its body field's (JSON or
// form; a `field` pointer followed through properties and items); nullptr when the spec has
// none.
const JsonValue* inputSchema(const SpecIndex::Entry& entry, const InputSpec& in);

// A value for a query (or body) parameter the catalog sets without an input, such as a
// pagination cursor: of the first type its spec schema takes; "sample" when the spec has none.
JsonValue sampleParam(const SpecIndex::Entry* entry, const std::string& name, bool inBody,
                      JsonAlloc& alloc);

// Inputs for one request: every input, or only the required ones (and path ones); inputs with
// a default are left to the request builder; a catalog enum's first value wins.
JsonDoc sampleInputs(const Operation& op, const SpecIndex::Entry* entry, bool all);

}  // namespace sluice::test
