#include "core/error.h"

namespace sluice {

const std::string& SourceFile::str() const {
  static const std::string kNone;
  return name_ ? *name_ : kNone;
}

std::string SourceLocation::str() const {
  std::string out = file.empty() ? "<input>" : file.str();
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

LocatedError::LocatedError(SourceLocation where, const std::string& message)
    : Error(where.str() + ": " + message), where_(std::move(where)), message_(message) {}

ResponseError::ResponseError(const std::string& operation, const std::string& field,
                             const std::string& what)
    : Error(operation + ": response field '" + field + "': " + what),
      operation_(operation),
      field_(field) {}

}  // namespace sluice
