// OAuth tokens of connections whose access token is refreshed: the newest pair is saved before
// it is used, so a rotated refresh token is never lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sluice {

struct OAuthTokens {
  std::string accessToken;
  std::string refreshToken;
  int64_t expiresAtMs = 0;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;

  virtual std::optional<OAuthTokens> loadTokens(const std::string& connection) = 0;
  virtual void saveTokens(const std::string& connection, const OAuthTokens& tokens) = 0;
};

}  // namespace sluice
