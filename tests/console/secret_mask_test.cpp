// console/secret_mask.h: what the console shows of a payload. Keys that name secrets lose their
// values at any depth, card numbers keep their last four digits, other numbers and ids stay.
#include "console/secret_mask.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "console/html.h"
#include "core/logger.h"

namespace sluice::console {
namespace secret_mask_test {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(SecretMask, KeysThatNameSecretsLoseTheirValuesAtAnyDepth) {
  const std::string shown =
      maskSecrets(R"({"id":"cus_1","access_token":"at-123","nested":{"Authorization":"Bearer x-9",)"
                  R"("list":[{"client_secret":"cs_9"},{"password":"hunter22"}]},"api_key":"sk_1",)"
                  R"("tokenized":false,"email":"a@b.c"})");
  for (const char* secret : {"at-123", "Bearer x-9", "cs_9", "hunter22", "sk_1"})
    EXPECT_THAT(shown, Not(HasSubstr(secret))) << secret;
  EXPECT_THAT(shown, HasSubstr("cus_1"));
  EXPECT_THAT(shown, HasSubstr("a@b.c"));
  EXPECT_THAT(shown, HasSubstr("\"tokenized\": false"));  // a flag is not a secret
}

TEST(SecretMask, CardNumbersKeepTheirLastFourDigitsOtherNumbersStay) {
  const std::string shown =
      maskSecrets(R"({"a":"4242 4242 4242 4242","b":"5555-5555-5555-4444","c":4000056655665556,)"
                  R"("order":"1234567890123456","created":1700000000,"phone":"+1 555 0100"})");
  EXPECT_THAT(shown, HasSubstr("\"a\": \"**** 4242\""));
  EXPECT_THAT(shown, HasSubstr("\"b\": \"**** 4444\""));
  EXPECT_THAT(shown, HasSubstr("\"c\": \"**** 5556\""));
  EXPECT_THAT(shown, HasSubstr("1234567890123456"));  // fails the Luhn check: an id
  EXPECT_THAT(shown, HasSubstr("1700000000"));
  EXPECT_THAT(shown, HasSubstr("+1 555 0100"));
  EXPECT_EQ(maskCardNumbers("card 4242424242424242 declined"), "card **** 4242 declined");
}

TEST(SecretMask, TextThatIsNotJsonIsMaskedToo) {
  Logger::instance().setSecrets({"configured-secret-1"});
  EXPECT_EQ(maskSecrets("HTTP 401 for configured-secret-1 and 4242424242424242"),
            "HTTP 401 for **** and **** 4242");
  Logger::instance().setSecrets({});
}

TEST(Html, EscapeCoversTextAndAttributes) {
  EXPECT_EQ(escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(urlPart("a b/c?d"), "a%20b%2Fc%3Fd");
  const std::string button = postButton("/x", "Go <now>", "tok\"en", "Really \"it\"? </script>");
  EXPECT_THAT(button, HasSubstr("value=\"tok&quot;en\""));
  EXPECT_THAT(button, HasSubstr("Go &lt;now&gt;"));
  EXPECT_THAT(button, Not(HasSubstr("</script>")));
}

}  // namespace secret_mask_test
}  // namespace sluice::console
