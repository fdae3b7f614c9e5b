// x-wh-signature checks with signatures made here: a fresh RSA-2048 key pair, the body signed
// with the private key (RSA-SHA256, as HighLevel signs), verified with the public PEM.
#include "connectors/ghl/ghl_signature.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>

#include "core/error.h"

namespace sluice {
namespace ghl_signature_test {

struct KeyPair {
  std::shared_ptr<EVP_PKEY> key;
  std::string publicPem;
};

KeyPair generateKeyPair() {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr);
  EVP_PKEY* raw = nullptr;
  EXPECT_EQ(EVP_PKEY_keygen_init(ctx), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048), 1);
  EXPECT_EQ(EVP_PKEY_keygen(ctx, &raw), 1);
  EVP_PKEY_CTX_free(ctx);
  KeyPair pair;
  pair.key.reset(raw, EVP_PKEY_free);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, raw);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  pair.publicPem.assign(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pair;
}

// Base64 of the RSA-SHA256 (PKCS#1 v1.5) signature of body.
std::string sign(const KeyPair& pair, const std::string& body) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pair.key.get()), 1);
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

const KeyPair& keys() {
  static const KeyPair pair = generateKeyPair();
  return pair;
}

const std::string kBody =
    R"({"type":"ContactCreate","locationId":"loc_1","id":"c_1","email":"a@x.test",)"
    R"("timestamp":"2025-01-28T14:35:00Z","webhookId":"abc123xyz"})";

using K = WebhookVerdict::Kind;

TEST(GhlSignature, AValidSignatureIsAccepted) {
  GhlSignatureVerifier verifier(keys().publicPem);
  const auto v = verifier.verify(sign(keys(), kBody), kBody);
  EXPECT_TRUE(v.ok()) << v.reason;
}

TEST(GhlSignature, ATamperedBodyIsRejected) {
  GhlSignatureVerifier verifier(keys().publicPem);
  std::string tampered = kBody;
  tampered.replace(tampered.find("a@x.test"), 8, "b@x.test");
  EXPECT_EQ(verifier.verify(sign(keys(), kBody), tampered).kind, K::Invalid);
  // A flipped bit of the signature itself.
  std::string sig = sign(keys(), kBody);
  sig[10] = sig[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verifier.verify(sig, kBody).kind, K::Invalid);
}

TEST(GhlSignature, ASignatureByAnotherKeyIsRejected) {
  const KeyPair other = generateKeyPair();
  GhlSignatureVerifier verifier(keys().publicPem);
  EXPECT_EQ(verifier.verify(sign(other, kBody), kBody).kind, K::Invalid);
  // HighLevel's published key (the default) does not verify our test signature either.
  GhlSignatureVerifier published;
  EXPECT_EQ(published.verify(sign(keys(), kBody), kBody).kind, K::Invalid);
}

TEST(GhlSignature, AMissingOrUnreadableSignatureIsRejected) {
  GhlSignatureVerifier verifier(keys().publicPem);
  EXPECT_EQ(verifier.verify("", kBody).kind, K::Missing);
  EXPECT_EQ(verifier.verify("not base64 !!", kBody).kind, K::Malformed);
  EXPECT_EQ(verifier.verify("QUJD", kBody).kind, K::Invalid);  // base64, but not a signature
}

TEST(GhlSignature, APublicKeyThatIsNotPemIsRefused) {
  EXPECT_THROW(GhlSignatureVerifier("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
               Error);
  EXPECT_THROW(GhlSignatureVerifier("hello"), Error);
  EXPECT_NO_THROW(GhlSignatureVerifier{});
}

TEST(GhlSignature, TimestampsOutsideFiveMinutesAreStale) {
  const int64_t at = 1738074900000;  // 2025-01-28T14:35:00Z
  EXPECT_TRUE(checkGhlTimestamp("2025-01-28T16:35:00+02:00", at).ok());
  EXPECT_TRUE(checkGhlTimestamp("2025-01-28T14:35:00Z", at + 299'000).ok());
  EXPECT_TRUE(checkGhlTimestamp("2025-01-28T14:35:00Z", at - 299'000).ok());
  EXPECT_EQ(checkGhlTimestamp("2025-01-28T14:35:00Z", at + 301'000).kind, K::Stale);
  EXPECT_EQ(checkGhlTimestamp("2025-01-28T14:35:00Z", at - 301'000).kind, K::Stale);
  EXPECT_EQ(checkGhlTimestamp("yesterday", at).kind, K::Malformed);
}

}  // namespace ghl_signature_test
}  // namespace sluice
