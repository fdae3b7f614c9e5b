// The token store every connector reads through: with settings.token_key, access and refresh
// tokens are sealed (AES-256-GCM, core/sealed_box.h) before they reach the state store and
// opened when read. Tokens saved before a key was set are read as they are and sealed on their
// next save. A sealed token without a key, or one the key cannot open, is a ConfigError that
// names the connection and what to do: it is never sent, logged or overwritten.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/sealed_box.h"
#include "state/token_store.h"

namespace sluice {

class SealedTokenStore : public TokenStore {
 public:
  // key: settings.token_key ("" = no sealing); keyWhere: where it is (or would be) set.
  SealedTokenStore(TokenStore& inner, const std::string& key, SourceLocation keyWhere);

  std::optional<OAuthTokens> loadTokens(const std::string& connection) override;
  void saveTokens(const std::string& connection, const OAuthTokens& tokens) override;

  bool sealing() const { return box_ != nullptr; }

 private:
  std::string open(const std::string& connection, const std::string& field,
                   const std::string& value) const;

  TokenStore& inner_;
  std::unique_ptr<SealedBox> box_;
  SourceLocation keyWhere_;
};

}  // namespace sluice
