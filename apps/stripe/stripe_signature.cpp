#include "apps/stripe/stripe_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

#include "core/text.h"

namespace sluice {

namespace {

std::string hmacSha256(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
            &length))
    return "";
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

bool parseStripeSignatureHeader(const std::string& header, StripeSignatureHeader& out) {
  out = {};
  bool haveTimestamp = false;
  size_t start = 0;
  while (start <= header.size()) {
    size_t comma = header.find(',', start);
    if (comma == std::string::npos) comma = header.size();
    const std::string item = trim(header.substr(start, comma - start));
    start = comma + 1;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    const std::string scheme = item.substr(0, eq), value = item.substr(eq + 1);
    if (scheme == "t") {
      if (value.empty() || value.size() > 12) return false;
      for (char c : value)
        if (c < '0' || c > '9') return false;
      out.timestamp = std::strtoll(value.c_str(), nullptr, 10);
      haveTimestamp = true;
    } else if (scheme == "v1" && !value.empty()) {
      out.v1.push_back(value);
    }
  }
  return haveTimestamp && !out.v1.empty();
}

std::string hmacSha256Hex(const std::string& key, const std::string& message) {
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : hmacSha256(key, message)) {
    hex.push_back(digits[c >> 4]);
    hex.push_back(digits[c & 15]);
  }
  return hex;
}

WebhookVerdict verifyStripeSignature(const std::string& header, const std::string& body,
                                     const std::string& secret, int64_t nowMs, int64_t toleranceS) {
  using K = WebhookVerdict::Kind;
  if (trim(header).empty()) return WebhookVerdict::reject(K::Missing, "no Stripe-Signature header");
  StripeSignatureHeader parsed;
  if (!parseStripeSignatureHeader(header, parsed))
    return WebhookVerdict::reject(K::Malformed,
                                  "Stripe-Signature needs t=<unix seconds> and at least one v1");
  if (secret.empty()) return WebhookVerdict::reject(K::Invalid, "no webhook secret configured");
  const std::string expected = hmacSha256(secret, std::to_string(parsed.timestamp) + "." + body);
  if (expected.empty()) return WebhookVerdict::reject(K::Invalid, "HMAC failed");
  // Every candidate is compared, in constant time for its length, whether or not an earlier
  // one matched: the time taken says nothing about how much of a signature was right.
  bool match = false;
  for (const auto& candidate : parsed.v1) {
    const auto bytes = hexDecode(candidate);
    if (!bytes || bytes->size() != expected.size()) continue;
    if (CRYPTO_memcmp(bytes->data(), expected.data(), expected.size()) == 0) match = true;
  }
  if (!match) return WebhookVerdict::reject(K::Invalid, "no v1 signature matches the body");
  const int64_t age = nowMs / 1000 - parsed.timestamp;
  if (age > toleranceS || age < -toleranceS)
    return WebhookVerdict::reject(K::Stale, "timestamp is " + std::to_string(age) +
                                                " s from now (tolerance " +
                                                std::to_string(toleranceS) + " s)");
  return WebhookVerdict::accept();
}

}  // namespace sluice
