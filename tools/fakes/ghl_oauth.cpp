// FakeGhl OAuth: POST /oauth/token (the old client's refresh grant, and the marketplace app's
// authorization-code and refresh grants, both rotating the refresh token), authorization codes,
// and POST /oauth/locationToken (a location's token from the Company token), per oauth.json.
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_json.h"
#include "tools/fakes/form_decode.h"
#include "tools/fakes/ghl_util.h"

namespace sluice::fakes {

namespace {

bool isFormRequest(const HttpRequest& req) {
  return req.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0;
}

// What the old client's refresh grant has always answered.
constexpr const char* kLegacyScopes =
    "contacts.readonly contacts.write conversations.readonly "
    "conversations/message.readonly conversations/message.write "
    "opportunities.readonly opportunities.write payments/orders.readonly "
    "payments/transactions.readonly locations.readonly users.readonly";

constexpr const char* kIamRefusal = "This route is not yet supported by the IAM Service.";

}  // namespace

void FakeGhl::setOAuthApp(const std::string& clientId, const std::string& clientSecret,
                          const std::string& redirectUri, const std::string& appId) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  appClientId_ = clientId;
  appSecret_ = clientSecret;
  redirectUri_ = redirectUri;
  appId_ = appId;
  // The app comes installed in the fake's own location, the one it always had.
  if (!installs_.count(locationId_)) installLocation(locationId_);
}

std::string FakeGhl::authorizationCode(const std::string& userType, const std::string& scopes,
                                       const std::string& locationId) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (userType != "Company" && userType != "Location")
    throw ControlError(400, "userType must be Company or Location, not '" + userType + "'");
  Code code{userType, scopes, ""};
  if (userType == "Location") {
    // The user picked this location at chooselocation: approving installs the app there.
    code.location = locationId.empty() ? locationId_ : locationId;
    auto in = installs_.find(code.location);
    if (in == installs_.end() || !in->second.installed || in->second.revoked)
      addLocation(code.location);
  }
  const std::string id = ids_.next("", 40);
  codes_[id] = code;
  return id;
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

// Which client asks decides the grant: the marketplace app (codes, its own refresh tokens) or
// the old client set with setOAuthClient (its one rotating refresh token).
HttpResponse FakeGhl::tokenGrant(const HttpRequest& req) {
  if (!isFormRequest(req)) {
    return ghl::oauthError(400, "invalid_request",
                           "Content-Type must be application/x-www-form-urlencoded");
  }
  HttpRequest form = req;
  form.query = parseUrlEncoded(req.body);
  GhlError missing{422, "", {}};
  for (const char* field : {"client_id", "client_secret", "grant_type"}) {
    if (form.param(field).empty())
      missing.messages.push_back(std::string(field) + " should not be empty");
  }
  if (!missing.messages.empty()) return errorResponse(missing);
  const std::string client = form.param("client_id"), grantType = form.param("grant_type");
  const bool app = !appClientId_.empty() && client == appClientId_;
  const bool legacy = !clientId_.empty() && client == clientId_;
  const bool appRefresh = appRefreshTokens_.count(form.param("refresh_token")) > 0;
  if (app && (!legacy || grantType != "refresh_token" || appRefresh)) {
    if (form.param("client_secret") != appSecret_)
      return ghl::oauthError(401, "invalid_client", "Invalid client credentials");
    if (grantType == "authorization_code") return codeGrant(form);
    if (grantType == "refresh_token") return appRefreshGrant(form);
    return ghl::oauthError(400, "unsupported_grant_type",
                           "grant_type must be authorization_code or refresh_token");
  }
  if (!legacy || form.param("client_secret") != clientSecret_)
    return ghl::oauthError(401, "invalid_client", "Invalid client credentials");
  return legacyRefreshGrant(form);
}

HttpResponse FakeGhl::legacyRefreshGrant(const HttpRequest& form) {
  if (form.param("grant_type") != "refresh_token") {
    return ghl::oauthError(400, "unsupported_grant_type", "grant_type must be refresh_token");
  }
  if (form.param("refresh_token").empty() || form.param("refresh_token") != refreshToken_) {
    return ghl::oauthError(400, "invalid_grant", "Invalid grant: refresh token is invalid");
  }
  // Rotation: the refresh token just used is gone; only the new one works.
  refreshToken_ = "eyJhbGciOiJIUzI1NiJ9.rt" + ids_.next("", 40) + "." + ids_.next("", 24);
  ++refreshCount_;
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  json::setString(d, "access_token", issueAccessToken(), a);
  json::setString(d, "token_type", "Bearer", a);
  json::setInt(d, "expires_in", tokenLifetime_, a);
  json::setString(d, "refresh_token", refreshToken_, a);
  json::setString(d, "scope", kLegacyScopes, a);
  json::setString(d, "userType", form.param("user_type", "Location"), a);
  json::setString(d, "companyId", companyId(), a);
  json::setString(d, "locationId", locationId_, a);
  json::setString(d, "userId", "user_fake_0001", a);
  HttpResponse r = HttpResponse::json(200, d);
  // Token grants stay out of the effects ledger: its bodies carry secrets.
  r.effect = false;
  return r;
}

