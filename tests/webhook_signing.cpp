#include "webhook_signing.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace sluice::test {

std::string hmacSha256Hex(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

RsaKeyPair RsaKeyPair::generate() {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr);
  EVP_PKEY* raw = nullptr;
  EXPECT_EQ(EVP_PKEY_keygen_init(ctx), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048), 1);
  EXPECT_EQ(EVP_PKEY_keygen(ctx, &raw), 1);
  EVP_PKEY_CTX_free(ctx);
  RsaKeyPair pair;
  pair.key.reset(raw, EVP_PKEY_free);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, raw);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  pair.publicPem.assign(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pair;
}

std::string RsaKeyPair::sign(const std::string& body) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key.get()), 1);
  size_t length = 0;
  EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(body.data()),
                 body.size());
  std::string sig(length, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &length,
                           reinterpret_cast<const unsigned char*>(body.data()), body.size()),
            1);
  sig.resize(length);
  EVP_MD_CTX_free(ctx);
  std::string b64(4 * ((sig.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                reinterpret_cast<const unsigned char*>(sig.data()),
                                static_cast<int>(sig.size()));
  b64.resize(static_cast<size_t>(n));
  return b64;
}

}  // namespace sluice::test
