// FakeGhl plumbing: headers, token checks, records, the seeded default location. OAuth lives in
// ghl_oauth.cpp, locations in ghl_locations.cpp, token rules and rate limits in ghl_access.cpp,
// control in ghl_control.cpp, and the API areas in ghl_contacts.cpp, ghl_conversations.cpp and
// ghl_payments.cpp.
#include "tools/fakes/fake_ghl.h"

#include <algorithm>

#include "tools/fakes/fake_json.h"
#include "tools/fakes/ghl_util.h"

namespace sluice::fakes {

namespace {

const char* reasonOf(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 422:
      return "Unprocessable Entity";
    default:
      return "";
  }
}

}  // namespace

FakeGhl::FakeGhl(std::string locationId) : locationId_(std::move(locationId)) {
  // The upsert and the duplicate search find a contact by email or phone.
  store_.indexField("contacts", "email");
  store_.indexField("contacts", "phone");
  registerRoutes();
  seedDefaults();
}

FakeGhl::~FakeGhl() {
  stop();
}

void FakeGhl::setStaticToken(const std::string& token) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  staticToken_ = token;
}

void FakeGhl::setOAuthClient(const std::string& clientId, const std::string& clientSecret,
                             const std::string& refreshToken) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  clientId_ = clientId;
  clientSecret_ = clientSecret;
  refreshToken_ = refreshToken;
}

void FakeGhl::setTokenLifetime(std::int64_t seconds) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  tokenLifetime_ = seconds;
}

std::string FakeGhl::issueAccessToken() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  // JWT-shaped, like GHL's, so redaction of "eyJ..." strings gets exercised.
  std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + ids_.next("", 40) + "." + ids_.next("", 32);
  Token info;
  info.expiresAtMs = ghl::steadyMs() + tokenLifetime_ * 1000;
  accessTokens_[token] = info;
  return token;
}

void FakeGhl::expireAccessTokens() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (auto& [token, info] : accessTokens_) info.expiresAtMs = ghl::steadyMs() - 1;
}

std::string FakeGhl::currentRefreshToken() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return refreshToken_;
}

std::int64_t FakeGhl::refreshCount() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return refreshCount_;
}

void FakeGhl::setAllowDuplicateContacts(bool allow, const std::string& locationId) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  Record& loc = requireRecord("locations", locationId.empty() ? locationId_ : locationId);
  auto& a = loc.doc.GetAllocator();
  if (!loc.doc.HasMember("settings"))
    json::set(loc.doc, "settings", rapidjson::Value(rapidjson::kObjectType), a);
  json::setBool(loc.doc["settings"], "allowDuplicateContact", allow, a);
}

// --- plumbing ---

HttpResponse FakeGhl::errorResponse(const GhlError& e) {
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  json::setInt(d, "statusCode", e.status, a);
  if (!e.messages.empty()) {
    rapidjson::Value list(rapidjson::kArrayType);
    for (const std::string& m : e.messages) list.PushBack(json::str(m, a), a);
    json::set(d, "message", std::move(list), a);
  } else {
    json::setString(d, "message", e.message, a);
  }
  if (e.status == 422) json::setString(d, "error", reasonOf(e.status), a);
  HttpResponse r = HttpResponse::json(e.status, d);
  r.effect = false;
  return r;
}

HttpResponse FakeGhl::apiError(int status, const std::string& message) const {
  return errorResponse(GhlError{status, message, {}});
}

std::string FakeGhl::requiredVersion(const std::string& path) {
  if (path.rfind("/conversations", 0) == 0 || path.rfind("/calendars", 0) == 0) {
    return "2021-04-15";
  }
  return "2021-07-28";
}

bool FakeGhl::tokenValid(const std::string& token) const {
  if (token.empty()) return false;
  if (!staticToken_.empty() && token == staticToken_) return true;
  auto it = accessTokens_.find(token);
  return it != accessTokens_.end() &&
         (it->second.expiresAtMs == 0 || it->second.expiresAtMs > ghl::steadyMs());
}

std::optional<HttpResponse> FakeGhl::preflight(const HttpRequest& req) {
  if (req.header("User-Agent").empty()) {
    return apiError(403, "Forbidden: a User-Agent header is required");
  }
  if (req.path == "/oauth/token") return std::nullopt;
  const Token* info = tokenOf(req);
  if (auto limited = checkRateLimit(requestLocation(info))) return limited;
  std::string auth = req.header("Authorization");
  std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
  if (!tokenValid(token)) return apiError(401, "Invalid JWT");
  std::string version = req.header("Version");
  if (version.empty()) return apiError(400, "version header was not found");
  if (version != requiredVersion(req.path)) {
    return apiError(
        400, "version header is invalid: " + req.path + " expects " + requiredVersion(req.path));
  }
  if (info) return checkTokenAccess(req, *info);
  return std::nullopt;
}

