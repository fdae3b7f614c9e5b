// Signatures made the way Stripe and HighLevel make them, so that webhook checks are tested
// against real signatures (tests/apps/*_signature_test.cpp, the webhook receiver test).
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>

namespace sluice::test {

// Hex HMAC-SHA256 of message; Stripe's v1 is this of "<t>.<body>" keyed with the secret.
std::string hmacSha256Hex(const std::string& key, const std::string& message);

// An RSA-2048 key pair standing in for HighLevel's: a test signs with it, and the code under
// test verifies with publicPem.
struct RsaKeyPair {
  std::shared_ptr<EVP_PKEY> key;
  std::string publicPem;

  static RsaKeyPair generate();
  // Base64 of the RSA-SHA256 (PKCS#1 v1.5) signature of body, as in x-wh-signature.
  std::string sign(const std::string& body) const;
};

}  // namespace sluice::test
