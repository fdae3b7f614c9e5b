// core/text.h: the edit distance behind every "did you mean".
#include "core/text.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(TextTest, EditDistanceCountsASwapOfNeighboursAsOneEdit) {
  EXPECT_EQ(editDistance("email", "email"), 0u);
  EXPECT_EQ(editDistance("emial", "email"), 1u);
  EXPECT_EQ(editDistance("stepz", "steps"), 1u);
  EXPECT_EQ(editDistance("", "abc"), 3u);
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
}

TEST(TextTest, ClosestMatchSuggestsOnlyWhatIsCloseEnoughToBeATypo) {
  const std::vector<std::string> keys = {"name", "trigger", "steps", "filter", "enabled"};
  EXPECT_EQ(closestMatch("filtr", keys), "filter");
  EXPECT_EQ(closestMatch("Steps", keys), "");  // the same word, case aside: not a suggestion
  EXPECT_EQ(closestMatch("trigers", keys), "trigger");
  EXPECT_EQ(closestMatch("schedule", keys), "");
}

TEST(TextTest, DidYouMeanNamesACloseCandidateOrNothing) {
  EXPECT_EQ(didYouMean("agnecy", {"agency", "stripe"}), " (did you mean 'agency'?)");
  EXPECT_EQ(didYouMean("zzz", {"agency", "stripe"}), "");
}

TEST(TextTest, HexDecodeTakesEitherCaseAndRefusesWhatIsNotWholeBytesOfHex) {
  EXPECT_EQ(hexDecode("00ff7Fa0"), std::string("\x00\xff\x7f\xa0", 4));
  EXPECT_EQ(hexDecode(""), std::string());
  EXPECT_EQ(hexDecode("abc"), std::nullopt);  // half a byte
  EXPECT_EQ(hexDecode("0g"), std::nullopt);
  EXPECT_EQ(hexDecode(" 00"), std::nullopt);  // callers trim first
  EXPECT_EQ(hexDigitValue('F'), 15);
  EXPECT_EQ(hexDigitValue('x'), -1);
}

}  // namespace
}  // namespace sluice
