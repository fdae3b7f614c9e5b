// state/sealed_token_store.cpp: tokens sealed at rest with settings.token_key, read back with
// it, and a clear error naming the connection without the key or with the wrong one.
#include "state/sealed_token_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "state/state_store.h"
#include "test_support.h"

namespace sluice {
namespace {

using ::testing::HasSubstr;

const std::string kKey(32, 'k');

class SealedTokenStoreTest : public ::testing::Test {
 protected:
  SealedTokenStoreTest() : store_(openStateStore("sqlite:" + dir_.path() + "/state.db")) {}
  std::string errorLoading(SealedTokenStore& tokens) {
    try {
      tokens.loadTokens("agency");
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "(no error)";
  }
  test::TempDir dir_;
  std::unique_ptr<StateStore> store_;
  const OAuthTokens tokens_{"access-secret-1", "refresh-secret-1", 1234};
};

TEST_F(SealedTokenStoreTest, TokensAreSealedInTheStoreAndOpenedWhenRead) {
  SealedTokenStore sealed(*store_, kKey, {"sluice.yaml", 3, 3});
  sealed.saveTokens("agency", tokens_);
  const auto raw = store_->loadTokens("agency");
  ASSERT_TRUE(raw);
  EXPECT_TRUE(SealedBox::isSealed(raw->accessToken));
  EXPECT_TRUE(SealedBox::isSealed(raw->refreshToken));
  EXPECT_EQ(raw->accessToken.find("access-secret"), std::string::npos);
  const auto read = sealed.loadTokens("agency");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->accessToken, "access-secret-1");
  EXPECT_EQ(read->refreshToken, "refresh-secret-1");
  EXPECT_EQ(read->expiresAtMs, 1234);
}

TEST_F(SealedTokenStoreTest, PlainTokensFromBeforeTheKeyAreReadAndSealedOnTheirNextSave) {
  store_->saveTokens("agency", tokens_);
  SealedTokenStore sealed(*store_, kKey, {});
  EXPECT_EQ(sealed.loadTokens("agency")->refreshToken, "refresh-secret-1");
  sealed.saveTokens("agency", tokens_);
  EXPECT_TRUE(SealedBox::isSealed(store_->loadTokens("agency")->refreshToken));
}

TEST_F(SealedTokenStoreTest, AMissingOrWrongKeyNamesTheConnectionAndWhatToDo) {
  SealedTokenStore(*store_, kKey, {}).saveTokens("agency", tokens_);
  SealedTokenStore noKey(*store_, "", {"sluice.yaml", 2, 1});
  const std::string missing = errorLoading(noKey);
  EXPECT_THAT(missing, HasSubstr("sluice.yaml:2:1"));
  EXPECT_THAT(missing, HasSubstr("connection agency"));
  EXPECT_THAT(missing, HasSubstr("token_key is not set"));
  SealedTokenStore wrongKey(*store_, std::string(32, 'w'), {"sluice.yaml", 2, 1});
  const std::string wrong = errorLoading(wrongKey);
  EXPECT_THAT(wrong, HasSubstr("cannot decrypt"));
  EXPECT_THAT(wrong, HasSubstr("sluice connect"));
  EXPECT_EQ(wrong.find("secret-1"), std::string::npos);
}

}  // namespace
}  // namespace sluice
