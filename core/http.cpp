#include "core/http.h"

#include "core/text.h"

namespace sluice {

namespace {

std::string findHeader(const HttpHeaders& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (equalsIgnoreCase(key, name)) return value;
  }
  return "";
}

}  // namespace

std::string HttpRequest::header(const std::string& name) const {
  return findHeader(headers, name);
}

std::string HttpResponse::header(const std::string& name) const {
  return findHeader(headers, name);
}

}  // namespace sluice
