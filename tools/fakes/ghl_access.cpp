// FakeGhl access rules: where a token may act (a Location token in its own location only, a
// Company token on the agency routes only) and the rate-limit windows kept per location.
#include <algorithm>

#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_json.h"
#include "tools/fakes/ghl_util.h"

namespace sluice::fakes {

namespace {

constexpr const char* kIamRouteRefusal = "This route is not yet supported by the IAM Service.";

bool startsWith(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

// The kind of record an "{id}" (or "{taskId}") path parameter names on this route.
std::string idRouteKind(const std::string& pattern, const std::string& param) {
  if (param == "taskId") return "tasks";
  if (pattern.find("/notes/") != std::string::npos) return "notes";
  if (startsWith(pattern, "/opportunities/")) return "opportunities";
  if (startsWith(pattern, "/conversations/messages/")) return "messages";
  if (startsWith(pattern, "/payments/orders/")) return "orders";
  if (startsWith(pattern, "/payments/transactions/")) return "transactions";
  return "";
}

}  // namespace

const FakeGhl::Token* FakeGhl::tokenOf(const HttpRequest& req) const {
  const std::string auth = req.header("Authorization");
  if (auth.rfind("Bearer ", 0) != 0) return nullptr;
  auto it = accessTokens_.find(auth.substr(7));
  return it == accessTokens_.end() ? nullptr : &it->second;
}

std::string FakeGhl::requestLocation(const Token* token) const {
  if (token && token->userType == "Location") return token->location;
  if (token && token->userType == "Company") return companyId();
  return locationId_;
}

std::optional<HttpResponse> FakeGhl::checkRateLimit(const std::string& location) {
  std::int64_t now = ghl::steadyMs();
  Window& w = windows_[location];
  lastLocation_ = location;
  if (w.startMs == 0 || now - w.startMs >= windowMs_) {
    w.startMs = now;
    w.used = 0;
  }
  ++w.requests;
  if (w.used >= windowMax_ || w.daily >= dailyLimit_) {
    ++rateLimited_;
    ++w.limited;
    return apiError(429, "Too Many Requests");
  }
  ++w.used;
  ++w.daily;
  w.most = std::max(w.most, w.used);
  return std::nullopt;
}

std::optional<HttpResponse> FakeGhl::checkTokenAccess(const HttpRequest& req,
                                                      const Token& token) const {
  if (token.userType.empty()) return std::nullopt;  // static and old-style tokens: everywhere
  const bool oauthRoute = startsWith(req.path, "/oauth/");
  if (token.userType == "Company") {
    // Agency-Access in the specs: the OAuth and location routes, not a sub-account's data.
    if (oauthRoute || startsWith(req.path, "/locations/")) return std::nullopt;
    return apiError(401, kIamRouteRefusal);
  }
  if (oauthRoute || (req.method == "POST" && req.path == "/locations/"))
    return apiError(401, kIamRouteRefusal);
  for (const std::string& named : namedLocations(req)) {
    if (named != token.location)
      return apiError(403, "The token does not have access to this location");
  }
  return std::nullopt;
}

std::vector<std::string> FakeGhl::namedLocations(const HttpRequest& req) const {
  std::vector<std::string> out;
  auto add = [&out](const std::string& location) {
    if (!location.empty()) out.push_back(location);
  };
  add(req.param("locationId"));
  add(req.param("location_id"));
  if (req.param("altType", "location") == "location") add(req.param("altId"));
  add(recordLocation("contacts", req.param("contactId")));
  add(recordLocation("contacts", req.param("contact_id")));
  rapidjson::Document body;
  if (!req.body.empty() && json::parseObject(req.body, body)) {
    add(json::getString(body, "locationId"));
    if (json::getString(body, "altType", "location") == "location")
      add(json::getString(body, "altId"));
    add(recordLocation("contacts", json::getString(body, "contactId")));
  }
  auto match = router_.match(req.method, req.path);
  if (!match) return out;
  for (const auto& [name, value] : match->params) {
    if (name == "locationId") add(value);
    if (name == "contactId") add(recordLocation("contacts", value));
    if (name == "conversationId") add(recordLocation("conversations", value));
    if (name == "id" || name == "taskId")
      add(recordLocation(idRouteKind(match->pattern, name), value));
  }
  return out;
}

// A record's location: its locationId, its altId (payments), else its contact's.
std::string FakeGhl::recordLocation(const std::string& kind, const std::string& id) const {
  if (kind.empty() || id.empty()) return "";
  const Record* r = store_.find(kind, id);
  if (!r) return "";
  for (const char* field : {"locationId", "altId"}) {
    const std::string location = json::getString(r->doc, field);
    if (!location.empty()) return location;
  }
  return kind == "contacts" ? "" : recordLocation("contacts", json::getString(r->doc, "contactId"));
}

void FakeGhl::setRateLimit(int maxPerWindow, int windowMs) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  windowMax_ = maxPerWindow;
  windowMs_ = windowMs;
  rateLimited_ = 0;
  for (auto& [location, w] : windows_) {
    w.startMs = 0;
    w.used = 0;
    w.most = 0;
    w.limited = 0;
  }
}

void FakeGhl::setDailyLimit(std::int64_t perDay) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  dailyLimit_ = perDay;
  for (auto& [location, w] : windows_) w.daily = 0;
}

std::int64_t FakeGhl::rateLimitedCount() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return rateLimited_;
}

std::int64_t FakeGhl::rateLimitedCount(const std::string& locationId) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = windows_.find(locationId);
  return it == windows_.end() ? 0 : it->second.limited;
}

int FakeGhl::maxRequestsInAnyWindow(const std::string& locationId) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = windows_.find(locationId);
  return it == windows_.end() ? 0 : it->second.most;
}

std::int64_t FakeGhl::requestCount(const std::string& locationIdOrRouteKey) const {
  if (locationIdOrRouteKey.find(' ') != std::string::npos)
    return FakeServer::requestCount(locationIdOrRouteKey);
  return locationRequestCount(locationIdOrRouteKey);
}

std::int64_t FakeGhl::locationRequestCount(const std::string& locationId) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = windows_.find(locationId);
  return it == windows_.end() ? 0 : it->second.requests;
}

}  // namespace sluice::fakes
