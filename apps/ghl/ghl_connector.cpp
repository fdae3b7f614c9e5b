#include "apps/ghl/ghl_connector.h"

#include "core/form_encoding.h"
#include "core/text.h"

namespace sluice {

namespace {
// Refresh this long before the token expires, so a slow request does not outlive it.
constexpr int64_t kRefreshMarginMs = 5 * 60 * 1000;
// POST /oauth/locationToken's Version (oauth.json).
constexpr char kOAuthVersion[] = "2021-07-28";

// A token endpoint that is busy or failing now says nothing about the credentials.
bool busy(const HttpResponse& resp) {
  return resp.status == 429 || resp.status >= 500;
}

std::string serverMessage(const HttpResponse& resp) {
  JsonDoc doc;
  if (parseJson(resp.body, doc) || !doc.IsObject()) return "";
  for (const char* key : {"message", "error_description", "error"})
    if (doc.HasMember(key) && doc[key].IsString()) return std::string(": ") + doc[key].GetString();
  return "";
}
}  // namespace

GhlConnector::GhlConnector(const App& app, const Connection& connection, TokenStore* state,
                           const Clock& clock)
    : Connector(app, connection), state_(state), clock_(clock) {}

void GhlConnector::linkAgency(AgencyLink& agency) {
  agencyClient_ = &agency;
  agency_ = dynamic_cast<GhlConnector*>(&agency.connector());
}

void GhlConnector::loadOnce() {
  if (loaded_) return;
  loaded_ = true;
  if (state_)
    if (auto saved = state_->loadTokens(connection_.name)) tokens_ = *saved;
}

bool GhlConnector::expiringSoon() const {
  return tokens_.expiresAtMs > 0 && tokens_.expiresAtMs - kRefreshMarginMs <= clock_.nowMs();
}

bool GhlConnector::canRefresh() const {
  const bool refreshToken = !setting("refresh_token").empty() || !tokens_.refreshToken.empty();
  return refreshToken && !setting("client_id").empty() && !setting("client_secret").empty();
}

void GhlConnector::keep(const JsonDoc& doc, const std::string& refreshToken) {
  OAuthTokens fresh;
  fresh.accessToken = doc["access_token"].GetString();
  fresh.refreshToken = doc.HasMember("refresh_token") && doc["refresh_token"].IsString()
                           ? doc["refresh_token"].GetString()
                           : refreshToken;
  const int64_t expiresIn = doc.HasMember("expires_in") && doc["expires_in"].IsNumber()
                                ? doc["expires_in"].GetInt64()
                                : 3600;
  fresh.expiresAtMs = clock_.nowMs() + expiresIn * 1000;
  // Persist first: the old refresh token is already dead, so losing the new one would lock
  // the connection out for good.
  if (state_) state_->saveTokens(connection_.name, fresh);
  tokens_ = fresh;
}

bool GhlConnector::tokenGrant(HttpTransport& transport, const std::string& grantType,
                              const std::string& more, JsonDoc& doc, HttpResponse& resp) const {
  HttpRequest req;
  req.method = "POST";
  req.url = connection_.baseUrl + app_.tokenUrl;
  req.timeoutMs = connection_.timeoutMs;
  req.body = "grant_type=" + grantType + "&client_id=" + urlEncode(setting("client_id")) +
             "&client_secret=" + urlEncode(setting("client_secret")) + "&user_type=" +
             urlEncode(setting("user_type").empty() ? "Location" : setting("user_type")) + more;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"},
                 {"User-Agent", "sluice/" SLUICE_VERSION}};
  resp = transport.send(req);
  return resp.status == 200 && !parseJson(resp.body, doc) && doc.IsObject() &&
         doc.HasMember("access_token") && doc["access_token"].IsString();
}

void GhlConnector::refresh(HttpTransport& transport) {
  const std::string refreshToken =
      tokens_.refreshToken.empty() ? setting("refresh_token") : tokens_.refreshToken;
  JsonDoc doc;
  HttpResponse resp;
  if (!tokenGrant(transport, "refresh_token", "&refresh_token=" + urlEncode(refreshToken), doc,
                  resp)) {
    if (busy(resp))
      throw TransientError("connection " + connection_.name +
                           ": OAuth token refresh answered HTTP " + std::to_string(resp.status) +
                           serverMessage(resp) + "; tried again later");
    throw Error("connection " + connection_.name + ": OAuth token refresh failed with HTTP " +
                std::to_string(resp.status) +
                " (is the refresh token revoked? connect again with `sluice connect`)");
  }
  keep(doc, refreshToken);
}

HttpResponse GhlConnector::requestLocationToken(HttpTransport& transport,
                                                const std::string& agencyToken) {
  HttpRequest req;
  req.method = "POST";
  req.url = connection_.baseUrl + "/oauth/locationToken";
  req.timeoutMs = connection_.timeoutMs;
  req.body = "companyId=" + urlEncode(setting("company_id")) +
             "&locationId=" + urlEncode(setting("location_id"));
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"},
                 {"Version", kOAuthVersion},
                 {"Authorization", "Bearer " + agencyToken},
                 {"User-Agent", "sluice/" SLUICE_VERSION}};
  (void)transport;  // sent through the agency's client: its rate limit covers the request
  return agencyClient_->sendPaced(req, "POST /oauth/locationToken for " + connection_.name);
}

