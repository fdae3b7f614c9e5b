#include "catalog/spec_request_rules.h"

#include <set>

namespace sluice {
namespace spec_rules {

const JsonValue* resolveRef(const JsonDoc& doc, const JsonValue* value) {
  for (int depth = 0; value && value->IsObject() && depth < 8; ++depth) {
    auto ref = value->FindMember("$ref");
    if (ref == value->MemberEnd() || !ref->value.IsString()) return value;
    const std::string target = ref->value.GetString();
    if (target.rfind("#", 0) != 0) return nullptr;  // another file: not followed
    value = jsonAt(doc, target.substr(1));
  }
  return value;
}

namespace {

// Whether every call has a body: a fixed request.body (even {}), a body input that is always
// given (required or defaulted), or pagination in the body.
bool alwaysSendsBody(const Operation& op) {
  if (!op.request.body.isNull()) return true;
  if (op.paginate.style != PaginationStyle::None && op.paginate.inBody) return true;
  for (const auto& in : op.inputs)
    if (in.in == InputLocation::Body && (in.required || in.defaultValue)) return true;
  return false;
}

}  // namespace

// A spec that requires a request body gets one on every call, even when the flow sets no body
// input: a `request.body` of at least {} is what makes sluice send it then.
void checkBodyRequired(const Operation& op, const JsonValue& specOp, const Report& report) {
  const JsonValue* required = jsonAt(specOp, "/requestBody/required");
  if (required && required->IsBool() && required->GetBool() && !alwaysSendsBody(op))
    report("body",
           "the spec requires a request body: set request.body (at least {}) so one is "
           "sent even when no body input is given");
}

namespace {

// The query parameters the operation can send: fixed ones, inputs (Stripe's bracket forms by
// their base name) and the pagination's.
std::set<std::string> queryNames(const Operation& op) {
  std::set<std::string> names;
  for (const auto& m : op.request.query.members()) names.insert(m.first);
  for (const auto& in : op.inputs)
    if (in.in == InputLocation::Query)
      names.insert(in.wireName().substr(0, in.wireName().find('[')));
  const Pagination& p = op.paginate;
  if (p.style != PaginationStyle::None && !p.inBody) {
    for (const std::string* name : {&p.pageParam, &p.offsetParam, &p.limitParam})
      if (!name->empty()) names.insert(*name);
    for (const auto& next : p.next) names.insert(next.first);
  }
  return names;
}

}  // namespace

// Every query parameter the operation sends is one the spec declares.
void checkQueryDeclared(const Operation& op, const JsonDoc& doc, const JsonValue& specOp,
                        const Report& report) {
  std::set<std::string> declared;
  if (const JsonValue* params = jsonAt(specOp, "/parameters"); params && params->IsArray())
    for (const auto& raw : params->GetArray()) {
      const JsonValue* p = resolveRef(doc, &raw);
      if (p && p->IsObject() && p->HasMember("name") && p->HasMember("in") &&
          std::string((*p)["in"].GetString()) == "query")
        declared.insert((*p)["name"].GetString());
    }
  for (const auto& name : queryNames(op))
    if (!declared.count(name))
      report("params", "query parameter '" + name + "' is not declared by the spec");
}

}  // namespace spec_rules
}  // namespace sluice
