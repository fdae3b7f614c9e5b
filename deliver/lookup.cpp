#include "deliver/lookup.h"

#include <algorithm>

#include "core/iso_time.h"
#include "http/request_builder.h"
#include "poll/page_walker.h"

namespace sluice {

bool lookupFieldMatches(const JsonValue* field, const std::string& expected) {
  const std::string actual = field ? jsonText(*field) : "";
  if (actual == expected) return true;
  const auto a = parseIsoInstantMs(actual);
  const auto b = a ? parseIsoInstantMs(expected) : std::nullopt;
  return a && b && *a == *b;
}

std::string lookupResult(const JsonValue& record, const std::string& pointer) {
  if (pointer.empty()) return toJson(record);
  JsonDoc answer;
  rapidjson::Pointer(pointer.c_str())
      .Set(answer, JsonValue(record, answer.GetAllocator()), answer.GetAllocator());
  return toJson(answer);
}

namespace {

// The record among the answer's records whose match fields equal the expected values.
LookupResult pickRecord(const LookupSpec& spec, const Operation& lookupOp, const JsonValue& records,
                        const std::vector<std::string>& expected) {
  LookupResult out;
  // The found record goes where the action's own answer holds it ({"note": {...}} for /note),
  // so later steps read it by the same paths whether the call answered or the lookup found it.
  auto matches = [&](const JsonValue& record) {
    if (!record.IsObject()) return false;
    for (size_t i = 0; i < spec.match.size(); ++i)
      if (!lookupFieldMatches(jsonAt(record, spec.match[i].first), expected[i])) return false;
    return true;
  };
  // null: nothing found (GHL's duplicate search answers {"contact": null}); one object: a
  // list of one.
  if (records.IsObject()) {
    if (matches(records)) out.record = lookupResult(records, spec.result);
    return out;
  }
  if (!records.IsArray()) return out;
  // A missing field matches an empty value, so when every value to match is empty (the flow
  // left those inputs out) any record of a list would do: the lookup cannot tell which one
  // the call made, and a wrong "found" would skip the action. A human decides instead.
  const bool nothingToMatch =
      std::all_of(expected.begin(), expected.end(), [](const auto& e) { return e.empty(); });
  if (nothingToMatch && !records.Empty()) {
    out.outcome = Outcome::Fatal;
    out.error = lookupOp.fullId() + ": nothing to match on (every match value is empty)";
    return out;
  }
  for (const auto& record : records.GetArray())
    if (matches(record)) {
      out.record = lookupResult(record, spec.result);
      return out;
    }
  return out;
}

}  // namespace

LookupResult lookupRecord(const Catalog& catalog, const Operation& op, ApiClient& client,
                          const JsonValue& inputs) {
  LookupResult out;
  const LookupSpec& spec = *op.lookup;
  const Operation* lookupOp = catalog.find(op.app + "." + spec.op);
  JsonDoc scratch;
  auto& alloc = scratch.GetAllocator();
  JsonValue conn = connectionJson(client.connection(), alloc);
  MapScope scope;
  scope.set("connection", &conn);
  scope.set("inputs", &inputs);
  std::vector<std::string> expected;
  for (const auto& m : spec.match) expected.push_back(m.second.renderText(scope));
  JsonValue with =
      spec.with.isNull() ? JsonValue(rapidjson::kObjectType) : spec.with.render(scope, alloc);
  // One request: the first page, as a poll of the lookup operation would ask for it.
  const PageParams first = firstPage(lookupOp->paginate);
  const ApiResult r = client.call(*lookupOp, with, &first);
  out.outcome = r.outcome;
  out.error = r.error;
  if (r.outcome != Outcome::Ok || !r.json) return out;
  const JsonValue* records = jsonAt(*r.json, spec.records);
  if (!records || !(records->IsArray() || records->IsObject() || records->IsNull())) {
    out.outcome = Outcome::Retry;
    out.error = ResponseError(lookupOp->fullId(), spec.records.empty() ? "(body)" : spec.records,
                              records ? "expected the records (an array or one object)"
                                      : "missing (expected the records)")
                    .what();
    return out;
  }
  return pickRecord(spec, *lookupOp, *records, expected);
}

}  // namespace sluice
