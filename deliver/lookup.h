// A catalog `lookup`: after an interrupted call of an action that cannot be repeated safely, one
// GET of the lookup operation (its first page) looks for the record the call would have made.
#pragma once

#include <optional>
#include <string>

#include "catalog/catalog.h"
#include "http/api_client.h"

namespace sluice {

// The matching record's JSON (placed at the lookup's `result` pointer), or none; a failed
// lookup says Retry or Fatal with an error naming the operation.
struct LookupResult {
  Outcome outcome = Outcome::Ok;
  std::optional<std::string> record;
  std::string error;
};

LookupResult lookupRecord(const Catalog& catalog, const Operation& op, ApiClient& client,
                          const JsonValue& inputs);

// A lookup's `match`: a record's field (nullptr when missing) against the rendered value. Equal
// text, a missing field and null reading as ""; or two ISO 8601 date-times with zones that name
// the same instant (an API may answer 10:00-05:00 as 15:00:00.000Z).
bool lookupFieldMatches(const JsonValue* field, const std::string& expected);
// A value the call sent against the record's field (nullptr when missing): a scalar as
// lookupFieldMatches; an object when each of its keys matches; an array when it has the same
// members in any order, or with `contain` at least them. Anything else does not match, and
// the call is sent again: a wrong "matches" would lose a write, a wrong "differs" repeats one.
bool sentValueMatches(const JsonValue* field, const JsonValue& sent, bool contain);
// A found record placed at a lookup's `result` pointer ("" = the record itself), as JSON.
std::string lookupResult(const JsonValue& record, const std::string& pointer);

}  // namespace sluice
