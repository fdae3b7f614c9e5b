#include "catalog/catalog.h"

namespace sluice {

const char* toString(OpKind kind) {
  return kind == OpKind::Trigger ? "trigger" : "action";
}
const char* toString(InputLocation in) {
  return in == InputLocation::Path ? "path" : in == InputLocation::Body ? "body" : "query";
}
const char* toString(ValueType type) {
  switch (type) {
    case ValueType::Integer:
      return "integer";
    case ValueType::Number:
      return "number";
    case ValueType::Boolean:
      return "boolean";
    case ValueType::Object:
      return "object";
    case ValueType::Array:
      return "array";
    default:
      return "string";
  }
}
const char* toString(DetectMode mode) {
  return mode == DetectMode::Updated ? "updated" : mode == DetectMode::Changed ? "changed" : "new";
}
const char* toString(PaginationStyle style) {
  switch (style) {
    case PaginationStyle::Page:
      return "page";
    case PaginationStyle::Offset:
      return "offset";
    case PaginationStyle::Cursor:
      return "cursor";
    default:
      return "none";
  }
}

const InputSpec* Operation::input(const std::string& inputName) const {
  for (const auto& in : inputs)
    if (in.name == inputName) return &in;
  return nullptr;
}

bool Operation::needsFullSweepReason() const {
  const bool newestFirst = !orderBy.empty() && order == SortOrder::Desc;
  return kind == OpKind::Trigger && shape == RecordShape::List && detect == DetectMode::New &&
         !newestFirst && !since && !window;
}

bool Operation::hasSpecException(const std::string& check) const {
  for (const auto& e : specExceptions)
    if (e.check == check) return true;
  return false;
}

const Operation* App::find(const std::string& opId) const {
  for (const auto& op : operations)
    if (op.id == opId) return &op;
  return nullptr;
}

const SettingSpec* App::setting(const std::string& settingName) const {
  for (const auto& s : connection)
    if (s.name == settingName) return &s;
  return nullptr;
}

}  // namespace sluice
