#include "apps/ghl/ghl_connector.h"

#include "core/form_encoding.h"

namespace sluice {

namespace {
// Refresh this long before the token expires, so a slow request does not outlive it.
constexpr int64_t kRefreshMarginMs = 5 * 60 * 1000;
}  // namespace

GhlConnector::GhlConnector(const App& app, const Connection& connection, TokenStore* state,
                           const Clock& clock)
    : Connector(app, connection), state_(state), clock_(clock) {}

bool GhlConnector::canRefresh() const {
  return !setting("refresh_token").empty() && !setting("client_id").empty() &&
         !setting("client_secret").empty();
}

void GhlConnector::refresh(HttpTransport& transport) {
  HttpRequest req;
  req.method = "POST";
  req.url = connection_.baseUrl + app_.tokenUrl;
  req.timeoutMs = connection_.timeoutMs;
  const std::string refreshToken =
      tokens_.refreshToken.empty() ? setting("refresh_token") : tokens_.refreshToken;
  req.body = "grant_type=refresh_token&client_id=" + urlEncode(setting("client_id")) +
             "&client_secret=" + urlEncode(setting("client_secret")) +
             "&refresh_token=" + urlEncode(refreshToken) + "&user_type=" +
             urlEncode(setting("user_type").empty() ? "Location" : setting("user_type"));
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"},
                 {"User-Agent", "sluice/" SLUICE_VERSION}};
  const HttpResponse resp = transport.send(req);
  JsonDoc doc;
  if (resp.status != 200 || parseJson(resp.body, doc) || !doc.IsObject() ||
      !doc.HasMember("access_token") || !doc["access_token"].IsString())
    throw Error("connection " + connection_.name + ": OAuth token refresh failed with HTTP " +
                std::to_string(resp.status) + " (is the refresh token revoked?)");
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

bool GhlConnector::authorize(HttpRequest& request, HttpTransport& transport, bool forceRefresh) {
  std::string access;
  if (!canRefresh()) {
    if (forceRefresh) return false;
    access = setting("token");
  } else {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!loaded_ && state_) {
      if (auto saved = state_->loadTokens(connection_.name)) tokens_ = *saved;
      loaded_ = true;
    }
    if (tokens_.accessToken.empty() && !forceRefresh && !setting("token").empty()) {
      // A configured access token is used until it is rejected.
      tokens_.accessToken = setting("token");
      tokens_.expiresAtMs = 0;
    }
    const bool expiring =
        tokens_.expiresAtMs > 0 && tokens_.expiresAtMs - kRefreshMarginMs <= clock_.nowMs();
    if (forceRefresh || tokens_.accessToken.empty() || expiring) refresh(transport);
    access = tokens_.accessToken;
  }
  if (!access.empty()) request.headers.emplace_back("Authorization", "Bearer " + access);
  return true;
}

}  // namespace sluice
