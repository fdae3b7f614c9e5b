// GoHighLevel: Bearer token; with client_id, client_secret and refresh_token the access token
// is refreshed at POST /oauth/token before it expires and after a 401. GHL rotates refresh
// tokens, so the new pair is persisted in the state store before it is used, and refreshes
// are serialized (two concurrent refreshes would invalidate each other).
#pragma once

#include <mutex>

#include "apps/connector.h"
#include "state/token_store.h"

namespace sluice {

class GhlConnector : public Connector {
 public:
  GhlConnector(const App& app, const Connection& connection, TokenStore* state, const Clock& clock);
  bool authorize(HttpRequest& request, HttpTransport& transport, bool forceRefresh) override;

 private:
  bool canRefresh() const;
  // Refreshes the tokens; throws TransportError/Error on failure (no secret in the message).
  void refresh(HttpTransport& transport);

  TokenStore* state_;
  const Clock& clock_;
  std::mutex mutex_;
  OAuthTokens tokens_;
  bool loaded_ = false;
};

}  // namespace sluice
