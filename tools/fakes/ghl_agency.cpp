// FakeGhl for agencies: a marketplace app's authorization-code grant, Company tokens with
// rotation, the app installed in many locations (GET /oauth/installedLocations), location
// tokens from the Company token (POST /oauth/locationToken), tokens that act only in their own
// location, and uninstalls and revoked installs.
#include <algorithm>
#include <chrono>

#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_json.h"
#include "tools/fakes/form_decode.h"
#include "tools/fakes/ghl_util.h"

namespace sluice::fakes {

namespace {

std::int64_t nowSteadyMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

bool hasScope(const std::string& scopes, const std::string& scope) {
  return (" " + scopes + " ").find(" " + scope + " ") != std::string::npos;
}

}  // namespace

void FakeGhl::setOAuthApp(const std::string& clientId, const std::string& clientSecret,
                          const std::string& redirectUri, const std::string& appId) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  appClientId_ = clientId;
  appSecret_ = clientSecret;
  redirectUri_ = redirectUri;
  appId_ = appId;
  installed_[locationId_] = true;
}

std::string FakeGhl::authorizationCode(const std::string& userType, const std::string& scopes) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  const std::string code = ids_.next("code", 32);
  codes_[code] = Code{userType, scopes};
  return code;
}

void FakeGhl::addLocation(const std::string& id, const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (!store_.find("locations", id)) {
    rapidjson::Document loc;
    loc.SetObject();
    auto& a = loc.GetAllocator();
    json::setString(loc, "id", id, a);
    json::setString(loc, "companyId", companyId(), a);
    json::setString(loc, "name", name.empty() ? "Location " + id : name, a);
    json::setString(loc, "address", "1 Main St", a);
    rapidjson::Value settings(rapidjson::kObjectType);
    json::setBool(settings, "allowDuplicateContact", false, a);
    json::set(loc, "settings", std::move(settings), a);
    json::setString(loc, "dateAdded", isoNow(), a);
    insert("locations", std::move(loc));
  }
  installLocation(id);
}

void FakeGhl::installLocation(const std::string& id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  installed_[id] = true;
  installedAt_[id] = isoNow();
  revoked_.erase(id);
}

void FakeGhl::uninstallLocation(const std::string& id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  installed_[id] = false;
  for (auto& [token, info] : accessTokens_)
    if (info.location == id) info.expiresAtMs = nowSteadyMs() - 1;
}

void FakeGhl::revokeLocation(const std::string& id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  revoked_[id] = true;
  for (auto& [token, info] : accessTokens_)
    if (info.location == id) info.expiresAtMs = nowSteadyMs() - 1;
}

std::vector<std::string> FakeGhl::installedLocationIds() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, on] : installed_)
    if (on) ids.push_back(id);
  return ids;
}

std::int64_t FakeGhl::authorizationCodeGrants() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return codeGrants_;
}

std::int64_t FakeGhl::locationTokenGrants(const std::string& locationId) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = locationGrants_.find(locationId);
  return it == locationGrants_.end() ? 0 : it->second;
}

std::int64_t FakeGhl::locationRequestCount(const std::string& locationId) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = windows_.find(locationId);
  return it == windows_.end() ? 0 : it->second.total;
}

int FakeGhl::maxRequestsInAnyWindow(const std::string& locationId) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = windows_.find(locationId);
  return it == windows_.end() ? 0 : it->second.most;
}

std::string FakeGhl::newToken(Token info) {
  std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + ids_.next("", 40) + "." + ids_.next("", 32);
  info.expiresAtMs = nowSteadyMs() + tokenLifetime_ * 1000;
  accessTokens_[token] = std::move(info);
  return token;
}

HttpResponse FakeGhl::tokenAnswer(const std::string& access, const std::string& refresh,
                                  const std::string& userType, const std::string& scopes,
                                  const std::string& location) {
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  json::setString(d, "access_token", access, a);
  json::setString(d, "token_type", "Bearer", a);
  json::setInt(d, "expires_in", tokenLifetime_, a);
  if (!refresh.empty()) json::setString(d, "refresh_token", refresh, a);
  json::setString(d, "scope", scopes, a);
  json::setString(d, "userType", userType, a);
  json::setString(d, "companyId", companyId(), a);
  if (!location.empty()) json::setString(d, "locationId", location, a);
  json::setString(d, "userId", "user_fake_0001", a);
  json::setString(d, "appId", appId_, a);
  HttpResponse r = HttpResponse::json(200, d);
  r.effect = false;  // token bodies carry secrets: not in the effects ledger
  return r;
}

