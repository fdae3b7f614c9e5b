// Secrets at rest: AES-256-GCM (OpenSSL) with a 32-byte key the operator keeps outside the
// state store (settings.token_key). A sealed value is "sealed:v1:" + base64(nonce | ciphertext
// | tag); the associated data binds it to its place (the connection and the field), so a value
// copied into another row does not open there.
#pragma once

#include <optional>
#include <string>

namespace sluice {

class SealedBox {
 public:
  static constexpr size_t kKeyBytes = 32;
  // key: exactly kKeyBytes raw bytes (see parseSealingKey).
  explicit SealedBox(std::string key);

  std::string seal(const std::string& plain, const std::string& associated) const;
  // nullopt when the value was sealed with another key or for another place, or is damaged.
  std::optional<std::string> open(const std::string& sealed, const std::string& associated) const;

  static bool isSealed(const std::string& value);

 private:
  std::string key_;
};

// The key's text as kept in a file or variable: 64 hex digits or the base64 of 32 bytes
// (`openssl rand -hex 32`). nullopt for anything else, surrounding whitespace ignored.
std::optional<std::string> parseSealingKey(const std::string& text);

std::string base64Encode(const std::string& bytes);
std::optional<std::string> base64Decode(const std::string& text);

}  // namespace sluice
