// x-wh-signature checks with signatures made here: a fresh RSA-2048 key pair, the body signed
// with the private key (RSA-SHA256, as HighLevel signs), verified with the public PEM.
#include "apps/ghl/ghl_signature.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/error.h"
#include "webhook_signing.h"

namespace sluice {
namespace ghl_signature_test {

using test::RsaKeyPair;

const RsaKeyPair& keys() {
  static const RsaKeyPair pair = RsaKeyPair::generate();
  return pair;
}

const std::string kBody =
    R"({"type":"ContactCreate","locationId":"loc_1","id":"c_1","email":"a@x.test",)"
    R"("timestamp":"2025-01-28T14:35:00Z","webhookId":"abc123xyz"})";

using K = WebhookVerdict::Kind;

TEST(GhlSignature, AValidSignatureIsAccepted) {
  GhlSignatureVerifier verifier(keys().publicPem);
  const auto v = verifier.verify(keys().sign(kBody), kBody);
  EXPECT_TRUE(v.ok()) << v.reason;
}

TEST(GhlSignature, ATamperedBodyIsRejected) {
  GhlSignatureVerifier verifier(keys().publicPem);
  std::string tampered = kBody;
  tampered.replace(tampered.find("a@x.test"), 8, "b@x.test");
  EXPECT_EQ(verifier.verify(keys().sign(kBody), tampered).kind, K::Invalid);
  // A flipped bit of the signature itself.
  std::string sig = keys().sign(kBody);
  sig[10] = sig[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verifier.verify(sig, kBody).kind, K::Invalid);
}

TEST(GhlSignature, ASignatureByAnotherKeyIsRejected) {
  const RsaKeyPair other = RsaKeyPair::generate();
  GhlSignatureVerifier verifier(keys().publicPem);
  EXPECT_EQ(verifier.verify(other.sign(kBody), kBody).kind, K::Invalid);
  // HighLevel's published key (the default) does not verify our test signature either.
  GhlSignatureVerifier published;
  EXPECT_EQ(published.verify(keys().sign(kBody), kBody).kind, K::Invalid);
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
