#include "catalog/spec_request_rules.h"

#include <set>

#include "core/text.h"

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

// The names of the spec operation's parameters in `in` (query, header), as written there.
std::set<std::string> declaredParams(const JsonDoc& doc, const JsonValue& specOp,
                                     const std::string& in) {
  std::set<std::string> declared;
  if (const JsonValue* params = jsonAt(specOp, "/parameters"); params && params->IsArray())
    for (const auto& raw : params->GetArray()) {
      const JsonValue* p = resolveRef(doc, &raw);
      if (p && p->IsObject() && p->HasMember("name") && p->HasMember("in") &&
          (*p)["name"].IsString() && (*p)["in"].IsString() && (*p)["in"].GetString() == in)
        declared.insert((*p)["name"].GetString());
    }
  return declared;
}

// Every query parameter the operation sends is one the spec declares.
void checkQueryDeclared(const Operation& op, const JsonDoc& doc, const JsonValue& specOp,
                        const Report& report) {
  const std::set<std::string> declared = declaredParams(doc, specOp, "query");
  for (const auto& name : queryNames(op))
    if (!declared.count(name))
      report("params", "query parameter '" + name + "' is not declared by the spec");
}

namespace {

// The property names a request body schema declares (through $ref, allOf, anyOf, oneOf); false
// when it takes others too (additionalProperties, or no properties listed), so that any name
// is declared.
bool closedProperties(const JsonDoc& doc, const JsonValue* schema, std::set<std::string>& names,
                      int depth = 0) {
  schema = resolveRef(doc, schema);
  if (!schema || !schema->IsObject() || depth > 8) return false;
  if (const JsonValue* extra = jsonAt(*schema, "/additionalProperties");
      extra && !(extra->IsBool() && !extra->GetBool()))
    return false;
  bool listed = false;
  for (const char* combination : {"/allOf", "/anyOf", "/oneOf"})
    if (const JsonValue* parts = jsonAt(*schema, combination); parts && parts->IsArray()) {
      listed = true;
      for (const auto& part : parts->GetArray())
        if (!closedProperties(doc, &part, names, depth + 1)) return false;
    }
  if (const JsonValue* props = jsonAt(*schema, "/properties"); props && props->IsObject()) {
    listed = true;
    for (const auto& m : props->GetObject()) names.insert(m.name.GetString());
  }
  return listed;
}

// The top-level body fields the operation can send: fixed ones, inputs (a pointer's first
// token, a bracket form's base name) and the pagination's when it goes in the body.
std::set<std::string> bodyNames(const Operation& op) {
  std::set<std::string> names;
  for (const auto& m : op.request.body.members()) names.insert(m.first);
  for (const auto& in : op.inputs) {
    if (in.in != InputLocation::Body) continue;
    const std::string& wire = in.wireName();
    names.insert(wire[0] == '/' ? wire.substr(1, wire.find('/', 1) - 1)
                                : wire.substr(0, wire.find('[')));
  }
  const Pagination& p = op.paginate;
  if (p.style != PaginationStyle::None && p.inBody) {
    for (const std::string* name : {&p.pageParam, &p.offsetParam, &p.limitParam})
      if (!name->empty()) names.insert(*name);
    for (const auto& next : p.next) names.insert(next.first);
  }
  return names;
}

}  // namespace

void checkBodyDeclared(const Operation& op, const JsonDoc& doc, const JsonValue& specOp,
                       const Report& report) {
  const JsonValue* content = jsonAt(specOp, "/requestBody/content");
  const std::set<std::string> sent = bodyNames(op);
  if (!content || !content->IsObject()) {
    if (!sent.empty()) report("body", "the spec takes no request body here");
    return;
  }
  std::set<std::string> declared;
  bool closed = false;
  for (const char* type : {"application/json", "application/x-www-form-urlencoded"})
    if (content->HasMember(type))
      closed = closedProperties(doc, jsonAt((*content)[type], "/schema"), declared);
  if (!closed) return;
  for (const auto& name : sent)
    if (!declared.count(name))
      report("body", "body field '" + name + "' is not declared by the spec");
}

void checkHeadersDeclared(const App& app, const Operation& op, const JsonDoc& doc,
                          const JsonValue& specOp, const Report& report) {
  static const std::set<std::string> kHttpOwn = {
      "accept",       "accept-encoding",   "authorization", "content-length",
      "content-type", "transfer-encoding", "user-agent"};
  std::set<std::string> declared;
  for (const auto& name : declaredParams(doc, specOp, "header")) declared.insert(lowerAscii(name));
  std::set<std::string> reported;
  for (const auto* headers : {&app.headers, &op.request.headers})
    for (const auto& [name, value] : *headers) {
      const std::string key = lowerAscii(name);
      if (kHttpOwn.count(key) || declared.count(key) || !reported.insert(key).second) continue;
      report("headers", "header '" + name + "' is not declared by the spec");
    }
}

}  // namespace spec_rules
}  // namespace sluice
