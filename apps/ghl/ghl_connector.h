// GoHighLevel: Bearer token; with client_id, client_secret and a refresh token (configured, or
// stored by `sluice connect`) the access token is refreshed at POST /oauth/token before it
// expires and after a 401. GHL rotates refresh tokens, so the new pair is persisted in the
// state store before it is used, and refreshes are serialized (two concurrent refreshes would
// invalidate each other).
//
// A tenant connection (one sub-account of an agency connection with `locations:`) has no
// refresh token: its location token comes from POST /oauth/locationToken with the agency's
// token, again when it expires or is refused.
#pragma once

#include <mutex>

#include "apps/connector.h"
#include "state/token_store.h"

namespace sluice {

class GhlConnector : public Connector {
 public:
  GhlConnector(const App& app, const Connection& connection, TokenStore* state, const Clock& clock);
  bool authorize(HttpRequest& request, HttpTransport& transport, bool forceRefresh) override;
  void linkAgency(AgencyLink& agency) override;
  std::string connectWithCode(HttpTransport& transport, const std::string& code,
                              const std::string& redirectUri) override;

  // The access token to send, refreshed first when it expires soon or forceRefresh; "" when
  // the connection has none. Throws TransientError when the token endpoint is busy (429, 5xx)
  // or the agency's limit is spent, Error when the credentials are refused.
  std::string accessToken(HttpTransport& transport, bool forceRefresh);

 private:
  bool canRefresh() const;    // mutex_ held, tokens loaded
  bool expiringSoon() const;  // mutex_ held: within the refresh margin of its expiry
  void loadOnce();            // mutex_ held
  // POST token_url with client_id, client_secret, user_type and more; true when the answer
  // holds an access token (in doc), else the answer is in resp.
  bool tokenGrant(HttpTransport& transport, const std::string& grantType, const std::string& more,
                  JsonDoc& doc, HttpResponse& resp) const;
  // Refreshes the tokens; throws TransportError/Error on failure (no secret in the message).
  void refresh(HttpTransport& transport);
  void fetchLocationToken(HttpTransport& transport);
  HttpResponse requestLocationToken(HttpTransport& transport, const std::string& agencyToken);
  void keep(const JsonDoc& answer, const std::string& refreshToken);
  // What connectWithCode refuses: a Location token for an agency connection, another
  // company, missing scopes.
  void checkGrant(const JsonDoc& answer) const;

  TokenStore* state_;
  const Clock& clock_;
  AgencyLink* agencyClient_ = nullptr;  // a tenant connection's agency: its rate limit
  GhlConnector* agency_ = nullptr;      // ... and its tokens
  std::mutex mutex_;
  OAuthTokens tokens_;
  bool loaded_ = false;
};

}  // namespace sluice
