#include "core/value_template.h"

#include <cstdlib>

namespace sluice {

namespace {

bool parseInteger(const std::string& s, long long& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoll(s.c_str(), &end, 10);
  return *end == '\0' && errno == 0;
}

bool parseDouble(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return *end == '\0';
}

}  // namespace

ValueTemplate ValueTemplate::overlay(const ValueTemplate& base, const ValueTemplate& own) {
  if (base.kind_ != Kind::Object || (own.kind_ != Kind::Null && own.kind_ != Kind::Object))
    return own;
  if (own.kind_ == Kind::Null) return base;
  ValueTemplate out = own;
  out.members_.clear();
  for (const auto& member : base.members_) {
    bool named = false;
    for (const auto& mine : own.members_) named = named || mine.first == member.first;
    if (!named) out.members_.push_back(member);
  }
  out.members_.insert(out.members_.end(), own.members_.begin(), own.members_.end());
  return out;
}

const Template& ValueTemplate::text() const {
  static const Template kEmpty;
  return text_ ? *text_ : kEmpty;
}

ValueTemplate ValueTemplate::fromYaml(const YamlNode& node, const SourceFile& file,
                                      YamlDomain domain, TemplateCache* templates) {
  ValueTemplate v;
  v.where_ = yamlLocation(file, node);
  if (!node.IsDefined() || node.IsNull()) return v;
  if (node.IsMap()) {
    v.kind_ = Kind::Object;
    for (const auto& kv : node)
      v.members_.emplace_back(yamlScalar(kv.first, file, domain, "a key"),
                              fromYaml(kv.second, file, domain, templates));
    return v;
  }
  if (node.IsSequence()) {
    v.kind_ = Kind::Array;
    for (const auto& item : node) v.items_.push_back(fromYaml(item, file, domain, templates));
    return v;
  }
  const std::string& s = node.Scalar();
  const bool plain = node.IsPlain();
  if (plain) {
    if (s == "true" || s == "false") {
      v.kind_ = Kind::Bool;
      v.bool_ = s == "true";
      return v;
    }
    if (s == "null" || s == "~") return v;
    if (parseInteger(s, v.int_)) {
      v.kind_ = Kind::Integer;
      return v;
    }
    if (parseDouble(s, v.number_)) {
      v.kind_ = Kind::Number;
      return v;
    }
  }
  v.kind_ = Kind::String;
  try {
    v.text_ =
        templates ? templates->compile(s) : std::make_shared<const Template>(Template::compile(s));
  } catch (const TemplateError& e) {
    throwYamlError(domain, v.where_, e.what());
  }
  return v;
}

JsonValue ValueTemplate::render(const TemplateScope& scope, JsonAlloc& alloc) const {
  JsonValue out;
  switch (kind_) {
    case Kind::Null:
      break;
    case Kind::Bool:
      out.SetBool(bool_);
      break;
    case Kind::Integer:
      out.SetInt64(int_);
      break;
    case Kind::Number:
      out.SetDouble(number_);
      break;
    case Kind::String:
      out = text_->render(scope, alloc);
      break;
    case Kind::Object:
      out.SetObject();
      for (const auto& m : members_)
        out.AddMember(jsonString(m.first, alloc), m.second.render(scope, alloc), alloc);
      break;
    case Kind::Array:
      out.SetArray();
      for (const auto& item : items_) out.PushBack(item.render(scope, alloc), alloc);
      break;
  }
  return out;
}

JsonValue ValueTemplate::source(JsonAlloc& alloc) const {
  JsonValue out;
  switch (kind_) {
    case Kind::String:
      return jsonString(text_->source(), alloc);
    case Kind::Object:
      out.SetObject();
      for (const auto& m : members_)
        out.AddMember(jsonString(m.first, alloc), m.second.source(alloc), alloc);
      return out;
    case Kind::Array:
      out.SetArray();
      for (const auto& item : items_) out.PushBack(item.source(alloc), alloc);
      return out;
    default:
      return render(MapScope(), alloc);  // a literal: nothing to evaluate
  }
}

void ValueTemplate::forEachExpression(
    const std::function<void(const TemplateExpr&, const SourceLocation&)>& fn) const {
  if (kind_ == Kind::String)
    for (const auto& e : text().expressions()) fn(e, where_);
  for (const auto& m : members_) m.second.forEachExpression(fn);
  for (const auto& item : items_) item.forEachExpression(fn);
}

}  // namespace sluice