void GhlConnector::fetchLocationToken(HttpTransport& transport) {
  HttpResponse resp = requestLocationToken(transport, agency_->accessToken(transport, false));
  if (resp.status == 401)  // the agency's access token was refused: a new one, once
    resp = requestLocationToken(transport, agency_->accessToken(transport, true));
  if (busy(resp))
    throw TransientError("connection " + connection_.parent + ": no token for sub-account " +
                         setting("location_id") + " yet (POST /oauth/locationToken: HTTP " +
                         std::to_string(resp.status) + serverMessage(resp) +
                         "); tried again later");
  JsonDoc doc;
  if (resp.status != 200 || parseJson(resp.body, doc) || !doc.IsObject() ||
      !doc.HasMember("access_token") || !doc["access_token"].IsString())
    throw Error("connection " + connection_.parent + ": no token for sub-account " +
                setting("location_id") + " (POST /oauth/locationToken: HTTP " +
                std::to_string(resp.status) + serverMessage(resp) +
                "): is the app still installed there, and does the agency token have oauth.write?");
  keep(doc, "");
}

std::string GhlConnector::accessToken(HttpTransport& transport, bool forceRefresh) {
  std::lock_guard<std::mutex> lock(mutex_);
  loadOnce();
  if (agency_) {
    if (forceRefresh || tokens_.accessToken.empty() || expiringSoon())
      fetchLocationToken(transport);
    return tokens_.accessToken;
  }
  if (!canRefresh()) {
    if (forceRefresh) return "";
    return setting("token");
  }
  if (tokens_.accessToken.empty() && !forceRefresh && !setting("token").empty()) {
    // A configured access token is used until it is rejected.
    tokens_.accessToken = setting("token");
    tokens_.expiresAtMs = 0;
  }
  if (forceRefresh || tokens_.accessToken.empty() || expiringSoon()) refresh(transport);
  return tokens_.accessToken;
}

namespace {
std::string field(const JsonDoc& doc, const char* name) {
  return doc.HasMember(name) && doc[name].IsString() ? doc[name].GetString() : "";
}
}  // namespace

void GhlConnector::checkGrant(const JsonDoc& doc) const {
  const std::string prefix = "connection " + connection_.name + ": ";
  const std::string userType = field(doc, "userType");
  const std::string wanted = setting("user_type").empty() ? "Location" : setting("user_type");
  if (!userType.empty() && userType != wanted)
    throw Error(prefix + "HighLevel granted a " + userType + " token, but the connection's " +
                "user_type is " + wanted +
                (connection_.tenants.any() ? " (an agency connection needs user_type: Company and "
                                             "the app approved for the agency)"
                                           : ""));
  const std::string company = field(doc, "companyId");
  if (!setting("company_id").empty() && !company.empty() && company != setting("company_id"))
    throw Error(prefix + "the token is for company " + company +
                ", the connection's company_id is " + setting("company_id") +
                ": approve the app in the right agency, or fix company_id");
  if (!connection_.tenants.any() || !app_.tenants) return;
  const std::string granted = " " + field(doc, "scope") + " ";
  std::vector<std::string> missing;
  for (const auto& scope : app_.tenants->scopes)
    if (granted.find(" " + scope + " ") == std::string::npos) missing.push_back(scope);
  if (!missing.empty())
    throw Error(prefix + "the agency token lacks the scopes " + joined(missing) +
                ": add them to the marketplace app's scopes and connect again");
}

std::string GhlConnector::connectWithCode(HttpTransport& transport, const std::string& code,
                                          const std::string& redirectUri) {
  JsonDoc doc;
  HttpResponse resp;
  if (!tokenGrant(transport, "authorization_code",
                  "&code=" + urlEncode(code) + "&redirect_uri=" + urlEncode(redirectUri), doc,
                  resp))
    throw Error("connection " + connection_.name + ": HighLevel refused the code (POST " +
                app_.tokenUrl + ": HTTP " + std::to_string(resp.status) + serverMessage(resp) +
                "): a code is good once and for minutes only; run `sluice connect` again");
  checkGrant(doc);
  std::lock_guard<std::mutex> lock(mutex_);
  keep(doc, "");
  loaded_ = true;
  return "user_type=" + field(doc, "userType") + " company=" + field(doc, "companyId") +
         (field(doc, "locationId").empty() ? "" : " location=" + field(doc, "locationId")) +
         " scopes=\"" + field(doc, "scope") + "\"";
}

bool GhlConnector::authorize(HttpRequest& request, HttpTransport& transport, bool forceRefresh) {
  const std::string access = accessToken(transport, forceRefresh);
  if (forceRefresh && access.empty()) return false;
  if (!access.empty()) request.headers.emplace_back("Authorization", "Bearer " + access);
  return true;
}

}  // namespace sluice
