#include "catalog/spec_schema_check.h"

#include <regex>

#include "catalog/spec_request_rules.h"

namespace sluice {
namespace spec_schema {

namespace {

enum class Shape { Any, Object, Array, Scalar };

struct Ctx {
  const JsonDoc& doc;
  const std::string& in;
  std::vector<RequestFinding>& out;
  void report(RequestIssue issue, const std::string& param, const std::string& message) const {
    out.push_back({issue, in, param, param + ": " + message});
  }
};

std::string typeOf(const JsonValue& schema) {
  const JsonValue* type = jsonAt(schema, "/type");
  return type && type->IsString() ? type->GetString() : "";
}

Shape shapeOf(const JsonValue& schema) {
  const std::string type = typeOf(schema);
  if (type == "object" || schema.HasMember("properties") ||
      schema.HasMember("additionalProperties"))
    return Shape::Object;
  if (type == "array" || schema.HasMember("items")) return Shape::Array;
  if (!type.empty() || schema.HasMember("enum")) return Shape::Scalar;
  return Shape::Any;
}

// Whether a branch of an anyOf is worth trying for the node: sub-keys need an object or an
// array, a plain value needs a scalar.
bool shapeFits(Shape shape, const FormNode& node) {
  if (shape == Shape::Any) return true;
  return (shape == Shape::Scalar) == node.children.empty();
}

std::string enumList(const JsonValue& values) {
  std::string list;
  for (const auto& v : values.GetArray()) list += (list.empty() ? "'" : ", '") + jsonText(v) + "'";
  return "[" + list + "]";
}

bool isDigits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// The value as form text against a scalar type: what Stripe parses as an integer, a number,
// a boolean (true/false); anything is a string.
bool textHasType(const std::string& type, const std::string& text) {
  static const std::regex integer("-?[0-9]+");
  static const std::regex number("-?[0-9]+(\\.[0-9]+)?");
  if (type == "integer") return std::regex_match(text, integer);
  if (type == "number") return std::regex_match(text, number);
  if (type == "boolean") return text == "true" || text == "false";
  return true;
}

void checkNode(const Ctx& ctx, const JsonValue* schema, const FormNode& node, bool topLevel);

void checkLeaf(const Ctx& ctx, const JsonValue& schema, const FormNode& node) {
  const Shape shape = shapeOf(schema);
  if (shape == Shape::Object || shape == Shape::Array) {
    ctx.report(RequestIssue::Type, node.name,
               "is an " + std::string(shape == Shape::Object ? "object" : "array") +
                   " in the spec, but a plain value '" + node.value + "' was sent (send " +
                   (shape == Shape::Object ? node.name + "[key]=value" : node.name + "[0]=value") +
                   ")");
    return;
  }
  const std::string type = typeOf(schema);
  if (!textHasType(type, node.value)) {
    ctx.report(RequestIssue::Type, node.name, "'" + node.value + "' is not a " + type);
    return;
  }
  const JsonValue* values = jsonAt(schema, "/enum");
  if (values && values->IsArray()) {
    bool found = false;
    for (const auto& v : values->GetArray()) found = found || jsonText(v) == node.value;
    if (!found)
      ctx.report(RequestIssue::Enum, node.name,
                 "'" + node.value + "' is not one of " + enumList(*values));
  }
  const JsonValue* maxLength = jsonAt(schema, "/maxLength");
  if (maxLength && maxLength->IsUint() && node.value.size() > maxLength->GetUint())
    ctx.report(RequestIssue::Type, node.name,
               "longer than its maxLength " + std::to_string(maxLength->GetUint()));
  const JsonValue* format = jsonAt(schema, "/format");
  if (format && format->IsString() && std::string(format->GetString()) == "decimal" &&
      !textHasType("number", node.value))
    ctx.report(RequestIssue::Type, node.name, "'" + node.value + "' is not a decimal");
}

// A property of the object, its additionalProperties schema, or nullptr when the key is not
// allowed. `open` is set when any key is allowed without a schema.
const JsonValue* propertySchema(const JsonValue& schema, const std::string& key, bool& open) {
  open = false;
  const JsonValue* props = jsonAt(schema, "/properties");
  if (props && props->IsObject() && !key.empty()) {
    auto it = props->FindMember(rapidjson::StringRef(key.c_str(), key.size()));
    if (it != props->MemberEnd()) return &it->value;
  }
  const JsonValue* extra = jsonAt(schema, "/additionalProperties");
  if (extra && extra->IsObject()) return extra;
  // No properties and no additionalProperties: a free-form object.
  open = (extra && extra->IsBool() && extra->GetBool()) || (!props && !extra);
  return nullptr;
}

void checkObject(const Ctx& ctx, const JsonValue& schema, const FormNode& node, bool topLevel) {
  for (const auto& child : node.children) {
    bool open = false;
    if (const JsonValue* sub = propertySchema(schema, child.key, open))
      checkNode(ctx, sub, child, false);
    else if (child.key.empty())
      ctx.report(RequestIssue::UnknownSubKey, child.name,
                 "[] appends to an array, but " + node.name + " is an object");
    else if (!open)
      ctx.report(topLevel ? RequestIssue::UnknownParam : RequestIssue::UnknownSubKey, child.name,
                 topLevel ? "not a parameter of this operation"
                          : "'" + child.key + "' is not a field of " + node.name);
  }
  const JsonValue* required = jsonAt(schema, "/required");
  if (!required || !required->IsArray()) return;
  for (const auto& r : required->GetArray())
    if (r.IsString() && !node.child(r.GetString()))
      ctx.report(RequestIssue::Required,
                 topLevel ? r.GetString() : node.name + "[" + r.GetString() + "]",
                 "required, not sent");
}

void checkArray(const Ctx& ctx, const JsonValue& schema, const FormNode& node) {
  const JsonValue* items = jsonAt(schema, "/items");
  for (const auto& child : node.children) {
    if (!child.key.empty() && !isDigits(child.key))
      ctx.report(
          RequestIssue::UnknownSubKey, child.name,
          node.name + " is an array: its elements are " + node.name + "[N] or " + node.name + "[]");
    else if (items)
      checkNode(ctx, items, child, false);
  }
}

// anyOf / oneOf: fits when any branch of the node's shape fits; otherwise the findings of the
// branch that got deepest into the value (the likeliest meant).
void checkBranches(const Ctx& ctx, const JsonValue& parts, const FormNode& node) {
  std::vector<RequestFinding> best;
  bool tried = false;
  for (const auto& part : parts.GetArray()) {
    const JsonValue* branch = spec_rules::resolveRef(ctx.doc, &part);
    if (!branch || !branch->IsObject() || !shapeFits(shapeOf(*branch), node)) continue;
    std::vector<RequestFinding> found;
    checkNode({ctx.doc, ctx.in, found}, branch, node, false);
    if (found.empty()) return;
    if (!tried || found[0].param.size() > best[0].param.size()) best = std::move(found);
    tried = true;
  }
  if (tried) {
    ctx.out.insert(ctx.out.end(), best.begin(), best.end());
  } else if (!node.children.empty()) {
    ctx.report(RequestIssue::UnknownSubKey, node.children[0].name,
               node.name + " takes a plain value, not sub-keys");
  } else {
    ctx.report(
        RequestIssue::Type, node.name,
        "is an object or array in the spec, but a plain value '" + node.value + "' was sent");
  }
}

void checkNode(const Ctx& ctx, const JsonValue* schema, const FormNode& node, bool topLevel) {
  schema = spec_rules::resolveRef(ctx.doc, schema);
  if (!schema || !schema->IsObject()) return;
  for (const char* combinator : {"/anyOf", "/oneOf"})
    if (const JsonValue* parts = jsonAt(*schema, combinator); parts && parts->IsArray()) {
      checkBranches(ctx, *parts, node);
      return;
    }
  if (!topLevel && node.children.empty()) return checkLeaf(ctx, *schema, node);
  if (!topLevel && node.hasValue)
    ctx.report(RequestIssue::Type, node.name, "sent both as a value and with sub-keys");
  switch (shapeOf(*schema)) {
    case Shape::Object:
      return checkObject(ctx, *schema, node, topLevel);
    case Shape::Array:
      return checkArray(ctx, *schema, node);
    case Shape::Scalar:
      for (const auto& child : node.children)
        ctx.report(RequestIssue::UnknownSubKey, child.name,
                   node.name + " is a " +
                       (typeOf(*schema).empty() ? "plain value" : typeOf(*schema)) +
                       ": it has no sub-keys");
      return;
    case Shape::Any:
      return;
  }
}

}  // namespace

std::vector<RequestFinding> checkValue(const JsonDoc& doc, const JsonValue& schema,
                                       const FormNode& node, const std::string& in, bool topLevel) {
  std::vector<RequestFinding> out;
  checkNode({doc, in, out}, &schema, node, topLevel);
  return out;
}

}  // namespace spec_schema
}  // namespace sluice
