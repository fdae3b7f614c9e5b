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

bool sentValueMatches(const JsonValue* field, const JsonValue& sent, bool contain) {
  if (sent.IsObject()) {
    if (!field || !field->IsObject()) return false;
    for (const auto& m : sent.GetObject()) {
      const auto f = field->FindMember(m.name);
      if (!sentValueMatches(f == field->MemberEnd() ? nullptr : &f->value, m.value, contain))
        return false;
    }
    return true;
  }
  if (sent.IsArray()) {
    if (!field || !field->IsArray()) return false;
    if (!contain && field->Size() != sent.Size()) return false;
    // Each sent member takes a record member of its own, so [a, a] does not match [a, b].
    std::vector<bool> taken(field->Size(), false);
    for (const auto& s : sent.GetArray()) {
      bool found = false;
      for (rapidjson::SizeType i = 0; i < field->Size() && !found; ++i)
        if (!taken[i] && sentValueMatches(&(*field)[i], s, contain)) found = taken[i] = true;
      if (!found) return false;
    }
    return true;
  }
  if (field && (field->IsObject() || field->IsArray())) return false;
  return lookupFieldMatches(field, jsonText(sent));
}

std::string lookupResult(const JsonValue& record, const std::string& pointer) {
  if (pointer.empty()) return toJson(record);
  JsonDoc answer;
  rapidjson::Pointer(pointer.c_str())
      .Set(answer, JsonValue(record, answer.GetAllocator()), answer.GetAllocator());
  return toJson(answer);
}

namespace {

// What a found record must hold: the rendered `match` values, and the values the call sent
// (record pointer -> value) for the `sent` inputs the flow set.
struct Expected {
  std::vector<std::string> match;
  std::vector<std::pair<std::string, const JsonValue*>> sent;
};

// A field name as a JSON pointer: "~" and "/" in a name are escaped (RFC 6901).
std::string pointerToField(const std::string& name) {
  std::string out = "/";
  for (char c : name) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// The sent inputs the flow set (null = not sent), each at its wire name in the record.
std::vector<std::pair<std::string, const JsonValue*>> sentFields(const Operation& op,
                                                                 const JsonValue& inputs) {
  std::vector<std::pair<std::string, const JsonValue*>> out;
  for (const auto& name : op.lookup->sentInputs) {
    const InputSpec* in = op.input(name);
    const auto value = inputs.IsObject() ? inputs.FindMember(name.c_str()) : inputs.MemberEnd();
    if (!in || value == inputs.MemberEnd() || value->value.IsNull()) continue;
    const std::string& wire = in->wireName();
    out.emplace_back(wire[0] == '/' ? wire : pointerToField(wire), &value->value);
  }
  return out;
}

// The record among the answer's records whose match fields equal the expected values.
LookupResult pickRecord(const LookupSpec& spec, const Operation& lookupOp, const JsonValue& records,
                        const Expected& expected) {
  LookupResult out;
  // The found record goes where the action's own answer holds it ({"note": {...}} for /note),
  // so later steps read it by the same paths whether the call answered or the lookup found it.
  auto matches = [&](const JsonValue& record) {
    if (!record.IsObject()) return false;
    for (size_t i = 0; i < spec.match.size(); ++i)
      if (!lookupFieldMatches(jsonAt(record, spec.match[i].first), expected.match[i])) return false;
    for (const auto& [pointer, value] : expected.sent)
      if (!sentValueMatches(jsonAt(record, pointer), *value, spec.sentArraysContain)) return false;
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
      expected.sent.empty() && std::all_of(expected.match.begin(), expected.match.end(),
                                           [](const auto& e) { return e.empty(); });
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
  Expected expected;
  for (const auto& m : spec.match) expected.match.push_back(m.second.renderText(scope));
  expected.sent = sentFields(op, inputs);
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
