#include "core/http.h"

#include "core/text.h"

namespace sluice {

std::string HttpResponse::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (equalsIgnoreCase(key, name)) return value;
  }
  return "";
}

}  // namespace sluice