HttpResponse FakeGhl::codeGrant(const HttpRequest& form) {
  auto it = codes_.find(form.param("code"));
  if (it == codes_.end())
    return ghl::oauthError(400, "invalid_grant", "Invalid grant: authorization code is invalid");
  if (!redirectUri_.empty() && form.param("redirect_uri") != redirectUri_) {
    return ghl::oauthError(400, "invalid_grant",
                           "Invalid grant: redirect_uri does not match the app's redirect URI");
  }
  const Code code = it->second;
  const std::string userType = form.param("user_type");
  if (!userType.empty() && userType != code.userType) {
    return ghl::oauthError(400, "invalid_grant",
                           "Invalid grant: the code was approved for user_type " + code.userType +
                               ", not " + userType);
  }
  codes_.erase(it);  // a code is good once
  ++codeGrants_;
  Token grant;
  grant.userType = code.userType;
  grant.location = code.location;
  grant.scopes = code.scopes;
  return grantTokens(grant);
}

HttpResponse FakeGhl::appRefreshGrant(const HttpRequest& form) {
  auto it = appRefreshTokens_.find(form.param("refresh_token"));
  if (it == appRefreshTokens_.end())
    return ghl::oauthError(400, "invalid_grant", "Invalid grant: refresh token is invalid");
  const Token grant = it->second;  // same user type, company, location and scopes
  appRefreshTokens_.erase(it);     // rotation: the used refresh token dies
  ++refreshCount_;
  return grantTokens(grant);
}

std::string FakeGhl::newToken(Token info) {
  // JWT-shaped, like GHL's, so redaction of "eyJ..." strings gets exercised.
  std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + ids_.next("", 40) + "." + ids_.next("", 32);
  info.expiresAtMs = ghl::steadyMs() + tokenLifetime_ * 1000;
  accessTokens_[token] = std::move(info);
  return token;
}

// The start of every token answer: the access token, its type and lifetime.
void FakeGhl::startTokenBody(rapidjson::Document& d, const std::string& access) const {
  d.SetObject();
  auto& a = d.GetAllocator();
  json::setString(d, "access_token", access, a);
  json::setString(d, "token_type", "Bearer", a);
  json::setInt(d, "expires_in", tokenLifetime_, a);
}

namespace {

// A token answer; token bodies carry secrets, so they stay out of the effects ledger.
HttpResponse tokenResponse(const rapidjson::Document& d) {
  HttpResponse r = HttpResponse::json(200, d);
  r.effect = false;
  return r;
}

}  // namespace

// GetAccessCodeSuccessfulResponseDto.
HttpResponse FakeGhl::grantTokens(const Token& grant) {
  const std::string access = newToken(grant);
  const std::string refresh = "eyJhbGciOiJIUzI1NiJ9.rt" + ids_.next("", 40);
  appRefreshTokens_[refresh] = grant;
  rapidjson::Document d;
  startTokenBody(d, access);
  auto& a = d.GetAllocator();
  json::setString(d, "refresh_token", refresh, a);
  json::setString(d, "scope", grant.scopes, a);
  json::setString(d, "userType", grant.userType, a);
  json::setString(d, "companyId", companyId(), a);
  if (grant.userType == "Location") json::setString(d, "locationId", grant.location, a);
  const bool company = grant.userType == "Company";
  if (company) {
    rapidjson::Value approved(rapidjson::kArrayType);
    for (const std::string& id : installedLocationIds()) approved.PushBack(json::str(id, a), a);
    json::set(d, "approvedLocations", std::move(approved), a);
  }
  json::setString(d, "userId", "user_fake_0001", a);
  json::setBool(d, "isBulkInstallation", company, a);
  return tokenResponse(d);
}

// GetLocationAccessCodeBodyDto in, GetLocationAccessTokenSuccessfulResponseDto out.
HttpResponse FakeGhl::locationToken(const HttpRequest& req) {
  const Token* token = tokenOf(req);
  if (!token || token->userType != "Company") throw GhlError{401, kIamRefusal, {}};
  if (!ghl::hasScope(token->scopes, "oauth.write"))
    throw GhlError{401, "The token is not authorized for this scope.", {}};
  if (!isFormRequest(req))
    throw GhlError{400, "Content-Type must be application/x-www-form-urlencoded", {}};
  HttpRequest form = req;
  form.query = parseUrlEncoded(req.body);
  ghl::requireParams(form, {"companyId", "locationId"});
  if (form.param("companyId") != companyId())
    throw GhlError{400, "companyId " + form.param("companyId") + " is not the token's company", {}};
  const std::string location = form.param("locationId");
  const Record* loc = store_.find("locations", location);
  if (!loc || json::getString(loc->doc, "companyId") != companyId())
    throw GhlError{400, "Location " + location + " was not found in company " + companyId(), {}};
  auto in = installs_.find(location);
  if (in == installs_.end() || !in->second.installed)
    throw GhlError{400, "Location " + location + " has not installed this app", {}};
  if (in->second.revoked) throw GhlError{401, "The app's access was revoked", {}};
  ++locationGrants_[location];
  const std::string scopes = token->scopes;
  const std::string access = newToken(Token{0, "Location", location, scopes});
  rapidjson::Document d;
  startTokenBody(d, access);
  auto& a = d.GetAllocator();
  json::setString(d, "scope", scopes, a);
  json::setString(d, "locationId", location, a);
  json::setString(d, "userId", "user_fake_0001", a);
  json::setString(d, "appId", appId_, a);
  return tokenResponse(d);
}

// The location's access tokens stop working and its refresh tokens are gone.
void FakeGhl::forgetLocationTokens(const std::string& location) {
  for (auto& [token, info] : accessTokens_)
    if (info.location == location) info.expiresAtMs = ghl::steadyMs() - 1;
  for (auto it = appRefreshTokens_.begin(); it != appRefreshTokens_.end();) {
    it = it->second.location == location ? appRefreshTokens_.erase(it) : std::next(it);
  }
}

}  // namespace sluice::fakes
