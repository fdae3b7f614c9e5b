#include "apps/connector.h"

namespace sluice {

std::string Connector::setting(const std::string& name) const {
  auto it = connection_.settings.find(name);
  return it == connection_.settings.end() ? "" : it->second;
}

bool Connector::authorize(HttpRequest& request, HttpTransport&, bool forceRefresh) {
  if (forceRefresh) return false;  // a static key cannot be refreshed
  const std::string token = setting("token").empty() ? setting("api_key") : setting("token");
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  return true;
}

std::string Connector::connectWithCode(HttpTransport&, const std::string&, const std::string&) {
  throw Error("connection " + connection_.name + ": app " + app_.id +
              " has no OAuth authorization-code flow: give its key in the config");
}

ApiResult Connector::classify(const Operation& op, const HttpResponse& response) const {
  ApiResult r;
  r.status = response.status;
  r.headers = response.headers;
  auto doc = std::make_shared<JsonDoc>();
  const bool empty = response.body.find_first_not_of(" \r\n\t") == std::string::npos;
  std::optional<std::string> parseError;
  if (!empty) parseError = parseJson(response.body, *doc);
  if (!parseError) r.json = doc;
  const std::string what = op.fullId() + ": HTTP " + std::to_string(response.status);

  if (response.status >= 200 && response.status < 300) {
    if (parseError) {
      // A 2xx with a broken body is usually a truncated transfer: worth another try.
      r.outcome = Outcome::Retry;
      r.error = op.fullId() + ": response is not valid JSON (" + *parseError + ")";
      return r;
    }
    r.outcome = Outcome::Ok;
    return r;
  }
  // The server's own message, from the app's error shape.
  std::string message;
  if (r.json)
    for (const auto& pointer : app_.errors.message)
      if (const JsonValue* m = jsonAt(*r.json, pointer)) {
        message = m->IsArray() && !m->Empty() ? jsonText((*m)[0]) : jsonText(*m);
        if (!message.empty()) break;
      }
  if (message.empty() && !response.body.empty()) message = response.body.substr(0, 200);
  r.error = what + (message.empty() ? "" : ": " + message);
  r.retryAfterMs = parseRetryAfterMs(response.header("Retry-After"), 0);

  const std::string shouldRetry =
      app_.errors.retryHeader.empty() ? "" : response.header(app_.errors.retryHeader);
  if (response.status == 401) {
    r.outcome = Outcome::Fatal;
    r.unauthorized = true;
  } else if (shouldRetry == "true") {
    r.outcome = Outcome::Retry;
  } else if (shouldRetry == "false") {
    r.outcome = Outcome::Fatal;
  } else if (response.status == 408 || response.status == 429 || response.status >= 500) {
    r.outcome = Outcome::Retry;
  } else {
    r.outcome = Outcome::Fatal;
  }
  return r;
}

}  // namespace sluice
