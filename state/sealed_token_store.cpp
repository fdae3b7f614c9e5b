#include "state/sealed_token_store.h"

namespace sluice {

namespace {
// Binds a sealed value to its row and column: a value copied elsewhere does not open.
std::string place(const std::string& connection, const std::string& field) {
  return "sluice-token\n" + connection + "\n" + field;
}
}  // namespace

SealedTokenStore::SealedTokenStore(TokenStore& inner, const std::string& key,
                                   SourceLocation keyWhere)
    : inner_(inner),
      box_(key.empty() ? nullptr : std::make_unique<SealedBox>(key)),
      keyWhere_(std::move(keyWhere)) {}

std::string SealedTokenStore::open(const std::string& connection, const std::string& field,
                                   const std::string& value) const {
  if (!SealedBox::isSealed(value)) return value;
  if (!box_)
    throw ConfigError(keyWhere_, "connection " + connection +
                                     ": its stored OAuth tokens are sealed, but settings.token_key "
                                     "is not set: set it to the key they were sealed with");
  auto plain = box_->open(value, place(connection, field));
  if (!plain)
    throw ConfigError(keyWhere_, "connection " + connection +
                                     ": settings.token_key cannot decrypt its stored OAuth tokens "
                                     "(a different key?): restore the key they were sealed "
                                     "with, or connect again with `sluice connect`");
  return *plain;
}

std::optional<OAuthTokens> SealedTokenStore::loadTokens(const std::string& connection) {
  auto tokens = inner_.loadTokens(connection);
  if (!tokens) return tokens;
  tokens->accessToken = open(connection, "access", tokens->accessToken);
  tokens->refreshToken = open(connection, "refresh", tokens->refreshToken);
  return tokens;
}

void SealedTokenStore::saveTokens(const std::string& connection, const OAuthTokens& tokens) {
  if (!box_) return inner_.saveTokens(connection, tokens);
  OAuthTokens sealed = tokens;
  sealed.accessToken = box_->seal(tokens.accessToken, place(connection, "access"));
  sealed.refreshToken = box_->seal(tokens.refreshToken, place(connection, "refresh"));
  inner_.saveTokens(connection, sealed);
}

}  // namespace sluice
