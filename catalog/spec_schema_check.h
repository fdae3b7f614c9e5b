// Whether a value sent as form text (a core/form_decoding tree) fits a JSON schema of the spec
// as Stripe reads form input: sub-keys name properties (or additionalProperties), array
// elements are [] or [N], leaves are text of the schema's type. Part of spec_request_check.
#pragma once

#include <string>
#include <vector>

#include "catalog/spec_request_check.h"
#include "core/form_decoding.h"
#include "core/json.h"

namespace sluice {
namespace spec_schema {

// Findings of `node` against `schema` ($refs resolved in doc); `in` is where the node was
// sent (query, body, path). For the body's root (the top-level fields) pass topLevel = true:
// a field the schema lacks is then an unknown parameter rather than an unknown sub-key.
std::vector<RequestFinding> checkValue(const JsonDoc& doc, const JsonValue& schema,
                                       const FormNode& node, const std::string& in,
                                       bool topLevel = false);

}  // namespace spec_schema
}  // namespace sluice