// grant_type authorization_code, or refresh_token with a Company refresh token (rotated).
HttpResponse FakeGhl::codeGrant(const HttpRequest& form) {
  std::string userType, scopes;
  if (form.param("grant_type") == "authorization_code") {
    auto it = codes_.find(form.param("code"));
    if (it == codes_.end())
      return ghl::oauthError(400, "invalid_grant", "Invalid grant: authorization code is invalid");
    if (!redirectUri_.empty() && form.param("redirect_uri") != redirectUri_)
      return ghl::oauthError(400, "invalid_grant", "redirect_uri does not match");
    userType = it->second.userType;
    scopes = it->second.scopes;
    codes_.erase(it);  // a code is good once
    ++codeGrants_;
  } else {
    auto it = companyRefresh_.find(form.param("refresh_token"));
    userType = "Company";
    scopes = it->second;
    companyRefresh_.erase(it);  // rotation: the used refresh token dies
    ++refreshCount_;
  }
  const std::string location = userType == "Location" ? locationId_ : "";
  const std::string access = newToken(Token{0, userType, location, scopes});
  const std::string refresh = "eyJhbGciOiJIUzI1NiJ9.rt" + ids_.next("", 40);
  if (userType == "Company") companyRefresh_[refresh] = scopes;
  return tokenAnswer(access, refresh, userType, scopes, location);
}

HttpResponse FakeGhl::installedLocations(const HttpRequest& req) {
  const auto& token = accessTokens_.at(req.header("Authorization").substr(7));
  if (token.userType != "Company")
    throw GhlError{401, "This route is not yet supported by the IAM Service.", {}};
  if (!hasScope(token.scopes, "oauth.readonly"))
    throw GhlError{401, "The token is not authorized for this scope.", {}};
  ghl::requireParams(req, {"companyId", "appId"});
  const std::int64_t skip = ghl::intParam(req, "skip", 0, 0, 1 << 30);
  const std::int64_t limit = ghl::intParam(req, "limit", 20, 1, 100);
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  std::int64_t count = 0;
  for (const auto& [id, on] : installed_) {
    if (!on || req.param("companyId") != companyId() || req.param("appId") != appId_) continue;
    if (count++ < skip || static_cast<std::int64_t>(list.Size()) >= limit) continue;
    const Record* loc = store_.find("locations", id);
    rapidjson::Value row(rapidjson::kObjectType);
    json::setString(row, "_id", id, a);
    json::setString(row, "name", loc ? json::getString(loc->doc, "name") : id, a);
    json::setString(row, "address", loc ? json::getString(loc->doc, "address") : "", a);
    json::setBool(row, "isInstalled", true, a);
    json::setString(row, "installedAt", installedAt_[id], a);
    list.PushBack(row, a);
  }
  json::set(d, "locations", std::move(list), a);
  json::setInt(d, "count", count, a);
  return HttpResponse::json(200, d);
}

HttpResponse FakeGhl::locationToken(const HttpRequest& req) {
  const auto& token = accessTokens_.at(req.header("Authorization").substr(7));
  if (token.userType != "Company" || !hasScope(token.scopes, "oauth.write"))
    throw GhlError{401, "The token is not authorized for this scope.", {}};
  if (req.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0)
    throw GhlError{400, "Content-Type must be application/x-www-form-urlencoded", {}};
  HttpRequest form = req;
  form.query = parseUrlEncoded(req.body);
  const std::string location = form.param("locationId");
  if (form.param("companyId") != companyId())
    throw GhlError{400, "companyId does not match the token", {}};
  auto it = installed_.find(location);
  if (it == installed_.end() || !it->second)
    throw GhlError{400, "Location " + location + " has not installed this app", {}};
  if (revoked_.count(location)) throw GhlError{401, "The app's access was revoked", {}};
  ++locationGrants_[location];
  const std::string access = newToken(Token{0, "Location", location, token.scopes});
  return tokenAnswer(access, "", "Location", token.scopes, location);
}

