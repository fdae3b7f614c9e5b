// core/sealed_box.cpp: AES-256-GCM sealing of secrets at rest, and the key's text forms.
#include "core/sealed_box.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

const std::string kHexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::string key() {
  return *parseSealingKey(kHexKey);
}

TEST(SealedBoxTest, ASealedValueOpensWithItsKeyAndPlaceOnly) {
  const SealedBox box(key());
  const std::string sealed = box.seal("refresh-token-123", "conn\nrefresh");
  EXPECT_TRUE(SealedBox::isSealed(sealed));
  EXPECT_EQ(sealed.find("refresh-token-123"), std::string::npos);
  EXPECT_EQ(box.open(sealed, "conn\nrefresh"), "refresh-token-123");
  EXPECT_EQ(box.open(sealed, "other\nrefresh"), std::nullopt);  // copied to another row
  std::string otherKey = key();
  otherKey[0] = 'x';
  EXPECT_EQ(SealedBox(otherKey).open(sealed, "conn\nrefresh"), std::nullopt);
}

TEST(SealedBoxTest, EverySealingUsesANewNonceAndDamageIsDetected) {
  const SealedBox box(key());
  const std::string a = box.seal("same", "p");
  const std::string b = box.seal("same", "p");
  EXPECT_NE(a, b);
  std::string damaged = a;
  damaged[damaged.size() - 3] = damaged[damaged.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(box.open(damaged, "p"), std::nullopt);
  EXPECT_EQ(box.open("sealed:v1:not base64!", "p"), std::nullopt);
  EXPECT_EQ(box.open(box.seal("", "p"), "p"), "");
}

TEST(SealedBoxTest, KeysAreHexOrBase64Of32Bytes) {
  EXPECT_EQ(parseSealingKey(kHexKey + "\n")->size(), 32u);
  EXPECT_EQ(parseSealingKey(base64Encode(key())), key());
  EXPECT_EQ(parseSealingKey("short"), std::nullopt);
  EXPECT_EQ(parseSealingKey(kHexKey.substr(2)), std::nullopt);
  EXPECT_EQ(parseSealingKey(std::string(64, 'g')), std::nullopt);
  EXPECT_EQ(parseSealingKey(base64Encode(std::string(16, 'k'))), std::nullopt);
}

TEST(SealedBoxTest, Base64RoundTripsEveryLength) {
  for (size_t n = 0; n < 7; ++n) {
    const std::string bytes(n, '\xfe');
    EXPECT_EQ(base64Decode(base64Encode(bytes)).value_or("?"), bytes) << n;
  }
}

}  // namespace
}  // namespace sluice
