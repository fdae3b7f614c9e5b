// Stripe webhook signatures (https://docs.stripe.com/webhooks#verify-manually):
//   Stripe-Signature: t=1700000000,v1=<hex HMAC-SHA256>,v1=<...>,v0=<...>
// v1 = HMAC-SHA256(key = the endpoint's secret "whsec_...", message = t + "." + raw body).
// Any v1 may match (several during a secret roll); the comparison is constant time; t must be
// within the tolerance (300 s, either way) of now, so a captured request cannot be replayed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/webhook_verdict.h"

namespace sluice {

struct StripeSignatureHeader {
  int64_t timestamp = 0;        // t, unix seconds
  std::vector<std::string> v1;  // the v1 signatures, as given (hex)
};

// Parses "t=...,v1=...,...": false when t is missing or not a number, or there is no v1.
// Unknown schemes (v0) are ignored.
bool parseStripeSignatureHeader(const std::string& header, StripeSignatureHeader& out);

// Lowercase hex of HMAC-SHA256(key, message).
std::string hmacSha256Hex(const std::string& key, const std::string& message);

constexpr int64_t kStripeSignatureToleranceS = 300;

// Verifies the header against the raw body with the endpoint secret at nowMs.
WebhookVerdict verifyStripeSignature(const std::string& header, const std::string& body,
                                     const std::string& secret, int64_t nowMs,
                                     int64_t toleranceS = kStripeSignatureToleranceS);

}  // namespace sluice
