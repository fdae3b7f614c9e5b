// Stripe-Signature checks with signatures made here, with OpenSSL's HMAC, as Stripe makes them.
#include "apps/stripe/stripe_signature.h"

#include <gtest/gtest.h>

#include <string>

#include "webhook_signing.h"

namespace sluice {
namespace stripe_signature_test {

constexpr const char* kSecret = "whsec_test_5f3a9c0e1b2d4f6a8c0e2b4d6f8a0c2e";
constexpr int64_t kNowS = 1'750'000'000;
constexpr int64_t kNowMs = kNowS * 1000;
const std::string kBody =
    R"({"id":"evt_1","object":"event","type":"invoice.paid","data":{"object":{"id":"in_1"}}})";

// v1 as Stripe computes it: hex HMAC-SHA256 of "<t>.<body>" keyed with the endpoint secret.
std::string sign(const std::string& secret, int64_t t, const std::string& body) {
  return test::hmacSha256Hex(secret, std::to_string(t) + "." + body);
}

std::string header(int64_t t, const std::string& v1) {
  return "t=" + std::to_string(t) + ",v1=" + v1;
}

using K = WebhookVerdict::Kind;

TEST(StripeSignature, AValidSignatureIsAccepted) {
  const auto v =
      verifyStripeSignature(header(kNowS, sign(kSecret, kNowS, kBody)), kBody, kSecret, kNowMs);
  EXPECT_TRUE(v.ok()) << v.reason;
}

TEST(StripeSignature, HmacMatchesRfc4231TestCase2) {
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmacSha256Hex(kSecret, std::to_string(kNowS) + "." + kBody),
            sign(kSecret, kNowS, kBody));
}

TEST(StripeSignature, ATamperedBodyIsRejected) {
  const std::string sig = header(kNowS, sign(kSecret, kNowS, kBody));
  std::string tampered = kBody;
  tampered.replace(tampered.find("in_1"), 4, "in_2");
  const auto v = verifyStripeSignature(sig, tampered, kSecret, kNowMs);
  EXPECT_EQ(v.kind, K::Invalid);
  // A changed timestamp is tampering too: t is part of what is signed.
  EXPECT_EQ(
      verifyStripeSignature(header(kNowS + 1, sign(kSecret, kNowS, kBody)), kBody, kSecret, kNowMs)
          .kind,
      K::Invalid);
}

TEST(StripeSignature, AnotherSecretsSignatureIsRejected) {
  const auto v = verifyStripeSignature(header(kNowS, sign("whsec_other", kNowS, kBody)), kBody,
                                       kSecret, kNowMs);
  EXPECT_EQ(v.kind, K::Invalid);
  EXPECT_EQ(v.reason.find(kSecret), std::string::npos);
}

TEST(StripeSignature, AStaleOrFutureTimestampIsRejected) {
  const int64_t old = kNowS - 301, late = kNowS + 301;
  EXPECT_EQ(
      verifyStripeSignature(header(old, sign(kSecret, old, kBody)), kBody, kSecret, kNowMs).kind,
      K::Stale);
  EXPECT_EQ(
      verifyStripeSignature(header(late, sign(kSecret, late, kBody)), kBody, kSecret, kNowMs).kind,
      K::Stale);
  const int64_t edge = kNowS - 300;
  EXPECT_TRUE(
      verifyStripeSignature(header(edge, sign(kSecret, edge, kBody)), kBody, kSecret, kNowMs).ok());
}

TEST(StripeSignature, AnyOfSeveralV1SignaturesMayMatch) {
  // During a secret roll Stripe signs with the old and the new secret; v0 is ignored.
  const std::string h = "t=" + std::to_string(kNowS) + ",v1=" + sign("whsec_old", kNowS, kBody) +
                        ", v1=" + sign(kSecret, kNowS, kBody) +
                        ",v0=" + sign("whsec_v0", kNowS, kBody);
  EXPECT_TRUE(verifyStripeSignature(h, kBody, kSecret, kNowMs).ok());
  const std::string none = "t=" + std::to_string(kNowS) + ",v1=" + sign("whsec_a", kNowS, kBody) +
                           ",v1=zz,v1=abc," + "v0=" + sign(kSecret, kNowS, kBody);
  EXPECT_EQ(verifyStripeSignature(none, kBody, kSecret, kNowMs).kind, K::Invalid);
}

TEST(StripeSignature, AMissingOrMalformedHeaderIsRejected) {
  const std::string good = sign(kSecret, kNowS, kBody);
  EXPECT_EQ(verifyStripeSignature("", kBody, kSecret, kNowMs).kind, K::Missing);
  for (const std::string& h : {std::string("garbage"), "v1=" + good,      // no t
                               "t=" + std::to_string(kNowS),              // no v1
                               "t=12ab,v1=" + good, "t=,v1=" + good,      // t not a number
                               "t=" + std::to_string(kNowS) + ",v1="}) {  // empty v1
    EXPECT_EQ(verifyStripeSignature(h, kBody, kSecret, kNowMs).kind, K::Malformed) << h;
  }
  StripeSignatureHeader parsed;
  ASSERT_TRUE(parseStripeSignatureHeader(" t=5 , v1=ab,v1=cd,x=y,junk", parsed));
  EXPECT_EQ(parsed.timestamp, 5);
  EXPECT_EQ(parsed.v1, (std::vector<std::string>{"ab", "cd"}));
}

TEST(StripeSignature, AnUppercaseHexSignatureStillMatches) {
  std::string sig = sign(kSecret, kNowS, kBody);
  for (char& c : sig) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verifyStripeSignature(header(kNowS, sig), kBody, kSecret, kNowMs).ok());
}

}  // namespace stripe_signature_test
}  // namespace sluice
