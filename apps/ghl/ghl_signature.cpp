#include "apps/ghl/ghl_signature.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/error.h"
#include "core/iso_time.h"

namespace sluice {

// From https://highlevel.stoplight.io/docs/integrations/ (Webhook Authentication Guide).
const char* const kGhlWebhookPublicKeyPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC\n"
    "Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6\n"
    "dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB\n"
    "csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv\n"
    "uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF\n"
    "3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU\n"
    "J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp\n"
    "IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN\n"
    "h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC\n"
    "HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ\n"
    "PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk\n"
    "T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==\n"
    "-----END PUBLIC KEY-----\n";

namespace {

// Strict base64 (standard alphabet, padding optional); false on anything else.
bool decodeBase64(const std::string& text, std::string& out) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s;
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') s.push_back(c);
  size_t end = s.size();
  while (end > 0 && s[end - 1] == '=' && s.size() - end < 2) --end;
  if (end == 0 || end % 4 == 1) return false;
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < end; ++i) {
    const size_t v = alphabet.find(s[i]);
    if (v == std::string::npos) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

}  // namespace

GhlSignatureVerifier::GhlSignatureVerifier(const std::string& publicKeyPem) {
  BIO* bio = BIO_new_mem_buf(publicKeyPem.data(), static_cast<int>(publicKeyPem.size()));
  if (bio) {
    key_ = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
  }
  if (!key_) throw Error("not a PEM public key (-----BEGIN PUBLIC KEY-----)");
}

GhlSignatureVerifier::~GhlSignatureVerifier() {
  EVP_PKEY_free(key_);
}

WebhookVerdict GhlSignatureVerifier::verify(const std::string& signature,
                                            const std::string& body) const {
  using K = WebhookVerdict::Kind;
  if (signature.empty()) return WebhookVerdict::reject(K::Missing, "no x-wh-signature header");
  std::string raw;
  if (!decodeBase64(signature, raw))
    return WebhookVerdict::reject(K::Malformed, "x-wh-signature is not base64");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  int rc = ctx ? EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key_) : 0;
  if (rc == 1)
    rc = EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                          reinterpret_cast<const unsigned char*>(body.data()), body.size());
  EVP_MD_CTX_free(ctx);
  if (rc != 1)
    return WebhookVerdict::reject(K::Invalid, "x-wh-signature does not verify against the body");
  return WebhookVerdict::accept();
}

WebhookVerdict checkGhlTimestamp(const std::string& timestamp, int64_t nowMs, int64_t windowMs) {
  using K = WebhookVerdict::Kind;
  const auto at = parseIsoInstantMs(timestamp);
  if (!at) return WebhookVerdict::reject(K::Malformed, "timestamp is not ISO 8601");
  const int64_t age = nowMs - *at;
  if (age > windowMs || age < -windowMs)
    return WebhookVerdict::reject(K::Stale, "timestamp is " + std::to_string(age / 1000) +
                                                " s from now (window " +
                                                std::to_string(windowMs / 1000) + " s)");
  return WebhookVerdict::accept();
}

}  // namespace sluice