void FakeGhl::decorate(HttpResponse& resp) {
  const Window& w = windows_[lastLocation_];
  resp.setHeader("X-RateLimit-Limit-Daily", std::to_string(dailyLimit_));
  resp.setHeader("X-RateLimit-Daily-Remaining",
                 std::to_string(std::max<std::int64_t>(0, dailyLimit_ - w.daily)));
  resp.setHeader("X-RateLimit-Interval-Milliseconds", std::to_string(windowMs_));
  resp.setHeader("X-RateLimit-Max", std::to_string(windowMax_));
  resp.setHeader("X-RateLimit-Remaining", std::to_string(std::max(0, windowMax_ - w.used)));
}

void FakeGhl::on(const std::string& method, const std::string& pattern, Handler handler) {
  route(method, pattern, [handler](const HttpRequest& req, const PathParams& params) {
    try {
      rapidjson::Document body;
      body.SetObject();
      if (!req.body.empty() && !json::parseObject(req.body, body)) {
        throw GhlError{400, "Unexpected token in JSON body", {}};
      }
      return handler(req, body, params);
    } catch (const GhlError& e) {
      return errorResponse(e);
    }
  });
}

std::string FakeGhl::isoNow() const {
  return ghl::isoTime(clock_.nowMillis());
}

Record& FakeGhl::insert(const std::string& kind, rapidjson::Document doc) {
  std::string id = json::getString(doc, "id", json::getString(doc, "_id"));
  if (id.empty()) id = ids_.next("", 20);
  if (!doc.HasMember("_id")) {
    // GHL ids are 20-character alphanumerics; id goes first like the API prints it.
    rapidjson::Document out;
    out.SetObject();
    json::setString(out, "id", id, out.GetAllocator());
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
      if (std::string(it->name.GetString()) != "id") {
        json::set(out, it->name.GetString(), json::copy(it->value, out.GetAllocator()),
                  out.GetAllocator());
      }
    }
    doc.Swap(out);
  }
  return store_.insert(kind, id, clock_.nowMillis(), std::move(doc));
}

Record& FakeGhl::require(const std::string& kind, const std::string& id, const std::string& what) {
  Record* r = store_.find(kind, id);
  if (!r) throw GhlError{404, what + " not found", {}};
  return *r;
}

void FakeGhl::seedDefaults() {
  insertLocation(locationId_, "Fake Location", "owner@fake-location.test");

  rapidjson::Document user;
  user.SetObject();
  auto& ua = user.GetAllocator();
  json::setString(user, "id", "user_fake_0001", ua);
  json::setString(user, "name", "Fake Owner", ua);
  json::setString(user, "firstName", "Fake", ua);
  json::setString(user, "lastName", "Owner", ua);
  json::setString(user, "email", "owner@fake-location.test", ua);
  rapidjson::Value roles(rapidjson::kObjectType);
  json::setString(roles, "type", "account", ua);
  json::setString(roles, "role", "admin", ua);
  rapidjson::Value ids(rapidjson::kArrayType);
  ids.PushBack(json::str(locationId_, ua), ua);
  json::set(roles, "locationIds", std::move(ids), ua);
  json::set(user, "roles", std::move(roles), ua);
  insert("users", std::move(user));
}

void FakeGhl::onReset() {
  accessTokens_.clear();
  windows_.clear();
  rateLimited_ = 0;
  refreshCount_ = 0;
  codes_.clear();
  appRefreshTokens_.clear();
  codeGrants_ = 0;
  locationGrants_.clear();
  installs_.clear();
  seedDefaults();
  if (!appClientId_.empty()) installLocation(locationId_);
}

// --- routes ---

void FakeGhl::registerRoutes() {
  route("POST", "/oauth/token",
        [this](const HttpRequest& req, const PathParams&) { return tokenGrant(req); });
  registerContactRoutes();
  registerContactChildRoutes();
  registerConversationRoutes();
  registerPaymentRoutes();
  registerOpportunityRoutes();
  registerLocationRoutes();
  registerAgencyRoutes();
}

}  // namespace sluice::fakes