void FakeGhl::registerAgencyRoutes() {
  on("GET", "/oauth/installedLocations",
     [this](const HttpRequest& req, const Body&, const PathParams&) {
       return installedLocations(req);
     });
  route("POST", "/oauth/locationToken", [this](const HttpRequest& req, const PathParams&) {
    try {
      return locationToken(req);
    } catch (const GhlError& e) {
      return errorResponse(e);
    }
  });
}

std::string FakeGhl::requestLocation(const HttpRequest& req, const Token* token) const {
  if (token && !token->location.empty()) return token->location;
  // An agency's own calls (installs, location tokens) count against the company.
  if (token && token->userType == "Company") return "company:" + companyId();
  std::string location = req.param("locationId");
  if (location.empty()) {
    rapidjson::Document body;
    if (!req.body.empty() && json::parseObject(req.body, body))
      location = json::getString(body, "locationId");
  }
  return location.empty() ? locationId_ : location;
}

std::optional<HttpResponse> FakeGhl::checkTokenScope(const HttpRequest& req,
                                                     const Token& token) const {
  if (token.userType != "Location") return std::nullopt;
  std::string named = req.param("locationId");
  rapidjson::Document body;
  if (named.empty() && !req.body.empty() && json::parseObject(req.body, body))
    named = json::getString(body, "locationId");
  if (named.empty() && req.param("altType") == "location") named = req.param("altId");
  const std::string prefix = "/locations/";
  if (named.empty() && req.path.rfind(prefix, 0) == 0) named = req.path.substr(prefix.size());
  // A contact's own routes: the contact's location.
  const std::string contacts = "/contacts/";
  if (named.empty() && req.path.rfind(contacts, 0) == 0) {
    const std::string id =
        req.path.substr(contacts.size(), req.path.find('/', contacts.size()) - contacts.size());
    if (const Record* c = store_.find("contacts", id))
      named = json::getString(c->doc, "locationId");
  }
  if (!named.empty() && named != token.location)
    return apiError(403, "The token does not have access to this location");
  return std::nullopt;
}

// POST /_control/locations {"id","name"}, /_control/locations/ID/uninstall|install|revoke,
// POST /_control/oauth/app {"client_id","client_secret","redirect_uri"},
// POST /_control/oauth/code {"userType","scopes"} -> {"code"}.
bool FakeGhl::handleAgencyControl(const HttpRequest& req, const std::vector<std::string>& segs,
                                  const rapidjson::Value& b, rapidjson::Document& out) {
  if (req.method != "POST") return false;
  auto& a = out.GetAllocator();
  if (segs.size() == 1 && segs[0] == "locations") {
    addLocation(json::getString(b, "id"), json::getString(b, "name"));
  } else if (segs.size() == 3 && segs[0] == "locations") {
    if (segs[2] == "uninstall")
      uninstallLocation(segs[1]);
    else if (segs[2] == "install")
      installLocation(segs[1]);
    else if (segs[2] == "revoke")
      revokeLocation(segs[1]);
    else
      return false;
  } else if (segs.size() == 2 && segs[0] == "oauth" && segs[1] == "app") {
    setOAuthApp(json::getString(b, "client_id"), json::getString(b, "client_secret"),
                json::getString(b, "redirect_uri"), json::getString(b, "app_id", "app_fake_0001"));
  } else if (segs.size() == 2 && segs[0] == "oauth" && segs[1] == "code") {
    const std::string code = json::has(b, "scopes")
                                 ? authorizationCode(json::getString(b, "userType", "Company"),
                                                     json::getString(b, "scopes"))
                                 : authorizationCode(json::getString(b, "userType", "Company"));
    json::setString(out, "code", code, a);
  } else {
    return false;
  }
  rapidjson::Value ids(rapidjson::kArrayType);
  for (const auto& id : installedLocationIds()) ids.PushBack(json::str(id, a), a);
  json::set(out, "installed", std::move(ids), a);
  return true;
}

}  // namespace sluice::fakes
