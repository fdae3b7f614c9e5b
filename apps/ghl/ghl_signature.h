// GHL (HighLevel) webhook signatures (docs/oauth/WebhookAuthentication.md):
//   x-wh-signature: base64 of an RSA-SHA256 (PKCS#1 v1.5) signature of the raw body, made with
//   HighLevel's private key; verified with its published public key (kGhlWebhookPublicKeyPem,
//   overridable per connection for key rotation). The body carries "timestamp" (ISO 8601) and
//   "webhookId": a timestamp outside a 5-minute window is a replay, and a webhookId seen before
//   is a duplicate (the receiver keeps those).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "apps/webhook_verdict.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace sluice {

// HighLevel's published webhook public key (RSA 4096), as given in the docs.
extern const char* const kGhlWebhookPublicKeyPem;

constexpr int64_t kGhlTimestampWindowMs = 5 * 60 * 1000;

class GhlSignatureVerifier {
 public:
  // Parses a PEM public key ("-----BEGIN PUBLIC KEY-----"); throws Error when it is not one.
  explicit GhlSignatureVerifier(const std::string& publicKeyPem = kGhlWebhookPublicKeyPem);
  ~GhlSignatureVerifier();
  GhlSignatureVerifier(const GhlSignatureVerifier&) = delete;
  GhlSignatureVerifier& operator=(const GhlSignatureVerifier&) = delete;

  // signature: the x-wh-signature header (base64); body: the raw request body.
  WebhookVerdict verify(const std::string& signature, const std::string& body) const;

 private:
  EVP_PKEY* key_ = nullptr;
};

// The payload's timestamp against nowMs: Ok when within the window either way, Malformed when
// it cannot be read, Stale otherwise.
WebhookVerdict checkGhlTimestamp(const std::string& timestamp, int64_t nowMs,
                                 int64_t windowMs = kGhlTimestampWindowMs);

}  // namespace sluice
